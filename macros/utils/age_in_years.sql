{#
    Age in whole years at a date (birthdays counted): null when either date is null or the birth date
    is after the date.
#}
{% macro age_in_years(birth_date, at_date) -%}
    {{ return(adapter.dispatch('age_in_years', 'iapt_warehouse')(birth_date, at_date)) }}
{%- endmacro %}

{% macro default__age_in_years(birth_date, at_date) -%}
    case when {{ birth_date }} <= {{ at_date }} then date_sub('year', {{ birth_date }}, {{ at_date }}) end
{%- endmacro %}

{% macro spark__age_in_years(birth_date, at_date) -%}
    case when {{ birth_date }} <= {{ at_date }} then cast(floor(months_between({{ at_date }}, {{ birth_date }}) / 12) as bigint) end
{%- endmacro %}
