-- v1.5 carries the problem descriptor as ProvDiag on the referral row (derivation-rules.md 3.4): one
-- primary complaint per referral per month, dated by the reporting month's end.
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
        upper(replace(trim(provdiag), '.', '')) as presenting_complaint_code,
        cast(null as {{ dbt.type_string() }}) as find_scheme_code,
        'P' as code_significance,
        reporting_period_end as presenting_complaint_date,
        {{ dbt.concat(['trim(serviceid)', "'|ProvDiag'"]) }} as record_id
    from referrals
    where nullif(trim(provdiag), '') is not null
)

select * from renamed
