-- v2.0 IDS803 mental health care clusters of in-use submissions.
-- Materialised (incremental by month on DuckDB): the patient key is a keyed digest computed at build time.
{{ config(materialized=by_month_materialization(), incremental_strategy='month_replace') }}

with

source_rows as (
    {{ in_use_rows(source('landing', 'ids803carecluster'), '2.0') }}
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
        {{ normalise_code('amhcareclustcodefin', 2) }} as care_cluster_code,
        {{ parse_submitted_date('startdatecareclust', '2.0') }} as start_date,
        nullif(trim(starttimecareclust), '') as start_time,
        {{ parse_submitted_date('enddatecareclust', '2.0') }} as end_date,
        nullif(trim(endtimecareclust), '') as end_time
    from keyed_source_rows
)

select * from renamed
