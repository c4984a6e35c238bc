{#
    Every row's combination of `columns` exists as `to_columns` in `to` (a relationships test on a
    composite key, e.g. a contact's pathway in the same reporting month). Rows with a null in any of
    `columns` are not tested.
#}
{% test relationships_composite(model, columns, to, to_columns) %}
    select child.*
    from {{ model }} as child
    left join {{ to }} as parent
        on
        {% for column in columns -%}
            child.{{ column }} = parent.{{ to_columns[loop.index0] }}{% if not loop.last %} and {% endif %}
        {%- endfor %}
    where
        {% for column in columns -%}
            child.{{ column }} is not null and
        {% endfor -%}
        parent.{{ to_columns[0] }} is null
{% endtest %}
