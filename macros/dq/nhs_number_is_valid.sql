{#
    True when `digits` (an NHS number with spaces and dashes already removed) is ten digits whose
    modulus-11 check digit is right (the rule src/iapt_warehouse/pseudo.py applies with the nhs-number
    package): the first nine digits weighted 10..2, check digit = (11 - sum mod 11) mod 11, 10 never valid.
    Used only inside the staging DQ model, so the number itself is never selected past landing.
#}
{% macro nhs_number_is_valid(digits) -%}
    {{ return(adapter.dispatch('nhs_number_is_valid', 'iapt_warehouse')(digits)) }}
{%- endmacro %}

{% macro default__nhs_number_is_valid(digits) -%}
    coalesce(
        {{ regexp_full_match(digits, "'[0-9]{10}'") }}
        and (
            11 - (
                {% for i in range(9) -%}
                    {{ dbt.safe_cast("substr(" ~ digits ~ ", " ~ (i + 1) ~ ", 1)", "integer") }} * {{ 10 - i }}{% if not loop.last %} + {% endif %}
                {%- endfor %}
            ) % 11
        ) % 11 = {{ dbt.safe_cast("substr(" ~ digits ~ ", 10, 1)", "integer") }},
        false
    )
{%- endmacro %}
