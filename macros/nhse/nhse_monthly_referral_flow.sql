{#
    An NHS England-style monthly query (referrals received, entered treatment, finished a course of
    treatment) written as NHS analysts write it against post-deadline extracts: IDS101 joined to
    IsLatest_SubmissionID on UniqueSubmissionID and AuditId, IsLatest = 1, UsePathway_Flag = 'True',
    COUNT(DISTINCT PathwayID), flags compared with 'True'. Only the relation names differ from the NHS
    original. Compiled in analyses/nhse_monthly_referral_flow.sql; checked against the marts by
    tests/singular/assert_nhse_query_matches_marts.sql; shown in docs/nhse-views.md.
#}
{% macro nhse_monthly_referral_flow() %}
select
    r.ReportingPeriodStartDate,
    r.OrgID_Provider,
    count(distinct case
        when r.ReferralRequestReceivedDate between l.ReportingPeriodStartDate and l.ReportingPeriodEndDate
            then r.PathwayID
    end) as Count_ReferralsReceived,
    count(distinct case
        when r.TherapySession_FirstDate between l.ReportingPeriodStartDate and l.ReportingPeriodEndDate
            then r.PathwayID
    end) as Count_FirstTreatment,
    count(distinct case
        when
            r.ServDischDate between l.ReportingPeriodStartDate and l.ReportingPeriodEndDate
            and r.CompletedTreatment_Flag = 'True'
            then r.PathwayID
    end) as Count_FinishedCourseTreatment
from {{ ref('IDS101_Referral') }} as r
inner join {{ ref('IsLatest_SubmissionID') }} as l
    on r.UniqueSubmissionID = l.UniqueSubmissionID and r.AuditId = l.AuditId and l.IsLatest = 1
where r.UsePathway_Flag = 'True'
group by r.ReportingPeriodStartDate, r.OrgID_Provider
{% endmacro %}
