-- Rules 1.5, 3.1 and 3.2: every score known at month M (the latest month's version of each score
-- record up to M) with the checks that decide whether the outcome rules may use it: valid for its
-- tool's range, dated within the pathway's range at M, and not a duplicate. Named rule
-- "scores_deduplicated": the same tool, date, time and value recorded by two records (for example an
-- IDS607 and an IDS606 row of one assessment) is one score; the record with the lowest id is kept.
with

pathways as (
    select * from {{ ref('int_pathways_scoped_to_month') }}
    where {{ incremental_months('reporting_period_start') }}
),

scores as (
    select * from {{ ref('stg_iapt__coded_scores') }}
),

-- rule 1.5: each monthly version of a record and the month it is superseded
score_versions as (
    {{ record_versions('scores', 'score_key', 'pathways') }}
),

known_at_month as (
    select
        pathways.pathway_key,
        pathways.reporting_period_start,
        score_versions.score_key,
        score_versions.source_table,
        score_versions.record_id,
        score_versions.dataset_version as score_dataset_version,
        score_versions.tool_code,
        score_versions.score,
        score_versions.score_date,
        score_versions.score_time,
        score_versions.is_in_range,
        coalesce(
            score_versions.score_date between pathways.activity_range_start and pathways.activity_range_end, false
        ) as is_within_pathway_dates
    from pathways
    inner join score_versions
        on {{ in_force_at_month('pathways', 'score_versions') }}
),

duplicates_ranked as (
    select
        *,
        row_number() over (
            partition by pathway_key, reporting_period_start, tool_code, score_date, score_time, score
            order by record_id, source_table
        ) as duplicate_rank
    from known_at_month
),

validated as (
    select
        pathway_key,
        reporting_period_start,
        score_key,
        source_table,
        record_id,
        score_dataset_version,
        tool_code,
        score,
        score_date,
        score_time,
        is_in_range,
        is_within_pathway_dates,
        duplicate_rank > 1 as is_duplicate,
        is_in_range and is_within_pathway_dates and duplicate_rank = 1 and score is not null as is_usable
    from duplicates_ranked
)

select * from validated
