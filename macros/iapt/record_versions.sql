{#
    Rule 1.5 (derivation-rules.md): "activity known at M" is each record's version from the latest
    in-use month up to M. `record_versions` adds to every monthly version of a record the month its next
    version arrives (`superseded_from`, null for the latest); `in_force_at_month` is the join condition
    that keeps, for a pathway-month, the one version of each of its records in force at that month.
#}
{% macro record_versions(relation, record_key) -%}
    select
        *,
        lead(reporting_period_start) over (partition by {{ record_key }} order by reporting_period_start)
            as superseded_from
    from {{ relation }}
{%- endmacro %}

{% macro in_force_at_month(pathways, versions) -%}
    {{ pathways }}.pathway_key = {{ versions }}.pathway_key
    and {{ pathways }}.reporting_period_start >= {{ versions }}.reporting_period_start
    and (
        {{ versions }}.superseded_from is null
        or {{ pathways }}.reporting_period_start < {{ versions }}.superseded_from
    )
{%- endmacro %}
