-- Rows the loader rejected (duplicate keys, orphans, bad dates, missing required items...) per provider,
-- reporting month, submission window, table, rule and item, with the share of the table's rows in the file.
with

dq_submissions as (
    select * from {{ ref('dq_submissions') }}
),

rejected as (
    select * from {{ ref('stg_dq__rejected_rows') }}
),

files as (
    select * from {{ ref('stg_dq__submission_files') }}
),

final as (
    select
        dq_submissions.provider_code,
        dq_submissions.reporting_period_start,
        dq_submissions.submission_window,
        dq_submissions.submission_id,
        dq_submissions.is_in_use,
        rejected.table_name,
        rejected.rule,
        rejected.item_names,
        cast(rejected.rows_rejected as bigint) as rows_rejected,
        case
            when files.rows_in_file > 0 then 100.0 * rejected.rows_rejected / files.rows_in_file
        end as rejected_pct
    from rejected
    inner join dq_submissions on rejected.submission_id = dq_submissions.submission_id
    left join files on rejected.submission_id = files.submission_id and rejected.table_name = files.table_name
)

select * from final
