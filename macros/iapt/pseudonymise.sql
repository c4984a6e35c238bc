{#
    Pseudonymous keys (src/iapt_warehouse/pseudo.py): keyed HMAC-SHA256, the key from IAPT_PSEUDO_KEY.
    On DuckDB the functions are registered by the dbt-duckdb plugin iapt_warehouse.dbt_plugin.
#}
{% macro person_key(nhs_number, provider, local_patient_id) -%}
    {{ return(adapter.dispatch('person_key', 'iapt_warehouse')(nhs_number, provider, local_patient_id)) }}
{%- endmacro %}

{% macro default__person_key(nhs_number, provider, local_patient_id) -%}
    iapt_person_key({{ nhs_number }}, {{ provider }}, {{ local_patient_id }})
{%- endmacro %}

{% macro pseudo_id(provider, local_id) -%}
    {{ return(adapter.dispatch('pseudo_id', 'iapt_warehouse')(provider, local_id)) }}
{%- endmacro %}

{% macro default__pseudo_id(provider, local_id) -%}
    iapt_pseudo_id({{ provider }}, {{ local_id }})
{%- endmacro %}
