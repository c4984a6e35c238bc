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

known_at_month as (
    select
        pathways.pathway_key,
        pathways.reporting_period_start,
        employment.recorded_date,
        employment.statutory_sick_pay_indicator,
        row_number() over (
            partition by pathways.pathway_key, pathways.reporting_period_start, employment.recorded_date
            order by employment.reporting_period_start desc, employment.statutory_sick_pay_indicator asc
        ) as version_rank
    from pathways
    inner join employment
        on
            pathways.patient_key = employment.patient_key
            and pathways.reporting_period_start >= employment.reporting_period_start
            and employment.recorded_date between pathways.activity_range_start and pathways.activity_range_end
),

ordered as (
    select
        pathway_key,
        reporting_period_start,
        statutory_sick_pay_indicator,
        row_number() over (partition by pathway_key, reporting_period_start order by recorded_date)
            as position_from_first,
        row_number() over (partition by pathway_key, reporting_period_start order by recorded_date desc)
            as position_from_last,
        count(*) over (partition by pathway_key, reporting_period_start) as record_count
    from known_at_month
    where version_rank = 1
),

first_last as (
    select
        pathway_key,
        reporting_period_start,
        max(case when position_from_first = 1 then statutory_sick_pay_indicator end) as sick_pay_first_indicator,
        max(case when position_from_last = 1 and record_count >= 2 then statutory_sick_pay_indicator end)
            as sick_pay_last_indicator
    from ordered
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
