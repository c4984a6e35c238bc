-- Integrated (LTC) care per pathway and month (I101D115/116, named rule "integrated_first_dates"):
-- `IntegratedContact_FirstDate` = the earliest counted care contact (rule 2.4: attended, in the
-- pathway's range, not a follow-up) delivered by an integrated LTC service (IAPTLTCServiceInd = 'Y');
-- `IntegratedTreatment_FirstDate` = the earliest treatment session (rule 2.2) that is such a contact.
-- IET logs carry no LTC indicator and are never integrated. Pathways without contacts are absent.
with

contacts as (
    select * from {{ ref('int_care_contacts_classified') }}
    where {{ incremental_months('reporting_period_start') }}
),

integrated as (
    select
        pathway_key,
        reporting_period_start,
        min(case when is_counted_care_contact and is_ltc_service_contact then care_contact_date end)
            as integrated_contact_first_date,
        min(case when is_treatment_session and is_ltc_service_contact then care_contact_date end)
            as integrated_treatment_first_date,
        count(case when is_counted_care_contact and is_ltc_service_contact then 1 end)
            as integrated_care_contact_count
    from contacts
    group by pathway_key, reporting_period_start
)

select * from integrated
