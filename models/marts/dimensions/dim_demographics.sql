{{ config(materialized=by_month_materialization(), incremental_strategy='month_replace') }}
-- One row per patient per reporting month (patient_key, reporting_period_start): the patient's
-- demographics as that month's in-use submission states them, with their labels and the categories
-- of the catalogue's quarterly variables (V001 age group, V002 BME group, V004 education, V005 ethnic
-- group, V006 ex-forces, V007 gender, V012 religion, V013 sexual orientation, V014 working age).
-- Pseudonymous: patient_key and person_key only, never an identifier. Disabilities (V003) can be
-- several per patient and are in dim_patient_disabilities; here only their list.
with

patients as (
    select * from {{ ref('stg_iapt__patients') }}
    where {{ incremental_months('reporting_period_start') }}
),

social_circumstances as (
    select * from {{ ref('stg_iapt__social_circumstances') }}
    where {{ incremental_months('reporting_period_start') }}
),

disabilities as (
    select * from {{ ref('stg_iapt__disabilities') }}
    where {{ incremental_months('reporting_period_start') }}
),

genders as (
    select * from {{ ref('ref_genders') }}
),

ethnic_categories as (
    select * from {{ ref('ref_ethnic_categories') }}
),

social_circumstance_codes as (
    select * from {{ ref('ref_social_circumstances') }}
),

categories as (
    select * from {{ ref('ref_breakdown_categories') }}
),

age_bands as (
    select * from {{ ref('ref_age_bands') }}
),

-- v2.0 religion (V012) and sexual orientation (V013) are IDS011 SNOMED CT records: the variable is
-- the one whose category list holds the code; the latest recorded wins (then the greatest code)
social_classified as (
    select
        social_circumstances.patient_key,
        social_circumstances.reporting_period_start,
        categories.variable_id,
        social_circumstances.social_circumstance_code,
        row_number() over (
            partition by
                social_circumstances.patient_key,
                social_circumstances.reporting_period_start,
                categories.variable_id
            order by
                social_circumstances.recorded_date desc nulls last,
                social_circumstances.social_circumstance_code desc
        ) as recency_rank
    from social_circumstances
    inner join categories
        on
            social_circumstances.social_circumstance_code = categories.code
            and categories.variable_id in ('V012', 'V013')
            and coalesce(categories.fallback_for, '') = ''
),

social_latest as (
    select
        patient_key,
        reporting_period_start,
        max(case when variable_id = 'V012' then social_circumstance_code end) as religion_code,
        max(case when variable_id = 'V013' then social_circumstance_code end) as sexual_orientation_code
    from social_classified
    where recency_rank = 1
    group by patient_key, reporting_period_start
),

disability_codes as (
    select distinct
        patient_key,
        reporting_period_start,
        disability_code
    from disabilities
    where disability_code is not null
),

disability_lists as (
    {{ sorted_value_lists(
        'disability_codes', ['patient_key', 'reporting_period_start'], 'disability_code', "', '", 'disability_codes'
    ) }}
),

-- v1.5 carried religion and sexual orientation on the person row, in a code list the sources do not
-- give: the codes are kept as submitted and fall to the catalogue's not-stated category
patient_items as (
    select
        patients.*,
        coalesce(social_latest.religion_code, patients.religion_code_v15) as religion_code,
        coalesce(social_latest.sexual_orientation_code, patients.sexual_orientation_code_v15)
            as sexual_orientation_code,
        disability_lists.disability_codes
    from patients
    left join social_latest
        on
            patients.patient_key = social_latest.patient_key
            and patients.reporting_period_start = social_latest.reporting_period_start
    left join disability_lists
        on
            patients.patient_key = disability_lists.patient_key
            and patients.reporting_period_start = disability_lists.reporting_period_start
),

coded_items as (
    select
        patient_key,
        reporting_period_start,
        'V002' as variable_id,
        ethnic_code as code
    from patient_items
    union all
    select
        patient_key,
        reporting_period_start,
        'V004' as variable_id,
        education_establishment_code as code
    from patient_items
    union all
    select
        patient_key,
        reporting_period_start,
        'V005' as variable_id,
        ethnic_code as code
    from patient_items
    union all
    select
        patient_key,
        reporting_period_start,
        'V006' as variable_id,
        ex_forces_code as code
    from patient_items
    union all
    select
        patient_key,
        reporting_period_start,
        'V007' as variable_id,
        gender_code as code
    from patient_items
    union all
    select
        patient_key,
        reporting_period_start,
        'V012' as variable_id,
        religion_code as code
    from patient_items
    union all
    select
        patient_key,
        reporting_period_start,
        'V013' as variable_id,
        sexual_orientation_code as code
    from patient_items
),

