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

{#
    DuckDB (rule keyed_digests_in_duckdb, docs/performance.md): the same digests in SQL, not through the
    Python functions, which ran one identifier at a time under Python's global lock (national
    base_iapt_v15__patients alone, 1.2 million identifiers: 12.8 s with Python, 5.2 s). HMAC-SHA256 is built
    from DuckDB's sha256:
    sha256(outer pad || sha256(inner pad || message)). The pads are derived from IAPT_PSEUDO_KEY by the dbt
    plugin (iapt_warehouse.dbt_plugin) and held as session variables of each dbt connection, bound as
    parameters: the key and the pads never appear in SQL, compiled files or logs; without the key the
    query fails with error() below. Each step mirrors src/iapt_warehouse/pseudo.py, which stays the
    reference (Spark calls it as UDFs); tests/singular/assert_keyed_digests_equal_the_python_reference.sql compares
    the two on awkward values and a sample of the landed identifiers.
#}
{#
    Each value is computed once per row: DuckDB does not share a subexpression repeated under `case`, and the
    first version, which repeated the NHS number's cleaning in every step of its check, was slower than Python.
    So a digest of null is null (coalesce picks the first key that exists), blank identifiers become null with
    nullif(), and the NHS number's checks run on the cleaned value bound once by a lambda.
#}
{% macro duckdb__person_key(nhs_number, provider, local_patient_id) -%}
    coalesce(
        {{ iapt_keyed_digest("'nhs:' || " ~ iapt_nhs_digits(nhs_number)) }},
        case
            when coalesce({{ provider }}, '') != ''
                then {{ iapt_keyed_digest(
                    "'local:' || upper(" ~ python_strip(provider) ~ ") || ':' || nullif("
                    ~ python_strip(local_patient_id) ~ ", '')"
                ) }}
        end
    )
{%- endmacro %}

{% macro duckdb__pseudo_id(provider, local_id) -%}
    case
        when coalesce({{ provider }}, '') != ''
            then {{ iapt_keyed_digest(
                "'id:' || upper(" ~ python_strip(provider) ~ ") || ':' || nullif(" ~ python_strip(local_id) ~ ", '')"
            ) }}
    end
{%- endmacro %}

{# HMAC-SHA256 of a text expression (UTF-8), lower-case hex, as hmac.new(key, text, sha256).hexdigest() #}
{% macro iapt_keyed_digest(text) -%}
    sha256(
        {{ iapt_key_pad('outer') }} || unhex(sha256({{ iapt_key_pad('inner') }} || encode({{ text }})))
    )
{%- endmacro %}

{# A pad, or the key's error when the plugin set none (both pads guarded: DuckDB folds `x || null` to null) #}
{% macro iapt_key_pad(which) -%}
    coalesce(
        getvariable('iapt_hmac_{{ which }}_pad'),
        cast(error(
            'IAPT_PSEUDO_KEY is not set (or shorter than 16 characters): the pseudonymisation key must come'
            || ' from the environment; `make build` creates one in .iapt_pseudo_key'
        ) as blob)
    )
{%- endmacro %}

{#
    Python's str.strip(): the characters for which str.isspace() is true, removed from both ends (one regular
    expression: trim() with a list of characters costs five times as much)
#}
{% macro python_strip(text) -%}
    {%- set spaces -%}[\t\n\x0b\x0c\r\x1c-\x20\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]{%- endset -%}
    regexp_replace({{ text }}, '^{{ spaces }}+|{{ spaces }}+$', '', 'g')
{%- endmacro %}

{#
    pseudo.valid_nhs_number() in SQL: the ten digits when the value, its spaces and dashes removed and
    surrounding ASCII white space trimmed, is ten ASCII digits (so a value with any other character is not
    one) that pass the nhs-number package's checks: the modulus-11 check digit (a remainder giving 10 is never
    valid) and, for a number in the Scottish CHI range (0100000000-3112999999), a first six digits that are a
    date (ddmmyy; DuckDB's and Python's %y agree on all a million six-digit strings). Else null.
#}
{% macro iapt_nhs_digits(value) -%}
    list_transform(
        [trim(replace(replace({{ value }}, ' ', ''), '-', ''), chr(9) || chr(10) || chr(11) || chr(12)
            || chr(13) || chr(28) || chr(29) || chr(30) || chr(31))],
        lambda cleaned: case
            when
                regexp_full_match(cleaned, '[0-9]{10}')
                and (
                    11 - (
                        {%- for position in range(1, 10) %}
                        try_cast(substr(cleaned, {{ position }}, 1) as integer) * {{ 11 - position }}
                        {{- ' +' if not loop.last }}
                        {%- endfor %}
                    ) % 11
                ) % 11 = try_cast(substr(cleaned, 10, 1) as integer)
                and (
                    try_cast(cleaned as bigint) not between 100000000 and 3112999999
                    or try_strptime(substr(cleaned, 1, 6), '%d%m%y') is not null
                )
                then cleaned
        end
    )[1]
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
    rather than once per row: a person is sent again every month their referral is open (and on Spark the
    keyed digests run in Python, under its global lock). A blank and a missing identifier give the same keys
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
