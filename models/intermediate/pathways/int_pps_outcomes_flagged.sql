-- Persistent physical symptoms (PPS) outcomes of each pathway at month M (I101D128-D133, M279-M281).
-- Named rule "pps_measure_choice": the pathway's PPS measure (`PPSM`: the tools with outcome_role
-- 'pps_measure' in ref_assessment_tools, IBS-SSS and PHQ-15) is a PAIRED one (first and last score,
-- rule 3.3), the earliest first score, then the lower tool code. An unpaired PPS measure is no PPS
-- measure: caseness and recovery then both use the ADSM. (The catalogue tests PPS presence by the
-- first score for caseness and by the last for recovery; with an unpaired PPS that classed a pathway
-- both 'not at caseness' and 'recovered', found by assert_publication_outcome_numerators_within_cohort
-- at region scale.) The flags follow the catalogue constructions of M279-M281 exactly,
-- with caseness from the tools' seed rows, and are set only for pathways that ended in M having
-- finished a course of treatment (null otherwise):
--   at caseness: PHQ-9 first and (PPS first or ADSM first) present, and first PHQ-9 at caseness, or
--     no PPS first score and first ADSM at caseness, or first PPS score at caseness;
--   not at caseness: the same scores present, first PHQ-9 not at caseness and (no PPS first score and
--     first ADSM present and not at caseness, or first PPS score present and not at caseness);
--   recovered: PHQ-9 last and (PPS last or ADSM last) present; at caseness at the start as above with
--     the PPS tested by its last score's presence; last PHQ-9 not at caseness and (no PPS last score
--     and last ADSM not at caseness, or last PPS score not at caseness).
with

pathways as (
    select * from {{ ref('int_pathways_scoped_to_month') }}
    where {{ incremental_months('reporting_period_start') }}
),

sessions as (
    select * from {{ ref('int_pathway_sessions_counted') }}
    where {{ incremental_months('reporting_period_start') }}
),

outcomes as (
    select * from {{ ref('int_outcomes_flagged') }}
    where {{ incremental_months('reporting_period_start') }}
),

paired as (
    select * from {{ ref('int_scores_paired') }}
    where {{ incremental_months('reporting_period_start') }}
),

tools as (
    select * from {{ ref('ref_assessment_tools') }}
    where outcome_role = 'pps_measure'
),

pps_ranked as (
    select
        paired.pathway_key,
        paired.reporting_period_start,
        paired.tool_code,
        paired.first_score,
        paired.last_score,
        {{ at_caseness('paired.first_score', 'tools.caseness_operator', 'tools.caseness_threshold') }}
            as is_pps_first_at_caseness,
        {{ at_caseness('paired.last_score', 'tools.caseness_operator', 'tools.caseness_threshold') }}
            as is_pps_last_at_caseness,
        row_number() over (
            partition by paired.pathway_key, paired.reporting_period_start
            order by paired.first_score_date asc, paired.tool_code asc
        ) as choice_rank
    from paired
    inner join tools
        on paired.tool_code = tools.tool_code
    where paired.is_paired
),

pps as (
    select * from pps_ranked
    where choice_rank = 1
),

measures as (
    select
        pathways.pathway_key,
        pathways.reporting_period_start,
        pathways.is_ended_in_month and sessions.is_completed_treatment as is_finished_course_in_month,
        pps.tool_code as pps_tool_code,
        pps.first_score as pps_first_score,
        pps.last_score as pps_last_score,
        coalesce(pps.is_pps_first_at_caseness, false) as is_pps_first_at_caseness,
        coalesce(pps.is_pps_last_at_caseness, false) as is_pps_last_at_caseness,
        outcomes.phq9_first_score,
        outcomes.phq9_last_score,
        outcomes.adsm_first_score,
        outcomes.adsm_last_score,
        outcomes.is_phq9_first_at_caseness,
        outcomes.is_phq9_last_at_caseness,
        outcomes.is_adsm_first_at_caseness,
        outcomes.is_adsm_last_at_caseness
    from pathways
    inner join sessions
        on
            pathways.pathway_key = sessions.pathway_key
            and pathways.reporting_period_start = sessions.reporting_period_start
    inner join outcomes
        on
            pathways.pathway_key = outcomes.pathway_key
            and pathways.reporting_period_start = outcomes.reporting_period_start
    left join pps
        on
            pathways.pathway_key = pps.pathway_key
            and pathways.reporting_period_start = pps.reporting_period_start
),

conditions as (
    select
        *,
        phq9_first_score is not null and (pps_first_score is not null or adsm_first_score is not null)
            as has_first_scores,
        phq9_last_score is not null and (pps_last_score is not null or adsm_last_score is not null)
            as has_last_scores,
        -- ADSM_FirstScoreAtCaseness, ADSM_FirstScoreNotAtCaseness, ADSM_LastScoreNotAtCaseness (I101D131-D133)
        adsm_first_score is not null and not is_adsm_first_at_caseness as is_adsm_first_not_at_caseness,
        adsm_last_score is not null and not is_adsm_last_at_caseness as is_adsm_last_not_at_caseness
    from measures
),

flagged as (
    select
        pathway_key,
        reporting_period_start,
        pps_tool_code,
        pps_first_score,
        pps_last_score,
        case
            when is_finished_course_in_month
                then
                    has_first_scores
                    and (
                        is_phq9_first_at_caseness
                        or (pps_first_score is null and is_adsm_first_at_caseness)
                        or (pps_first_score is not null and is_pps_first_at_caseness)
                    )
        end as is_pps_caseness,
        case
            when is_finished_course_in_month
                then
                    has_first_scores
                    and not is_phq9_first_at_caseness
                    and (
                        (pps_first_score is null and is_adsm_first_not_at_caseness)
                        or (pps_first_score is not null and not is_pps_first_at_caseness)
                    )
        end as is_pps_not_caseness,
        case
            when is_finished_course_in_month
                then
                    has_last_scores
                    and (
                        is_phq9_first_at_caseness
                        or (pps_last_score is null and is_adsm_first_at_caseness)
                        or (pps_last_score is not null and is_pps_first_at_caseness)
                    )
                    and not is_phq9_last_at_caseness
                    and (
                        (pps_last_score is null and is_adsm_last_not_at_caseness)
                        or (pps_last_score is not null and not is_pps_last_at_caseness)
                    )
        end as is_pps_recovered
    from conditions
)

select * from flagged
