{#
    The postcode district (outward code, e.g. 'LS1' of 'LS1 4AP') of a full UK postcode, upper-cased;
    null when the value is not shaped like a postcode. The full postcode never leaves landing.
#}
{% macro postcode_district(postcode) -%}
    {{ return(adapter.dispatch('postcode_district', 'iapt_warehouse')(postcode)) }}
{%- endmacro %}

{% macro default__postcode_district(postcode) -%}
    nullif(
        regexp_extract(upper(trim({{ postcode }})), '^([A-Z]{1,2}[0-9][0-9A-Z]?) ?[0-9][A-Z]{2}$', 1), ''
    )
{%- endmacro %}

{% macro spark__postcode_district(postcode) -%}
    nullif(
        regexp_extract(upper(trim({{ postcode }})), '^([A-Z]{1,2}[0-9][0-9A-Z]?) ?[0-9][A-Z]{2}$', 1), ''
    )
{%- endmacro %}
