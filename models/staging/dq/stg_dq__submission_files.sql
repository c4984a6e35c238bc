-- One row per table file of each accepted package (landing.submission_files): rows in the file,
-- loaded and rejected.
{{ config(tags=['dq']) }}
with

submission_files as (
    select * from {{ source('landing', 'submission_files') }}
),

final as (
    select
        submission_id,
        table_name,
        source_file,
        rows_in_file,
        rows_loaded,
        rows_rejected
    from submission_files
)

select * from final
