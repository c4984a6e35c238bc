-- v2.0 IDS011 social and personal circumstances (religion, sexual orientation, ... as SNOMED CT) of in-use submissions.
-- Materialised (incremental by month on DuckDB): the patient key is a keyed digest computed at build time.
{{ config(materialized=by_month_materialization(), incremental_strategy='month_replace') }}

with

source_rows as (
    {{ in_use_rows(source('landing', 'ids011socpercircumstances'), '2.0') }}
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
        trim(socpercircumstance) as social_circumstance_code,
        {{ parse_submitted_date('socpercircumstancerecdate', '2.0') }} as recorded_date
    from keyed_source_rows
)

select * from renamed
