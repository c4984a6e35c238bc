-- v2.0 IDS101Referral rows of in-use submissions, renamed to conformed names and typed.
-- LocalPatientId (a direct identifier) is replaced by patient_key, its keyed digest.
-- A table, not a view: the keyed digests are computed at build time, so readers need no key or plugin.
{{ config(materialized=by_month_materialization(), incremental_strategy='month_replace') }}

with

referrals as (
    {{ in_use_rows(source('landing', 'ids101referral'), '2.0') }}
),

-- the keyed digest once per distinct local patient id (macros/iapt/pseudonymise.sql)
keyed_referrals as (
    {{ with_patient_keys('referrals', 'localpatientid') }}
),

renamed as (
    select
        submission_id,
        dataset_version,
        org_code_provider,
        reporting_period_start,
        reporting_period_end,
        trim(servicerequestid) as service_request_id,
        patient_key,
        upper(trim(orgidcomm)) as org_code_commissioner,
        {{ parse_submitted_date('referralrequestreceiveddate', '2.0') }} as referral_received_date,
        upper(trim(sourceofreferralmh)) as source_of_referral_code,
        {{ normalise_code('endcode', 2) }} as end_code,
        {{ parse_submitted_date('servdischdate', '2.0') }} as discharge_date,
        {{ parse_submitted_date('onsetdate', '2.0') }} as onset_date,
        upper(trim(prevdiagcondind)) as previous_diagnosis_indicator,
        cast(null as {{ dbt.type_string() }}) as recurrence_indicator_v15,
        cast(null as date) as opt_in_date_v15,
        cast(null as {{ dbt.type_string() }}) as service_request_accepted_v15,
        cast(null as {{ dbt.type_string() }}) as org_code_provider_stepped_to_v15,
        cast(null as {{ dbt.type_string() }}) as care_cluster_code_v15
    from keyed_referrals
)

select * from renamed
