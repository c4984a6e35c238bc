{#
    Per group of `relation` (a CTE of group + value rows), its non-null values sorted and joined
    with `delimiter`, as column `alias` (a select statement; null when the group has no value).

    Spill-safe: an aggregate with ORDER BY (string_agg ... order by, list) keeps every group's state in
    memory on DuckDB and fails with "Out of Memory" at national scale instead of spilling to disk. Most
    groups have exactly one value, so those take min(value), a plain aggregate that spills; only the
    groups with two or more values go through the ordered aggregate.
#}
{% macro sorted_value_lists(relation, group_columns, value_column, delimiter, alias) -%}
    select
        {% for column in group_columns -%}
            grouped.{{ column }},
        {% endfor -%}
        case
            when grouped.value_count = 1 then grouped.single_value
            else several.joined_values
        end as {{ alias }}
    from (
        select
            {% for column in group_columns -%}
                {{ column }},
            {% endfor -%}
            count({{ value_column }}) as value_count,
            min({{ value_column }}) as single_value
        from {{ relation }}
        group by {{ group_columns | join(', ') }}
    ) as grouped
    left join (
        select
            {% for column in group_columns -%}
                listed.{{ column }},
            {% endfor -%}
            {{ dbt.listagg('listed.' ~ value_column, delimiter, 'order by listed.' ~ value_column) }} as joined_values
        from {{ relation }} as listed
        inner join (
            select {{ group_columns | join(', ') }}
            from {{ relation }}
            group by {{ group_columns | join(', ') }}
            having count({{ value_column }}) > 1
        ) as multiple
            on
                {% for column in group_columns -%}
                    listed.{{ column }} = multiple.{{ column }}{% if not loop.last %} and {% endif %}
                {% endfor %}
        group by {% for column in group_columns %}listed.{{ column }}{% if not loop.last %}, {% endif %}{% endfor %}
    ) as several
        on
            {% for column in group_columns -%}
                grouped.{{ column }} = several.{{ column }}{% if not loop.last %} and {% endif %}
            {% endfor %}
{%- endmacro %}
