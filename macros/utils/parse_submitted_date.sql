{#
    Parse a submitted date held as text, in the data set version's format; null when it does not parse.
    v2.0 sends YYYY-MM-DD, v1.5 DD/MM/YYYY (submission-format.md "Dates"). The loader has already rejected
    rows whose dates do not parse, so null here means "not submitted".
#}
{% macro parse_submitted_date(column, dataset_version) -%}
    {{ return(adapter.dispatch('parse_submitted_date', 'iapt_warehouse')(column, dataset_version)) }}
{%- endmacro %}

{% macro default__parse_submitted_date(column, dataset_version) -%}
    {%- set fmt = '%d/%m/%Y' if dataset_version == '1.5' else '%Y-%m-%d' -%}
    cast(try_strptime(nullif(trim({{ column }}), ''), '{{ fmt }}') as date)
{%- endmacro %}

{% macro spark__parse_submitted_date(column, dataset_version) -%}
    {%- set fmt = 'dd/MM/yyyy' if dataset_version == '1.5' else 'yyyy-MM-dd' -%}
    try_to_date(nullif(trim({{ column }}), ''), '{{ fmt }}')
{%- endmacro %}
