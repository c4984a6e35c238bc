-- One row per care activity (provider + CareActId; v1.5 one per Thertype column of an appointment) in
-- its latest version (derivation-rules.md 1.5): the therapy given with its step, the duration, and
-- the care professional's IAPT qualification at the contact date as the staff measures M1014-M1017
-- read IDS902: qualified = an IAPT-level qualification awarded on or before the contact date; in
-- training = otherwise an IAPT-level qualification with a planned completion date; qualification
-- records of the provider's submissions up to the activity's month count. v1.5 has no care
-- professional: its qualification columns are null.
-- Incremental by record (macros/incremental/records_to_rebuild.sql): a build recomputes the activities a
-- reprocessed month can change, by their own versions or by their contact's (date, pathway).
{{ config(
    materialized=by_month_materialization(),
    incremental_strategy='record_replace',
    unique_key='care_activity_key',
    month_columns=['reporting_period_start', 'care_contact_reporting_period_start'],
) }}

with

all_staged_activities as (
    select * from {{ ref('stg_iapt__care_activities') }}
),

all_staged_care_contacts as (
    select * from {{ ref('stg_iapt__care_contacts') }}
),

qualifications as (
    select * from {{ ref('stg_iapt__care_professional_qualifications') }}
),

qualification_levels as (
    select * from {{ ref('ref_qualification_levels') }}
),

therapy_types as (
    select * from {{ ref('ref_therapy_types') }}
),

{% if is_incremental_build() %}
-- the activities with a version, or a stored row or contact version, from a reprocessed month, and the
-- activities of the contacts with a version in one
-- (rule keys_searched_in_staging: the key search reads the staging tables, not the import CTEs; DuckDB
-- materialises a CTE read twice, every version of every record, before the filters below)
changed_activities as (
    {{ changed_record_keys(
        ref('stg_iapt__care_activities'), 'care_activity_key',
        ['reporting_period_start', 'care_contact_reporting_period_start'],
    ) }}
    union
    select care_activity_key from {{ ref('stg_iapt__care_activities') }}
    where care_contact_key in (
        select care_contact_key from {{ ref('stg_iapt__care_contacts') }}
        where reporting_period_start >= {{ rebuild_from_month() }}
    )
),
{% endif %}

-- every version of each activity to (re)compute, and of the contacts they belong to
staged_activities as (
    select * from all_staged_activities
    {% if is_incremental_build() %}
    where care_activity_key in (select care_activity_key from changed_activities)
    {% endif %}
),

staged_care_contacts as (
    select * from all_staged_care_contacts
    {% if is_incremental_build() %}
    where care_contact_key in (select care_contact_key from staged_activities)
    {% endif %}
),

-- rule 1.5: each activity and contact as last submitted
activities as (
    {{ latest_versions('staged_activities', 'care_activity_key') }}
),

care_contacts as (
    {{ latest_versions('staged_care_contacts', 'care_contact_key') }}
),

activity_events as (
    select
        activities.care_activity_key,
        activities.care_contact_key,
        care_contacts.pathway_key,
        activities.org_code_provider,
        activities.reporting_period_start,
        activities.dataset_version,
        activities.submission_id,
        care_contacts.care_contact_date,
        care_contacts.reporting_period_start as care_contact_reporting_period_start,
        activities.therapy_code,
        activities.therapy_name,
        activities.therapy_step,
        activities.duration_minutes,
        activities.care_professional_id
    from activities
    left join care_contacts
        on activities.care_contact_key = care_contacts.care_contact_key
),

-- named rule qualifications_counted_once: a provider resubmits its care professionals' qualification records
-- every month, so each distinct record (professional, code, award and planned completion dates) is joined
-- once, from the first month a submission carried it, instead of once per month it was resubmitted
qualification_records as (
    select
        org_code_provider,
        care_professional_id,
        qualification_code,
        awarded_date,
        planned_completion_date,
        min(reporting_period_start) as first_reporting_period_start
    from qualifications
    group by org_code_provider, care_professional_id, qualification_code, awarded_date, planned_completion_date
),

