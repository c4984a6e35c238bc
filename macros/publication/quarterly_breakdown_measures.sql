{#
    The measures of publication.quarterly_breakdowns: the counts (summed per month in
    int_monthly_breakdown_counts, then over the quarter's months) and the percentages built from them.
#}
{% macro quarterly_breakdown_counts() %}
    {{ return(['M001', 'M031', 'M076', 'M179', 'M185', 'M189', 'M191', 'M193', 'M052', 'M054']) }}
{% endmacro %}

{% macro quarterly_breakdown_percentages() %}
    {{ return(['M053', 'M055', 'M186', 'M1010', 'M192', 'M195']) }}
{% endmacro %}
