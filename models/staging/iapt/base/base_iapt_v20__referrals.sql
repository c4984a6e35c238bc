-- v2.0 IDS101Referral rows of in-use submissions, renamed to conformed names and typed.
-- LocalPatientId (a direct identifier) is deliberately not selected.
with

referrals as (
    select * from {{ source('landing', 'ids101referral') }}
),

in_use_submissions as (
    select * from {{ ref('stg_iapt__submissions') }}
    where is_in_use and dataset_version = '2.0'
),

renamed as (
    select
        in_use_submissions.submission_id,
        in_use_submissions.dataset_version,
        in_use_submissions.org_code_provider,
        in_use_submissions.reporting_period_start,
        in_use_submissions.reporting_period_end,
        trim(referrals.servicerequestid) as service_request_id,
        upper(trim(referrals.orgidcomm)) as org_code_commissioner,
        {{ parse_submitted_date('referrals.referralrequestreceiveddate', '2.0') }} as referral_received_date,
        upper(trim(referrals.sourceofreferralmh)) as source_of_referral_code,
        {{ normalise_code('referrals.endcode', 2) }} as end_code,
        {{ parse_submitted_date('referrals.servdischdate', '2.0') }} as discharge_date
    from referrals
    inner join in_use_submissions
        on referrals._submission_id = in_use_submissions.submission_id
)

select * from renamed
