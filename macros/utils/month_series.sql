{#
    One row per month from the month of `start_date` to the month of `end_date` (both SQL expressions
    that may read the columns of `from_relation`, a relation or CTE with one row), as column
    `month_start` (a date, the first day of the month). Used by dim_calendar_months.
#}
{% macro month_series(start_date, end_date, from_relation) -%}
    {{ return(adapter.dispatch('month_series', 'iapt_warehouse')(start_date, end_date, from_relation)) }}
{%- endmacro %}

{% macro default__month_series(start_date, end_date, from_relation) -%}
    select
        cast(
            unnest(
                generate_series(
                    cast(date_trunc('month', {{ start_date }}) as date),
                    cast(date_trunc('month', {{ end_date }}) as date),
                    interval 1 month
                )
            ) as date
        ) as month_start
    from {{ from_relation }}
{%- endmacro %}

{% macro spark__month_series(start_date, end_date, from_relation) -%}
    select
        explode(
            sequence(
                cast(date_trunc('month', {{ start_date }}) as date),
                cast(date_trunc('month', {{ end_date }}) as date),
                interval 1 month
            )
        ) as month_start
    from {{ from_relation }}
{%- endmacro %}
