-- One row per assessment tool (outcome measure): valid range, caseness condition and reliable
-- change index, as the outcome rules use them (ref_assessment_tools; derivation-rules.md 3.5, 4).
with

tools as (
    select * from {{ ref('ref_assessment_tools') }}
),

final as (
    select
        tool_code,
        tool_name,
        nullif(adsm_name, '') as adsm_name,
        nullif(v15_score_column, '') as v15_score_column,
        min_score,
        max_score,
        nullif(caseness_operator, '') as caseness_operator,
        caseness_threshold,
        reliable_change,
        is_snomed,
        nullif(outcome_role, '') as outcome_role,
        caseness_threshold is not null as has_outcome_thresholds,
        nullif(adsm_name, '') is not null as is_adsm
    from tools
)

select * from final
