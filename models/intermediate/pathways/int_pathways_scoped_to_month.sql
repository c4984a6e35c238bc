-- Rule 1.3/1.4 and the pathway's date range (2.2): the pathways of month M are the referrals in the
-- in-use submission for M, with the referral items as that submission states them. Activity counts
-- for the pathway when dated from the referral date to the discharge date, or to end(M) while the
-- pathway is open. Named rule "open at M": no discharge date on or before end(M); a discharge date
-- after end(M) (a data error) leaves the pathway open at M.
with

referrals as (
    select * from {{ ref('stg_iapt__referrals') }}
    where {{ incremental_months('reporting_period_start') }}
),

scoped as (
    select
        pathway_key,
        reporting_period_start,
        reporting_period_end,
        dataset_version,
        org_code_provider,
        org_code_commissioner,
        patient_key,
        submission_id,
        referral_received_date,
        discharge_date,
        end_code,
        end_code_v20,
        end_group,
        source_of_referral_code,
        coalesce(discharge_date <= reporting_period_end, false) as is_discharged_by_month_end,
        coalesce(
            referral_received_date between reporting_period_start and reporting_period_end, false
        ) as is_referral_received_in_month,
        coalesce(discharge_date between reporting_period_start and reporting_period_end, false) as is_ended_in_month,
        referral_received_date as activity_range_start,
        case
            when discharge_date <= reporting_period_end then discharge_date
            else reporting_period_end
        end as activity_range_end
    from referrals
)

select * from scoped
