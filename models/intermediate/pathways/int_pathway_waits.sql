-- Rule 2.5: waits in calendar days from the referral date to the first assessment and to the first
-- treatment session; within 6 weeks = at most var('wait_within_6_weeks_days') days (42), within 18
-- weeks = at most var('wait_within_18_weeks_days') (126). Null when there is no such date.
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
    select
        pathways.pathway_key,
        pathways.reporting_period_start,
        {{ dbt.datediff('pathways.referral_received_date', 'sessions.assessment_first_date', 'day') }}
            as wait_first_assessment_days,
        {{ dbt.datediff('pathways.referral_received_date', 'sessions.therapy_session_first_date', 'day') }}
            as wait_first_treatment_days
    from pathways
    inner join sessions
        on
            pathways.pathway_key = sessions.pathway_key
            and pathways.reporting_period_start = sessions.reporting_period_start
),

flagged as (
    select
        pathway_key,
        reporting_period_start,
        wait_first_assessment_days,
        wait_first_treatment_days,
        wait_first_treatment_days <= {{ var('wait_within_6_weeks_days') }} as is_first_treatment_within_6_weeks,
        wait_first_treatment_days <= {{ var('wait_within_18_weeks_days') }} as is_first_treatment_within_18_weeks
    from waits
)

select * from flagged
