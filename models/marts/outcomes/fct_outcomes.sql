-- Outcomes (derivation-rules.md section 4): one row per pathway that finished a course of treatment in
-- the month (ended in the month with CompletedTreatment_Flag), the cohort every outcome measure
-- counts within. PHQ-9 and ADSM first and last scores, their caseness and reliable-change comparisons,
-- and each flag; pathways that finished but are not assessed (PHQ-9 or ADSM not paired) carry no flag.
with

referral_months as (
    select * from {{ ref('fct_referral_months') }}
    where {{ incremental_months('reporting_period_start') }}
),

outcomes as (
    select * from {{ ref('int_outcomes_flagged') }}
    where {{ incremental_months('reporting_period_start') }}
),

finished as (
    select
        referral_months.pathway_key,
        referral_months.reporting_period_start,
        referral_months.reporting_period_end,
        referral_months.dataset_version,
        referral_months.org_code_provider,
        referral_months.org_code_commissioner,
        referral_months.problem_descriptor_code,
        referral_months.problem_descriptor_group,
        referral_months.treatment_care_contact_count,
        referral_months.own_measure_tool_code,
        referral_months.is_own_measure_paired,
        outcomes.adsm_tool_code,
        referral_months.adsm_name,
        outcomes.phq9_first_score,
        outcomes.phq9_last_score,
        outcomes.adsm_first_score,
        outcomes.adsm_last_score,
        outcomes.is_phq9_first_at_caseness,
        outcomes.is_phq9_last_at_caseness,
        outcomes.is_adsm_first_at_caseness,
        outcomes.is_adsm_last_at_caseness,
        outcomes.is_phq9_improved,
        outcomes.is_phq9_deteriorated,
        outcomes.is_adsm_improved,
        outcomes.is_adsm_deteriorated,
        outcomes.is_assessed_for_outcomes,
        outcomes.is_caseness,
        outcomes.is_not_caseness,
        outcomes.is_recovered,
        outcomes.is_reliable_improvement,
        outcomes.is_reliable_deterioration,
        outcomes.is_no_reliable_change,
        outcomes.is_reliable_recovery
    from referral_months
    inner join outcomes
        on
            referral_months.pathway_key = outcomes.pathway_key
            and referral_months.reporting_period_start = outcomes.reporting_period_start
    where referral_months.is_finished_course_in_month
)

select * from finished
