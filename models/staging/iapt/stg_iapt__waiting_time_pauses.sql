-- v2.0 IDS108 waiting time pauses of in-use submissions.
with

source_rows as (
    {{ in_use_rows(source('landing', 'ids108waitingtimepauses'), '2.0') }}
),

renamed as (
    select
        {{ dbt.concat(['org_code_provider', "':'", 'trim(servicerequestid)']) }} as pathway_key,
        submission_id,
        dataset_version,
        org_code_provider,
        reporting_period_start,
        reporting_period_end,
        trim(pauseid) as pause_id,
        {{ parse_submitted_date('pausestartdate', '2.0') }} as pause_start_date,
        {{ parse_submitted_date('pauseenddate', '2.0') }} as pause_end_date,
        upper(trim(pausereason)) as pause_reason_code
    from source_rows
)

select * from renamed
