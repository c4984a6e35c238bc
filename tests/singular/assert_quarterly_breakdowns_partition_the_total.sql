-- Every single-valued breakdown variable (all but V003 disability, V008 IET programme and V009
-- long-term condition, where a pathway can be in several categories) partitions the quarter's total:
-- its categories' counts add up to the same figure for every such variable, and the England figure
-- equals the sum over providers
-- and over Sub-ICBs. Returns the quarter/measure/level combinations that disagree.
{{ config(tags=['publication']) }}

with

breakdowns as (
    select * from {{ ref('quarterly_breakdowns') }}
    where
        variable_id not in ('V003', 'V008', 'V009')
        and measure_id in ('M001', 'M031', 'M076', 'M179', 'M185', 'M189', 'M191', 'M193', 'M052', 'M054')
),

per_variable as (
    select
        quarter_start,
        measure_id,
        group_type,
        variable_id,
        sum(measure_value) as total
    from breakdowns
    group by quarter_start, measure_id, group_type, variable_id
),

spread as (
    select
        quarter_start,
        measure_id,
        group_type,
        min(total) as smallest,
        max(total) as largest
    from per_variable
    group by quarter_start, measure_id, group_type
)

select
    quarter_start,
    measure_id,
    group_type,
    smallest as expected,
    largest as actual
from spread
where smallest != largest
union all
select
    england.quarter_start,
    england.measure_id,
    lower_level.group_type,
    england.smallest as expected,
    lower_level.smallest as actual
from spread as england
inner join spread as lower_level
    on
        england.quarter_start = lower_level.quarter_start
        and england.measure_id = lower_level.measure_id
        and lower_level.group_type != 'England'
where england.group_type = 'England' and england.smallest != lower_level.smallest
