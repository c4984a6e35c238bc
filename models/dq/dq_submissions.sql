-- The submission each DQ row describes: per provider, reporting month and submission window the last
-- loaded package of that window (a later file in the same window replaces an earlier one, iapt-domain.md
-- 1.2), with whether it is the one in use. Rejected packages carry no rows and are left out.
with

submissions as (
    select * from {{ ref('stg_iapt__submissions') }}
),

ranked as (
    select
        submission_id,
        org_code_provider as provider_code,
        reporting_period_start,
        reporting_period_end,
        dataset_version,
        submission_window,
        status,
        is_in_use,
        created_at,
        rows_loaded,
        rows_rejected,
        row_number() over (
            partition by org_code_provider, reporting_period_start, submission_window
            order by created_at desc, load_seq desc
        ) as recency
    from submissions
    where status <> 'rejected'
),

final as (
    select
        submission_id,
        provider_code,
        reporting_period_start,
        reporting_period_end,
        dataset_version,
        submission_window,
        status,
        is_in_use,
        created_at,
        rows_loaded,
        rows_rejected
    from ranked
    where recency = 1
)

select * from final
