-- Rule 3.3: per pathway, month and tool, the first and last usable score (earliest and latest by date,
-- then time with a missing time first, then the record's id) and whether the tool is paired (at least
-- two usable scores). Scores of one tool pair across the v1.5 to v2.0 change (one tool code).
with

scores as (
    select * from {{ ref('int_scores_validated') }}
    where is_usable and {{ incremental_months('reporting_period_start') }}
),

-- one ordering: the last score is the one at position score_count (the order is total: a pathway-month has
-- one version of each record, and the record's id and table break every tie)
ordered as (
    select
        pathway_key,
        reporting_period_start,
        tool_code,
        score,
        score_date,
        row_number() over (
            partition by pathway_key, reporting_period_start, tool_code
            order by score_date, score_time nulls first, record_id, source_table
        ) as position_from_first,
        count(*) over (partition by pathway_key, reporting_period_start, tool_code) as score_count
    from scores
),

paired as (
    select
        pathway_key,
        reporting_period_start,
        tool_code,
        max(score_count) as score_count,
        max(case when position_from_first = 1 then score end) as first_score,
        max(case when position_from_first = 1 then score_date end) as first_score_date,
        max(case when position_from_first = score_count and score_count >= 2 then score end) as last_score,
        max(case when position_from_first = score_count and score_count >= 2 then score_date end) as last_score_date,
        max(score_count) >= 2 as is_paired
    from ordered
    group by pathway_key, reporting_period_start, tool_code
)

select * from paired
