-- v1.5 IAPTDataSetPerson rows of in-use submissions, with the identifiers replaced as in v2.0.
-- v1.5 carries no language or ex-forces code in the conformed form; they are null here.
-- A table, not a view: the keyed digests are computed at build time, so readers need no key or plugin.
{{ config(materialized=by_month_materialization(), incremental_strategy='month_replace') }}

with

patients as (
    {{ in_use_rows(source('landing', 'iaptdatasetperson'), '1.5') }}
),

-- the keyed digests once per distinct identifier (macros/iapt/pseudonymise.sql)
keyed_patients as (
    {{ with_patient_keys('patients', 'lptid', 'nhsnumber') }}
),

derived as (
    select
        submission_id,
        dataset_version,
        org_code_provider,
        reporting_period_start,
        reporting_period_end,
        patient_key,
        person_key,
        {{ age_in_years(parse_submitted_date('personbirthdate', '1.5'), 'reporting_period_start') }}
            as age_at_period_start,
        {{ age_in_years(parse_submitted_date('personbirthdate', '1.5'), 'reporting_period_end') }}
            as age_at_period_end,
        {{ postcode_district('postcode') }} as postcode_district,
        {{ normalise_code('gender', 1) }} as gender_code,
        {{ normalise_code('ethnicity', 1) }} as ethnic_code,
        {{ normalise_code('bafindicator', 2) }} as ex_forces_code,
        cast(null as {{ dbt.type_string() }}) as language_code_preferred,
        cast(null as {{ dbt.type_string() }}) as org_code_local_patient_id,
        cast(null as {{ dbt.type_string() }}) as org_code_residence_responsibility,
        cast(null as {{ dbt.type_string() }}) as nhs_number_status_code,
        cast(null as {{ dbt.type_string() }}) as education_establishment_code,
        upper(trim(gmpc)) as gp_code_v15,
        upper(trim(sexualorientation)) as sexual_orientation_code_v15,
        upper(trim(religiousgroup)) as religion_code_v15,
        upper(trim(ltcondition)) as ltc_indicator_v15
    from keyed_patients
)

select * from derived
