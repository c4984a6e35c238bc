-- Internet-enabled therapy logs counted by M343: logs of the month-M submission ending in M whose
-- pathway is a pathway of M, with the pathway's organisation hierarchy.
with

logs as (
    select * from {{ ref('stg_iapt__internet_therapy_logs') }}
),

pathways as (
    select * from {{ ref('int_publication_referral_months') }}
    where {{ incremental_months('reporting_period_start') }}
),

prepared as (
    select
        logs.iet_log_key,
        pathways.reporting_period_start,
        pathways.reporting_period_end,
        pathways.org_code_provider,
        pathways.provider_name,
        pathways.sub_icb_code,
        pathways.sub_icb_name,
        pathways.icb_code,
        pathways.icb_name,
        pathways.region_code,
        pathways.region_name
    from logs
    inner join pathways
        on
            logs.pathway_key = pathways.pathway_key
            and logs.reporting_period_start = pathways.reporting_period_start
    where logs.log_end_date between pathways.reporting_period_start and pathways.reporting_period_end
)

select * from prepared
