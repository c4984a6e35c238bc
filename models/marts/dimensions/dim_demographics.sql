{{ config(materialized=by_month_materialization(), incremental_strategy='month_replace') }}
-- One row per patient per reporting month (patient_key, reporting_period_start): the patient's
-- demographics as that month's in-use submission states them, with their labels and the categories
-- of the catalogue's quarterly variables (V001 age group, V002 BME group, V004 education, V005 ethnic
-- group, V006 ex-forces, V007 gender, V012 religion, V013 sexual orientation, V014 working age).
-- Pseudonymous: patient_key and person_key only, never an identifier. Disabilities (V003) can be
-- several per patient and are in dim_patient_disabilities; here only their list.
{% set coded_variables = [
    ('V002', 'ethnic_code', 'bme_group'), ('V004', 'education_establishment_code', 'education_category'),
    ('V005', 'ethnic_code', 'ethnic_group'), ('V006', 'ex_forces_code', 'ex_forces_category'),
    ('V007', 'gender_code', 'gender_category'), ('V012', 'religion_code', 'religion_category'),
    ('V013', 'sexual_orientation_code', 'sexual_orientation_category')
] %}
{% set banded_variables = ['V001', 'V014', 'V004'] %}
{% set banded_aliases = [('V001', 'age_group'), ('V014', 'working_age_group'), ('V004', 'education_age_band')] %}
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
-- the one whose category list holds the code; the latest recorded wins (then the greatest code; an
-- undated record only when none is dated). One aggregate per patient-month takes both (rule
-- latest_social_circumstance_by_aggregate), not a ranking window and a second group by.
social_latest as (
    select
        social_circumstances.patient_key,
        social_circumstances.reporting_period_start,
        {% for variable_id, alias in [('V012', 'religion_code'), ('V013', 'sexual_orientation_code')] -%}
            {{ arg_max_by('social_circumstances.social_circumstance_code', [
                'social_circumstances.recorded_date is not null',
                "coalesce(social_circumstances.recorded_date, cast('1900-01-01' as date))",
                'social_circumstances.social_circumstance_code'
            ]) }} filter (where categories.variable_id = '{{ variable_id }}') as {{ alias }}
            {%- if not loop.last %},{% endif %}
        {% endfor %}
    from social_circumstances
    inner join categories
        on
            social_circumstances.social_circumstance_code = categories.code
            and categories.variable_id in ('V012', 'V013')
            and coalesce(categories.fallback_for, '') = ''
    group by social_circumstances.patient_key, social_circumstances.reporting_period_start
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

-- a listed code takes its category; an unlisted code the variable's 'invalid' fallback, none its 'missing'
-- one. One lookup join per variable (the seed is small), not an unpivot of every patient-month and a
-- pivot back, which grouped tens of millions of rows on the patient key at national scale.
listed_categories as (
    select
        variable_id,
        code,
        category
    from categories
    where coalesce(fallback_for, '') = ''
),

-- the fallback categories and bands as one row each (rule categories_and_bands_by_equality_joins): a
-- constant per variable, not a join of every patient-month each
category_fallbacks as (
    select
        {% for variable_id, column, alias in coded_variables -%}
            max(case when variable_id = '{{ variable_id }}' and fallback_for = 'invalid' then category end)
                as {{ variable_id | lower }}_invalid,
            max(case when variable_id = '{{ variable_id }}' and fallback_for = 'missing' then category end)
                as {{ variable_id | lower }}_missing{% if not loop.last %},{% endif %}
        {% endfor %}
    from categories
),

band_fallbacks as (
    select
        {% for variable_id in banded_variables -%}
            max(case when variable_id = '{{ variable_id }}' and is_fallback then age_band end)
                as band_{{ variable_id | lower }}_missing{% if not loop.last %},{% endif %}
        {% endfor %}
    from age_bands
),

-- age bands on the age at the end of the reporting period (Age_RP_EndDate): each age the month's
-- patients have is placed in its band of every banded variable once, and the patient-months join that
-- lookup by equality (a band's range condition, joined to every patient-month, was a nested-loop join).
-- Read from the staging table, not the `patients` CTE: DuckDB materialises a CTE read twice.
ages as (
    select distinct age_at_period_end as age
    from {{ ref('stg_iapt__patients') }}
    where
        {{ incremental_months('reporting_period_start') }}
        and age_at_period_end is not null
),

age_lookup as (
    select
        ages.age,
        {% for variable_id in banded_variables -%}
            max(case when age_bands.variable_id = '{{ variable_id }}' then age_bands.age_band end)
                as band_{{ variable_id | lower }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from ages
    inner join age_bands
        on
            not age_bands.is_fallback
            and (age_bands.min_age is null or ages.age >= age_bands.min_age)
            and (age_bands.max_age is null or ages.age <= age_bands.max_age)
    group by ages.age
),

categorised as (
    select
        patient_items.*,
        {% for variable_id, column, alias in coded_variables -%}
            coalesce(
                listed_{{ variable_id | lower }}.category,
                case
                    when patient_items.{{ column }} is null then category_fallbacks.{{ variable_id | lower }}_missing
                    else category_fallbacks.{{ variable_id | lower }}_invalid
                end
            ) as {{ alias }},
        {% endfor -%}
        {% for variable_id, alias in banded_aliases -%}
            case
                when patient_items.age_at_period_end is null then band_fallbacks.band_{{ variable_id | lower }}_missing
                else age_lookup.band_{{ variable_id | lower }}
            end as {{ alias }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from patient_items
    cross join category_fallbacks
    cross join band_fallbacks
    {% for variable_id, column, alias in coded_variables -%}
        left join listed_categories as listed_{{ variable_id | lower }}
            on
                listed_{{ variable_id | lower }}.variable_id = '{{ variable_id }}'
                and patient_items.{{ column }} = listed_{{ variable_id | lower }}.code
    {% endfor -%}
    left join age_lookup
        on patient_items.age_at_period_end = age_lookup.age
),

final as (
    select
        categorised.patient_key,
        categorised.reporting_period_start,
        categorised.reporting_period_end,
        categorised.person_key,
        categorised.org_code_provider,
        categorised.dataset_version,
        categorised.submission_id,
        categorised.age_at_period_start,
        categorised.age_at_period_end,
        categorised.age_group,
        categorised.working_age_group,
        categorised.gender_code,
        genders.gender_name,
        categorised.gender_category,
        categorised.ethnic_code,
        ethnic_categories.ethnic_name,
        categorised.ethnic_group,
        categorised.bme_group,
        categorised.religion_code,
        religions.value_name as religion_name,
        categorised.religion_category,
        categorised.sexual_orientation_code,
        sexual_orientations.value_name as sexual_orientation_name,
        categorised.sexual_orientation_category,
        categorised.disability_codes,
        categorised.ex_forces_code,
        categorised.ex_forces_category,
        categorised.education_establishment_code,
        categorised.education_category,
        categorised.education_age_band,
        categorised.language_code_preferred
    from categorised
    left join genders
        on categorised.gender_code = genders.gender_code
    left join ethnic_categories
        on categorised.ethnic_code = ethnic_categories.ethnic_code
    left join social_circumstance_codes as religions
        on categorised.religion_code = religions.snomed_code
    left join social_circumstance_codes as sexual_orientations
        on categorised.sexual_orientation_code = sexual_orientations.snomed_code
)

select * from final
