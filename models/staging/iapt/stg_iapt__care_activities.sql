-- Care activities (therapies given at care contacts) per reporting month, both versions, with the
-- therapy's step from ref_therapy_types: v2.0 SNOMED codes and v1.5 Thertype codes map to one list.
with

v15 as (
    select * from {{ ref('base_iapt_v15__care_activities') }}
    where {{ incremental_months('reporting_period_start') }}
),

v20 as (
    select * from {{ ref('base_iapt_v20__care_activities') }}
    where {{ incremental_months('reporting_period_start') }}
),

therapies as (
    select * from {{ ref('ref_therapy_types') }}
),

unioned as (
    select * from v15
    union all
    select * from v20
),

final as (
    select
        {{ dbt.concat(['unioned.org_code_provider', "':'", 'unioned.care_activity_id']) }} as care_activity_key,
        {{ dbt.concat(['unioned.org_code_provider', "':'", 'unioned.care_contact_id']) }} as care_contact_key,
        unioned.submission_id,
        unioned.dataset_version,
        unioned.org_code_provider,
        unioned.reporting_period_start,
        unioned.reporting_period_end,
        unioned.care_professional_id,
        unioned.therapy_code,
        therapies.therapy_name,
        therapies.step as therapy_step,
        unioned.duration_minutes,
        unioned.find_scheme_code,
        unioned.finding_code,
        unioned.observation_code,
        unioned.observation_value,
        unioned.observation_unit
    from unioned
    left join therapies
        on
            (unioned.dataset_version = '2.0' and unioned.therapy_code = therapies.snomed_code)
            or (unioned.dataset_version = '1.5' and unioned.therapy_code = therapies.v15_code)
)

select * from final
