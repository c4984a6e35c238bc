{#
    Every row satisfies `expression` (optionally only rows matching `where`); failing rows are returned.
#}
{% test expression_is_true(model, expression) %}
    select *
    from {{ model }}
    where not ({{ expression }})
{% endtest %}
