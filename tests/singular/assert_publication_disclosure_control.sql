-- No published figure below England breaks the disclosure rules (derivation-rules.md 6): counts are
-- '*' (exact value under 5) or a multiple of 5 not under 5 and within 2.5 of the exact value;
-- percentages are '*' (numerator or denominator under 5) or a whole number; means and medians are '*'
-- (fewer than 5 pathways) or have one decimal place. England counts are exact. Returns offending rows.
{{ config(tags=['publication']) }}

with

published as (
    select * from {{ ref('monthly_activity') }}
),

exact as (
    select * from {{ ref('int_monthly_measures_exact') }}
),

joined as (
    select
        published.*,
        exact.statistic,
        exact.numerator,
        exact.denominator,
        exact.base_count
    from published
    inner join exact
        on
            published.reporting_period_start = exact.reporting_period_start
            and published.group_type = exact.group_type
            and published.org_code1 = exact.org_code1
            and published.org_code2 = exact.org_code2
            and published.measure_id = exact.measure_id
)

select * from joined -- noqa: AM04
where
    (
        group_type = 'England' and statistic in ('count', 'sum')
        and measure_value_suppressed != cast(cast(measure_value as bigint) as {{ dbt.type_string() }})
    )
    or (
        group_type != 'England' and statistic in ('count', 'sum')
        and (
            (measure_value < 5 and measure_value_suppressed != '*')
            or (measure_value >= 5 and (
                measure_value_suppressed = '*'
                or cast(measure_value_suppressed as bigint) % 5 != 0
                or cast(measure_value_suppressed as bigint) < 5
                or abs(cast(measure_value_suppressed as bigint) - measure_value) > 2.5
            ))
        )
    )
    or (
        group_type != 'England' and statistic = 'percentage'
        and (
            ((numerator < 5 or denominator < 5) and measure_value_suppressed != '*')
            or (
                numerator >= 5 and denominator >= 5
                and not {{ regexp_full_match('measure_value_suppressed', "'[0-9]+'") }}
            )
        )
    )
    or (
        group_type != 'England' and statistic in ('mean', 'median', 'max', 'min')
        and (
            (base_count < 5 and measure_value_suppressed != '*')
            or (
                base_count >= 5
                and measure_value is not null
                and not {{ regexp_full_match('measure_value_suppressed', "'-?[0-9]+[.][0-9]'") }}
            )
        )
    )
