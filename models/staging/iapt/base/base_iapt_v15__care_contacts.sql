-- v1.5 IAPTDataSetAppointment rows of in-use submissions as care contacts, in the v2.0 conformed shape.
-- v1.5 has no planned-contact indicator, LTC service indicator, IET programme or interpreter item: null.
with

appointments as (
    {{ in_use_rows(source('landing', 'iaptdatasetappointment'), '1.5') }}
),

renamed as (
    select
        submission_id,
        dataset_version,
        org_code_provider,
        reporting_period_start,
        reporting_period_end,
        trim(appointmentid) as care_contact_id,
        trim(serviceid) as service_request_id,
        {{ parse_submitted_date('appointment', '1.5') }} as care_contact_date,
        nullif(trim(appointmenttime), '') as care_contact_time,
        cast(null as {{ dbt.type_string() }}) as planned_indicator,
        {{ normalise_code('attendance', 1) }} as attend_code,
        {{ normalise_code('apptype', 2) }} as app_type_code,
        {{ normalise_code('consmedium', 2) }} as cons_medium_code,
        cast(null as integer) as duration_minutes,
        cast(null as {{ dbt.type_string() }}) as ltc_service_indicator,
        cast(null as {{ dbt.type_string() }}) as iet_programme,
        cast(null as {{ dbt.type_string() }}) as therapy_mode_code,
        cast(null as {{ dbt.type_string() }}) as interpreter_code,
        cast(null as {{ dbt.type_string() }}) as language_code_treatment,
        {{ normalise_code('psychmed', 2) }} as psychotropic_medication_code,
        cast(null as {{ dbt.type_string() }}) as org_code_commissioner,
        cast(null as {{ dbt.type_string() }}) as cancellation_code,
        cast(null as integer) as group_participants,
        cast(null as integer) as group_facilitators,
        cast(null as {{ dbt.type_string() }}) as activity_location_type_code,
        cast(null as {{ dbt.type_string() }}) as site_code_of_treatment,
        upper(trim(stepintensity)) as step_intensity_code_v15,
        upper(trim(primaryrole)) as primary_role_code_v15,
        upper(trim(ffcomm)) as face_to_face_code_v15,
        {{ normalise_code('empstatus', 2) }} as employment_status_code_v15,
        upper(trim(sickpay)) as sick_pay_indicator_v15
    from appointments
)

select * from renamed
