-- Rejected rows counted per submission, table, rule and item (landing.rejections), for every loaded
-- submission. The offending value is not selected: it can be a direct identifier (an orphan's local
-- patient id), and the count is what data quality reports.
{{ config(tags=['dq']) }}
with

rejections as (
    select * from {{ source('landing', 'rejections') }}
),

counted as (
    select
        submission_id,
        table_name,
        item as item_names,
        rule,
        count(*) as rows_rejected
    from rejections
    where source_file is not null
    group by submission_id, table_name, item, rule
)

select * from counted
