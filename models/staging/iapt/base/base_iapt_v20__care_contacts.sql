-- v2.0 IDS201CareContact rows of in-use submissions, renamed and typed; codes zero-padded.
with

contacts as (
    {{ in_use_rows(source('landing', 'ids201carecontact'), '2.0') }}
),

renamed as (
    select
        submission_id,
        dataset_version,
        org_code_provider,
        reporting_period_start,
        reporting_period_end,
        trim(carecontactid) as care_contact_id,
        trim(servicerequestid) as service_request_id,
        {{ parse_submitted_date('carecontdate', '2.0') }} as care_contact_date,
        nullif(trim(careconttime), '') as care_contact_time,
        upper(trim(plannedcarecontindicator)) as planned_indicator,
        {{ normalise_code('attendordnacode', 1) }} as attend_code,
        {{ normalise_code('apptype', 2) }} as app_type_code,
        {{ normalise_code('consmediumused', 2) }} as cons_medium_code,
        {{ double_to_integer("try_cast(trim(clincontdurofcarecont) as double)") }} as duration_minutes,
        upper(trim(iaptltcserviceind)) as ltc_service_indicator,
        nullif(trim(intenabledtherprog), '') as iet_programme,
        {{ normalise_code('carecontpatientthermode', 1) }} as therapy_mode_code,
        {{ normalise_code('interpreterpresentind', 1) }} as interpreter_code,
        lower(trim(languagecodetreat)) as language_code_treatment,
        {{ normalise_code('psychmed', 2) }} as psychotropic_medication_code,
        upper(trim(orgidcomm)) as org_code_commissioner,
        upper(trim(cancellation)) as cancellation_code,
        {{ double_to_integer("try_cast(trim(numgrouptherparticipants) as double)") }} as group_participants,
        {{ double_to_integer("try_cast(trim(numgrouptherfacilitators) as double)") }} as group_facilitators,
        upper(trim(actloctypecode)) as activity_location_type_code,
        upper(trim(siteidoftreat)) as site_code_of_treatment,
        cast(null as {{ dbt.type_string() }}) as step_intensity_code_v15,
        cast(null as {{ dbt.type_string() }}) as primary_role_code_v15,
        cast(null as {{ dbt.type_string() }}) as face_to_face_code_v15,
        cast(null as {{ dbt.type_string() }}) as employment_status_code_v15,
        cast(null as {{ dbt.type_string() }}) as sick_pay_indicator_v15
    from contacts
)

select * from renamed
