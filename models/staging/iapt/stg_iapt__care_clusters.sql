-- v2.0 IDS803 mental health care clusters of in-use submissions.
-- Materialised (incremental by month on DuckDB): the patient key is a keyed digest computed at build time.
{{ config(materialized=by_month_materialization(), incremental_strategy='month_replace') }}

with

source_rows as (
    {{ in_use_rows(source('landing', 'ids803carecluster'), '2.0') }}
),

renamed as (
    select
        {{ pseudo_id('org_code_provider', 'localpatientid') }} as patient_key,
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
    from source_rows
)

select * from renamed
