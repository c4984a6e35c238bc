-- One row per patient per reporting month, from that month's in-use submission, both versions,
-- pseudonymised: no NHS number, date of birth, full postcode or local patient id.
with

v15 as (
    select * from {{ ref('base_iapt_v15__patients') }}
    where {{ incremental_months('reporting_period_start') }}
),

v20 as (
    select * from {{ ref('base_iapt_v20__patients') }}
    where {{ incremental_months('reporting_period_start') }}
),

unioned as (
    select * from v15
    union all
    select * from v20
),

final as (
    select
        patient_key,
        person_key,
        submission_id,
        dataset_version,
        org_code_provider,
        reporting_period_start,
        reporting_period_end,
        age_at_period_start,
        age_at_period_end,
        postcode_district,
        gender_code,
        ethnic_code,
        ex_forces_code,
        language_code_preferred,
        org_code_local_patient_id,
        org_code_residence_responsibility,
        nhs_number_status_code,
        education_establishment_code,
        gp_code_v15,
        sexual_orientation_code_v15,
        religion_code_v15,
        ltc_indicator_v15
    from unioned
)

select * from final
