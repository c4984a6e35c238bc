-- One row per outcome score per reporting month it was submitted in, from IDS607 (activity), IDS606
-- (referral) and v1.5 appointment columns, all on v2.0 tool codes, so scores of one tool pair across
-- the version change. `is_in_range` applies the tool's valid range (ref_assessment_tools);
-- out-of-range scores stay here for data quality and are never used by the outcome rules.
with

v15 as (
    select * from {{ ref('base_iapt_v15__appointment_scores') }}
    where {{ incremental_months('reporting_period_start') }}
),

v20_activity as (
    select * from {{ ref('base_iapt_v20__activity_scores') }}
    where {{ incremental_months('reporting_period_start') }}
),

v20_referral as (
    select * from {{ ref('base_iapt_v20__referral_scores') }}
    where {{ incremental_months('reporting_period_start') }}
),

tools as (
    select * from {{ ref('ref_assessment_tools') }}
),

unioned as (
    select * from v15
    union all
    select * from v20_activity
    union all
    select * from v20_referral
),

final as (
    select
        {{ dbt.concat([
            'unioned.org_code_provider', "':'", 'unioned.source_table', "':'", 'unioned.record_id', "':'",
            'unioned.tool_code'
        ]) }} as score_key,
        {{ dbt.concat(['unioned.org_code_provider', "':'", 'unioned.service_request_id']) }} as pathway_key,
        unioned.submission_id,
        unioned.dataset_version,
        unioned.org_code_provider,
        unioned.reporting_period_start,
        unioned.reporting_period_end,
        unioned.source_table,
        unioned.record_id,
        unioned.tool_code,
        tools.tool_name,
        unioned.score,
        unioned.score_date,
        unioned.score_time,
        coalesce(unioned.score between tools.min_score and tools.max_score, false) as is_in_range
    from unioned
    left join tools
        on unioned.tool_code = tools.tool_code
)

select * from final
