{{ config(month_column='quarter_start', month_grain='quarter') }}
-- Quarterly breakdowns of the headline measures by the catalogue's variables (V001-V014; see
-- int_monthly_breakdown_counts) at England, provider and Sub-ICB level, exact and
-- under the same disclosure control as the monthly file. Counts are the measures' monthly conditions
-- (macros/publication/measure_definitions.sql) counted per month and summed over the quarter's months;
-- percentages come from the quarter's exact counts.
{% set definitions = measure_definitions() %}
{% set counts = quarterly_breakdown_counts() %}
{% set count_definitions = definitions | selectattr('id', 'in', counts) | list %}
{% set percentage_definitions = definitions | selectattr('id', 'in', quarterly_breakdown_percentages()) | list %}

with

monthly_counts as (
    select * from {{ ref('int_monthly_breakdown_counts') }}
    where {{ incremental_months('quarter_start', 'quarter') }}
),

catalogue as (
    select * from {{ ref('ref_measure_catalogue') }}
),

-- variable names as the catalogue's "Variable Type"
variables as (
    {% for variable_id, name in [
        ('V001', 'Age Group'), ('V002', 'BME Group'), ('V003', 'Disability'), ('V004', 'Education'),
        ('V005', 'Ethnic Group'), ('V006', 'Ex British Armed Forces and Dependants'), ('V007', 'Gender'),
        ('V008', 'IETprogramme'), ('V009', 'LongTermCondition'), ('V010', 'Problem Descriptor'),
        ('V011', 'Psychotropic Medication Status'), ('V012', 'Religion'),
        ('V013', 'Sexual Orientation'), ('V014', 'Working Age')
    ] %}
    select
        '{{ variable_id }}' as variable_id,
        '{{ name }}' as variable_name
    {% if not loop.last %}
    union all
    {% endif %}
    {% endfor %}
),

-- the finest grain: every count is additive, so the quarter's is the sum of its months' and each level
-- is a sum of these rows
finest as (
    select
        quarter_start,
        quarter_end,
        org_code_provider,
        provider_name,
        sub_icb_code,
        sub_icb_name,
        variable_id,
        category,
        {% for d in count_definitions %}
        cast(sum({{ d.id }}) as bigint) as {{ d.id }},
        {% endfor %}
        cast(sum(pathway_rows) as bigint) as pathway_rows
    from monthly_counts
    group by
        quarter_start, quarter_end, org_code_provider, provider_name, sub_icb_code, sub_icb_name, variable_id, category
),

levels as (
    {% for group_type, code, name in [
        ('England', "'all'", "'all'"), ('Provider', 'org_code_provider', 'provider_name'),
        ('SubICB', 'sub_icb_code', 'sub_icb_name')
    ] %}
    select
        quarter_start,
        quarter_end,
        '{{ group_type }}' as group_type,
        {{ code }} as org_code,
        {{ name }} as org_name,
        variable_id,
        category,
        {% for id in counts %}
        sum({{ id }}) as {{ id }},
        {% endfor %}
        sum(pathway_rows) as pathway_rows
    from finest
    group by quarter_start, quarter_end, {{ code }}, {{ name }}, variable_id, category
    {% if not loop.last %}
    union all
    {% endif %}
    {% endfor %}
),

measure_list as (
    {% for d in count_definitions + percentage_definitions %}
    select
        '{{ d.id }}' as measure_id,
        '{{ d.stat }}' as statistic
    {% if not loop.last %}
    union all
    {% endif %}
    {% endfor %}
),

exact as (
    select
        levels.quarter_start,
        levels.quarter_end,
        levels.group_type,
        levels.org_code,
        levels.org_name,
        levels.variable_id,
        levels.category,
        measure_list.measure_id,
        measure_list.statistic,
        case measure_list.measure_id
            {% for d in percentage_definitions %}
            when '{{ d.id }}' then levels.{{ d.num }}
            {% endfor %}
        end as numerator,
        case measure_list.measure_id
            {% for d in percentage_definitions %}
            when '{{ d.id }}' then levels.{{ d.den }}{{ ' - levels.' ~ d.den_minus if d.den_minus }}
            {% endfor %}
        end as denominator,
        case measure_list.measure_id
            {% for id in counts %}
            when '{{ id }}' then levels.{{ id }}
            {% endfor %}
        end as count_value
    from levels
    cross join measure_list
),

valued as (
    select
        exact.*,
        case
            when exact.statistic = 'percentage'
                then case when exact.denominator > 0 then exact.numerator * 100.0 / exact.denominator end
            else cast(exact.count_value as double)
        end as measure_value
    from exact
),

suppressed as (
    select
        exact.quarter_start,
        exact.quarter_end,
        exact.group_type,
        exact.org_code,
        exact.org_name,
        exact.variable_id,
        variables.variable_name,
        exact.category,
        exact.measure_id,
        catalogue.measure_name,
        exact.measure_value,
        {{ publishable_value(
            "exact.group_type = 'England'", 'exact.statistic', 'exact.measure_value',
            'exact.numerator', 'exact.denominator', 'exact.count_value'
        ) }} as measure_value_suppressed
    from valued as exact
    inner join catalogue
        on exact.measure_id = catalogue.measure_id
    inner join variables
        on exact.variable_id = variables.variable_id
)

select * from suppressed
