-- One row per care contact per reporting month it was submitted in (in-use submissions), both
-- versions. Record identity (derivation-rules.md 1.5): provider + CareContactId (v1.5 AppointmentID);
-- a contact re-sent in several months is one contact; fct_care_contacts keeps the version from the
-- latest such month. No window across months here, so the model is incremental by month.
with

v15 as (
    select * from {{ ref('base_iapt_v15__care_contacts') }}
    where {{ incremental_months('reporting_period_start') }}
),

v20 as (
    select * from {{ ref('base_iapt_v20__care_contacts') }}
    where {{ incremental_months('reporting_period_start') }}
),

unioned as (
    select * from v15
    union all
    select * from v20
),

keyed as (
    select
        {{ dbt.concat(['org_code_provider', "':'", 'care_contact_id']) }} as care_contact_key,
        {{ dbt.concat(['org_code_provider', "':'", 'service_request_id']) }} as pathway_key,
        *
    from unioned
),

final as (
    select
        care_contact_key,
        pathway_key,
        submission_id,
        dataset_version,
        org_code_provider,
        reporting_period_start,
        reporting_period_end,
        care_contact_id,
        care_contact_date,
        care_contact_time,
        planned_indicator,
        attend_code,
        app_type_code,
        cons_medium_code,
        duration_minutes,
        ltc_service_indicator,
        iet_programme,
        therapy_mode_code,
        interpreter_code,
        language_code_treatment,
        psychotropic_medication_code,
        org_code_commissioner,
        cancellation_code,
        group_participants,
        group_facilitators,
        activity_location_type_code,
        site_code_of_treatment,
        step_intensity_code_v15,
        primary_role_code_v15,
        face_to_face_code_v15,
        employment_status_code_v15,
        sick_pay_indicator_v15
    from keyed
)

select * from final
