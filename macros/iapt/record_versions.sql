{#
    Rule 1.5 (derivation-rules.md): "activity known at M" is each record's version from the latest
    in-use month up to M. `record_versions` adds to every monthly version of a record the month its next
    version arrives (`superseded_from`, null for the latest); `in_force_at_month` is the join condition
    that keeps, for a pathway-month, the one version of each of its records in force at that month.
#}
{#
    With `pathways` (the model's pathway-month CTE), an incremental build keeps only the records that one
    of those pathways may use: every version of each record any version of which is on one of them
    (whole records, so `superseded_from` is the same as over all versions). A full build reads all.
#}
{% macro record_versions(relation, record_key, pathways=none) -%}
    select
        *,
        lead(reporting_period_start) over (partition by {{ record_key }} order by reporting_period_start)
            as superseded_from
    from {{ relation }}
    {%- if pathways is not none and is_incremental_build() %}
    where {{ record_key }} in (
        select {{ record_key }} from {{ relation }}
        where pathway_key in (select pathway_key from {{ pathways }})
    )
    {%- endif %}
{%- endmacro %}

{% macro in_force_at_month(pathways, versions) -%}
    {{ pathways }}.pathway_key = {{ versions }}.pathway_key
    and {{ pathways }}.reporting_period_start >= {{ versions }}.reporting_period_start
    and (
        {{ versions }}.superseded_from is null
        or {{ pathways }}.reporting_period_start < {{ versions }}.superseded_from
    )
{%- endmacro %}

{#
    Rule 1.5, the record as last submitted: the rows of `relation` (one per record per month it was
    submitted in) from the latest month each record was submitted in. A grouped maximum joined back
    rather than a window, so that staging stays free of cross-month windows and incremental by month.
#}
{% macro latest_versions(relation, record_key) -%}
    select versions.*
    from {{ relation }} as versions
    inner join (
        select
            {{ record_key }} as latest_record_key,
            max(reporting_period_start) as latest_reporting_period_start
        from {{ relation }}
        group by {{ record_key }}
    ) as latest
        on
            versions.{{ record_key }} = latest.latest_record_key
            and versions.reporting_period_start = latest.latest_reporting_period_start
{%- endmacro %}
