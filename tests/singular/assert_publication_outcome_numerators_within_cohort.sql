-- Line 14d guard: every outcome numerator is a subset of its cohort at every level: not at caseness,
-- improvement, no change, deterioration, recovery and reliable recovery are each at most the finished
-- courses (M076); recovery and reliable recovery at most M076 - M179; improvement + deterioration +
-- no change at most M076; and M076 at most the ended referrals (M056). Returns the rows that break it.
{{ config(tags=['publication']) }}

with

published as (
    select * from {{ ref('monthly_activity') }}
),

wide as (
    select
        reporting_period_start,
        group_type,
        org_code1,
        org_code2,
        max(case when measure_id = 'M056' then measure_value end) as m056,
        max(case when measure_id = 'M076' then measure_value end) as m076,
        max(case when measure_id = 'M179' then measure_value end) as m179,
        max(case when measure_id = 'M185' then measure_value end) as m185,
        max(case when measure_id = 'M187' then measure_value end) as m187,
        max(case when measure_id = 'M189' then measure_value end) as m189,
        max(case when measure_id = 'M191' then measure_value end) as m191,
        max(case when measure_id = 'M193' then measure_value end) as m193
    from published
    group by reporting_period_start, group_type, org_code1, org_code2
)

select * from wide
where
    m076 > m056
    or m179 > m076 or m185 > m076 or m187 > m076 or m189 > m076
    or m191 > m076 - m179 or m193 > m076 - m179 or m193 > m191
    or m185 + m187 + m189 > m076
