-- Section 4: outcome flags of each pathway at month M. Assessed for outcomes = ended in M, finished a
-- course of treatment, PHQ-9 paired and an ADSM chosen. For assessed pathways only: caseness (first
-- PHQ-9 or first ADSM at caseness), recovery, reliable improvement / deterioration / no change and
-- reliable recovery. Thresholds and operators come from ref_assessment_tools; differences are
-- compared rounded to var('score_difference_decimals') places (named rule "score_difference_rounding":
-- in binary floating point 3.03 - 2.30 is 0.7299...; rounded it is the 0.73 it is on paper).
with

pathways as (
    select * from {{ ref('int_pathways_scoped_to_month') }}
    where {{ incremental_months('reporting_period_start') }}
),

sessions as (
    select * from {{ ref('int_pathway_sessions_counted') }}
    where {{ incremental_months('reporting_period_start') }}
),

paired as (
    select * from {{ ref('int_scores_paired') }}
    where {{ incremental_months('reporting_period_start') }}
),

adsm as (
    select * from {{ ref('int_adsm_chosen') }}
    where {{ incremental_months('reporting_period_start') }}
),

tools as (
    select * from {{ ref('ref_assessment_tools') }}
),

depression_tool as (
    select * from tools
    where outcome_role = 'depression_measure'
),

measures as (
    select
        pathways.pathway_key,
        pathways.reporting_period_start,
        pathways.is_ended_in_month,
        sessions.is_completed_treatment,
        coalesce(phq9.is_paired, false) as is_phq9_paired,
        phq9.first_score as phq9_first_score,
        phq9.last_score as phq9_last_score,
        depression_tool.caseness_operator as phq9_caseness_operator,
        depression_tool.caseness_threshold as phq9_caseness_threshold,
        depression_tool.reliable_change as phq9_reliable_change,
        adsm.adsm_tool_code,
        adsm.adsm_first_score,
        adsm.adsm_last_score,
        adsm_tool.caseness_operator as adsm_caseness_operator,
        adsm_tool.caseness_threshold as adsm_caseness_threshold,
        adsm_tool.reliable_change as adsm_reliable_change
    from pathways
    cross join depression_tool
    inner join sessions
        on
            pathways.pathway_key = sessions.pathway_key
            and pathways.reporting_period_start = sessions.reporting_period_start
    left join paired as phq9
        on
            pathways.pathway_key = phq9.pathway_key
            and pathways.reporting_period_start = phq9.reporting_period_start
            and depression_tool.tool_code = phq9.tool_code
    left join adsm
        on
            pathways.pathway_key = adsm.pathway_key
            and pathways.reporting_period_start = adsm.reporting_period_start
    left join tools as adsm_tool
        on adsm.adsm_tool_code = adsm_tool.tool_code
),

assessed as (
    select
        *,
        is_ended_in_month and is_completed_treatment and is_phq9_paired and adsm_tool_code is not null
            as is_assessed_for_outcomes
    from measures
),

compared as (
    select
        pathway_key,
        reporting_period_start,
        is_assessed_for_outcomes,
        phq9_first_score,
        phq9_last_score,
        adsm_tool_code,
        adsm_first_score,
        adsm_last_score,
        {{ at_caseness('phq9_first_score', 'phq9_caseness_operator', 'phq9_caseness_threshold') }}
            as is_phq9_first_at_caseness,
        {{ at_caseness('phq9_last_score', 'phq9_caseness_operator', 'phq9_caseness_threshold') }}
            as is_phq9_last_at_caseness,
        {{ at_caseness('adsm_first_score', 'adsm_caseness_operator', 'adsm_caseness_threshold') }}
            as is_adsm_first_at_caseness,
        {{ at_caseness('adsm_last_score', 'adsm_caseness_operator', 'adsm_caseness_threshold') }}
            as is_adsm_last_at_caseness,
        {{ reliable_change('phq9_first_score', 'phq9_last_score', 'phq9_reliable_change') }} as is_phq9_improved,
        {{ reliable_change('phq9_last_score', 'phq9_first_score', 'phq9_reliable_change') }} as is_phq9_deteriorated,
        {{ reliable_change('adsm_first_score', 'adsm_last_score', 'adsm_reliable_change') }} as is_adsm_improved,
        {{ reliable_change('adsm_last_score', 'adsm_first_score', 'adsm_reliable_change') }} as is_adsm_deteriorated
    from assessed
),

flagged as (
    select
        pathway_key,
        reporting_period_start,
        is_assessed_for_outcomes,
        phq9_first_score,
        phq9_last_score,
        adsm_tool_code,
        adsm_first_score,
        adsm_last_score,
        is_phq9_first_at_caseness,
        is_phq9_last_at_caseness,
        is_adsm_first_at_caseness,
        is_adsm_last_at_caseness,
        is_phq9_improved,
        is_phq9_deteriorated,
        is_adsm_improved,
        is_adsm_deteriorated,
        case
            when is_assessed_for_outcomes then is_phq9_first_at_caseness or is_adsm_first_at_caseness
        end as is_caseness,
        case
            when is_assessed_for_outcomes then not (is_phq9_first_at_caseness or is_adsm_first_at_caseness)
        end as is_not_caseness,
        case
            when is_assessed_for_outcomes
                then
                    (is_phq9_first_at_caseness or is_adsm_first_at_caseness)
                    and not is_phq9_last_at_caseness
                    and not is_adsm_last_at_caseness
        end as is_recovered,
        case
            when is_assessed_for_outcomes
                then (is_phq9_improved or is_adsm_improved) and not (is_phq9_deteriorated or is_adsm_deteriorated)
        end as is_reliable_improvement,
        case
            when is_assessed_for_outcomes
                then (is_phq9_deteriorated or is_adsm_deteriorated) and not (is_phq9_improved or is_adsm_improved)
        end as is_reliable_deterioration
    from compared
),

final as (
    select
        *,
        case
            when is_assessed_for_outcomes then not is_reliable_improvement and not is_reliable_deterioration
        end as is_no_reliable_change,
        case when is_assessed_for_outcomes then is_recovered and is_reliable_improvement end as is_reliable_recovery
    from flagged
)

select * from final
