-- The NHS monthly activity file: every implemented measure at England, commissioning region, ICB,
-- Sub-ICB, provider and Sub-ICB/provider level, with the exact value and the value that may be
-- published under the disclosure rules of derivation-rules.md section 6 (macro publishable_value in
-- macros/publication/disclosure.sql): England counts exact and the rest to 1 decimal place; below
-- England counts under 5 '*' and otherwise rounded to 5, percentages '*' when the numerator or
-- denominator is under 5 and otherwise whole, means and medians '*' when they rest on fewer than 5.
-- Rounding is half away from zero in exact integer arithmetic. A percentage with a zero denominator is
-- null: empty at England, '*' below (its denominator is under 5).
with

measures as (
    select * from {{ ref('int_monthly_measures_exact') }}
    where {{ incremental_months('reporting_period_start') }}
),

catalogue as (
    select * from {{ ref('ref_measure_catalogue') }}
),

suppressed as (
    select
        measures.reporting_period_start,
        measures.reporting_period_end,
        measures.group_type,
        measures.org_code1,
        measures.org_name1,
        measures.org_code2,
        measures.org_name2,
        measures.measure_id,
        catalogue.measure_name,
        measures.measure_value,
        {{ publishable_value(
            "measures.group_type = 'England'", 'measures.statistic', 'measures.measure_value',
            'measures.numerator', 'measures.denominator', 'measures.base_count'
        ) }} as measure_value_suppressed
    from measures
    inner join catalogue
        on measures.measure_id = catalogue.measure_id
)

select * from suppressed
