{#
    NHS England's integer month key (Unique_MonthID / v1.5 MONTH_ID) of the month containing `date_expr`:
    (year - 1900) * 12 + month - 3. iapt-domain.md 1.1 infers the formula from observed values
    (1417 = April 2018, 1445 = August 2020, 1446 = September 2020, 1492 = July 2024).
#}
{% macro unique_month_id(date_expr) -%}
    {{ return(adapter.dispatch('unique_month_id', 'iapt_warehouse')(date_expr)) }}
{%- endmacro %}

{% macro default__unique_month_id(date_expr) -%}
    cast((extract(year from {{ date_expr }}) - 1900) * 12 + extract(month from {{ date_expr }}) - 3 as integer)
{%- endmacro %}

{#- NHS extracts hold derived flags as the text 'True' / 'False' (iapt-domain.md: v2.0 conventions). -#}
{% macro nhs_flag(boolean_expr) -%}
    case when {{ boolean_expr }} then 'True' when not {{ boolean_expr }} then 'False' end
{%- endmacro %}
