-- Line 14d guard: every published percentage equals its numerator count over its denominator count
-- (minus the subtracted count, e.g. recovery over finished minus not at caseness), from the exact
-- published values at the same month, level and organisation (a component count the catalogue does not
-- name, e.g. M1011's integrated and attended contacts, from int_monthly_measures_exact). Returns the
-- rows that differ.
{{ config(tags=['publication']) }}
{%- set percentages = measure_definitions() | selectattr('stat', 'equalto', 'percentage') | list %}
{%- set components = measure_definitions() | selectattr('component') | map(attribute='id') | list %}

with

published as (
    select * from {{ ref('monthly_activity') }}
),

counted as (
    select
        reporting_period_start,
        group_type,
        org_code1,
        org_code2,
        measure_id,
        measure_value
    from published
    union all
    select
        reporting_period_start,
        group_type,
        org_code1,
        org_code2,
        measure_id,
        measure_value
    from {{ ref('int_monthly_measures_exact') }}
    where measure_id in (
        {% for id in components %}'{{ id }}'{{ ', ' if not loop.last }}
        {% endfor %}
    )
),

checked as (
    {%- for d in percentages %}
        select
            pct.reporting_period_start,
            pct.group_type,
            pct.org_code1,
            pct.org_code2,
            pct.measure_id,
            pct.measure_value,
            num.measure_value as numerator,
            den.measure_value{{ ' - sub.measure_value' if d.den_minus }} as denominator
        from published as pct
        inner join counted as num
            on
                pct.reporting_period_start = num.reporting_period_start and pct.group_type = num.group_type
                and pct.org_code1 = num.org_code1 and pct.org_code2 = num.org_code2 and num.measure_id = '{{ d.num }}'
        inner join counted as den
            on
                pct.reporting_period_start = den.reporting_period_start and pct.group_type = den.group_type
                and pct.org_code1 = den.org_code1 and pct.org_code2 = den.org_code2 and den.measure_id = '{{ d.den }}'
        {%- if d.den_minus %}
            inner join counted as sub
                on
                    pct.reporting_period_start = sub.reporting_period_start and pct.group_type = sub.group_type
                    and pct.org_code1 = sub.org_code1
                    and pct.org_code2 = sub.org_code2
                    and sub.measure_id = '{{ d.den_minus }}'
        {%- endif %}
        where pct.measure_id = '{{ d.id }}'
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
)

select * from checked
where
    (denominator = 0 and measure_value is not null)
    or (denominator > 0 and (measure_value is null or abs(measure_value - numerator * 100.0 / denominator) > 1e-9))
