-- v1.5 IAPTDataSetReferral rows of in-use submissions, renamed to the v2.0 conformed names and typed.
-- ServiceID plays the role of ServiceRequestId (derivation-rules.md 1.2); LPTID is not selected.
with

referrals as (
    select * from {{ source('landing', 'iaptdatasetreferral') }}
),

in_use_submissions as (
    select * from {{ ref('stg_iapt__submissions') }}
    where is_in_use and dataset_version = '1.5'
),

renamed as (
    select
        in_use_submissions.submission_id,
        in_use_submissions.dataset_version,
        in_use_submissions.org_code_provider,
        in_use_submissions.reporting_period_start,
        in_use_submissions.reporting_period_end,
        trim(referrals.serviceid) as service_request_id,
        upper(trim(referrals.orgcodecomm)) as org_code_commissioner,
        {{ parse_submitted_date('referrals.refrecdate', '1.5') }} as referral_received_date,
        upper(trim(referrals.sourcereferral)) as source_of_referral_code,
        {{ normalise_code('referrals.endcode', 2) }} as end_code,
        {{ parse_submitted_date('referrals.enddate', '1.5') }} as discharge_date
    from referrals
    inner join in_use_submissions
        on referrals._submission_id = in_use_submissions.submission_id
)

select * from renamed
