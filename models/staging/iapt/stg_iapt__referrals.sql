-- One row per referral (pathway) per reporting month, from the in-use submission of that month,
-- v1.5 and v2.0 in one conformed shape. The pathway key continues across the version change when the
-- provider keeps the referral id (derivation-rules.md 1.2).
with

v15 as (
    select * from {{ ref('base_iapt_v15__referrals') }}
),

v20 as (
    select * from {{ ref('base_iapt_v20__referrals') }}
),

unioned as (
    select * from v15
    union all
    select * from v20
),

final as (
    select
        {{ dbt.concat(['org_code_provider', "':'", 'service_request_id']) }} as pathway_key,
        submission_id,
        dataset_version,
        org_code_provider,
        service_request_id,
        patient_key,
        reporting_period_start,
        reporting_period_end,
        org_code_commissioner,
        referral_received_date,
        source_of_referral_code,
        end_code,
        discharge_date
    from unioned
)

select * from final
