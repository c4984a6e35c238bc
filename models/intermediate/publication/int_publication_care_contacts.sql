-- Care contacts counted by the appointment measures (M082-M088, M1001-M1009): contacts of the month-M
-- submission dated in M whose pathway is a pathway of M, with the pathway's organisation hierarchy
-- the attended flag of derivation-rules.md 2.1, and the
-- integrated (LTC), follow-up and within-the-referral flags of M1011.
with

contacts as (
    select * from {{ ref('stg_iapt__care_contacts') }}
),

pathways as (
    select * from {{ ref('int_publication_referral_months') }}
    where {{ incremental_months('reporting_period_start') }}
),

attendance as (
    select * from {{ ref('ref_attendance') }}
),

appointment_types as (
    select * from {{ ref('ref_appointment_types') }}
),

-- staff qualification classes (M1014-M1017) as fct_care_contacts derives them for the contact's latest
-- version (named choice: a contact re-sent with another care professional takes the latest one)
staffing as (
    select
        care_contact_key,
        has_staff_qualified,
        has_staff_in_training,
        has_staff_neither_qualified_nor_in_training,
        has_staff_without_qualification_record
    from {{ ref('fct_care_contacts') }}
),

prepared as (
    select
        contacts.care_contact_key,
        contacts.attend_code,
        contacts.app_type_code,
        contacts.cons_medium_code,
        pathways.reporting_period_start,
        pathways.reporting_period_end,
        pathways.org_code_provider,
        pathways.provider_name,
        pathways.sub_icb_code,
        pathways.sub_icb_name,
        pathways.icb_code,
        pathways.icb_name,
        pathways.region_code,
        pathways.region_name,
        coalesce(staffing.has_staff_qualified, false) as has_staff_qualified,
        coalesce(staffing.has_staff_in_training, false) as has_staff_in_training,
        coalesce(staffing.has_staff_neither_qualified_nor_in_training, false)
            as has_staff_neither_qualified_nor_in_training,
        coalesce(staffing.has_staff_without_qualification_record, false) as has_staff_without_qualification_record,
        {{ is_attended_contact('attendance.is_attended', 'contacts.planned_indicator') }} as is_attended,
        -- M1011: integrated (LTC) contacts, follow-ups excluded, within the referral's dates
        coalesce(contacts.ltc_service_indicator = '{{ var("ltc_service_contact_indicator") }}', false)
            as is_ltc_service_contact,
        coalesce(appointment_types.is_follow_up, false) as is_follow_up_type,
        coalesce(
            contacts.care_contact_date between pathways.referral_received_date
            and coalesce(pathways.discharge_date, pathways.reporting_period_end),
            false
        ) as is_in_pathway_range
    from contacts
    inner join pathways
        on
            contacts.pathway_key = pathways.pathway_key
            and contacts.reporting_period_start = pathways.reporting_period_start
    left join attendance
        on contacts.attend_code = attendance.attend_code
    left join appointment_types
        on contacts.app_type_code = appointment_types.app_type_code
    left join staffing
        on contacts.care_contact_key = staffing.care_contact_key
    where contacts.care_contact_date between pathways.reporting_period_start and pathways.reporting_period_end
)

select * from prepared
