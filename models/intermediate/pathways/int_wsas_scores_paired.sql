-- The Work and Social Adjustment Scale of each pathway at month M: first and last usable score of each
-- of its five items (rule 3.3 via int_scores_paired), one column pair per item, the items found by
-- their outcome_role in ref_assessment_tools (WASAS_*_FirstScore / _LastScore in NHS extracts).
with

paired as (
    select * from {{ ref('int_scores_paired') }}
    where {{ incremental_months('reporting_period_start') }}
),

tools as (
    select * from {{ ref('ref_assessment_tools') }}
),

wsas as (
    select
        paired.pathway_key,
        paired.reporting_period_start,
        tools.outcome_role,
        paired.first_score,
        paired.last_score
    from paired
    inner join tools
        on paired.tool_code = tools.tool_code
    where tools.outcome_role like 'wsas_%'
),

pivoted as (
    select
        pathway_key,
        reporting_period_start,
        max(case when outcome_role = 'wsas_work' then first_score end) as wsas_work_first_score,
        max(case when outcome_role = 'wsas_work' then last_score end) as wsas_work_last_score,
        max(case when outcome_role = 'wsas_home_management' then first_score end) as wsas_home_management_first_score,
        max(case when outcome_role = 'wsas_home_management' then last_score end) as wsas_home_management_last_score,
        max(case when outcome_role = 'wsas_social_leisure' then first_score end) as wsas_social_leisure_first_score,
        max(case when outcome_role = 'wsas_social_leisure' then last_score end) as wsas_social_leisure_last_score,
        max(case when outcome_role = 'wsas_private_leisure' then first_score end) as wsas_private_leisure_first_score,
        max(case when outcome_role = 'wsas_private_leisure' then last_score end) as wsas_private_leisure_last_score,
        max(case when outcome_role = 'wsas_relationships' then first_score end) as wsas_relationships_first_score,
        max(case when outcome_role = 'wsas_relationships' then last_score end) as wsas_relationships_last_score
    from wsas
    group by pathway_key, reporting_period_start
)

select * from pivoted
