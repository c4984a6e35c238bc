-- Every loaded submission with its status; a table, not incremental: a later package can change an
-- earlier submission's status (a refresh supersedes the primary), so it is rebuilt whole (it is small).
{{ config(materialized='table') }}

with

submissions as (
    select * from {{ source('landing', 'submissions') }}
),

final as (
    select
        submission_id,
        org_code_provider,
        reporting_period_start,
        reporting_period_end,
        dataset_version,
        submission_window,
        status,
        created_at,
        rows_submitted,
        rows_loaded,
        rows_rejected,
        load_seq,
        status = 'in_use' as is_in_use
    from submissions
)

select * from final
