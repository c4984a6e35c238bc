-- The NHS-style query (macros/nhse/nhse_monthly_referral_flow.sql), run against the nhse views, gives
-- the same monthly referrals received, first treatments and finished courses per provider as
-- fct_referral_months. Returns the provider-months where they differ.
{{ config(tags=['gates_publication']) }}

with

nhs_query as (
    {{ nhse_monthly_referral_flow() }}
),

marts as (
    select
        reporting_period_start,
        org_code_provider,
        count(distinct case when is_referral_received_in_month then pathway_key end) as referrals_received,
        count(distinct case when is_first_treatment_in_month then pathway_key end) as first_treatment,
        count(distinct case when is_finished_course_in_month then pathway_key end) as finished_course
    from {{ ref('fct_referral_months') }}
    group by reporting_period_start, org_code_provider
)

select
    marts.*,
    nhs_query.count_referralsreceived,
    nhs_query.count_firsttreatment,
    nhs_query.count_finishedcoursetreatment
from marts
full outer join nhs_query
    on
        marts.reporting_period_start = nhs_query.reportingperiodstartdate
        and marts.org_code_provider = nhs_query.orgid_provider
where
    nhs_query.orgid_provider is null
    or marts.org_code_provider is null
    or marts.referrals_received != nhs_query.count_referralsreceived
    or marts.first_treatment != nhs_query.count_firsttreatment
    or marts.finished_course != nhs_query.count_finishedcoursetreatment
