-- v1.5 IAPTDataSetReferral rows of in-use submissions, renamed to the v2.0 conformed names and typed.
-- ServiceID plays the role of ServiceRequestId (derivation-rules.md 1.2); LPTID is replaced by patient_key.
-- A table, not a view: the keyed digests are computed at build time, so readers need no key or plugin.
{{ config(materialized=by_month_materialization(), incremental_strategy='month_replace') }}

with

referrals as (
    {{ in_use_rows(source('landing', 'iaptdatasetreferral'), '1.5') }}
),

-- the keyed digest once per distinct local patient id (macros/iapt/pseudonymise.sql)
keyed_referrals as (
    {{ with_patient_keys('referrals', 'lptid') }}
),

renamed as (
    select
        submission_id,
        dataset_version,
        org_code_provider,
        reporting_period_start,
        reporting_period_end,
        trim(serviceid) as service_request_id,
        patient_key,
        upper(trim(orgcodecomm)) as org_code_commissioner,
        {{ parse_submitted_date('refrecdate', '1.5') }} as referral_received_date,
        upper(trim(sourcereferral)) as source_of_referral_code,
        {{ normalise_code('endcode', 2) }} as end_code,
        {{ parse_submitted_date('enddate', '1.5') }} as discharge_date,
        {{ parse_submitted_date('onsetdate', '1.5') }} as onset_date,
        cast(null as {{ dbt.type_string() }}) as previous_diagnosis_indicator,
        upper(trim(recurind)) as recurrence_indicator_v15,
        {{ parse_submitted_date('optindate', '1.5') }} as opt_in_date_v15,
        upper(trim(servreqaccind)) as service_request_accepted_v15,
        upper(trim(orgcodeprovidstepto)) as org_code_provider_stepped_to_v15,
        {{ normalise_code('carecluster', 2) }} as care_cluster_code_v15
    from keyed_referrals
)

select * from renamed
