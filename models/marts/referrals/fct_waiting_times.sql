-- Waiting times (derivation-rules.md 2.5): one row per pathway per month in which it is in a waiting
-- cohort: first assessment in the month, entered treatment in the month (first treatment session in
-- the month; measures M031, M036, M037, M048, M049) or finished a course of treatment in the month
-- (ended in the month with CompletedTreatment_Flag; M050-M055).
with

referral_months as (
    select * from {{ ref('fct_referral_months') }}
    where {{ incremental_months('reporting_period_start') }}
),

cohorts as (
    select
        pathway_key,
        reporting_period_start,
        reporting_period_end,
        org_code_provider,
        org_code_commissioner,
        referral_received_date,
        assessment_first_date,
        therapy_session_first_date,
        wait_first_assessment_days,
        wait_first_treatment_days,
        is_first_treatment_within_6_weeks,
        is_first_treatment_within_18_weeks,
        is_first_assessment_in_month,
        is_first_treatment_in_month as is_entered_treatment_in_month,
        is_finished_course_in_month
    from referral_months
    where is_first_assessment_in_month or is_first_treatment_in_month or is_finished_course_in_month
)

select * from cohorts
