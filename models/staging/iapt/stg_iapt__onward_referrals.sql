-- v2.0 IDS105 onward referrals of in-use submissions.
with

source_rows as (
    {{ in_use_rows(source('landing', 'ids105onwardreferral'), '2.0') }}
),

renamed as (
    select
        {{ dbt.concat(['org_code_provider', "':'", 'trim(servicerequestid)']) }} as pathway_key,
        submission_id,
        dataset_version,
        org_code_provider,
        reporting_period_start,
        reporting_period_end,
        {{ parse_submitted_date('onwardreferdate', '2.0') }} as onward_referral_date,
        nullif(trim(onwardrefertime), '') as onward_referral_time,
        upper(trim(onwardreferreason)) as onward_referral_reason_code,
        upper(trim(orgidreceiving)) as org_code_receiving
    from source_rows
)

select * from renamed
