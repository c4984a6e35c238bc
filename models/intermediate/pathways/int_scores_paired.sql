-- Rule 3.3: per pathway, month and tool, the first and last usable score (earliest and latest by date,
-- then time with a missing time first, then the record's id) and whether the tool is paired (at least
-- two usable scores). Scores of one tool pair across the v1.5 to v2.0 change (one tool code).
-- Named rule scores_paired_by_order_key (docs/performance.md): one group by of plain minimums and maximums
-- of a whole number that orders the scores as the rule does and carries the score finds the first and last
-- score; only the groups where two scores with one date and time differ (or a value the number cannot hold)
-- are ranked in full by date, time, record id and table, as the rule says.
with

scores as (
    select * from {{ ref('int_scores_validated') }}
    where is_usable and {{ incremental_months('reporting_period_start') }}
),

{# a second import, read once, for the few groups ranked in full (a CTE read twice would be materialised) #}
scores_to_rank as (
    select * from {{ ref('int_scores_validated') }}
    where is_usable and {{ incremental_months('reporting_period_start') }}
),

-- One whole number per score that orders as the rule does and carries the score: the date (days since
-- 1900), then the time (a loaded time is HH:MM:SS, the loader's bad_date rule, so its digits order as the
-- text does; a missing time first), then the score. A time in another form, a date outside 1900-2079 or a
-- score that is not a whole number from 0 to 1,048,575 gets no number and sends its group to the ranking.
keyed as (
    select
        pathway_key,
        reporting_period_start,
        tool_code,
        score_date,
        case when day_number >= 0 and day_number < 65536 then day_number * 262144 + time_number end as order_key,
        case when score >= 0 and score <= 1048575 and score = floor(score) then cast(score as bigint) end
            as score_number
    from (
        select
            *,
            {{ dbt.datediff("cast('1900-01-01' as date)", 'score_date', 'day') }} as day_number,  -- noqa: LT05
            case
                when score_time is null then 0
                when length(score_time) = 8
                    then {{ dbt.safe_cast("replace(score_time, ':', '')", 'integer') }} + 1
            end as time_number
        from scores
    ) as numbered
),

-- per group, the smallest and the largest score among the scores with the first order key, and among those
-- with the last (the order key dominates the number, the score is its last 20 bits)
summarised as (
    select
        pathway_key,
        reporting_period_start,
        tool_code,
        count(*) as score_count,
        count(order_key * 1048576 + score_number) as numbered_count,
        min(score_date) as first_score_date,
        max(score_date) as last_score_date,
        min(order_key * 1048576 + score_number) as first_low,
        min(order_key * 1048576 + (1048575 - score_number)) as first_high,
        max(order_key * 1048576 + score_number) as last_high,
        max(order_key * 1048576 + (1048575 - score_number)) as last_low
    from keyed
    group by pathway_key, reporting_period_start, tool_code
),

-- when the two are equal the first (last) score is that score, whichever record the rule's tie-break picks;
-- the rest (two scores with one date and time that differ, or a value the number cannot hold) are ranked
ends as (
    select
        *,
        case
            when mod(first_low, 1048576) = 1048575 - mod(first_high, 1048576) then mod(first_low, 1048576)
        end as first_score_number,
        case
            when mod(last_high, 1048576) = 1048575 - mod(last_low, 1048576) then mod(last_high, 1048576)
        end as last_score_number
    from summarised
),

to_rank as (
    select
        *,
        numbered_count < score_count
        or first_score_number is null
        or (score_count >= 2 and last_score_number is null) as is_ranked
    from ends
),

from_numbers as (
    select
        pathway_key,
        reporting_period_start,
        tool_code,
        score_count,
        cast(first_score_number as double) as first_score,
        first_score_date,
        case when score_count >= 2 then cast(last_score_number as double) end as last_score,
        case when score_count >= 2 then last_score_date end as last_score_date
    from to_rank
    where not is_ranked
),

-- the full ordering, for the ranked groups only: the last score is the one at position score_count
ranked as (
    select
        scores_to_rank.pathway_key,
        scores_to_rank.reporting_period_start,
        scores_to_rank.tool_code,
        scores_to_rank.score,
        scores_to_rank.score_date,
        row_number() over (
            partition by scores_to_rank.pathway_key, scores_to_rank.reporting_period_start, scores_to_rank.tool_code
            order by
                scores_to_rank.score_date,
                scores_to_rank.score_time nulls first,
                scores_to_rank.record_id,
                scores_to_rank.source_table
        ) as position_from_first,
        count(*) over (
            partition by scores_to_rank.pathway_key, scores_to_rank.reporting_period_start, scores_to_rank.tool_code
        ) as score_count
    from scores_to_rank
    inner join to_rank
        on
            scores_to_rank.pathway_key = to_rank.pathway_key
            and scores_to_rank.reporting_period_start = to_rank.reporting_period_start
            and scores_to_rank.tool_code = to_rank.tool_code
    where to_rank.is_ranked
),

from_ranking as (
    select
        pathway_key,
        reporting_period_start,
        tool_code,
        max(score_count) as score_count,
        max(case when position_from_first = 1 then score end) as first_score,
        min(score_date) as first_score_date,
        max(case when position_from_first = score_count and score_count >= 2 then score end) as last_score,
        max(case when position_from_first = score_count and score_count >= 2 then score_date end) as last_score_date
    from ranked
    group by pathway_key, reporting_period_start, tool_code
),

paired as (
    select
        *,
        score_count >= 2 as is_paired
    from from_numbers
    union all
    select
        *,
        score_count >= 2 as is_paired
    from from_ranking
)

select * from paired
