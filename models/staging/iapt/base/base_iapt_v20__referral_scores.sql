-- v2.0 IDS606 coded scored assessments recorded against the referral, dated AssToolCompDate.
with

scores as (
    {{ in_use_rows(source('landing', 'ids606codedscoreassessmentrefer'), '2.0') }}
),

renamed as (
    select
        submission_id,
        dataset_version,
        org_code_provider,
        reporting_period_start,
        reporting_period_end,
        'IDS606' as source_table,
        {{ dbt.concat([
            'trim(servicerequestid)', "'|'", 'trim(codedasstooltype)', "'|'",
            "coalesce(trim(asstoolcompdate), '')", "'|'", "coalesce(trim(asstoolcomptime), '')"
        ]) }} as record_id,
        trim(servicerequestid) as service_request_id,
        trim(codedasstooltype) as tool_code,
        try_cast(trim(persscore) as double) as score,
        {{ parse_submitted_date('asstoolcompdate', '2.0') }} as score_date,
        nullif(trim(asstoolcomptime), '') as score_time
    from scores
)

select * from renamed
