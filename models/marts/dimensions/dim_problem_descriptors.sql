-- One row per problem descriptor code: every descriptor of the reference list (ref_problem_descriptors,
-- with its own outcome measure in v2.0 and v1.5 months) and every other code submitted as a presenting
-- complaint (v2.0 IDS603, v1.5 ProvDiag), each with its quarterly V010 group and subgroup
-- (ref_problem_descriptor_groups: the longest matching code prefix wins).
with

descriptors as (
    select * from {{ ref('ref_problem_descriptors') }}
),

descriptor_groups as (
    select * from {{ ref('ref_problem_descriptor_groups') }}
),

tools as (
    select * from {{ ref('ref_assessment_tools') }}
),

presenting_complaints as (
    select * from {{ ref('stg_iapt__presenting_complaints') }}
),

codes as (
    select icd10_code as problem_descriptor_code from descriptors
    union
    select presenting_complaint_code as problem_descriptor_code
    from presenting_complaints
    where presenting_complaint_code is not null
),

group_matches as (
    select
        codes.problem_descriptor_code,
        descriptor_groups.descriptor_group,
        descriptor_groups.descriptor_subgroup,
        row_number() over (
            partition by codes.problem_descriptor_code
            order by {{ dbt.length("coalesce(descriptor_groups.code_prefix, '')") }} desc
        ) as match_rank
    from codes
    inner join descriptor_groups
        on
            substr(
                codes.problem_descriptor_code, 1, {{ dbt.length("coalesce(descriptor_groups.code_prefix, '')") }}
            )
            = coalesce(descriptor_groups.code_prefix, '')
),

final as (
    select
        codes.problem_descriptor_code,
        descriptors.descriptor_name,
        group_matches.descriptor_group,
        group_matches.descriptor_subgroup,
        nullif(descriptors.own_tool_code, '') as own_tool_code,
        own_tools.tool_name as own_tool_name,
        nullif(descriptors.own_tool_code_v15, '') as own_tool_code_v15,
        own_tools_v15.tool_name as own_tool_name_v15,
        nullif(descriptors.own_tool_code, '') is not null as has_own_measure,
        descriptors.icd10_code is not null as is_in_reference
    from codes
    left join descriptors
        on codes.problem_descriptor_code = descriptors.icd10_code
    left join group_matches
        on
            codes.problem_descriptor_code = group_matches.problem_descriptor_code
            and group_matches.match_rank = 1
    left join tools as own_tools
        on nullif(descriptors.own_tool_code, '') = own_tools.tool_code
    left join tools as own_tools_v15
        on nullif(descriptors.own_tool_code_v15, '') = own_tools_v15.tool_code
)

select * from final
