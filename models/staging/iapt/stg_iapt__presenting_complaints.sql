-- Presenting complaints (problem descriptors) per reporting month, both versions, codes without the dot.
with

v15 as (
    select * from {{ ref('base_iapt_v15__presenting_complaints') }}
    where {{ incremental_months('reporting_period_start') }}
),

v20 as (
    select * from {{ ref('base_iapt_v20__presenting_complaints') }}
    where {{ incremental_months('reporting_period_start') }}
),

unioned as (
    select * from v15
    union all
    select * from v20
),

final as (
    select
        {{ dbt.concat(['org_code_provider', "':'", 'record_id']) }} as presenting_complaint_key,
        {{ dbt.concat(['org_code_provider', "':'", 'service_request_id']) }} as pathway_key,
        submission_id,
        dataset_version,
        org_code_provider,
        reporting_period_start,
        reporting_period_end,
        presenting_complaint_code,
        find_scheme_code,
        code_significance,
        presenting_complaint_date
    from unioned
)

select * from final
