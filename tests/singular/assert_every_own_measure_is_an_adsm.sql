-- Rule 3.5 and named rule adsm_candidates_only: int_adsm_chosen and int_pathway_measure_availability read
-- only the paired scores of tools with an ADSM name, so the default anxiety measure and every problem
-- descriptor's own measure (both versions) must have one. Returns each tool that would be chosen but has none.
with

tools as (
    select * from {{ ref('ref_assessment_tools') }}
),

descriptors as (
    select * from {{ ref('ref_problem_descriptors') }}
),

candidate_tools as (
    select own_tool_code as tool_code from descriptors
    where own_tool_code is not null
    union
    select own_tool_code_v15 as tool_code from descriptors
    where own_tool_code_v15 is not null
    union
    select tool_code from tools
    where outcome_role = 'default_anxiety_measure'
)

select candidate_tools.tool_code
from candidate_tools
left join tools
    on candidate_tools.tool_code = tools.tool_code
where tools.adsm_name is null
