{#
    The explicit Unknown member of the organisation dimensions (derivation-rules.md 6: "A code without
    a known parent rolls up to Unknown"). The code is the one the NHS publication prints for it
    (UNKNOWN in the published annual files); the name is the spec's "Unknown".
#}
{% macro unknown_org_code() -%}
    'UNKNOWN'
{%- endmacro %}

{% macro unknown_org_name() -%}
    'Unknown'
{%- endmacro %}

{#
    The dim_commissioners key of a submitted commissioner code (OrgIDComm / OrgCodeComm): the code,
    trimmed and upper-cased, or the Unknown member when none was submitted. Join any referral or
    contact to dim_commissioners.commissioner_key through this macro so that every row finds exactly
    one member.
#}
{% macro commissioner_key(column) -%}
    coalesce(nullif(upper(trim({{ column }})), ''), {{ unknown_org_code() }})
{%- endmacro %}
