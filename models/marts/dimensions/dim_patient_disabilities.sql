{{ config(materialized=by_month_materialization(), incremental_strategy='month_replace') }}
-- One row per patient per reporting month per disability code submitted for the patient (v2.0 IDS007),
-- with its label and quarterly V003 category; a patient-month without any disability record has one
-- row with no code, category "No code" (as V003 counts it). Join a referral-month to it on
-- (patient_key, reporting_period_start) to count by V003, where a patient counts once per category.
with

patients as (
    select * from {{ ref('stg_iapt__patients') }}
    where {{ incremental_months('reporting_period_start') }}
),

disabilities as (
    select * from {{ ref('stg_iapt__disabilities') }}
    where {{ incremental_months('reporting_period_start') }}
),

disability_names as (
    select * from {{ ref('ref_disabilities') }}
),

categories as (
    select * from {{ ref('ref_breakdown_categories') }}
    where variable_id = 'V003'
),

disability_codes as (
    select distinct
        patient_key,
        reporting_period_start,
        disability_code
    from disabilities
    where disability_code is not null
),

patient_disabilities as (
    select
        patients.patient_key,
        patients.reporting_period_start,
        patients.org_code_provider,
        disability_codes.disability_code
    from patients
    left join disability_codes
        on
            patients.patient_key = disability_codes.patient_key
            and patients.reporting_period_start = disability_codes.reporting_period_start
),

final as (
    select
        patient_disabilities.patient_key,
        patient_disabilities.reporting_period_start,
        patient_disabilities.org_code_provider,
        patient_disabilities.disability_code,
        disability_names.disab_name as disability_name,
        coalesce(listed.category, fallback.category) as disability_category
    from patient_disabilities
    left join disability_names
        on patient_disabilities.disability_code = disability_names.disab_code
    left join categories as listed
        on
            patient_disabilities.disability_code = listed.code
            and coalesce(listed.fallback_for, '') = ''
    left join categories as fallback
        on fallback.fallback_for = case
            when patient_disabilities.disability_code is null then 'missing' else 'invalid'
        end
)

select * from final
