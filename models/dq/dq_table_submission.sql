-- Table submission (NHS DQ measure): per provider, reporting month, submission window and table of the
-- submission's data-set version, the rows in the file, loaded and rejected, and whether valid records
-- were submitted (at least one row loaded).
with

dq_submissions as (
    select * from {{ ref('dq_submissions') }}
),

rules as (
    select * from {{ ref('dq_item_rules') }}
),

files as (
    select * from {{ ref('stg_dq__submission_files') }}
),

tables_expected as (
    select distinct
        dq_submissions.provider_code,
        dq_submissions.reporting_period_start,
        dq_submissions.submission_window,
        dq_submissions.submission_id,
        dq_submissions.dataset_version,
        dq_submissions.is_in_use,
        rules.table_name
    from dq_submissions
    inner join rules on dq_submissions.dataset_version = rules.dataset_version
),

final as (
    select
        tables_expected.*,
        cast(coalesce(files.rows_in_file, 0) as bigint) as rows_in_file,
        cast(coalesce(files.rows_loaded, 0) as bigint) as rows_loaded,
        cast(coalesce(files.rows_rejected, 0) as bigint) as rows_rejected,
        coalesce(files.rows_loaded, 0) > 0 as has_valid_records
    from tables_expected
    left join files
        on tables_expected.submission_id = files.submission_id and tables_expected.table_name = files.table_name
)

select * from final
