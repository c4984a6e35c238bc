-- Care contacts counted by the appointment measures (M082-M088, M1001-M1009): contacts of the month-M
-- submission dated in M whose pathway is a pathway of M, with the pathway's organisation hierarchy
-- and the attended flag of derivation-rules.md 2.1.
with

contacts as (
    select * from {{ ref('stg_iapt__care_contacts') }}
),

pathways as (
    select * from {{ ref('int_publication_referral_months') }}
),

attendance as (
    select * from {{ ref('ref_attendance') }}
),

prepared as (
    select
        contacts.care_contact_key,
        contacts.attend_code,
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
        coalesce(attendance.is_attended, false)
        or coalesce(contacts.planned_indicator = '{{ var("unplanned_care_contact_indicator") }}', false) as is_attended
    from contacts
    inner join pathways
        on
            contacts.pathway_key = pathways.pathway_key
            and contacts.reporting_period_start = pathways.reporting_period_start
    left join attendance
        on contacts.attend_code = attendance.attend_code
    where contacts.care_contact_date between pathways.reporting_period_start and pathways.reporting_period_end
)

select * from prepared
