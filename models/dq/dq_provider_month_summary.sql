-- The reviewer's starting point: one row per provider and reporting month in which the provider was
-- expected to submit (it submitted in that month or any of the 11 before, the NHS organisation submission
-- denominator), submitted or not, with the in-use submission's row accounting, its worst items, the
-- continuity measures, a status and a reason a provider can act on, and the published measures whose
-- inputs include an item below target.
with

submissions as (
    select * from {{ ref('stg_iapt__submissions') }}
),

providers as (
    select * from {{ ref('ref_providers') }}
),

item_validity as (
    select * from {{ ref('dq_item_validity') }}
),

table_submission as (
    select * from {{ ref('dq_table_submission') }}
),

continuity as (
    select * from {{ ref('dq_pathway_continuity') }}
),

person_id_validity as (
    select * from {{ ref('dq_person_id_validity') }}
),

measure_inputs as (
    select * from {{ ref('dq_measure_item_inputs') }}
),

loaded as (
    select * from submissions
    where status <> 'rejected'
),

bounds as (
    select
        min(reporting_period_start) as first_month,
        max(reporting_period_start) as last_month
    from loaded
),

months as (
    {{ month_series('bounds.first_month', 'bounds.last_month', 'bounds') }}
),

expected as (
    select distinct
        loaded.org_code_provider as provider_code,
        months.month_start as reporting_period_start
    from months
    inner join loaded
        on
            months.month_start >= loaded.reporting_period_start
            and loaded.reporting_period_start > cast({{ dbt.dateadd('month', -12, 'months.month_start') }} as date)
),

in_use as (
    select * from submissions
    where is_in_use
),

items_in_use as (
    select * from item_validity
    where is_in_use and total_count > 0
),

item_summary as (
    select
        provider_code,
        reporting_period_start,
        count(*) as items_checked,
        sum(case when valid_pct < {{ var('dq_item_valid_target_pct') }} then 1 else 0 end) as items_below_target,
        -- ties (same share valid, same position in two tables) go to the first item name, so the result
        -- does not depend on the order rows were loaded in
        {{ arg_min_by(
            "table_name || '.' || item_name", ['valid_pct', 'item_order', "table_name || '.' || item_name"]
        ) }} as worst_item,
        min(valid_pct) as worst_item_valid_pct,
        sum(case when invalid_count > 0 then 1 else 0 end) as items_with_invalid,
        {{ arg_max_by(
            "table_name || '.' || item_name", ['invalid_pct', '-item_order', "table_name || '.' || item_name"]
        ) }} as worst_invalid_item,
        max(invalid_pct) as worst_invalid_pct
    from items_in_use
    group by provider_code, reporting_period_start
),

affected as (
    select
        items_in_use.provider_code,
        items_in_use.reporting_period_start,
        {{ sorted_distinct_list('measure_inputs.measure_id', ',') }} as measure_ids
    from items_in_use
    inner join measure_inputs
        on
            items_in_use.dataset_version = measure_inputs.dataset_version
            and items_in_use.table_name = measure_inputs.table_name
            and items_in_use.item_name = measure_inputs.item_name
    where items_in_use.valid_pct < {{ var('dq_item_valid_target_pct') }}
    group by items_in_use.provider_code, items_in_use.reporting_period_start
),

tables_summary as (
    select
        provider_code,
        reporting_period_start,
        sum(case when has_valid_records then 1 else 0 end) as tables_submitted
    from table_submission
    where is_in_use
    group by provider_code, reporting_period_start
),

person_ids as (
    select * from person_id_validity
    where is_in_use
),