-- a listed code takes its category; an unlisted code the variable's 'invalid' fallback, none its 'missing' one
categorised as (
    select
        coded_items.patient_key,
        coded_items.reporting_period_start,
        coded_items.variable_id,
        coalesce(listed.category, fallback.category) as category
    from coded_items
    left join categories as listed
        on
            coded_items.variable_id = listed.variable_id
            and coded_items.code = listed.code
            and coalesce(listed.fallback_for, '') = ''
    left join categories as fallback
        on
            coded_items.variable_id = fallback.variable_id
            and fallback.fallback_for = case when coded_items.code is null then 'missing' else 'invalid' end
),

categories_pivoted as (
    select
        patient_key,
        reporting_period_start,
        max(case when variable_id = 'V002' then category end) as bme_group,
        max(case when variable_id = 'V004' then category end) as education_category,
        max(case when variable_id = 'V005' then category end) as ethnic_group,
        max(case when variable_id = 'V006' then category end) as ex_forces_category,
        max(case when variable_id = 'V007' then category end) as gender_category,
        max(case when variable_id = 'V012' then category end) as religion_category,
        max(case when variable_id = 'V013' then category end) as sexual_orientation_category
    from categorised
    group by patient_key, reporting_period_start
),

-- age bands on the age at the end of the reporting period (Age_RP_EndDate); a missing age takes the fallback band
age_banded as (
    select
        patient_items.patient_key,
        patient_items.reporting_period_start,
        age_bands.variable_id,
        age_bands.age_band
    from patient_items
    inner join age_bands
        on
            (age_bands.is_fallback and patient_items.age_at_period_end is null)
            or (
                not age_bands.is_fallback
                and patient_items.age_at_period_end is not null
                and (age_bands.min_age is null or patient_items.age_at_period_end >= age_bands.min_age)
                and (age_bands.max_age is null or patient_items.age_at_period_end <= age_bands.max_age)
            )
),

age_bands_pivoted as (
    select
        patient_key,
        reporting_period_start,
        max(case when variable_id = 'V001' then age_band end) as age_group,
        max(case when variable_id = 'V014' then age_band end) as working_age_group,
        max(case when variable_id = 'V004' then age_band end) as education_age_band
    from age_banded
    group by patient_key, reporting_period_start
),

final as (
    select
        patient_items.patient_key,
        patient_items.reporting_period_start,
        patient_items.reporting_period_end,
        patient_items.person_key,
        patient_items.org_code_provider,
        patient_items.dataset_version,
        patient_items.submission_id,
        patient_items.age_at_period_start,
        patient_items.age_at_period_end,
        age_bands_pivoted.age_group,
        age_bands_pivoted.working_age_group,
        patient_items.gender_code,
        genders.gender_name,
        categories_pivoted.gender_category,
        patient_items.ethnic_code,
        ethnic_categories.ethnic_name,
        categories_pivoted.ethnic_group,
        categories_pivoted.bme_group,
        patient_items.religion_code,
        religions.value_name as religion_name,
        categories_pivoted.religion_category,
        patient_items.sexual_orientation_code,
        sexual_orientations.value_name as sexual_orientation_name,
        categories_pivoted.sexual_orientation_category,
        patient_items.disability_codes,
        patient_items.ex_forces_code,
        categories_pivoted.ex_forces_category,
        patient_items.education_establishment_code,
        categories_pivoted.education_category,
        age_bands_pivoted.education_age_band,
        patient_items.language_code_preferred
    from patient_items
    left join age_bands_pivoted
        on
            patient_items.patient_key = age_bands_pivoted.patient_key
            and patient_items.reporting_period_start = age_bands_pivoted.reporting_period_start
    left join categories_pivoted
        on
            patient_items.patient_key = categories_pivoted.patient_key
            and patient_items.reporting_period_start = categories_pivoted.reporting_period_start
    left join genders
        on patient_items.gender_code = genders.gender_code
    left join ethnic_categories
        on patient_items.ethnic_code = ethnic_categories.ethnic_code
    left join social_circumstance_codes as religions
        on patient_items.religion_code = religions.snomed_code
    left join social_circumstance_codes as sexual_orientations
        on patient_items.sexual_orientation_code = sexual_orientations.snomed_code
)

select * from final
