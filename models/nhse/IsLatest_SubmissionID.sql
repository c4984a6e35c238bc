-- NHS England's submission reference table: one row per loaded submission with IsLatest = 1 for the
-- one in use for its provider and month (latest Refresh, else latest Primary). NHS scripts join every
-- IDS table to it on UniqueSubmissionID and AuditId and keep IsLatest = 1.
with

submissions as (
    select * from {{ ref('stg_iapt__submissions') }}
),

nhs_shaped as (
    select
        submission_id as UniqueSubmissionID,
        load_seq as AuditId,
        org_code_provider as OrgIDProv,
        reporting_period_start as ReportingPeriodStartDate,
        reporting_period_end as ReportingPeriodEndDate,
        {{ unique_month_id('reporting_period_start') }} as Unique_MonthID,
        case when is_in_use then 1 else 0 end as IsLatest,
        submission_window as File_Type
    from submissions
)

select * from nhs_shaped
