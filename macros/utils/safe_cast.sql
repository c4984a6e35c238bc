{#
    dbt.safe_cast renders a plain cast on DuckDB, which raises on bad input; use try_cast instead.
#}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}
