-- v2.0 IDS602 long-term physical health conditions of in-use submissions.
with

source_rows as (
    {{ in_use_rows(source('landing', 'ids602longtermcondition'), '2.0') }}
),

renamed as (
    select
        {{ dbt.concat(['org_code_provider', "':'", 'trim(servicerequestid)']) }} as pathway_key,
        submission_id,
        dataset_version,
        org_code_provider,
        reporting_period_start,
        reporting_period_end,
        {{ normalise_code('findschemeinuse', 2) }} as find_scheme_code,
        trim(longtermcondition) as long_term_condition_code
    from source_rows
)

select * from renamed
