-- Per pathway and month, what the ADSM-availability and therapy-session measures count:
--   ADSM availability (M196-M198, M202): whether the descriptor's own measure or GAD-7 (the default
--   anxiety measure) has a first score and whether either is paired (the catalogue's "ADSM or GAD");
--   therapy sessions (M112-M120, I101D30-D52): treatment sessions per therapy, counted as the attended
--   treatment contacts whose activities record that therapy (ref_therapy_types), internet-enabled
--   therapy logs counting as other high-intensity sessions, as the catalogue says.
with

pathways as (
    select * from {{ ref('int_pathways_scoped_to_month') }}
    where {{ incremental_months('reporting_period_start') }}
),

descriptors as (
    select * from {{ ref('int_problem_descriptors_at_month') }}
    where {{ incremental_months('reporting_period_start') }}
),

-- only the tools that can be the ADSM (named rule adsm_candidates_only, macros/iapt/outcome_rules.sql)
paired as (
    select * from {{ ref('int_scores_paired') }}
    where
        {{ incremental_months('reporting_period_start') }}
        and {{ is_adsm_candidate('tool_code') }}
),

tools as (
    select * from {{ ref('ref_assessment_tools') }}
),

contacts as (
    select * from {{ ref('int_care_contacts_classified') }}
    where {{ incremental_months('reporting_period_start') }}
),

activities as (
    select * from {{ ref('stg_iapt__care_activities') }}
),

therapy_types as (
    select * from {{ ref('ref_therapy_types') }}
),

sessions as (
    select * from {{ ref('int_pathway_sessions_counted') }}
    where {{ incremental_months('reporting_period_start') }}
),

anxiety_scores as (
    select
        pathways.pathway_key,
        pathways.reporting_period_start,
        bool_or(paired.first_score is not null) as has_adsm_or_gad_first_score,
        bool_or(paired.is_paired) as is_adsm_or_gad_paired
    from pathways
    left join descriptors
        on
            pathways.pathway_key = descriptors.pathway_key
            and pathways.reporting_period_start = descriptors.reporting_period_start
    inner join paired
        on
            pathways.pathway_key = paired.pathway_key
            and pathways.reporting_period_start = paired.reporting_period_start
    inner join tools
        on paired.tool_code = tools.tool_code
    where
        paired.tool_code = descriptors.own_measure_tool_code
        or tools.outcome_role = 'default_anxiety_measure'
    group by pathways.pathway_key, pathways.reporting_period_start
),

-- per contact version (a contact's activities of one submission month), whether its activities record
-- each therapy: judged once per version (rule therapies_flagged_per_contact_version), not again in every
-- later month the contact is known at; plain aggregates, so that each pathway-month's sessions are
-- counted without a distinct (a contact counts once per therapy however many of its activities record
-- it). An incremental build flags only the versions its months' contacts are in force at.
version_therapies as (
    select
        activities.care_contact_key,
        activities.reporting_period_start as version_reporting_period_start,
        bool_or(therapy_types.measure_id = 'M110') as is_cbt,
        bool_or(therapy_types.measure_id = 'M105') as is_bpd,
        bool_or(therapy_types.measure_id = 'M104') as is_counselling,
        bool_or(therapy_types.measure_id = 'M111') as is_ipt,
        bool_or(therapy_types.measure_id = 'M102') as is_couples,
        bool_or(therapy_types.measure_id = 'M108') as is_other_hi,
        bool_or(activities.therapy_step = 'High intensity') as is_hi,
        bool_or(activities.therapy_step = 'Low intensity') as is_li
    from activities
    -- staging has resolved each activity's code to its therapy (v1.5 Thertype or v2.0 SNOMED)
    inner join therapy_types
        on activities.therapy_name = therapy_types.therapy_name
    {% if is_incremental_build() -%}
        where activities.reporting_period_start >= (
            select min(in_force.version_reporting_period_start)
            from {{ ref('int_care_contacts_classified') }} as in_force
            where {{ incremental_months('in_force.reporting_period_start') }}
        )
    {%- endif %}
    group by activities.care_contact_key, activities.reporting_period_start
),

-- each treatment contact known at the month (one row per pathway, month and contact) with the flags of
-- the version in force
therapy_counts as (
    select
        contacts.pathway_key,
        contacts.reporting_period_start,
        count(case when version_therapies.is_cbt then 1 end) as cbt_sessions,
        count(case when version_therapies.is_bpd then 1 end) as bpd_sessions,
        count(case when version_therapies.is_counselling then 1 end) as counselling_sessions,
        count(case when version_therapies.is_ipt then 1 end) as ipt_sessions,
        count(case when version_therapies.is_couples then 1 end) as couples_sessions,
        count(case when version_therapies.is_other_hi then 1 end) as other_hi_contact_sessions,
        count(case when version_therapies.is_hi then 1 end) as hi_contact_sessions,
        count(case when version_therapies.is_li then 1 end) as li_sessions
    from contacts
    inner join version_therapies
        on
            contacts.care_contact_key = version_therapies.care_contact_key
            and contacts.version_reporting_period_start = version_therapies.version_reporting_period_start
    where contacts.is_treatment_session
    group by contacts.pathway_key, contacts.reporting_period_start
),

final as (
    select
        pathways.pathway_key,
        pathways.reporting_period_start,
        coalesce(anxiety_scores.has_adsm_or_gad_first_score, false) as has_adsm_or_gad_first_score,
        coalesce(anxiety_scores.is_adsm_or_gad_paired, false) as is_adsm_or_gad_paired,
        coalesce(therapy_counts.cbt_sessions, 0) as cbt_sessions,
        coalesce(therapy_counts.bpd_sessions, 0) as bpd_sessions,
        coalesce(therapy_counts.counselling_sessions, 0) as counselling_sessions,
        coalesce(therapy_counts.ipt_sessions, 0) as ipt_sessions,
        coalesce(therapy_counts.couples_sessions, 0) as couples_sessions,
        coalesce(therapy_counts.other_hi_contact_sessions, 0) + sessions.iet_session_count as other_hi_sessions,
        coalesce(therapy_counts.hi_contact_sessions, 0) + sessions.iet_session_count as hi_sessions,
        coalesce(therapy_counts.li_sessions, 0) as li_sessions
    from pathways
    inner join sessions
        on
            pathways.pathway_key = sessions.pathway_key
            and pathways.reporting_period_start = sessions.reporting_period_start
    left join anxiety_scores
        on
            pathways.pathway_key = anxiety_scores.pathway_key
            and pathways.reporting_period_start = anxiety_scores.reporting_period_start
    left join therapy_counts
        on
            pathways.pathway_key = therapy_counts.pathway_key
            and pathways.reporting_period_start = therapy_counts.reporting_period_start
)

select * from final
