-- v2.0 IDS902 care professional qualifications of in-use submissions (staff, not patients).
with

source_rows as (
    {{ in_use_rows(source('landing', 'ids902carepersqual'), '2.0') }}
),

renamed as (
    select
        submission_id,
        dataset_version,
        org_code_provider,
        reporting_period_start,
        reporting_period_end,
        trim(careperslocalid) as care_professional_id,
        {{ normalise_code('qualattainleveliapt', 2) }} as qualification_code,
        {{ parse_submitted_date('qualawardeddate', '2.0') }} as awarded_date,
        {{ parse_submitted_date('qualplannedcompletiondate', '2.0') }} as planned_completion_date
    from source_rows
)

select * from renamed
