-- The pathways of each month (fct_referral_months) with their organisation hierarchy (Sub-ICB ->
-- ICB -> commissioning region from the month's commissioner, unknown codes to Unknown; the provider's
-- name) and the day counts the catalogue's measures test. The input of every referral measure.
with

referral_months as (
    select * from {{ ref('fct_referral_months') }}
    where {{ incremental_months('reporting_period_start') }}
),

commissioners as (
    select * from {{ ref('dim_commissioners') }}
),

providers as (
    select * from {{ ref('dim_providers') }}
),

availability as (
    select * from {{ ref('int_pathway_measure_availability') }}
    where {{ incremental_months('reporting_period_start') }}
),

prepared as (
    select
        referral_months.*, -- noqa: AM04 (every fct_referral_months column, documented there)
        commissioners.sub_icb_code,
        commissioners.sub_icb_name,
        commissioners.icb_code,
        commissioners.icb_name,
        commissioners.region_code,
        commissioners.region_name,
        providers.provider_name,
        availability.has_adsm_or_gad_first_score,
        availability.is_adsm_or_gad_paired,
        availability.cbt_sessions,
        availability.bpd_sessions,
        availability.counselling_sessions,
        availability.ipt_sessions,
        availability.couples_sessions,
        availability.other_hi_sessions,
        availability.hi_sessions,
        availability.li_sessions,
        {{ dbt.datediff('referral_months.referral_received_date', 'referral_months.reporting_period_end', 'day') }}
            as days_referral_to_period_end,
        {{ dbt.datediff('referral_months.therapy_session_last_date', 'referral_months.reporting_period_end', 'day') }}
            as days_since_last_session,
        {{ dbt.datediff(
            'referral_months.therapy_session_first_date', 'referral_months.therapy_session_second_date', 'day'
        ) }} as first_to_second_session_days,
        coalesce(
            referral_months.therapy_session_second_date
            between referral_months.reporting_period_start and referral_months.reporting_period_end,
            false
        ) as is_second_treatment_in_month
    from referral_months
    inner join commissioners
        on {{ commissioner_key('referral_months.org_code_commissioner') }} = commissioners.commissioner_key
    inner join providers
        on referral_months.org_code_provider = providers.org_code_provider
    inner join availability
        on
            referral_months.pathway_key = availability.pathway_key
            and referral_months.reporting_period_start = availability.reporting_period_start
)

select * from prepared -- noqa: AM04
