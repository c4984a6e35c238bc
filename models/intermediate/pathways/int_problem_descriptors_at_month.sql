-- Rule 3.4: the problem descriptor of each pathway at month M. v2.0 months: among the presenting
-- complaints known at M (latest month's version of each record), the primary ('P') with the latest
-- date; with no primary, the latest secondary; ties broken by the record's id. v1.5 months: ProvDiag
-- of the month-M referral row only (staging carries it as a primary complaint of that month). ICD-10
-- codes are compared without the dot (staging removes it). Named choice: in a v2.0 month a v1.5
-- ProvDiag sent in an earlier month is a known complaint like any other.
with

pathways as (
    select * from {{ ref('int_pathways_scoped_to_month') }}
    where {{ incremental_months('reporting_period_start') }}
),

descriptors as (
    select * from {{ ref('ref_problem_descriptors') }}
),

-- rule 1.5: each monthly version of a record and the month it is superseded
complaint_versions as (
    {{ record_versions(ref('stg_iapt__presenting_complaints'), 'presenting_complaint_key', 'pathways') }}
),

known_at_month as (
    select
        pathways.pathway_key,
        pathways.reporting_period_start,
        pathways.dataset_version as month_dataset_version,
        complaint_versions.presenting_complaint_key,
        complaint_versions.presenting_complaint_code,
        complaint_versions.code_significance,
        complaint_versions.presenting_complaint_date
    from pathways
    inner join complaint_versions
        on
            {{ in_force_at_month('pathways', 'complaint_versions') }}
            and (
                pathways.dataset_version != '1.5'
                or pathways.reporting_period_start = complaint_versions.reporting_period_start
            )
),

-- the chosen complaint of each pathway-month by one aggregate (rule descriptor_chosen_by_aggregate):
-- the largest (primary, dated, date, record id) is the first of the ordering primary first, latest
-- date (undated last), greatest record id; a record id is unique within a pathway-month, so both
-- aggregates take the same record
ranked as (
    {%- set ordering = [
            "case when known_at_month.code_significance = 'P' then 1 else 0 end",
            'known_at_month.presenting_complaint_date is not null',
            "coalesce(known_at_month.presenting_complaint_date, cast('1900-01-01' as date))",
            'known_at_month.presenting_complaint_key'
        ] %}
    select
        known_at_month.pathway_key,
        known_at_month.reporting_period_start,
        known_at_month.month_dataset_version,
        {{ arg_max_by('known_at_month.presenting_complaint_code', ordering) }} as presenting_complaint_code,
        {{ arg_max_by('known_at_month.code_significance', ordering) }} as code_significance
    from known_at_month
    group by known_at_month.pathway_key, known_at_month.reporting_period_start, known_at_month.month_dataset_version
),

chosen as (
    select
        ranked.pathway_key,
        ranked.reporting_period_start,
        ranked.month_dataset_version,
        ranked.presenting_complaint_code as problem_descriptor_code,
        ranked.code_significance as problem_descriptor_significance,
        descriptors.descriptor_name as problem_descriptor_name,
        -- iapt-domain.md 2.8: unlisted F codes group as other mental health disorders, the rest as
        -- other recorded problems
        coalesce(
            descriptors.descriptor_group,
            case
                when ranked.presenting_complaint_code like 'F%' then 'Other mental health disorders'
                else 'Other recorded problems'
            end
        ) as problem_descriptor_group,
        case
            when ranked.month_dataset_version = '1.5' then descriptors.own_tool_code_v15
            else descriptors.own_tool_code
        end as own_measure_tool_code
    from ranked
    left join descriptors
        on ranked.presenting_complaint_code = descriptors.icd10_code
)

select * from chosen