joined as (
    select
        expected.provider_code,
        providers.org_name as provider_name,
        expected.reporting_period_start,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'expected.reporting_period_start')) }} as date)
            as reporting_period_end,
        in_use.submission_id is not null as submitted,
        in_use.submission_window as submission_window_in_use,
        in_use.submission_id as submission_id_in_use,
        cast(coalesce(tables_summary.tables_submitted, 0) as integer) as tables_submitted,
        cast(coalesce(in_use.rows_loaded, 0) as bigint) as rows_loaded,
        cast(coalesce(in_use.rows_rejected, 0) as bigint) as rows_rejected,
        cast(coalesce(item_summary.items_checked, 0) as integer) as items_checked,
        cast(coalesce(item_summary.items_below_target, 0) as integer) as items_below_target,
        item_summary.worst_item,
        item_summary.worst_item_valid_pct,
        cast(coalesce(item_summary.items_with_invalid, 0) as integer) as items_with_invalid,
        item_summary.worst_invalid_item,
        item_summary.worst_invalid_pct,
        continuity.pathway_continuity_pct,
        continuity.org_code_continuity_pct,
        continuity.person_id_continuity_pct,
        person_ids.valid_pct as person_id_valid_pct,
        coalesce(affected.measure_ids, '') as affected_measure_ids
    from expected
    left join providers on expected.provider_code = providers.org_code
    left join in_use
        on
            expected.provider_code = in_use.org_code_provider
            and expected.reporting_period_start = in_use.reporting_period_start
    left join tables_summary
        on
            expected.provider_code = tables_summary.provider_code
            and expected.reporting_period_start = tables_summary.reporting_period_start
    left join item_summary
        on
            expected.provider_code = item_summary.provider_code
            and expected.reporting_period_start = item_summary.reporting_period_start
    left join continuity
        on
            expected.provider_code = continuity.provider_code
            and expected.reporting_period_start = continuity.reporting_period_start
    left join person_ids
        on
            expected.provider_code = person_ids.provider_code
            and expected.reporting_period_start = person_ids.reporting_period_start
    left join affected
        on
            expected.provider_code = affected.provider_code
            and expected.reporting_period_start = affected.reporting_period_start
),

final as (
    select
        *,
        case
            when not submitted then 'error'
            when worst_invalid_pct >= {{ var('dq_item_invalid_error_pct') }} then 'error'
            when pathway_continuity_pct < {{ var('dq_continuity_error_pct') }} then 'error'
            when items_with_invalid > 0 or rows_rejected > 0 then 'warn'
            when pathway_continuity_pct < {{ var('dq_continuity_warn_pct') }} then 'warn'
            else 'good'
        end as dq_status,
        case
            when not submitted then 'No submission was received for this month: submit it (primary or refresh window).'
            when worst_invalid_pct >= {{ var('dq_item_invalid_error_pct') }}
                then
                    round(worst_invalid_pct, 1) || '% of ' || worst_invalid_item
                    || ' values are invalid: check how the system records it (see dq_item_validity).'
            when pathway_continuity_pct < {{ var('dq_continuity_error_pct') }}
                then
                    'Open referrals from last month are missing: resubmit every open referral each month '
                    || '(see dq_pathway_continuity).'
            when items_with_invalid > 0
                then
                    items_with_invalid || ' item(s) hold invalid values, worst ' || worst_invalid_item
                    || ' (' || round(worst_invalid_pct, 2) || '%); fix the records (see dq_item_validity).'
            when rows_rejected > 0
                then rows_rejected || ' row(s) rejected on load: fix and resubmit (see dq_rejected_rows).'
            when pathway_continuity_pct < {{ var('dq_continuity_warn_pct') }}
                then 'Some open referrals from last month are missing (see dq_pathway_continuity).'
            else 'No issue found.'
        end as status_reason
    from joined
)

select
    provider_code,
    provider_name,
    reporting_period_start,
    reporting_period_end,
    submitted,
    submission_window_in_use,
    submission_id_in_use,
    tables_submitted,
    rows_loaded,
    rows_rejected,
    items_checked,
    items_below_target,
    worst_item,
    worst_item_valid_pct,
    items_with_invalid,
    worst_invalid_item,
    worst_invalid_pct,
    pathway_continuity_pct,
    org_code_continuity_pct,
    person_id_continuity_pct,
    person_id_valid_pct,
    dq_status,
    status_reason,
    affected_measure_ids
from final
