-- Rule 3.5: the anxiety disorder specific measure (ADSM) each pathway's outcomes use at month M: the
-- problem descriptor's own measure (PCL-5 in v2.0 months, IES-R in v1.5 months for PTSD) when it is
-- paired; otherwise the default anxiety measure (GAD-7, by its role in ref_assessment_tools) when that
-- is paired; otherwise none.
with

pathways as (
    select * from {{ ref('int_pathways_scoped_to_month') }}
    where {{ incremental_months('reporting_period_start') }}
),

descriptors as (
    select * from {{ ref('int_problem_descriptors_at_month') }}
    where {{ incremental_months('reporting_period_start') }}
),

-- only the tools that can be the ADSM (named rule adsm_candidates_only, macros/iapt/outcome_rules.sql)
paired as (
    select * from {{ ref('int_scores_paired') }}
    where
        {{ incremental_months('reporting_period_start') }}
        and {{ is_adsm_candidate('tool_code') }}
),

tools as (
    select * from {{ ref('ref_assessment_tools') }}
),

default_tool as (
    select tool_code from tools
    where outcome_role = 'default_anxiety_measure'
),

candidates as (
    select
        pathways.pathway_key,
        pathways.reporting_period_start,
        descriptors.own_measure_tool_code,
        own_scores.is_paired as is_own_measure_paired,
        default_scores.is_paired as is_default_measure_paired,
        default_tool.tool_code as default_tool_code
    from pathways
    cross join default_tool
    left join descriptors
        on
            pathways.pathway_key = descriptors.pathway_key
            and pathways.reporting_period_start = descriptors.reporting_period_start
    left join paired as own_scores
        on
            pathways.pathway_key = own_scores.pathway_key
            and pathways.reporting_period_start = own_scores.reporting_period_start
            and descriptors.own_measure_tool_code = own_scores.tool_code
    left join paired as default_scores
        on
            pathways.pathway_key = default_scores.pathway_key
            and pathways.reporting_period_start = default_scores.reporting_period_start
            and default_tool.tool_code = default_scores.tool_code
),

chosen as (
    select
        pathway_key,
        reporting_period_start,
        own_measure_tool_code,
        coalesce(is_own_measure_paired, false) as is_own_measure_paired,
        case
            when coalesce(is_own_measure_paired, false) then own_measure_tool_code
            when coalesce(is_default_measure_paired, false) then default_tool_code
        end as adsm_tool_code
    from candidates
),

with_scores as (
    select
        chosen.pathway_key,
        chosen.reporting_period_start,
        chosen.own_measure_tool_code,
        chosen.is_own_measure_paired,
        chosen.adsm_tool_code,
        tools.adsm_name,
        paired.first_score as adsm_first_score,
        paired.last_score as adsm_last_score
    from chosen
    left join tools
        on chosen.adsm_tool_code = tools.tool_code
    left join paired
        on
            chosen.pathway_key = paired.pathway_key
            and chosen.reporting_period_start = paired.reporting_period_start
            and chosen.adsm_tool_code = paired.tool_code
)

select * from with_scores
