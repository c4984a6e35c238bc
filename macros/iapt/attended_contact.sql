{#
    Rule 2.1 (derivation-rules.md): a care contact is attended when its attend code is an attended code
    (`attended_flag`: ref_attendance.is_attended of the contact's code) or it is unplanned
    (PlannedCareContIndicator = var('unplanned_care_contact_indicator')). v1.5 has no planned indicator.
#}
{% macro is_unplanned_contact(planned_indicator) -%}
    coalesce({{ planned_indicator }} = '{{ var("unplanned_care_contact_indicator") }}', false)
{%- endmacro %}

{% macro is_attended_contact(attended_flag, planned_indicator) -%}
    (coalesce({{ attended_flag }}, false) or {{ is_unplanned_contact(planned_indicator) }})
{%- endmacro %}
