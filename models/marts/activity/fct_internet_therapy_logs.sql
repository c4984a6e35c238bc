-- One row per internet-enabled therapy log (v2.0 IDS205; provider + ServiceRequestId + start date +
-- programme) in its latest version (derivation-rules.md 1.5). Each log is one treatment session of
-- its pathway, dated at its start date, when that date falls within the pathway's range (rule 2.2);
-- the IET session count M343 counts logs by their end date.
-- Incremental by record (macros/incremental/records_to_rebuild.sql): a build recomputes only the logs a
-- reprocessed month can change.
{{ config(
    materialized=by_month_materialization(),
    incremental_strategy='record_replace',
    unique_key='iet_log_key',
) }}

with

all_staged_iet_logs as (
    select * from {{ ref('stg_iapt__internet_therapy_logs') }}
),

{% if is_incremental_build() %}
-- (rule keys_searched_in_staging, as in fct_care_contacts)
changed_iet_logs as (
    {{ changed_record_keys(ref('stg_iapt__internet_therapy_logs'), 'iet_log_key') }}
),
{% endif %}

-- every version of each log to (re)compute
staged_iet_logs as (
    select * from all_staged_iet_logs
    {% if is_incremental_build() %}
    where iet_log_key in (select iet_log_key from changed_iet_logs)
    {% endif %}
),

-- rule 1.5: each log as last submitted
iet_logs as (
    {{ latest_versions('staged_iet_logs', 'iet_log_key') }}
),

iet_programmes as (
    select * from {{ ref('dim_iet_programmes') }}
),

iet_programme_groups as (
    select * from {{ ref('ref_iet_programme_groups') }}
),

no_iet_recorded as (
    select iet_programme_group
    from iet_programme_groups
    where fallback_for = 'missing'
),

final as (
    select
        iet_logs.iet_log_key,
        iet_logs.pathway_key,
        iet_logs.org_code_provider,
        iet_logs.reporting_period_start,
        iet_logs.dataset_version,
        iet_logs.submission_id,
        iet_logs.log_start_date,
        iet_logs.log_end_date,
        cast({{ dbt.date_trunc('month', 'iet_logs.log_start_date') }} as date) as log_start_month,
        cast({{ dbt.date_trunc('month', 'iet_logs.log_end_date') }} as date) as log_end_month,
        iet_logs.iet_programme,
        coalesce(iet_programmes.iet_programme_group, no_iet_recorded.iet_programme_group) as iet_programme_group,
        iet_logs.duration_minutes,
        iet_logs.integrated_software_indicator,
        iet_logs.care_professional_id
    from iet_logs
    left join iet_programmes
        on iet_logs.iet_programme = iet_programmes.iet_programme
    cross join no_iet_recorded
)

select * from final
