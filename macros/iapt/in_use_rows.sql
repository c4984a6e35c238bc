{#
    Rows of a landing table that came in an in-use submission of the given data-set version, with the
    submission's identity and reporting month in front. Every staging base model starts here, so "only
    in-use submissions reach staging" is written once (submission-format.md, derivation-rules.md 1.1).
#}
{% macro in_use_rows(landing_relation, dataset_version) -%}
    select
        submissions.submission_id,
        submissions.dataset_version,
        submissions.org_code_provider,
        submissions.reporting_period_start,
        submissions.reporting_period_end,
        landing_rows.*
    from {{ landing_relation }} as landing_rows
    inner join {{ ref('stg_iapt__submissions') }} as submissions
        on landing_rows._submission_id = submissions.submission_id
    where
        submissions.is_in_use and submissions.dataset_version = '{{ dataset_version }}'
        and {{ incremental_months('submissions.reporting_period_start') }}
{%- endmacro %}
