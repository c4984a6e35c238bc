-- The MetricFlow time spine (dim_time_spine) must hold every day of every month the warehouse has
-- (dim_calendar_months): a month it misses would silently drop from metric_time. Fails with the
-- months not fully covered.
with

calendar as (
    select * from {{ ref('dim_calendar_months') }}
),

spine as (
    select * from {{ ref('dim_time_spine') }}
),

covered as (
    select
        calendar.month_start,
        calendar.month_end,
        count(spine.date_day) as spine_days,
        extract(day from calendar.month_end) as month_days
    from calendar
    left join spine
        on spine.date_day between calendar.month_start and calendar.month_end
    group by calendar.month_start, calendar.month_end
)

select *
from covered
where spine_days != month_days
