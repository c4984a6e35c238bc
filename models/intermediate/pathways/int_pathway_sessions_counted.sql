-- Rule 2.4: per pathway and month, the first assessment date, the first, second and last treatment
-- session dates, the session and care-contact counts, the total minutes of its IET logs (M1013), and
-- CompletedTreatment_Flag (discharged by the end of M with at least two treatment sessions). Sessions
-- on the same date are counted separately (two contacts on one day are two sessions).
with

pathways as (
    select * from {{ ref('int_pathways_scoped_to_month') }}
    where {{ incremental_months('reporting_period_start') }}
),

contacts as (
    select * from {{ ref('int_care_contacts_classified') }}
    where {{ incremental_months('reporting_period_start') }}
),

sessions as (
    select * from {{ ref('int_treatment_sessions') }}
    where {{ incremental_months('reporting_period_start') }}
),

contact_counts as (
    select
        pathway_key,
        reporting_period_start,
        min(case when is_assessment_contact then care_contact_date end) as assessment_first_date,
        count(case when is_counted_care_contact then 1 end) as care_contact_count
    from contacts
    group by pathway_key, reporting_period_start
),

-- the second session's date is the second smallest session date, two sessions on one date counting
-- twice: the order within a date (time, record) never changes it, so no ranking is needed (rule
-- second_session_by_aggregate)
session_counts as (
    select
        pathway_key,
        reporting_period_start,
        min(session_date) as therapy_session_first_date,
        {{ second_smallest('session_date') }} as therapy_session_second_date,
        max(session_date) as therapy_session_last_date,
        count(*) as treatment_care_contact_count,
        count(case when session_source = 'iet_log' then 1 end) as iet_session_count,
        -- total minutes of the IET logs (a log without a duration adds nothing; null without logs)
        sum(case when session_source = 'iet_log' then coalesce(iet_duration_minutes, 0) end) as iet_duration_minutes
    from sessions
    group by pathway_key, reporting_period_start
),

counted as (
    select
        pathways.pathway_key,
        pathways.reporting_period_start,
        contact_counts.assessment_first_date,
        session_counts.therapy_session_first_date,
        session_counts.therapy_session_second_date,
        session_counts.therapy_session_last_date,
        coalesce(session_counts.treatment_care_contact_count, 0) as treatment_care_contact_count,
        coalesce(session_counts.iet_session_count, 0) as iet_session_count,
        session_counts.iet_duration_minutes,
        coalesce(contact_counts.care_contact_count, 0) as care_contact_count,
        pathways.is_discharged_by_month_end
        and coalesce(session_counts.treatment_care_contact_count, 0) >= 2 as is_completed_treatment
    from pathways
    left join contact_counts
        on
            pathways.pathway_key = contact_counts.pathway_key
            and pathways.reporting_period_start = contact_counts.reporting_period_start
    left join session_counts
        on
            pathways.pathway_key = session_counts.pathway_key
            and pathways.reporting_period_start = session_counts.reporting_period_start
)

select * from counted
