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

{#
    The rows of `relation` (landing rows with org_code_provider) with patient_key, and with person_key when
    `nhs_number` is given, each computed once per distinct (provider, local patient id[, NHS number])
    rather than once per row: a person is sent again every month their referral is open, and the keyed
    digests run in Python, under its global lock. A blank and a missing identifier give the same keys
    (none), so identifiers are compared as ''.
#}
{% macro with_patient_keys(relation, local_id, nhs_number=none) -%}
    select
        keyed_rows.*,
        identifiers.patient_key
        {%- if nhs_number is not none %},
        identifiers.person_key
        {%- endif %}
    from {{ relation }} as keyed_rows
    left join (
        select
            distinct_identifiers.org_code_provider,
            distinct_identifiers.local_id,
            {% if nhs_number is not none -%}
                distinct_identifiers.nhs_number,
                {{ person_key(
                    'distinct_identifiers.nhs_number',
                    'distinct_identifiers.org_code_provider',
                    'distinct_identifiers.local_id',
                ) }} as person_key,
            {% endif -%}
            {{ pseudo_id('distinct_identifiers.org_code_provider', 'distinct_identifiers.local_id') }} as patient_key
        from (
            select distinct
                org_code_provider,
                {% if nhs_number is not none -%}
                    coalesce({{ nhs_number }}, '') as nhs_number,
                {% endif -%}
                coalesce({{ local_id }}, '') as local_id
            from {{ relation }}
        ) as distinct_identifiers
    ) as identifiers
        on
            keyed_rows.org_code_provider = identifiers.org_code_provider
            and coalesce(keyed_rows.{{ local_id }}, '') = identifiers.local_id
            {%- if nhs_number is not none %}
            and coalesce(keyed_rows.{{ nhs_number }}, '') = identifiers.nhs_number
            {%- endif %}
{%- endmacro %}
