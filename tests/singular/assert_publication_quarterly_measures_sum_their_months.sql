-- Quarterly measures (frequency 'quarterly' in measure_definitions) appear only in the last month of a
-- financial quarter, and there add up their quarter's months: at every level and organisation the
-- quarter's finished courses (M1012_finished) equal the sum of the monthly M076 and those with an
-- integrated contact (M1012_integrated) the sum of the monthly M273 over the quarter's three months.
-- Returns the offending rows.
{{ config(tags=['publication']) }}
{%- set quarterly = measure_definitions() | selectattr('frequency', 'equalto', 'quarterly')
    | map(attribute='id') | list %}

with

exact as (
    select * from {{ ref('int_monthly_measures_exact') }}
),

calendar as (
    select * from {{ ref('dim_calendar_months') }}
),

outside_quarter_end as (
    select
        exact.reporting_period_start,
        exact.group_type,
        exact.org_code1,
        exact.org_code2,
        exact.measure_id,
        exact.measure_value,
        cast(null as double) as summed_months
    from exact
    inner join calendar
        on exact.reporting_period_start = calendar.month_start
    where
        exact.measure_id in (
            {% for id in quarterly %}'{{ id }}'{{ ', ' if not loop.last }}
            {% endfor %}
        )
        and calendar.month_end != calendar.financial_quarter_end
),

monthly_sums as (
    select
        quarter_ends.month_start as reporting_period_start,
        exact.group_type,
        exact.org_code1,
        exact.org_code2,
        case exact.measure_id
            when 'M076' then 'M1012_finished'
            else 'M1012_integrated'
        end as measure_id,
        sum(exact.measure_value) as summed_months
    from exact
    inner join calendar
        on exact.reporting_period_start = calendar.month_start
    inner join calendar as quarter_ends
        on calendar.financial_quarter_end = quarter_ends.month_end
    where exact.measure_id in ('M076', 'M273')
    group by 1, 2, 3, 4, 5
),

mismatched as (
    select
        exact.reporting_period_start,
        exact.group_type,
        exact.org_code1,
        exact.org_code2,
        exact.measure_id,
        exact.measure_value,
        monthly_sums.summed_months
    from exact
    left join monthly_sums
        on
            exact.reporting_period_start = monthly_sums.reporting_period_start
            and exact.group_type = monthly_sums.group_type
            and exact.org_code1 = monthly_sums.org_code1
            and exact.org_code2 = monthly_sums.org_code2
            and exact.measure_id = monthly_sums.measure_id
    where
        exact.measure_id in ('M1012_finished', 'M1012_integrated')
        and (monthly_sums.summed_months is null or exact.measure_value != monthly_sums.summed_months)
)

select * from outside_quarter_end
union all
select * from mismatched
