-- VODIM: valid, other, default, invalid and missing counts and percentages for every data item of every
-- table, per provider, reporting month and submission window (the window's last package), so the primary
-- and the refresh submission are both visible. Items of a table the submission did not send have
-- total_count 0 and null percentages.
with

dq_submissions as (
    select * from {{ ref('dq_submissions') }}
),

rules as (
    select * from {{ ref('dq_item_rules') }}
),

item_counts as (
    select * from {{ ref('stg_dq__item_value_counts') }}
),

measure_ids as (
    select * from {{ ref('dq_measure_ids') }}
),

items_expected as (
    select
        dq_submissions.submission_id,
        dq_submissions.provider_code,
        dq_submissions.reporting_period_start,
        dq_submissions.submission_window,
        dq_submissions.dataset_version,
        dq_submissions.is_in_use,
        rules.table_name,
        rules.item_name,
        rules.item_order,
        rules.check_kind
    from dq_submissions
    inner join rules on dq_submissions.dataset_version = rules.dataset_version
),

counted as (
    select
        items_expected.*,
        coalesce(item_counts.total_count, 0) as total_count,
        coalesce(item_counts.valid_count, 0) as valid_count,
        coalesce(item_counts.other_count, 0) as other_count,
        coalesce(item_counts.default_count, 0) as default_count,
        coalesce(item_counts.invalid_count, 0) as invalid_count,
        coalesce(item_counts.invalid_format_count, 0) as invalid_format_count,
        coalesce(item_counts.missing_count, 0) as missing_count
    from items_expected
    left join item_counts
        on
            items_expected.submission_id = item_counts.submission_id
            and items_expected.table_name = item_counts.table_name
            and items_expected.item_name = item_counts.item_name
),

final as (
    select
        counted.provider_code,
        counted.reporting_period_start,
        counted.submission_window,
        counted.submission_id,
        counted.dataset_version,
        counted.is_in_use,
        counted.table_name,
        counted.item_name,
        counted.item_order,
        counted.check_kind,
        cast(counted.total_count as bigint) as total_count,
        cast(counted.valid_count as bigint) as valid_count,
        cast(counted.other_count as bigint) as other_count,
        cast(counted.default_count as bigint) as default_count,
        cast(counted.invalid_count as bigint) as invalid_count,
        cast(counted.invalid_format_count as bigint) as invalid_format_count,
        cast(counted.missing_count as bigint) as missing_count,
        {% for class in ['valid', 'other', 'default', 'invalid', 'missing'] -%}
            case
                when counted.total_count > 0 then 100.0 * counted.{{ class }}_count / counted.total_count
            end as {{ class }}_pct,
        {% endfor -%}
        measure_ids.dq_measure_id
    from counted
    left join measure_ids
        on
            counted.dataset_version = measure_ids.dataset_version and counted.item_name = measure_ids.item_name
            and counted.table_name = measure_ids.table_name
)

select * from final
