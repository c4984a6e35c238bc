-- Exactly one in-use submission per (provider, reporting month) that has any accepted submission
-- other than Late ones: the latest Refresh if any, else the latest Primary.
with

submissions as (
    select * from {{ ref('stg_iapt__submissions') }}
),

per_month as (
    select
        org_code_provider,
        reporting_period_start,
        count(*) filter (where is_in_use) as n_in_use,
        count(*) filter (where status in ('in_use', 'superseded')) as n_candidates
    from submissions
    group by org_code_provider, reporting_period_start
)

select *
from per_month
where (n_candidates > 0 and n_in_use <> 1) or (n_candidates = 0 and n_in_use <> 0)
