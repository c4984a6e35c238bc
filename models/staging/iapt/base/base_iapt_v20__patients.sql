-- v2.0 IDS001MPI rows of in-use submissions. The identifiers are replaced here, at the boundary:
-- NHSNumber, PersonBirthDate, Postcode and LocalPatientId are read only to derive pseudonymous keys,
-- ages and the postcode district, and are not selected.
-- A table, not a view: the keyed digests are computed at build time, so readers need no key or plugin.
{{ config(materialized=by_month_materialization(), incremental_strategy='month_replace') }}

with

patients as (
    {{ in_use_rows(source('landing', 'ids001mpi'), '2.0') }}
),

-- the keyed digests once per distinct identifier (macros/iapt/pseudonymise.sql)
keyed_patients as (
    {{ with_patient_keys('patients', 'localpatientid', 'nhsnumber') }}
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
        {{ age_in_years(parse_submitted_date('personbirthdate', '2.0'), 'reporting_period_start') }}
            as age_at_period_start,
        {{ age_in_years(parse_submitted_date('personbirthdate', '2.0'), 'reporting_period_end') }}
            as age_at_period_end,
        {{ postcode_district('postcode') }} as postcode_district,
        {{ normalise_code('gender', 1) }} as gender_code,
        {{ normalise_code('ethniccategory', 1) }} as ethnic_code,
        {{ normalise_code('exbafindicator', 2) }} as ex_forces_code,
        lower(trim(languagecodepreferred)) as language_code_preferred,
        upper(trim(orgidlocalpatientid)) as org_code_local_patient_id,
        upper(trim(orgidresidenceresp)) as org_code_residence_responsibility,
        {{ normalise_code('nhsnumberstatus', 2) }} as nhs_number_status_code,
        {{ normalise_code('eduestabtypeiapt', 1) }} as education_establishment_code,
        cast(null as {{ dbt.type_string() }}) as gp_code_v15,
        cast(null as {{ dbt.type_string() }}) as sexual_orientation_code_v15,
        cast(null as {{ dbt.type_string() }}) as religion_code_v15,
        cast(null as {{ dbt.type_string() }}) as ltc_indicator_v15
    from keyed_patients
)

select * from derived
