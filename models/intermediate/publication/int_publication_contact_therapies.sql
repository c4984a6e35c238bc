-- The therapy-type appointment measures (M090-M111, M346): one row per attended treatment-type contact
-- of the month-M submission dated in M (as int_publication_care_contacts) and per catalogue therapy
-- measure its care activities record (v1.5 Thertype codes and v2.0 SNOMED procedures mapped through
-- ref_therapy_types). A contact with two activities of one therapy counts once for it.
with

contacts as (
    select * from {{ ref('int_publication_care_contacts') }}
    where {{ incremental_months('reporting_period_start') }}
),

activities as (
    select * from {{ ref('stg_iapt__care_activities') }}
),

therapy_types as (
    select * from {{ ref('ref_therapy_types') }}
),

appointment_types as (
    select * from {{ ref('ref_appointment_types') }}
),

activity_measures as (
    select distinct
        activities.care_contact_key,
        activities.reporting_period_start,
        therapy_types.measure_id as therapy_measure_id
    from activities
    -- staging has resolved each activity's code to its therapy (v1.5 Thertype or v2.0 SNOMED)
    inner join therapy_types
        on activities.therapy_name = therapy_types.therapy_name
    where therapy_types.measure_id is not null
),

counted as (
    select
        contacts.care_contact_key,
        contacts.reporting_period_start,
        contacts.reporting_period_end,
        contacts.org_code_provider,
        contacts.provider_name,
        contacts.sub_icb_code,
        contacts.sub_icb_name,
        contacts.icb_code,
        contacts.icb_name,
        contacts.region_code,
        contacts.region_name,
        activity_measures.therapy_measure_id
    from contacts
    inner join appointment_types
        on contacts.app_type_code = appointment_types.app_type_code
    inner join activity_measures
        on
            contacts.care_contact_key = activity_measures.care_contact_key
            and contacts.reporting_period_start = activity_measures.reporting_period_start
    where contacts.is_attended and appointment_types.is_treatment
)

select * from counted