professional_qualifications as (
    select
        activity_events.care_activity_key,
        qualifications.qualification_code,
        qualification_levels.qualification_name,
        qualifications.awarded_date,
        qualifications.planned_completion_date,
        coalesce(
            qualification_levels.is_iapt_qualification
            and qualifications.awarded_date <= activity_events.care_contact_date,
            false
        ) as is_qualified_at_contact,
        coalesce(
            qualification_levels.is_iapt_qualification and qualifications.planned_completion_date is not null,
            false
        ) as is_in_training_record
    from activity_events
    inner join qualification_records as qualifications
        on
            activity_events.org_code_provider = qualifications.org_code_provider
            and activity_events.care_professional_id = qualifications.care_professional_id
            and activity_events.reporting_period_start >= qualifications.first_reporting_period_start
    left join qualification_levels
        on qualifications.qualification_code = qualification_levels.qualification_code
),

-- the record that decides: a qualification held at the contact (earliest award first), else one in
-- training (earliest planned completion first), else any record; ties to the lowest code (the records are
-- distinct, so the order is total)
qualifications_ranked as (
    select
        *,
        row_number() over (
            partition by care_activity_key
            order by
                case when is_qualified_at_contact then 0 else 1 end asc,
                awarded_date asc,
                case when is_in_training_record then 0 else 1 end asc,
                planned_completion_date asc,
                qualification_code asc
        ) as qualification_rank
    from professional_qualifications
),

deciding_qualification as (
    select * from qualifications_ranked
    where qualification_rank = 1
),

final as (
    select
        activity_events.care_activity_key,
        activity_events.care_contact_key,
        activity_events.pathway_key,
        activity_events.org_code_provider,
        activity_events.reporting_period_start,
        activity_events.dataset_version,
        activity_events.submission_id,
        activity_events.care_contact_date,
        activity_events.care_contact_reporting_period_start,
        cast({{ dbt.date_trunc('month', 'activity_events.care_contact_date') }} as date) as care_contact_month,
        activity_events.therapy_code,
        activity_events.therapy_name,
        activity_events.therapy_step,
        therapy_types.measure_id as therapy_measure_id,
        activity_events.therapy_code is not null and activity_events.therapy_name is null as is_therapy_code_unlisted,
        activity_events.duration_minutes,
        activity_events.care_professional_id,
        deciding_qualification.qualification_code,
        deciding_qualification.qualification_name,
        deciding_qualification.awarded_date as qualification_awarded_date,
        deciding_qualification.planned_completion_date as qualification_planned_completion_date,
        case
            when activity_events.dataset_version = '2.0'
                then deciding_qualification.care_activity_key is not null
        end as has_qualification_record,
        case
            when activity_events.dataset_version = '2.0'
                then coalesce(deciding_qualification.is_qualified_at_contact, false)
        end as is_staff_qualified,
        case
            when activity_events.dataset_version = '2.0'
                then coalesce(
                    not deciding_qualification.is_qualified_at_contact and deciding_qualification.is_in_training_record,
                    false
                )
        end as is_staff_in_training,
        -- the M1014-M1017 class of this activity's care professional (null for v1.5: not collected)
        case
            when activity_events.dataset_version != '2.0' then null
            when deciding_qualification.care_activity_key is null then 'No qualification record'
            when deciding_qualification.is_qualified_at_contact then 'Qualified'
            when deciding_qualification.is_in_training_record then 'In training'
            else 'Neither qualified nor in training'
        end as staff_qualification_status
    from activity_events
    left join deciding_qualification
        on activity_events.care_activity_key = deciding_qualification.care_activity_key
    left join therapy_types
        on activity_events.therapy_name = therapy_types.therapy_name
)

select * from final
