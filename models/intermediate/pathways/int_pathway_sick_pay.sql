-- Statutory Sick Pay per pathway and month (I101D17/18 `SickpayIndicator_First` / `_Last`, named rule
-- "sick_pay_first_last"): the patient's employment status records (IDS004) known at M (rule 1.5: from
-- the in-use submissions of months up to M; a record is the patient's status on one recorded date,
-- and the latest month's version of it wins) dated from the referral date to the discharge date (or
-- end(M) while open) with an SSPInd. First = the earliest such record, last = the latest; on one date
-- the later-submitted version wins. As with scores (rule 3.3), the last indicator is only set when the
-- pathway has at least two dated records. Moved off sick pay (M237) = first received, last not.
with

pathways as (
    select * from {{ ref('int_pathways_scoped_to_month') }}
    where {{ incremental_months('reporting_period_start') }}
),

employment as (
    select * from {{ ref('stg_iapt__employment_statuses') }}
    where statutory_sick_pay_indicator is not null and recorded_date is not null
),

-- one record per pathway, month and recorded date: the indicator of its latest version up to M (then
-- the smallest indicator). Aggregates, not ranking windows (rule sick_pay_by_aggregates): the dates are
-- distinct after this step, so the first and last records are the smallest and largest date's.
known_at_month as (
    select
        pathways.pathway_key,
        pathways.reporting_period_start,
        employment.recorded_date,
        {{ arg_min_by('employment.statutory_sick_pay_indicator', [
            "-" ~ dbt.datediff("cast('1900-01-01' as date)", 'employment.reporting_period_start', 'day'),
            'employment.statutory_sick_pay_indicator'
        ]) }} as statutory_sick_pay_indicator
    from pathways
    inner join employment
        on
            pathways.patient_key = employment.patient_key
            and pathways.reporting_period_start >= employment.reporting_period_start
            and employment.recorded_date between pathways.activity_range_start and pathways.activity_range_end
    group by pathways.pathway_key, pathways.reporting_period_start, employment.recorded_date
),

first_last as (
    select
        pathway_key,
        reporting_period_start,
        {{ arg_min_by('statutory_sick_pay_indicator', ['recorded_date']) }} as sick_pay_first_indicator,
        case
            when count(*) >= 2 then {{ arg_max_by('statutory_sick_pay_indicator', ['recorded_date']) }}
        end as sick_pay_last_indicator
    from known_at_month
    group by pathway_key, reporting_period_start
),

final as (
    select
        pathway_key,
        reporting_period_start,
        sick_pay_first_indicator,
        sick_pay_last_indicator,
        coalesce(
            sick_pay_first_indicator = '{{ var("statutory_sick_pay_received") }}'
            and sick_pay_last_indicator = '{{ var("statutory_sick_pay_not_received") }}',
            false
        ) as has_moved_off_sick_pay
    from first_last
)

select * from final
