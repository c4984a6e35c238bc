-- One row per referral (pathway) per reporting month, from the in-use submission of that month,
-- v1.5 and v2.0 in one conformed shape. The pathway key continues across the version change when the
-- provider keeps the referral id (derivation-rules.md 1.2).
with

v15 as (
    select * from {{ ref('base_iapt_v15__referrals') }}
    where {{ incremental_months('reporting_period_start') }}
),

v20 as (
    select * from {{ ref('base_iapt_v20__referrals') }}
    where {{ incremental_months('reporting_period_start') }}
),

end_codes as (
    select * from {{ ref('ref_end_codes') }}
),

unioned as (
    select * from v15
    union all
    select * from v20
),

final as (
    select
        {{ dbt.concat(['unioned.org_code_provider', "':'", 'unioned.service_request_id']) }} as pathway_key,
        unioned.submission_id,
        unioned.dataset_version,
        unioned.org_code_provider,
        unioned.service_request_id,
        unioned.patient_key,
        unioned.reporting_period_start,
        unioned.reporting_period_end,
        unioned.org_code_commissioner,
        unioned.referral_received_date,
        unioned.source_of_referral_code,
        unioned.end_code,
        end_codes.v20_equivalent as end_code_v20,
        end_codes.end_group,
        unioned.end_code is not null and end_codes.v20_equivalent is null as is_end_code_unmapped,
        unioned.discharge_date,
        unioned.onset_date,
        unioned.previous_diagnosis_indicator,
        unioned.recurrence_indicator_v15,
        unioned.opt_in_date_v15,
        unioned.service_request_accepted_v15,
        unioned.org_code_provider_stepped_to_v15,
        unioned.care_cluster_code_v15
    from unioned
    left join end_codes
        on unioned.dataset_version = end_codes.dataset_version and unioned.end_code = end_codes.end_code
)

select * from final
