-- One row per care contact (provider + CareContactId; v1.5 appointment) in its latest version
-- (derivation-rules.md 1.5), with its labels and the classification the pathway rules use, from the
-- code-list seeds: attended (rule 2.1: attendance code attended, or an unplanned contact) and the
-- appointment type's assessment / treatment / follow-up flags (rules 2.2-2.3). Whether an attended
-- contact is a treatment session or an assessment of its pathway also depends on the pathway's dates
-- in a month: see the pathway derivations. Therapies and staff qualifications are summarised from
-- fct_care_activities.
-- Incremental by record (macros/incremental/records_to_rebuild.sql): a build recomputes the contacts a
-- reprocessed month can change, by their own versions or by their activities'.
{{ config(
    materialized=by_month_materialization(),
    incremental_strategy='record_replace',
    unique_key='care_contact_key',
) }}
-- depends_on: {{ ref('stg_iapt__care_activities') }}

with

all_staged_care_contacts as (
    select * from {{ ref('stg_iapt__care_contacts') }}
),

all_care_activities as (
    select * from {{ ref('fct_care_activities') }}
),

iet_programmes as (
    select * from {{ ref('dim_iet_programmes') }}
),

iet_programme_groups as (
    select * from {{ ref('ref_iet_programme_groups') }}
),

attendance as (
    select * from {{ ref('ref_attendance') }}
),

appointment_types as (
    select * from {{ ref('ref_appointment_types') }}
),

consultation_media as (
    select * from {{ ref('ref_consultation_media') }}
),

therapy_modes as (
    select * from {{ ref('ref_therapy_modes') }}
),

interpreter_codes as (
    select * from {{ ref('ref_interpreter_codes') }}
),

psychotropic_medication as (
    select * from {{ ref('ref_psychotropic_medication') }}
),

{% if is_incremental_build() %}
-- the contacts with a version, or a stored row, from a reprocessed month, and every contact any version
-- of an activity with a version in one belonged to. An activity's version is always sent with its
-- contact's (the loader rejects an activity whose contact is not in its package, rule "orphan"), so an
-- activity whose stored latest version was from a reprocessed month belongs to a contact stored from one.
-- (rule keys_searched_in_staging: the key search reads the staging tables, not the import CTEs; DuckDB
-- materialises a CTE read twice, every version of every contact, before the filter below)
changed_contacts as (
    {{ changed_record_keys(ref('stg_iapt__care_contacts'), 'care_contact_key') }}
    union
    select care_contact_key from {{ ref('stg_iapt__care_activities') }}
    where care_activity_key in (
        select care_activity_key from {{ ref('stg_iapt__care_activities') }}
        where reporting_period_start >= {{ rebuild_from_month() }}
    )
),
{% endif %}

-- every version of each contact to (re)compute, and its activities
staged_care_contacts as (
    select * from all_staged_care_contacts
    {% if is_incremental_build() %}
    where care_contact_key in (select care_contact_key from changed_contacts)
    {% endif %}
),

care_activities as (
    select * from all_care_activities
    {% if is_incremental_build() %}
    where care_contact_key in (select care_contact_key from changed_contacts)
    {% endif %}
),

-- rule 1.5: each contact as last submitted
care_contacts as (
    {{ latest_versions('staged_care_contacts', 'care_contact_key') }}
),

no_iet_recorded as (
    select iet_programme_group
    from iet_programme_groups
    where fallback_for = 'missing'
),

-- staff measures M1014-M1017 count a contact when one or more of its staff is in the class. One pass over
-- the activities also gives each contact's smallest and largest therapy and step (named rule
-- therapies_listed_only_when_several): a contact whose activities name one therapy takes it from here.
activity_summary as (
    select
        care_contact_key,
        count(*) as care_activity_count,
        count(distinct care_professional_id) as care_professional_count,
        {{ dbt.bool_or('is_staff_qualified') }} as has_staff_qualified,
        {{ dbt.bool_or('is_staff_in_training') }} as has_staff_in_training,
        {{ dbt.bool_or('has_qualification_record and not is_staff_qualified and not is_staff_in_training') }}
            as has_staff_neither_qualified_nor_in_training,
        {{ dbt.bool_or('not has_qualification_record') }} as has_staff_without_qualification_record,
        min(therapy_name) as first_therapy_name,
        max(therapy_name) as last_therapy_name,
        min(case when therapy_name is not null then therapy_step end) as first_therapy_step,
        max(case when therapy_name is not null then therapy_step end) as last_therapy_step
    from care_activities
    group by care_contact_key
),

-- only the contacts with two or more distinct therapies or steps list them, sorted
several_therapy_activities as (
    select
        care_activities.care_contact_key,
        care_activities.therapy_name,
        care_activities.therapy_step
    from care_activities
    inner join activity_summary
        on care_activities.care_contact_key = activity_summary.care_contact_key
    where
        care_activities.therapy_name is not null
        and (
            activity_summary.first_therapy_name < activity_summary.last_therapy_name
            or activity_summary.first_therapy_step < activity_summary.last_therapy_step
        )
),

