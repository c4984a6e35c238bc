-- v2.0 IDS004 employment status records (repeating, dated) of in-use submissions.
-- A table: the patient key is a keyed digest computed at build time.
{{ config(materialized=by_month_materialization(), incremental_strategy='month_replace') }}

with

source_rows as (
    {{ in_use_rows(source('landing', 'ids004empstatus'), '2.0') }}
),

-- the keyed digest once per distinct local patient id (macros/iapt/pseudonymise.sql)
keyed_source_rows as (
    {{ with_patient_keys('source_rows', 'localpatientid') }}
),

renamed as (
    select
        patient_key,
        submission_id,
        dataset_version,
        org_code_provider,
        reporting_period_start,
        reporting_period_end,
        {{ parse_submitted_date('employstatusrecdate', '2.0') }} as recorded_date,
        {{ normalise_code('employstatus', 2) }} as employ_status_code,
        {{ normalise_code('weekhoursworked', 2) }} as week_hours_worked_code,
        upper(trim(selfemployind)) as self_employed_indicator,
        upper(trim(sickabsenceind)) as sickness_absence_indicator,
        upper(trim(sspind)) as statutory_sick_pay_indicator,
        upper(trim(benefitrecind)) as benefit_indicator,
        upper(trim(jsaind)) as jsa_indicator,
        upper(trim(esaind)) as esa_indicator,
        upper(trim(ucind)) as universal_credit_indicator,
        upper(trim(pipind)) as pip_indicator,
        upper(trim(otherbenefitind)) as other_benefit_indicator,
        upper(trim(empsupportind)) as employment_support_indicator,
        upper(trim(empsupportreferral)) as employment_support_referral
    from keyed_source_rows
)

select * from renamed
