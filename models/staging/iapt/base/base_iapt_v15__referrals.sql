-- v1.5 IAPTDataSetReferral rows of in-use submissions, renamed to the v2.0 conformed names and typed.
-- ServiceID plays the role of ServiceRequestId (derivation-rules.md 1.2); LPTID is not selected.
with

referrals as (
    {{ in_use_rows(source('landing', 'iaptdatasetreferral'), '1.5') }}
),

renamed as (
    select
        submission_id,
        dataset_version,
        org_code_provider,
        reporting_period_start,
        reporting_period_end,
        trim(serviceid) as service_request_id,
        upper(trim(orgcodecomm)) as org_code_commissioner,
        {{ parse_submitted_date('refrecdate', '1.5') }} as referral_received_date,
        upper(trim(sourcereferral)) as source_of_referral_code,
        {{ normalise_code('endcode', 2) }} as end_code,
        {{ parse_submitted_date('enddate', '1.5') }} as discharge_date
    from referrals
)

select * from renamed
