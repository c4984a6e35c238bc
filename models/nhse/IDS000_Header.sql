-- The header of every loaded submission in NHS England's column names.
with

submissions as (
    select * from {{ ref('stg_iapt__submissions') }}
),

nhs_shaped as (
    select
        submission_id as UniqueSubmissionID,
        load_seq as AuditId,
        dataset_version as DatSetVer,
        org_code_provider as OrgIDProv,
        reporting_period_start as ReportingPeriodStartDate,
        reporting_period_end as ReportingPeriodEndDate,
        created_at as DateTimeDatSetCreate,
        submission_window as File_Type,
        rows_submitted as TotalRecords,
        {{ unique_month_id('reporting_period_start') }} as Unique_MonthID
    from submissions
)

select * from nhs_shaped
