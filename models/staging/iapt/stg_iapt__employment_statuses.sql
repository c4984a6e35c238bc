-- Employment status records per reporting month, both versions: v2.0 IDS004 and v1.5 appointment rows.
with

v15 as (
    select * from {{ ref('base_iapt_v15__employment_statuses') }}
    where {{ incremental_months('reporting_period_start') }}
),

v20 as (
    select * from {{ ref('base_iapt_v20__employment_statuses') }}
    where {{ incremental_months('reporting_period_start') }}
),

unioned as (
    select * from v15
    union all
    select * from v20
),

final as (
    select
        patient_key,
        submission_id,
        dataset_version,
        org_code_provider,
        reporting_period_start,
        reporting_period_end,
        recorded_date,
        employ_status_code,
        week_hours_worked_code,
        self_employed_indicator,
        sickness_absence_indicator,
        statutory_sick_pay_indicator,
        benefit_indicator,
        jsa_indicator,
        esa_indicator,
        universal_credit_indicator,
        pip_indicator,
        other_benefit_indicator,
        employment_support_indicator,
        employment_support_referral
    from unioned
)

select * from final
