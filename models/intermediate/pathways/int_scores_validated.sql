-- Rules 1.5, 3.1 and 3.2: every score known at month M (the latest month's version of each score
-- record up to M) with the checks that decide whether the outcome rules may use it: valid for its
-- tool's range, dated within the pathway's range at M, and not a duplicate. Named rule
-- "scores_deduplicated": the same tool, date, time and value recorded by two records (for example an
-- IDS607 and an IDS606 row of one assessment) is one score; the record with the lowest id is kept.
-- Only the scores whose signature another record shares are ranked, not every score of every pathway-month.
-- Scheduling only (rule heavy_models_not_run_together, docs/performance.md): run side by side with
-- int_pathway_sessions_counted on the two dbt threads, the pair took 1.2 times as long as one after the other
-- (and used 2 GB more memory), so this model waits for it.
-- depends_on: {{ ref('int_pathway_sessions_counted') }}
with

pathways as (
    select * from {{ ref('int_pathways_scoped_to_month') }}
    where {{ incremental_months('reporting_period_start') }}
),

{#
    The duplicate search has its own imports: DuckDB materialises a CTE that is read more than once, and
    these relations are large, so each import is read once.
#}
candidate_pathways as (
    select * from {{ ref('int_pathways_scoped_to_month') }}
    where {{ incremental_months('reporting_period_start') }}
),

signature_scores as (
    select * from {{ ref('stg_iapt__coded_scores') }}
    {%- if is_incremental_build() %}
    -- an incremental build: the rebuilt pathways' scores (a signature's records share its pathway)
    where pathway_key in (
        select pathway_key from {{ ref('int_pathways_scoped_to_month') }}
        where {{ incremental_months('reporting_period_start') }}
    )
    {%- endif %}
),

candidate_key_scores as (
    select * from {{ ref('stg_iapt__coded_scores') }}
),

candidate_version_scores as (
    select * from {{ ref('stg_iapt__coded_scores') }}
),

-- rule 1.5: each monthly version of a record and the month it is superseded
score_versions as (
    {{ record_versions(ref('stg_iapt__coded_scores'), 'score_key', 'pathways') }}
),

-- named rule scores_deduplicated, step 1: a duplicate needs two records with one signature (pathway, tool,
-- date, time, value). The signatures held by more than one row, hashed: a hash collision, or one record sent
-- with the same signature in several months, only adds a candidate, which the exact ranking below clears
-- (named rule signatures_counted_not_compared, docs/performance.md: comparing the 50-character record keys
-- of every one of the national year's 25 million signatures took half the model's time).
shared_signatures as (
    select {{ score_signature('signature_scores') }} as signature
    from signature_scores
    group by {{ score_signature('signature_scores') }}
    having count(*) > 1
),

candidate_keys as (
    select distinct candidate_key_scores.score_key
    from candidate_key_scores
    inner join shared_signatures
        on {{ score_signature('candidate_key_scores') }} = shared_signatures.signature
),

-- every version of each candidate record, so the month a version is superseded is exact
candidate_scores as (
    select candidate_version_scores.*
    from candidate_version_scores
    inner join candidate_keys
        on candidate_version_scores.score_key = candidate_keys.score_key
),

-- candidate_scores is a CTE, which record_versions() reads more than once: it is small (the few candidate
-- records), so its materialisation costs nothing
candidate_versions as (
    {{ record_versions('candidate_scores', 'score_key') }}
),

-- step 2: the candidates known at month M, ranked as the rule says (lowest record id first)
candidates_ranked as (
    select
        candidate_pathways.pathway_key,
        candidate_pathways.reporting_period_start,
        candidate_versions.score_key,
        row_number() over (
            partition by
                candidate_pathways.pathway_key,
                candidate_pathways.reporting_period_start,
                candidate_versions.tool_code,
                candidate_versions.score_date,
                candidate_versions.score_time,
                candidate_versions.score
            order by candidate_versions.record_id, candidate_versions.source_table
        ) as duplicate_rank
    from candidate_pathways
    inner join candidate_versions
        on {{ in_force_at_month('candidate_pathways', 'candidate_versions') }}
),

duplicates as (
    select
        pathway_key,
        reporting_period_start,
        score_key
    from candidates_ranked
    where duplicate_rank > 1
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
        ) as is_within_pathway_dates,
        duplicates.score_key is not null as is_duplicate
    from pathways
    inner join score_versions
        on {{ in_force_at_month('pathways', 'score_versions') }}
    left join duplicates
        on
            pathways.pathway_key = duplicates.pathway_key
            and pathways.reporting_period_start = duplicates.reporting_period_start
            and score_versions.score_key = duplicates.score_key
),

-- score_key (provider, table, record id, tool) is not stored: with pathway_key (which carries the provider)
-- the table, record id and tool identify the score, and the long unique text was a quarter of the write
-- (named rule scores_validated_without_score_key, docs/performance.md)
validated as (
    select
        pathway_key,
        reporting_period_start,
        source_table,
        record_id,
        score_dataset_version,
        tool_code,
        score,
        score_date,
        score_time,
        is_in_range,
        is_within_pathway_dates,
        is_duplicate,
        is_in_range and is_within_pathway_dates and not is_duplicate and score is not null as is_usable
    from known_at_month
)

select * from validated