several_therapy_lists as (
    select
        care_contact_key,
        {{ sorted_distinct_list('therapy_name', '; ') }} as therapy_names,
        {{ sorted_distinct_list('therapy_step', '; ') }} as therapy_steps
    from several_therapy_activities
    group by care_contact_key
),

final as (
    select
        care_contacts.care_contact_key,
        care_contacts.pathway_key,
        care_contacts.org_code_provider,
        care_contacts.care_contact_id,
        care_contacts.reporting_period_start,
        care_contacts.dataset_version,
        care_contacts.submission_id,
        care_contacts.care_contact_date,
        care_contacts.care_contact_time,
        cast({{ dbt.date_trunc('month', 'care_contacts.care_contact_date') }} as date) as care_contact_month,
        care_contacts.attend_code,
        attendance.attend_name,
        care_contacts.planned_indicator,
        {{ is_unplanned_contact('care_contacts.planned_indicator') }} as is_unplanned,
        -- rule 2.1: attended, or an unplanned contact
        {{ is_attended_contact('attendance.is_attended', 'care_contacts.planned_indicator') }} as is_attended,
        care_contacts.app_type_code,
        appointment_types.app_type_name,
        coalesce(appointment_types.is_assessment, false) as is_assessment_type,
        coalesce(appointment_types.is_treatment, false) as is_treatment_type,
        coalesce(appointment_types.is_follow_up, false) as is_follow_up_type,
        care_contacts.cons_medium_code,
        consultation_media.cons_medium_name,
        care_contacts.duration_minutes,
        care_contacts.therapy_mode_code,
        therapy_modes.therapy_mode_name,
        care_contacts.group_participants,
        care_contacts.group_facilitators,
        care_contacts.iet_programme,
        coalesce(iet_programmes.iet_programme_group, no_iet_recorded.iet_programme_group) as iet_programme_group,
        care_contacts.interpreter_code,
        interpreter_codes.interpreter_name,
        care_contacts.language_code_treatment,
        care_contacts.psychotropic_medication_code,
        psychotropic_medication.psychotropic_medication_name,
        psychotropic_medication.is_prescribed as is_psychotropic_medication_prescribed,
        care_contacts.ltc_service_indicator,
        care_contacts.org_code_commissioner,
        {{ commissioner_key('care_contacts.org_code_commissioner') }} as commissioner_key,
        care_contacts.step_intensity_code_v15,
        care_contacts.primary_role_code_v15,
        coalesce(activity_summary.care_activity_count, 0) as care_activity_count,
        case
            when activity_summary.first_therapy_name = activity_summary.last_therapy_name
                then activity_summary.first_therapy_name
            else several_therapy_lists.therapy_names
        end as therapy_names,
        case
            when activity_summary.first_therapy_step = activity_summary.last_therapy_step
                then activity_summary.first_therapy_step
            else several_therapy_lists.therapy_steps
        end as therapy_steps,
        coalesce(activity_summary.care_professional_count, 0) as care_professional_count,
        -- v2.0 only (v1.5 has no care professional); a v2.0 contact without activities has no staff
        case
            when care_contacts.dataset_version = '2.0' then coalesce(activity_summary.has_staff_qualified, false)
        end as has_staff_qualified,
        case
            when care_contacts.dataset_version = '2.0' then coalesce(activity_summary.has_staff_in_training, false)
        end as has_staff_in_training,
        case
            when care_contacts.dataset_version = '2.0'
                then coalesce(activity_summary.has_staff_neither_qualified_nor_in_training, false)
        end as has_staff_neither_qualified_nor_in_training,
        case
            when care_contacts.dataset_version = '2.0'
                then coalesce(activity_summary.has_staff_without_qualification_record, false)
        end as has_staff_without_qualification_record
    from care_contacts
    left join attendance
        on care_contacts.attend_code = attendance.attend_code
    left join appointment_types
        on care_contacts.app_type_code = appointment_types.app_type_code
    left join consultation_media
        on care_contacts.cons_medium_code = consultation_media.cons_medium_code
    left join therapy_modes
        on care_contacts.therapy_mode_code = therapy_modes.therapy_mode_code
    left join interpreter_codes
        on care_contacts.interpreter_code = interpreter_codes.interpreter_code
    left join psychotropic_medication
        on care_contacts.psychotropic_medication_code = psychotropic_medication.psychotropic_medication_code
    left join iet_programmes
        on care_contacts.iet_programme = iet_programmes.iet_programme
    left join activity_summary
        on care_contacts.care_contact_key = activity_summary.care_contact_key
    left join several_therapy_lists
        on care_contacts.care_contact_key = several_therapy_lists.care_contact_key
    cross join no_iet_recorded
)

select * from final
