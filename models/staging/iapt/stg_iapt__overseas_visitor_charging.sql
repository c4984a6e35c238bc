-- v2.0 IDS012 overseas visitor charging categories of in-use submissions.
-- Materialised (incremental by month on DuckDB): the patient key is a keyed digest computed at build time.
{{ config(materialized=by_month_materialization(), incremental_strategy='month_replace') }}

with

source_rows as (
    {{ in_use_rows(source('landing', 'ids012overseasvisitorchargcat'), '2.0') }}
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
        upper(trim(ovsvischcat)) as charging_category_code,
        {{ parse_submitted_date('ovsvischcatappdate', '2.0') }} as applicable_date
    from keyed_source_rows
)

select * from renamed
