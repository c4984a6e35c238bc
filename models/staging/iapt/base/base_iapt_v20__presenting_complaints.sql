-- v2.0 IDS603 presenting complaints of in-use submissions. ICD-10 codes are compared without the dot
-- (derivation-rules.md 3.4): 'F41.1' and 'f411' both become 'F411'.
with

complaints as (
    {{ in_use_rows(source('landing', 'ids603presentingcomplaints'), '2.0') }}
),

renamed as (
    select
        submission_id,
        dataset_version,
        org_code_provider,
        reporting_period_start,
        reporting_period_end,
        trim(servicerequestid) as service_request_id,
        upper(replace(trim(prescomp), '.', '')) as presenting_complaint_code,
        {{ normalise_code('findschemeinuse', 2) }} as find_scheme_code,
        upper(trim(prescompcodsig)) as code_significance,
        {{ parse_submitted_date('prescompdate', '2.0') }} as presenting_complaint_date,
        {{ dbt.concat([
            'trim(servicerequestid)', "'|'", "coalesce(trim(prescomp), '')", "'|'",
            "coalesce(trim(prescompcodsig), '')", "'|'", "coalesce(trim(prescompdate), '')"
        ]) }} as record_id
    from complaints
)

select * from renamed
