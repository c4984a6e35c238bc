-- Rules 1.5 and 2.1-2.3 for care contacts: every contact known at month M (from the in-use
-- submissions of months up to M, the latest such month's version of each record), joined to the
-- pathway's month-M scope and classified: attended, treatment session, assessment contact, counted
-- care contact, integrated (LTC) contact. Flags come from the code-list seeds, never from code literals.
with

pathways as (
    select * from {{ ref('int_pathways_scoped_to_month') }}
    where {{ incremental_months('reporting_period_start') }}
),

attendance as (
    select * from {{ ref('ref_attendance') }}
),

appointment_types as (
    select * from {{ ref('ref_appointment_types') }}
),

-- rule 1.5: each monthly version of a record and the month it is superseded
contact_versions as (
    {{ record_versions(ref('stg_iapt__care_contacts'), 'care_contact_key', 'pathways') }}
),

known_at_month as (
    select
        pathways.pathway_key,
        pathways.reporting_period_start,
        pathways.activity_range_start,
        pathways.activity_range_end,
        contact_versions.care_contact_key,
        contact_versions.reporting_period_start as version_reporting_period_start,
        contact_versions.care_contact_date,
        contact_versions.care_contact_time,
        contact_versions.attend_code,
        contact_versions.app_type_code,
        contact_versions.planned_indicator,
        contact_versions.psychotropic_medication_code,
        contact_versions.ltc_service_indicator
    from pathways
    inner join contact_versions
        on {{ in_force_at_month('pathways', 'contact_versions') }}
),

classified as (
    select
        known_at_month.pathway_key,
        known_at_month.reporting_period_start,
        known_at_month.care_contact_key,
        known_at_month.version_reporting_period_start,
        known_at_month.care_contact_date,
        known_at_month.care_contact_time,
        known_at_month.attend_code,
        known_at_month.app_type_code,
        known_at_month.planned_indicator,
        known_at_month.psychotropic_medication_code,
        -- I101D115/116: delivered by an integrated long-term-conditions service (IAPTLTCServiceInd)
        coalesce(known_at_month.ltc_service_indicator = '{{ var("ltc_service_contact_indicator") }}', false)
            as is_ltc_service_contact,
        -- rule 2.1: attended, or an unplanned contact
        {{ is_attended_contact('attendance.is_attended', 'known_at_month.planned_indicator') }} as is_attended,
        coalesce(
            known_at_month.care_contact_date
            between known_at_month.activity_range_start and known_at_month.activity_range_end,
            false
        ) as is_in_pathway_range,
        coalesce(appointment_types.is_treatment, false) as is_treatment_type,
        coalesce(appointment_types.is_assessment, false) as is_assessment_type,
        coalesce(appointment_types.is_follow_up, false) as is_follow_up_type
    from known_at_month
    left join attendance
        on known_at_month.attend_code = attendance.attend_code
    left join appointment_types
        on known_at_month.app_type_code = appointment_types.app_type_code
),

final as (
    select
        *,
        -- rule 2.2: attended treatment-type contact within the pathway's range
        is_attended and is_in_pathway_range and is_treatment_type as is_treatment_session,
        -- rule 2.3: attended assessment-type contact within the pathway's range
        is_attended and is_in_pathway_range and is_assessment_type as is_assessment_contact,
        -- rule 2.4 CareContact_Count: attended contacts of any type but follow-up within the range
        is_attended and is_in_pathway_range and not is_follow_up_type as is_counted_care_contact
    from classified
)

select * from final
