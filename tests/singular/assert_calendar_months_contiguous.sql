-- dim_calendar_months has no gaps: as many rows as months from its first to its last month
-- (unique_month_id counts months, one apart for consecutive months).
with

months as (
    select * from {{ ref('dim_calendar_months') }}
),

span as (
    select
        count(*) as n_months,
        max(unique_month_id) - min(unique_month_id) + 1 as n_expected
    from months
)

select * from span
where n_months != n_expected
