-- One row per calendar day from 2012-01-01 (before the first IAPT data set month) to 2040-12-31: the
-- MetricFlow time spine (declared with `time_spine:` in _semantic__models.yml). MetricFlow reads it
-- to build metric_time at day, month, quarter and year grain. A singular test checks that it covers
-- every month of dim_calendar_months.
with

days as (
    {{ dbt.date_spine('day', "cast('2012-01-01' as date)", "cast('2041-01-01' as date)") }}
),

final as (
    select cast(date_day as date) as date_day
    from days
)

select * from final
