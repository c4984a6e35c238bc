{#
    One aggregate row per month and organisation of `relation` for every implemented measure whose
    source is `source_name` (measure_definitions()), at the six organisation levels of the publication,
    labelled with group_type, org_code1/2 and org_name1/2 as the NHS file has them. Sub-ICB determines
    ICB and ICB determines region (dim_commissioners), so one ROLLUP over region > ICB > Sub-ICB >
    provider yields England, region, ICB, Sub-ICB and Sub-ICB/provider; the provider level is a second
    grouping. Per measure: <id>__value, <id>__base (rows the value rests on) and, unless a count,
    <id>__sum.
#}
{% macro aggregate_measures(source_name, relation) %}
    select
        reporting_period_start,
        reporting_period_end,
        case
            when grouping(region_code) = 1 then 'England'
            when grouping(icb_code) = 1 then 'CommissioningRegion'
            when grouping(sub_icb_code) = 1 then 'ICB'
            when grouping(org_code_provider) = 1 then 'SubICB'
            else 'SubICB/Provider'
        end as group_type,
        case
            when grouping(region_code) = 1 then 'all'
            when grouping(icb_code) = 1 then region_code
            when grouping(sub_icb_code) = 1 then icb_code
            else sub_icb_code
        end as org_code1,
        case
            when grouping(region_code) = 1 then 'all'
            when grouping(icb_code) = 1 then region_name
            when grouping(sub_icb_code) = 1 then icb_name
            else sub_icb_name
        end as org_name1,
        case when grouping(org_code_provider) = 0 then org_code_provider else 'all' end as org_code2,
        case when grouping(org_code_provider) = 0 then provider_name else 'all' end as org_name2,
        {{ measure_aggregates(source_name) }}
    from {{ relation }}
    group by
        reporting_period_start,
        reporting_period_end,
        rollup (
            (region_code, region_name),
            (icb_code, icb_name),
            (sub_icb_code, sub_icb_name),
            (org_code_provider, provider_name)
        )
    union all
    select
        reporting_period_start,
        reporting_period_end,
        'Provider' as group_type,
        org_code_provider as org_code1,
        provider_name as org_name1,
        'all' as org_code2,
        'all' as org_name2,
        {{ measure_aggregates(source_name) }}
    from {{ relation }}
    group by
        reporting_period_start,
        reporting_period_end,
        org_code_provider,
        provider_name
{% endmacro %}

{# The aggregate expressions of every non-percentage measure of one source. #}
{% macro measure_aggregates(source_name) %}
{%- set source_definitions = measure_definitions() | selectattr('source', 'equalto', source_name) | rejectattr('stat', 'equalto', 'percentage') | list %}
{%- for d in source_definitions %}
{%- if d.stat == 'count' %}
        count(case when {{ d.cond }} then 1 end) as {{ d.id }}__value,
        count(case when {{ d.cond }} then 1 end) as {{ d.id }}__base
{%- else %}
{%- set v = 'case when ' ~ d.cond ~ ' then ' ~ d.value ~ ' end' %}
        {% if d.stat == 'sum' %}{{ 'sum(' ~ v ~ ')' }}{% elif d.stat == 'mean' %}{{ 'avg(' ~ v ~ ')' }}{% elif d.stat == 'median' %}{{ median_of(v) }}{% else %}{{ d.stat ~ '(' ~ v ~ ')' }}{% endif %} as {{ d.id }}__value,
        count({{ v }}) as {{ d.id }}__base,
        sum({{ v }}) as {{ d.id }}__sum
{%- endif %}{{ ',' if not loop.last }}
{%- endfor %}
{% endmacro %}

{#
    A measure's exact value (or, with suffix '__base', what it rests on) from the `wide` CTE of
    int_monthly_measures_exact: counts and sums of nothing are 0, other statistics of nothing null;
    `add` adds another measure's count (M108 = contacts + IET logs).
#}
{% macro exact_value_sql(d, suffix='__value') -%}
    {%- if d.stat in ('count', 'sum') or suffix == '__base' -%}
        coalesce(wide.{{ d.id }}{{ suffix }}, 0){% if d.add %} + coalesce(wide.{{ d.add }}{{ suffix }}, 0){% endif %}
    {%- else -%}
        wide.{{ d.id }}{{ suffix }}
    {%- endif -%}
{%- endmacro %}

{#
    Whether an organisation row of int_monthly_measures_exact's `wide_arrays` CTE carries a measure: a
    quarterly measure in a published quarter's last month, a monthly one where the month has pathways.
    `is_quarterly` is the measure's flag (a column).
#}
{% macro measure_is_present(is_quarterly) -%}
    (
        ({{ is_quarterly }} and wide_arrays.is_quarter_published)
        or (not {{ is_quarterly }} and wide_arrays.has_month_pathways)
    )
{%- endmacro %}
