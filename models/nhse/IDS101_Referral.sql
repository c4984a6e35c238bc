-- IDS101 with the post-deadline analytic fields (iapt-domain.md 1.5) in NHS England's names, flags as
-- 'True'/'False', from fct_referral_months: one row per pathway per month of its in-use submission, so
-- every row has UsePathway_Flag = 'True'. PathwayID and Person_ID are this warehouse's pseudonymous
-- keys. SQL written for NHS post-deadline extracts runs here with only dialect changes.
with

referral_months as (
    select * from {{ ref('fct_referral_months') }}
),

submissions as (
    select * from {{ ref('stg_iapt__submissions') }}
),

nhs_shaped as (
    select
        referral_months.submission_id as UniqueSubmissionID,
        submissions.load_seq as AuditId,
        {{ unique_month_id('referral_months.reporting_period_start') }} as Unique_MonthID,
        referral_months.reporting_period_start as ReportingPeriodStartDate,
        referral_months.reporting_period_end as ReportingPeriodEndDate,
        referral_months.org_code_provider as OrgID_Provider,
        referral_months.pathway_key as PathwayID,
        referral_months.person_key as Person_ID,
        referral_months.org_code_commissioner as OrgIDComm,
        referral_months.referral_received_date as ReferralRequestReceivedDate,
        referral_months.source_of_referral_code as SourceOfReferralMH,
        referral_months.end_code as EndCode,
        referral_months.discharge_date as ServDischDate,
        'True' as UsePathway_Flag,
        referral_months.assessment_first_date as Assessment_FirstDate,
        referral_months.therapy_session_first_date as TherapySession_FirstDate,
        referral_months.therapy_session_second_date as TherapySession_SecondDate,
        referral_months.therapy_session_last_date as TherapySession_LastDate,
        referral_months.care_contact_count as CareContact_Count,
        referral_months.treatment_care_contact_count as TreatmentCareContact_Count,
        {{ nhs_flag('referral_months.is_completed_treatment') }} as CompletedTreatment_Flag,
        referral_months.problem_descriptor_code as PresentingComplaint,
        referral_months.adsm_name as ADSM,
        referral_months.phq9_first_score as PHQ9_FirstScore,
        referral_months.phq9_last_score as PHQ9_LastScore,
        referral_months.adsm_first_score as ADSM_FirstScore,
        referral_months.adsm_last_score as ADSM_LastScore,
        {{ nhs_flag('referral_months.is_not_caseness') }} as NotCaseness_Flag,
        {{ nhs_flag('referral_months.is_recovered') }} as Recovery_Flag,
        {{ nhs_flag('referral_months.is_reliable_improvement') }} as ReliableImprovement_Flag,
        {{ nhs_flag('referral_months.is_reliable_deterioration') }} as ReliableDeterioration_Flag,
        {{ nhs_flag('referral_months.is_no_reliable_change') }} as NoChange_Flag
    from referral_months
    inner join submissions
        on referral_months.submission_id = submissions.submission_id
)

select * from nhs_shaped
