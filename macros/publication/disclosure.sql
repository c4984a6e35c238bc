{#
    Disclosure control and rounding (derivation-rules.md section 6). Rounding is half away from zero,
    done in exact integer arithmetic (never on a binary floating-point percentage, where 14.5 can be
    14.4999...): for non-negative n and d > 0, round(scale * n / d, places) =
    floor((2 * scale * 10^places * n + d) / (2 * d)) / 10^places; null when d is 0.
#}
{% macro rounded_ratio(numerator, denominator, scale, places) -%}
    {{ return(adapter.dispatch('rounded_ratio', 'iapt_warehouse')(numerator, denominator, scale, places)) }}
{%- endmacro %}

{% macro default__rounded_ratio(numerator, denominator, scale, places) -%}
    {%- set factor = 10 ** places -%}
    (case when ({{ denominator }}) > 0 then floor(
        (2.0 * {{ scale * factor }} * ({{ numerator }}) + ({{ denominator }})) / (2.0 * ({{ denominator }}))
    ) / {{ factor }} end)
{%- endmacro %}

{# A number as text with one decimal place (the value is already rounded). #}
{% macro format_one_decimal(expression) -%}
    {{ return(adapter.dispatch('format_one_decimal', 'iapt_warehouse')(expression)) }}
{%- endmacro %}

{% macro default__format_one_decimal(expression) -%}
    printf('%.1f', {{ expression }})
{%- endmacro %}

{% macro spark__format_one_decimal(expression) -%}
    format_string('%.1f', cast({{ expression }} as double))
{%- endmacro %}

{# The median (the mean of the two middle values for an even count). #}
{% macro median_of(expression) -%}
    {{ return(adapter.dispatch('median_of', 'iapt_warehouse')(expression)) }}
{%- endmacro %}

{% macro default__median_of(expression) -%}
    median({{ expression }})
{%- endmacro %}

{% macro spark__median_of(expression) -%}
    percentile({{ expression }}, 0.5)
{%- endmacro %}

{#
    The organisation levels of the publication (derivation-rules.md 6) as select expressions over a
    relation with region/icb/sub_icb/provider codes and names: group_type, org_code1, org_name1,
    org_code2, org_name2 ('all' where unused).
#}
{% macro publication_org_levels() -%}
    {{ return([
        {'group_type': 'England', 'code1': "'all'", 'name1': "'all'", 'code2': "'all'", 'name2': "'all'"},
        {'group_type': 'CommissioningRegion', 'code1': 'region_code', 'name1': 'region_name', 'code2': "'all'", 'name2': "'all'"},
        {'group_type': 'ICB', 'code1': 'icb_code', 'name1': 'icb_name', 'code2': "'all'", 'name2': "'all'"},
        {'group_type': 'SubICB', 'code1': 'sub_icb_code', 'name1': 'sub_icb_name', 'code2': "'all'", 'name2': "'all'"},
        {'group_type': 'Provider', 'code1': 'org_code_provider', 'name1': 'provider_name', 'code2': "'all'", 'name2': "'all'"},
        {'group_type': 'SubICB/Provider', 'code1': 'sub_icb_code', 'name1': 'sub_icb_name', 'code2': 'org_code_provider', 'name2': 'provider_name'},
    ]) }}
{%- endmacro %}

{#
    The publishable text of a figure (derivation-rules.md 6) from its exact parts: `is_england` a boolean
    SQL expression; `statistic` count, sum, percentage, mean, median, max or min; `value` the exact
    value; `numerator` and `denominator` (percentages; sum and count for means); `base` the number of
    records the value rests on. England: counts exact, the rest to 1 decimal place (a null value stays
    null). Below England: counts under 5 '*', otherwise to the nearest 5; percentages '*' when the
    numerator or denominator is under 5, otherwise whole; means, medians, maxima and minima '*' when
    they rest on fewer than 5 records, otherwise 1 decimal place.
#}
{% macro publishable_value(is_england, statistic, value, numerator, denominator, base) -%}
    case
        when {{ is_england }}
            then
                case
                    when {{ value }} is null then null
                    when {{ statistic }} in ('count', 'sum') then cast(cast({{ value }} as bigint) as {{ dbt.type_string() }})
                    when {{ statistic }} = 'percentage'
                        then {{ format_one_decimal(rounded_ratio(numerator, denominator, 100, 1)) }}
                    when {{ statistic }} = 'mean'
                        then {{ format_one_decimal(rounded_ratio(numerator, denominator, 1, 1)) }}
                    else {{ format_one_decimal(value) }}
                end
        when {{ statistic }} in ('count', 'sum')
            then
                case
                    when {{ value }} < 5 then '*'
                    else cast(cast(5 * floor({{ value }} / 5 + 0.5) as bigint) as {{ dbt.type_string() }})
                end
        when {{ statistic }} = 'percentage'
            then
                case
                    when {{ numerator }} < 5 or {{ denominator }} < 5 then '*'
                    else cast(cast({{ rounded_ratio(numerator, denominator, 100, 0) }} as bigint) as {{ dbt.type_string() }})
                end
        when {{ base }} < 5 then '*'
        when {{ statistic }} = 'mean' then {{ format_one_decimal(rounded_ratio(numerator, denominator, 1, 1)) }}
        else {{ format_one_decimal(value) }}
    end
{%- endmacro %}
