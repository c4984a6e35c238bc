-- One row per pathway per reporting month it is submitted in (the published UsePathway_Flag grain),
-- with every derived field of derivation-rules.md: the referral items as the month's in-use submission
-- states them, sessions and counts from activity known at the month, waits, the problem descriptor,
-- the ADSM and its first/last scores, the outcome flags, integrated (LTC) care, sick pay and the
-- persistent physical symptoms outcomes. Every rule lives in one intermediate
-- model (models/intermediate/pathways/); this mart only assembles them.
with

pathways as (
    select * from {{ ref('int_pathways_scoped_to_month') }}
    where {{ incremental_months('reporting_period_start') }}
),

sessions as (
    select * from {{ ref('int_pathway_sessions_counted') }}
    where {{ incremental_months('reporting_period_start') }}
),

waits as (
    select * from {{ ref('int_pathway_waits') }}
    where {{ incremental_months('reporting_period_start') }}
),

descriptors as (
    select * from {{ ref('int_problem_descriptors_at_month') }}
    where {{ incremental_months('reporting_period_start') }}
),

adsm as (
    select * from {{ ref('int_adsm_chosen') }}
    where {{ incremental_months('reporting_period_start') }}
),

outcomes as (
    select * from {{ ref('int_outcomes_flagged') }}
    where {{ incremental_months('reporting_period_start') }}
),

wsas as (
    select * from {{ ref('int_wsas_scores_paired') }}
    where {{ incremental_months('reporting_period_start') }}
),

patients as (
    select * from {{ ref('stg_iapt__patients') }}
),

integrated as (
    select * from {{ ref('int_pathway_integrated_care') }}
    where {{ incremental_months('reporting_period_start') }}
),

sick_pay as (
    select * from {{ ref('int_pathway_sick_pay') }}
    where {{ incremental_months('reporting_period_start') }}
),

pps as (
    select * from {{ ref('int_pps_outcomes_flagged') }}
    where {{ incremental_months('reporting_period_start') }}
),

assembled as (
    select
        pathways.pathway_key,
        pathways.reporting_period_start,
        pathways.reporting_period_end,
        pathways.dataset_version,
        pathways.submission_id,
        pathways.org_code_provider,
        pathways.org_code_commissioner,
        pathways.patient_key,
        patients.person_key,
        patients.age_at_period_end,
        patients.gender_code,
        patients.ethnic_code,
        pathways.source_of_referral_code,
        pathways.referral_received_date,
        pathways.discharge_date,
        pathways.end_code,
        pathways.end_code_v20,
        pathways.end_group,
        pathways.is_referral_received_in_month,
        pathways.is_discharged_by_month_end,
        pathways.is_ended_in_month,
        sessions.assessment_first_date,
        coalesce(
            sessions.assessment_first_date between pathways.reporting_period_start and pathways.reporting_period_end,
            false
        ) as is_first_assessment_in_month,
        sessions.therapy_session_first_date,
        sessions.therapy_session_second_date,
        sessions.therapy_session_last_date,
        coalesce(
            sessions.therapy_session_first_date
            between pathways.reporting_period_start and pathways.reporting_period_end,
            false
        ) as is_first_treatment_in_month,
        sessions.treatment_care_contact_count,
        sessions.iet_session_count,
        sessions.iet_duration_minutes,
        sessions.care_contact_count,
        sessions.is_completed_treatment,
        pathways.is_ended_in_month and sessions.is_completed_treatment as is_finished_course_in_month,
        waits.wait_first_assessment_days,
        waits.wait_first_treatment_days,
        waits.is_first_treatment_within_6_weeks,
        waits.is_first_treatment_within_18_weeks,
        descriptors.problem_descriptor_code,
        descriptors.problem_descriptor_name,
        descriptors.problem_descriptor_group,
        adsm.own_measure_tool_code,
        adsm.is_own_measure_paired,
        adsm.adsm_tool_code,
        adsm.adsm_name,
        outcomes.phq9_first_score,
        outcomes.phq9_last_score,
        outcomes.adsm_first_score,
        outcomes.adsm_last_score,
        wsas.wsas_work_first_score,
        wsas.wsas_work_last_score,
        wsas.wsas_home_management_first_score,
        wsas.wsas_home_management_last_score,
        wsas.wsas_social_leisure_first_score,
        wsas.wsas_social_leisure_last_score,
        wsas.wsas_private_leisure_first_score,
        wsas.wsas_private_leisure_last_score,
        wsas.wsas_relationships_first_score,
        wsas.wsas_relationships_last_score,
        outcomes.is_assessed_for_outcomes,
        outcomes.is_caseness,
        outcomes.is_not_caseness,
        outcomes.is_recovered,
        outcomes.is_reliable_improvement,
        outcomes.is_reliable_deterioration,
        outcomes.is_no_reliable_change,
        outcomes.is_reliable_recovery,
        integrated.integrated_contact_first_date,
        integrated.integrated_treatment_first_date,
        coalesce(integrated.integrated_care_contact_count, 0) as integrated_care_contact_count,
        coalesce(
            integrated.integrated_contact_first_date
            between pathways.reporting_period_start and pathways.reporting_period_end,
            false
        ) as is_first_integrated_contact_in_month,
        coalesce(
            integrated.integrated_treatment_first_date
            between pathways.reporting_period_start and pathways.reporting_period_end,
            false
        ) as is_first_integrated_treatment_in_month,
        sick_pay.sick_pay_first_indicator,
        sick_pay.sick_pay_last_indicator,
        coalesce(sick_pay.has_moved_off_sick_pay, false) as has_moved_off_sick_pay,
        pps.pps_tool_code,
        pps.pps_first_score,
        pps.pps_last_score,
        pps.is_pps_caseness,
        pps.is_pps_not_caseness,
        pps.is_pps_recovered
    from pathways
    inner join sessions
        on
            pathways.pathway_key = sessions.pathway_key
            and pathways.reporting_period_start = sessions.reporting_period_start
    inner join waits
        on
            pathways.pathway_key = waits.pathway_key
            and pathways.reporting_period_start = waits.reporting_period_start
    inner join outcomes
        on
            pathways.pathway_key = outcomes.pathway_key
            and pathways.reporting_period_start = outcomes.reporting_period_start
    inner join adsm
        on
            pathways.pathway_key = adsm.pathway_key
            and pathways.reporting_period_start = adsm.reporting_period_start
    left join descriptors
        on
            pathways.pathway_key = descriptors.pathway_key
            and pathways.reporting_period_start = descriptors.reporting_period_start
    left join wsas
        on
            pathways.pathway_key = wsas.pathway_key
            and pathways.reporting_period_start = wsas.reporting_period_start
    left join patients
        on
            pathways.patient_key = patients.patient_key
            and pathways.reporting_period_start = patients.reporting_period_start
    left join integrated
        on
            pathways.pathway_key = integrated.pathway_key
            and pathways.reporting_period_start = integrated.reporting_period_start
    left join sick_pay
        on
            pathways.pathway_key = sick_pay.pathway_key
            and pathways.reporting_period_start = sick_pay.reporting_period_start
    inner join pps
        on
            pathways.pathway_key = pps.pathway_key
            and pathways.reporting_period_start = pps.reporting_period_start
)

select * from assembled
