-- Line 14d guard: every outcome numerator is a subset of its cohort at every level: not at caseness,
-- improvement, no change, deterioration, recovery and reliable recovery are each at most the finished
-- courses (M076); recovery and reliable recovery at most M076 - M179; improvement + deterioration +
-- no change at most M076; and M076 at most the ended referrals (M056). Integrated (LTC) courses: the
-- integrated (M273) and core-only (M274) finishers partition M076; their caseness, not-caseness and
-- recovery counts (M275-M277, M283-M285; PPS M279-M281) stay within their cohort, recovery within
-- cohort minus not at caseness, and the two halves add up to M179 and M191; moved off sick pay (M237)
-- is at most M076. Returns the rows that break it.
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
        max(case when measure_id = 'M193' then measure_value end) as m193,
        max(case when measure_id = 'M237' then measure_value end) as m237,
        max(case when measure_id = 'M273' then measure_value end) as m273,
        max(case when measure_id = 'M274' then measure_value end) as m274,
        max(case when measure_id = 'M275' then measure_value end) as m275,
        max(case when measure_id = 'M276' then measure_value end) as m276,
        max(case when measure_id = 'M277' then measure_value end) as m277,
        max(case when measure_id = 'M279' then measure_value end) as m279,
        max(case when measure_id = 'M280' then measure_value end) as m280,
        max(case when measure_id = 'M281' then measure_value end) as m281,
        max(case when measure_id = 'M283' then measure_value end) as m283,
        max(case when measure_id = 'M284' then measure_value end) as m284,
        max(case when measure_id = 'M285' then measure_value end) as m285
    from published
    group by reporting_period_start, group_type, org_code1, org_code2
)

select * from wide
where
    m076 > m056
    or m179 > m076 or m185 > m076 or m187 > m076 or m189 > m076
    or m191 > m076 - m179 or m193 > m076 - m179 or m193 > m191
    or m185 + m187 + m189 > m076
    or m237 > m076
    or m273 + m274 != m076
    or m275 + m276 > m273 or m277 > m273 - m276
    or m279 + m280 > m273 or m281 > m273 - m280
    or m283 + m284 > m274 or m285 > m274 - m284
    or m276 + m284 != m179 or m277 + m285 != m191
