-- v1.5 records employment status (EmpStatus) and statutory sick pay (SickPay) on each appointment row
-- (iapt-domain.md 1.7 maps them to IDS004); one record per appointment that carries either, dated by
-- the appointment, for the appointment's patient (LPTID of its referral in the same submission).
-- SickPay -> statutory_sick_pay_indicator is inferred from the item name.
-- A table: the patient key is a keyed digest computed at build time.
{{ config(materialized=by_month_materialization(), incremental_strategy='month_replace') }}

with

appointments as (
    {{ in_use_rows(source('landing', 'iaptdatasetappointment'), '1.5') }}
),

referrals as (
    select
        _submission_id as submission_id,
        trim(serviceid) as service_request_id,
        lptid
    from {{ source('landing', 'iaptdatasetreferral') }}
),

with_patient as (
    select
        {{ pseudo_id('appointments.org_code_provider', 'referrals.lptid') }} as patient_key,
        appointments.submission_id,
        appointments.dataset_version,
        appointments.org_code_provider,
        appointments.reporting_period_start,
        appointments.reporting_period_end,
        {{ parse_submitted_date('appointments.appointment', '1.5') }} as recorded_date,
        {{ normalise_code('appointments.empstatus', 2) }} as employ_status_code,
        cast(null as {{ dbt.type_string() }}) as week_hours_worked_code,
        cast(null as {{ dbt.type_string() }}) as self_employed_indicator,
        cast(null as {{ dbt.type_string() }}) as sickness_absence_indicator,
        upper(trim(appointments.sickpay)) as statutory_sick_pay_indicator,
        cast(null as {{ dbt.type_string() }}) as benefit_indicator,
        cast(null as {{ dbt.type_string() }}) as jsa_indicator,
        cast(null as {{ dbt.type_string() }}) as esa_indicator,
        cast(null as {{ dbt.type_string() }}) as universal_credit_indicator,
        cast(null as {{ dbt.type_string() }}) as pip_indicator,
        cast(null as {{ dbt.type_string() }}) as other_benefit_indicator,
        cast(null as {{ dbt.type_string() }}) as employment_support_indicator,
        cast(null as {{ dbt.type_string() }}) as employment_support_referral
    from appointments
    inner join referrals
        on
            appointments.submission_id = referrals.submission_id
            and trim(appointments.serviceid) = referrals.service_request_id
    where
        nullif(trim(appointments.empstatus), '') is not null
        or nullif(trim(appointments.sickpay), '') is not null
)

select * from with_patient
