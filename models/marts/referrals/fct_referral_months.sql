-- One row per pathway per reporting month it is submitted in (the published UsePathway_Flag grain).
-- Thin first cut: the referral items of the month and the month flags; the derivation issue adds
-- contacts, sessions, scores and outcomes.
with

referrals as (
    select * from {{ ref('stg_iapt__referrals') }}
),

flagged as (
    select
        pathway_key,
        org_code_provider,
        reporting_period_start,
        reporting_period_end,
        dataset_version,
        org_code_commissioner,
        referral_received_date,
        discharge_date,
        end_code,
        submission_id,
        coalesce(
            referral_received_date between reporting_period_start and reporting_period_end, false
        ) as is_referral_received_in_month,
        coalesce(discharge_date between reporting_period_start and reporting_period_end, false) as is_ended_in_month
    from referrals
)

select * from flagged
