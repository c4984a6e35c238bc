-- v2.0 IDS012 overseas visitor charging categories of in-use submissions.
-- Materialised (incremental by month on DuckDB): the patient key is a keyed digest computed at build time.
{{ config(materialized=by_month_materialization(), incremental_strategy='month_replace') }}

with

source_rows as (
    {{ in_use_rows(source('landing', 'ids012overseasvisitorchargcat'), '2.0') }}
),

renamed as (
    select
        {{ pseudo_id('org_code_provider', 'localpatientid') }} as patient_key,
        submission_id,
        dataset_version,
        org_code_provider,
        reporting_period_start,
        reporting_period_end,
        upper(trim(ovsvischcat)) as charging_category_code,
        {{ parse_submitted_date('ovsvischcatappdate', '2.0') }} as applicable_date
    from source_rows
)

select * from renamed
