-- Issue 5 invariants, per provider and month over fct_referral_months: finished a course <= ended;
-- recovered <= finished - not at caseness; improvement + deterioration + no change = assessed;
-- assessed <= finished. Returns the provider-months that break one.
{{ config(tags=['gates_publication']) }}

with

monthly as (
    select
        reporting_period_start,
        org_code_provider,
        count(case when is_ended_in_month then 1 end) as ended,
        count(case when is_finished_course_in_month then 1 end) as finished,
        count(case when is_assessed_for_outcomes then 1 end) as assessed,
        count(case when is_not_caseness then 1 end) as not_caseness,
        count(case when is_recovered then 1 end) as recovered,
        count(case when is_reliable_improvement then 1 end) as improved,
        count(case when is_reliable_deterioration then 1 end) as deteriorated,
        count(case when is_no_reliable_change then 1 end) as no_change
    from {{ ref('fct_referral_months') }}
    group by reporting_period_start, org_code_provider
)

select * from monthly
where
    finished > ended
    or assessed > finished
    or recovered > finished - not_caseness
    or improved + deteriorated + no_change != assessed
