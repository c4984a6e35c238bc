-- v2.0 IDS202 care activities of in-use submissions: the therapy (SNOMED CodeProcAndProcStatus) given
-- at a care contact. CarePersLocalId is a staff id, not a patient identifier.
with

activities as (
    {{ in_use_rows(source('landing', 'ids202careactivity'), '2.0') }}
),

renamed as (
    select
        submission_id,
        dataset_version,
        org_code_provider,
        reporting_period_start,
        reporting_period_end,
        trim(careactid) as care_activity_id,
        trim(carecontactid) as care_contact_id,
        trim(careperslocalid) as care_professional_id,
        trim(codeprocandprocstatus) as therapy_code,
        {{ double_to_integer("try_cast(trim(clincontactdurofcareact) as double)") }} as duration_minutes,
        {{ normalise_code('findschemeinuse', 2) }} as find_scheme_code,
        trim(codefind) as finding_code,
        trim(codeobs) as observation_code,
        trim(obsvalue) as observation_value,
        trim(unitmeasure) as observation_unit
    from activities
)

select * from renamed
