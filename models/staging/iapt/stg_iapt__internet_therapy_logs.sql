-- v2.0 IDS205 internet enabled therapy logs of in-use submissions (v1.5 has none). Record identity
-- (derivation-rules.md 1.5): provider + ServiceRequestId + start date + programme.
with

logs as (
    {{ in_use_rows(source('landing', 'ids205internettherlog'), '2.0') }}
),

renamed as (
    select
        {{ dbt.concat([
            'org_code_provider', "':'", 'trim(servicerequestid)', "'|'", "coalesce(trim(startdateintenabledtherlog), '')",
            "'|'", "coalesce(trim(intenabledtherprog), '')"
        ]) }} as iet_log_key,
        {{ dbt.concat(['org_code_provider', "':'", 'trim(servicerequestid)']) }} as pathway_key,
        submission_id,
        dataset_version,
        org_code_provider,
        reporting_period_start,
        reporting_period_end,
        {{ parse_submitted_date('startdateintenabledtherlog', '2.0') }} as log_start_date,
        {{ parse_submitted_date('enddateintenabledtherlog', '2.0') }} as log_end_date,
        nullif(trim(intenabledtherprog), '') as iet_programme,
        try_cast(trim(durationintenabledther) as double) as duration_minutes,
        upper(trim(integratedsoftwareind)) as integrated_software_indicator,
        trim(careperslocalid) as care_professional_id
    from logs
)

select * from renamed
