-- The quarterly breakdowns' counts per month: for each month, provider, Sub-ICB, breakdown variable and
-- category, the number of the month's pathways (int_publication_referral_months) in that category that
-- meet each count's condition (macros/publication/measure_definitions.sql). Variables: V001 age group,
-- V002 BME group, V003 disability (a pathway counts in each of its patient's disability categories), V004
-- education, V005 ethnic group, V006 ex-forces, V007 gender, V009 long-term condition (each named
-- condition recorded), V008 IET programme (each programme group of the pathway's IET logs known at the
-- month), V010 problem descriptor group, V011 psychotropic medication status at the first and last
-- treatment session (finished courses), V012 religion, V013 sexual orientation, V014 working age.
-- Demographics are the patient's as submitted in the month (dim_demographics). Each event (referral,
-- first treatment, ending) is dated in one month and counted there, so a quarter's count is the sum of
-- its months' counts (publication.quarterly_breakdowns). The single-valued variables are counted straight
-- from the pathway-months; only the multi-valued ones (V003, V008, V009) are expanded to
-- pathway-month-category rows, which are aggregated here and never stored.
{% set count_definitions = measure_definitions() | selectattr('id', 'in', quarterly_breakdown_counts()) | list %}
{% set carried = ['org_code_provider', 'provider_name', 'sub_icb_code', 'sub_icb_name'] %}
{% set flags = [] %}
{% for d in count_definitions %}{% do flags.append('counts_' ~ d.id) %}{% endfor %}
{#- the grain of the counts besides variable and category, and the columns every multi-valued breakdown row
    carries besides its variable and category -#}
{% set group_columns = ['reporting_period_start', 'quarter_start', 'quarter_end'] + carried %}
{% set row_columns = group_columns + flags %}
{#- V001, V002, V004-V007 and V010-V014 put each pathway-month in one category: each is counted by its own
    group by over the pathway-months, without a row per pathway-month and variable (rule
    single_valued_breakdowns_grouped_directly). GROUPING SETS would do the same in one statement as fast,
    but sqlfluff's duckdb dialect cannot parse it. -#}
{% set single_valued = [
    ('V001', 'age_group'), ('V002', 'bme_group'), ('V004', 'education_category'), ('V005', 'ethnic_group'),
    ('V006', 'ex_forces_category'), ('V007', 'gender_category'),
    ('V010', 'descriptor_group'), ('V011', 'medication_status'), ('V012', 'religion_category'),
    ('V013', 'sexual_orientation_category'), ('V014', 'working_age_group')
] %}

-- Scheduling only (rule heavy_models_not_run_together, docs/performance.md): this model and
-- int_monthly_measures_exact each need most of DuckDB's memory; run side by side on the two dbt threads they
-- spilled and took 1.5 times as long as one after the other, so this one waits for the other.
-- depends_on: {{ ref('int_monthly_measures_exact') }}
with

referral_months as (
    select * from {{ ref('int_publication_referral_months') }}
    where {{ incremental_months('reporting_period_start') }}
),

calendar as (
    select * from {{ ref('dim_calendar_months') }}
),

demographics as (
    select * from {{ ref('dim_demographics') }}
),

-- V003: each patient-month's distinct categories (several codes can share one), so that a pathway
-- counts once in each of its patient's categories without a distinct over the wide breakdown rows
disabilities as (
    select distinct
        patient_key,
        reporting_period_start,
        disability_category
    from {{ ref('dim_patient_disabilities') }}
),

-- each pathway-month's disability categories, joined on the narrow pathway-months (a separate import) rather
-- than on the wide breakdown rows (rule disabilities_joined_before_expansion)
pathway_patients as (
    select
        pathway_key,
        patient_key,
        reporting_period_start
    from {{ ref('int_publication_referral_months') }}
    where {{ incremental_months('reporting_period_start') }}
),

pathway_disabilities as (
    select
        pathway_patients.pathway_key,
        pathway_patients.reporting_period_start,
        disabilities.disability_category
    from pathway_patients
    inner join disabilities
        on
            pathway_patients.patient_key = disabilities.patient_key
            and pathway_patients.reporting_period_start = disabilities.reporting_period_start
),

descriptors as (
    select * from {{ ref('dim_problem_descriptors') }}
),

long_term_conditions as (
    select * from {{ ref('stg_iapt__long_term_conditions') }}
),

ltc_codes as (
    select * from {{ ref('ref_long_term_conditions') }}
),

-- V009: the named long-term conditions recorded for the pathway in the month (IDS602, v2.0 only);
-- 'No long term condition' when none is recorded or only "no history of long term condition"
pathway_conditions as (
    select distinct
        long_term_conditions.pathway_key,
        long_term_conditions.reporting_period_start,
        coalesce(ltc_codes.condition_name, 'Other or unknown condition') as condition_name
    from long_term_conditions
    left join ltc_codes
        on long_term_conditions.long_term_condition_code = ltc_codes.snomed_code
    where coalesce(ltc_codes.is_ltc, true)
),

sessions as (
    select * from {{ ref('int_treatment_sessions') }}
    where {{ incremental_months('reporting_period_start') }}
),

iet_logs as (
    select * from {{ ref('stg_iapt__internet_therapy_logs') }}
),

iet_programmes as (
    select * from {{ ref('dim_iet_programmes') }}
),

contacts as (
    select * from {{ ref('int_care_contacts_classified') }}
    where {{ incremental_months('reporting_period_start') }}
),

-- V011 is only known for finished courses: the medication of the other pathway-months' sessions is never
-- read, so their sessions are not ordered (rule medication_ordered_for_finished_courses_only). A separate
-- import, as a CTE read twice is materialised by DuckDB.
finished_courses as (
    select
        pathway_key,
        reporting_period_start
    from {{ ref('int_publication_referral_months') }}
    where
        is_finished_course_in_month
        and {{ incremental_months('reporting_period_start') }}
),

medication as (
    select * from {{ ref('ref_psychotropic_medication') }}
),

-- V008: the programme groups of the pathway's IET sessions at the month
pathway_programmes as (
    select distinct
        sessions.pathway_key,
        sessions.reporting_period_start,
        iet_programmes.iet_programme_group
    from sessions
    inner join iet_logs
        on sessions.session_record_key = iet_logs.iet_log_key
    inner join iet_programmes
        on iet_logs.iet_programme = iet_programmes.iet_programme
    where sessions.session_source = 'iet_log'
),

-- V011: PsychotropicIndicator_First / _Last = the medication code of the first and last treatment
-- session that is a care contact (IET logs carry none), by date, time and contact key: one aggregate
-- per pathway-month picks both (rule medication_first_last_by_aggregate; the orderings of the ranking
-- windows it replaces: first = date, time with a missing time first, key; last = date descending, time
-- descending with a missing time last, key descending; a missing date last in both)
session_medication as (
    select
        contacts.pathway_key,
        contacts.reporting_period_start,
        {{ arg_min_by('contacts.psychotropic_medication_code', [
            'contacts.care_contact_date is null',
            "coalesce(contacts.care_contact_date, cast('1900-01-01' as date))",
            'contacts.care_contact_time is not null',
            "coalesce(contacts.care_contact_time, '')",
            'contacts.care_contact_key'
        ]) }} as first_medication_code,
        {{ arg_max_by('contacts.psychotropic_medication_code', [
            'contacts.care_contact_date is not null',
            "coalesce(contacts.care_contact_date, cast('1900-01-01' as date))",
            'contacts.care_contact_time is not null',
            "coalesce(contacts.care_contact_time, '')",
            'contacts.care_contact_key'
        ]) }} as last_medication_code
    from contacts
    inner join finished_courses
        on
            contacts.pathway_key = finished_courses.pathway_key
            and contacts.reporting_period_start = finished_courses.reporting_period_start
    where contacts.is_treatment_session
    group by contacts.pathway_key, contacts.reporting_period_start
),

medication_status as (
    select
        session_medication.pathway_key,
        session_medication.reporting_period_start,
        first_medication.is_prescribed as first_prescribed,
        last_medication.is_prescribed as last_prescribed
    from session_medication
    left join medication as first_medication
        on session_medication.first_medication_code = first_medication.psychotropic_medication_code
    left join medication as last_medication
        on session_medication.last_medication_code = last_medication.psychotropic_medication_code
),

categories as (
    select * from {{ ref('ref_breakdown_categories') }}
),

-- each pathway-month with whether it meets each count's condition
pathways as (
    select
        *,
        {% for d in count_definitions %}
        coalesce({{ d.cond }}, false) as counts_{{ d.id }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from referral_months
),

missing_disability as (
    select category from categories
    where variable_id = 'V003' and fallback_for = 'missing'
),

enriched as (
    select
        pathways.pathway_key,
        pathways.reporting_period_start,
        {% for column in carried + flags %}
        pathways.{{ column }},
        {% endfor %}
        calendar.financial_quarter_start as quarter_start,
        calendar.financial_quarter_end as quarter_end,
        calendar.financial_quarter_label as quarter_label,
        coalesce(demographics.age_group, 'Unknown') as age_group,
        coalesce(demographics.bme_group, 'Unknown') as bme_group,
        coalesce(demographics.education_category, 'Unknown') as education_category,
        coalesce(demographics.ethnic_group, 'Unknown') as ethnic_group,
        coalesce(demographics.ex_forces_category, 'Unknown') as ex_forces_category,
        coalesce(demographics.gender_category, 'Unknown') as gender_category,
        coalesce(demographics.religion_category, 'Unknown') as religion_category,
        coalesce(demographics.sexual_orientation_category, 'Unknown') as sexual_orientation_category,
        coalesce(demographics.working_age_group, 'Unknown') as working_age_group,
        coalesce(descriptors.descriptor_group, 'No problem descriptor') as descriptor_group,
        case
            when not pathways.is_finished_course_in_month then 'Not stated/Not known/Invalid'
            when medication_status.first_prescribed and medication_status.last_prescribed
                then 'Prescribed first and last sessions'
            when medication_status.first_prescribed and not medication_status.last_prescribed
                then 'Prescribed first session and not last session'
            when not medication_status.first_prescribed and medication_status.last_prescribed
                then 'Not prescribed first session and prescribed last session'
            when not medication_status.first_prescribed and not medication_status.last_prescribed
                then 'Not prescribed first session and not last session'
            else 'Not stated/Not known/Invalid'
        end as medication_status
    from pathways
    inner join calendar
        on pathways.reporting_period_start = calendar.month_start
    left join demographics
        on
            pathways.patient_key = demographics.patient_key
            and pathways.reporting_period_start = demographics.reporting_period_start
    left join descriptors
        on pathways.problem_descriptor_code = descriptors.problem_descriptor_code
    left join medication_status
        on
            pathways.pathway_key = medication_status.pathway_key
            and pathways.reporting_period_start = medication_status.reporting_period_start
),

single_valued_counted as (
    {% for variable_id, column in single_valued %}
    select
        {% for group_column in group_columns %}
        {{ group_column }},
        {% endfor %}
        '{{ variable_id }}' as variable_id,
        {{ column }} as category,
        {% for d in count_definitions %}
        count(case when counts_{{ d.id }} then 1 end) as {{ d.id }},
        {% endfor %}
        count(*) as pathway_rows
    from enriched
    group by
        {% for group_column in group_columns %}
        {{ group_column }},
        {% endfor %}
        {{ column }}
    {% if not loop.last %}
    union all
    {% endif %}
    {% endfor %}
),

disability_rows as (
    select
        {% for column in row_columns %}
        enriched.{{ column }},
        {% endfor %}
        'V003' as variable_id,
        coalesce(pathway_disabilities.disability_category, missing_disability.category) as category
    from enriched
    cross join missing_disability
    left join pathway_disabilities
        on
            enriched.pathway_key = pathway_disabilities.pathway_key
            and enriched.reporting_period_start = pathway_disabilities.reporting_period_start
),

condition_rows as (
    select
        {% for column in row_columns %}
        enriched.{{ column }},
        {% endfor %}
        'V009' as variable_id,
        coalesce(pathway_conditions.condition_name, 'No long term condition') as category
    from enriched
    left join pathway_conditions
        on
            enriched.pathway_key = pathway_conditions.pathway_key
            and enriched.reporting_period_start = pathway_conditions.reporting_period_start
),

programme_rows as (
    select
        {% for column in row_columns %}
        enriched.{{ column }},
        {% endfor %}
        'V008' as variable_id,
        coalesce(pathway_programmes.iet_programme_group, 'No recorded IET') as category
    from enriched
    left join pathway_programmes
        on
            enriched.pathway_key = pathway_programmes.pathway_key
            and enriched.reporting_period_start = pathway_programmes.reporting_period_start
),

multi_valued_rows as (
    select * from disability_rows
    union all
    select * from condition_rows
    union all
    select * from programme_rows
),

multi_valued_counted as (
    select
        {% for column in group_columns %}
        {{ column }},
        {% endfor %}
        variable_id,
        category,
        {% for d in count_definitions %}
        count(case when counts_{{ d.id }} then 1 end) as {{ d.id }},
        {% endfor %}
        count(*) as pathway_rows
    from multi_valued_rows
    group by
        {% for column in group_columns %}
        {{ column }},
        {% endfor %}
        variable_id,
        category
),

counted as (
    select * from single_valued_counted
    union all
    select * from multi_valued_counted
)

select * from counted
