-- One row per calendar month from the earliest to the latest month the warehouse holds: reporting
-- months of every loaded submission (not rejected whole), and the months of referral, discharge, care contact and
-- internet-enabled therapy log dates. Financial years run April to March ('2020-21'); the data set
-- version in force comes from ref_dataset_versions.
with

submissions as (
    select * from {{ ref('stg_iapt__submissions') }}
),

referrals as (
    select * from {{ ref('stg_iapt__referrals') }}
),

care_contacts as (
    select * from {{ ref('stg_iapt__care_contacts') }}
),

iet_logs as (
    select * from {{ ref('stg_iapt__internet_therapy_logs') }}
),

dataset_versions as (
    select * from {{ ref('ref_dataset_versions') }}
),

-- packages rejected whole are left out: their reporting period may be anything
dated as (
    select reporting_period_start as event_date from submissions
    where status != 'rejected'
    union all
    select referral_received_date as event_date from referrals
    union all
    select discharge_date as event_date from referrals
    union all
    select care_contact_date as event_date from care_contacts
    union all
    select log_start_date as event_date from iet_logs
    union all
    select log_end_date as event_date from iet_logs
),

bounds as (
    select
        min(event_date) as first_date,
        max(event_date) as last_date
    from dated
),

months as (
    {{ month_series('bounds.first_date', 'bounds.last_date', 'bounds') }}
),

in_use_months as (
    select distinct reporting_period_start
    from submissions
    where is_in_use
),

parts as (
    select
        month_start,
        cast({{ dbt.last_day('month_start', 'month') }} as date) as month_end,
        cast(extract(year from month_start) as integer) as calendar_year,
        cast(extract(month from month_start) as integer) as calendar_month,
        -- the financial year starts in April: January to March belong to the year begun the April before
        cast(extract(year from month_start) as integer)
        - case when extract(month from month_start) < 4 then 1 else 0 end as financial_year_start_year,
        cast(floor((mod(cast(extract(month from month_start) as integer) + 8, 12)) / 3) as integer) + 1
            as financial_quarter,
        -- months since the start of the financial quarter (April, July, October, January = 0)
        mod(cast(extract(month from month_start) as integer) + 2, 3) as months_into_quarter
    from months
),

final as (
    select
        parts.month_start,
        parts.month_end,
        parts.calendar_year,
        parts.calendar_month,
        {{ dbt.concat([
            'cast(parts.calendar_year as ' ~ dbt.type_string() ~ ')',
            "'-'",
            dbt.right("cast(100 + parts.calendar_month as " ~ dbt.type_string() ~ ")", 2)
        ]) }} as month_label,
        {{ dbt.concat([
            'cast(parts.financial_year_start_year as ' ~ dbt.type_string() ~ ')',
            "'-'",
            dbt.right("cast(parts.financial_year_start_year + 1 as " ~ dbt.type_string() ~ ")", 2)
        ]) }} as financial_year,
        parts.financial_year_start_year,
        parts.financial_quarter,
        {{ dbt.concat([
            'cast(parts.financial_year_start_year as ' ~ dbt.type_string() ~ ')',
            "'-'",
            dbt.right("cast(parts.financial_year_start_year + 1 as " ~ dbt.type_string() ~ ")", 2),
            "' Q'",
            'cast(parts.financial_quarter as ' ~ dbt.type_string() ~ ')'
        ]) }} as financial_quarter_label,
        cast({{ dbt.dateadd('month', '-parts.months_into_quarter', 'parts.month_start') }} as date)
            as financial_quarter_start,
        cast(
            {{ dbt.last_day(dbt.dateadd('month', '2 - parts.months_into_quarter', 'parts.month_start'), 'month') }}
            as date
        ) as financial_quarter_end,
        -- NHS Unique_MonthID: (year - 1900) * 12 + month - 3 (iapt-domain.md 1.1, inferred formula)
        (parts.calendar_year - 1900) * 12 + parts.calendar_month - 3 as unique_month_id,
        dataset_versions.dataset_version,
        in_use_months.reporting_period_start is not null as has_in_use_submission
    from parts
    left join dataset_versions
        on
            parts.month_start >= dataset_versions.valid_from
            and (dataset_versions.valid_to is null or parts.month_start <= dataset_versions.valid_to)
    left join in_use_months
        on parts.month_start = in_use_months.reporting_period_start
)

select * from final
