{#
    A submitted code, trimmed, with leading zeros restored to the Data Dictionary width when it is
    numeric ('5', ' 5', '05' -> '05' for width 2). Non-numeric codes are only trimmed and upper-cased.
#}
{% macro normalise_code(column, width) -%}
    {{ return(adapter.dispatch('normalise_code', 'iapt_warehouse')(column, width)) }}
{%- endmacro %}

{% macro default__normalise_code(column, width) -%}
    case
        when nullif(trim({{ column }}), '') is null then null
        when regexp_full_match(trim({{ column }}), '[0-9]+')
            then lpad(trim({{ column }}), cast(greatest({{ width }}, length(trim({{ column }}))) as integer), '0')
        else upper(trim({{ column }}))
    end
{%- endmacro %}

{% macro spark__normalise_code(column, width) -%}
    case
        when nullif(trim({{ column }}), '') is null then null
        when trim({{ column }}) rlike '^[0-9]+$'
            then lpad(trim({{ column }}), cast(greatest({{ width }}, length(trim({{ column }}))) as integer), '0')
        else upper(trim({{ column }}))
    end
{%- endmacro %}
