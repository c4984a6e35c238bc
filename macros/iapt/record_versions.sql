{#
    Rule 1.5 (derivation-rules.md): "activity known at M" is each record's version from the latest
    in-use month up to M. `record_versions` adds to every monthly version of a record the month its next
    version arrives (`superseded_from`, null for the latest); `in_force_at_month` is the join condition
    that keeps, for a pathway-month, the one version of each of its records in force at that month.
#}
{#
    Pass `relation` as a relation (a `ref`), not a CTE: it is read more than once, and DuckDB materialises
    a CTE that is read more than once.
    A full build: most records are sent in one month only, and those keep `superseded_from` null without
    the window. A record sent in more than one month is found by a hash of its key (a collision only sends
    a one-month record through the window, which gives it null too), and only those records' versions are
    ordered by the window (rule versions_windowed_only_when_resent).
    An incremental build, with `pathways` (the model's pathway-month CTE): only the records that one of
    those pathways may use, every version of each record any version of which is on one of them (whole
    records, so `superseded_from` is the same as over all versions), all through the window: the hashed
    search for resent records would read every record of every month.
#}
{% macro record_versions(relation, record_key, pathways=none) -%}
    {%- set windowed -%}
    select
        versions.*,
        lead(versions.reporting_period_start) over (
            partition by versions.{{ record_key }} order by versions.reporting_period_start
        ) as superseded_from
    from {{ relation }} as versions
    {%- endset -%}
    {%- if pathways is not none and is_incremental_build() -%}
    {{ windowed }}
    where versions.{{ record_key }} in (
        select on_pathways.{{ record_key }} from {{ relation }} as on_pathways
        where on_pathways.pathway_key in (select {{ pathways }}.pathway_key from {{ pathways }})
    )
    {%- else -%}
    {%- set multi_month_keys -%}
        select hash(multi.{{ record_key }}) from {{ relation }} as multi
        group by hash(multi.{{ record_key }})
        having count(*) > 1
    {%- endset -%}
    {{ windowed }}
    where hash(versions.{{ record_key }}) in ({{ multi_month_keys }})
    union all
    select
        versions.*,
        cast(null as date) as superseded_from
    from {{ relation }} as versions
    where hash(versions.{{ record_key }}) not in ({{ multi_month_keys }})
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

{#
    Named rule scores_deduplicated: a score's signature (pathway, tool, date, time, value) as one hash, to
    find the few signatures two records share without grouping by five columns. Equal signatures have equal
    hashes; a collision only makes a candidate, which the exact ranking clears.
#}
{% macro score_signature(versions) -%}
    hash({{ versions }}.pathway_key, {{ versions }}.tool_code, {{ versions }}.score_date, {{ versions }}.score_time, {{ versions }}.score)
{%- endmacro %}
