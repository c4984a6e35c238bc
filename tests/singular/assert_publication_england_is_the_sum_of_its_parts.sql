-- Every additive measure (counts and sums) at England equals the sum over providers, over Sub-ICBs,
-- over ICBs and over commissioning regions (unknown commissioners included as their Unknown member),
-- and every Sub-ICB equals the sum of its Sub-ICB/provider rows. Returns the differences.
{{ config(tags=['publication']) }}

with

exact as (
    select * from {{ ref('int_monthly_measures_exact') }}
    where statistic in ('count', 'sum')
),

england as (
    select
        reporting_period_start,
        measure_id,
        measure_value
    from exact
    where group_type = 'England'
),

level_sums as (
    select
        reporting_period_start,
        measure_id,
        group_type,
        sum(measure_value) as summed
    from exact
    where group_type in ('CommissioningRegion', 'ICB', 'SubICB', 'Provider', 'SubICB/Provider')
    group by reporting_period_start, measure_id, group_type
),

national_mismatches as (
    select
        england.reporting_period_start,
        england.measure_id,
        level_sums.group_type,
        england.measure_value as expected,
        level_sums.summed as actual
    from england
    inner join level_sums
        on
            england.reporting_period_start = level_sums.reporting_period_start
            and england.measure_id = level_sums.measure_id
    where england.measure_value != level_sums.summed
),

sub_icb_mismatches as (
    select
        sub_icb.reporting_period_start,
        sub_icb.measure_id,
        'SubICB vs SubICB/Provider ' || sub_icb.org_code1 as group_type,
        sub_icb.measure_value as expected,
        sum(pairs.measure_value) as actual
    from exact as sub_icb
    inner join exact as pairs
        on
            sub_icb.reporting_period_start = pairs.reporting_period_start
            and sub_icb.measure_id = pairs.measure_id
            and sub_icb.org_code1 = pairs.org_code1
            and pairs.group_type = 'SubICB/Provider'
    where sub_icb.group_type = 'SubICB'
    group by sub_icb.reporting_period_start, sub_icb.measure_id, sub_icb.org_code1, sub_icb.measure_value
    having sub_icb.measure_value != sum(pairs.measure_value)
)

select * from national_mismatches
union all
select * from sub_icb_mismatches
