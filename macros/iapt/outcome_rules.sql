{#
    Outcome comparisons of derivation-rules.md section 4, parameterised by the tool's row in
    ref_assessment_tools (no thresholds in SQL).
#}

{# A score is at caseness when it meets the tool's condition: score <operator> threshold. #}
{% macro at_caseness(score, operator, threshold) -%}
    {{ return(adapter.dispatch('at_caseness', 'iapt_warehouse')(score, operator, threshold)) }}
{%- endmacro %}

{% macro default__at_caseness(score, operator, threshold) -%}
    coalesce(case
        when {{ operator }} = '>' then {{ score }} > {{ threshold }}
        when {{ operator }} = '>=' then {{ score }} >= {{ threshold }}
    end, false)
{%- endmacro %}

{#
    A reliable change from `from_score` to `to_score`: from - to >= the tool's reliable change, the
    difference rounded to var('score_difference_decimals') places (named rule score_difference_rounding).
    Improvement is reliable_change(first, last, rc); deterioration is reliable_change(last, first, rc).
#}
{% macro reliable_change(from_score, to_score, reliable_change_index) -%}
    {{ return(adapter.dispatch('reliable_change', 'iapt_warehouse')(from_score, to_score, reliable_change_index)) }}
{%- endmacro %}

{% macro default__reliable_change(from_score, to_score, reliable_change_index) -%}
    coalesce(
        round({{ from_score }} - {{ to_score }}, {{ var('score_difference_decimals') }}) >= {{ reliable_change_index }},
        false
    )
{%- endmacro %}

{#
    Named rule adsm_candidates_only (docs/performance.md): true for a tool that can be a pathway's ADSM, one
    with an ADSM name in ref_assessment_tools (GAD-7 and every problem descriptor's own measure; the singular
    test assert_every_own_measure_is_an_adsm checks that none of those lacks one). PHQ-9, the five WSAS items
    and the PPS measures are most of int_scores_paired's rows and never the ADSM, so readers filter them out.
#}
{% macro is_adsm_candidate(tool_code) -%}
    {{ tool_code }} in (
        select adsm_tools.tool_code from {{ ref('ref_assessment_tools') }} as adsm_tools
        where adsm_tools.adsm_name is not null
    )
{%- endmacro %}
