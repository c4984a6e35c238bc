{#
    Constructs whose SQL differs between DuckDB and Spark (STYLE_GUIDE "Portability"). Each has a
    default__ (DuckDB) and a spark__ (Spark, Databricks) implementation that return the same values.
#}

{#- True when the whole of `value` matches the regular expression `pattern` (both SQL expressions). -#}
{% macro regexp_full_match(value, pattern) -%}
    {{ return(adapter.dispatch('regexp_full_match', 'iapt_warehouse')(value, pattern)) }}
{%- endmacro %}

{% macro default__regexp_full_match(value, pattern) -%}
    regexp_full_match({{ value }}, {{ pattern }})
{%- endmacro %}

{% macro spark__regexp_full_match(value, pattern) -%}
    ({{ value }} rlike concat('^(?:', {{ pattern }}, ')$'))
{%- endmacro %}

{#- A Python string as an SQL string literal (Spark's parser reads backslash escapes; DuckDB's does not). -#}
{% macro string_literal(text) -%}
    {{ return(adapter.dispatch('string_literal', 'iapt_warehouse')(text)) }}
{%- endmacro %}

{% macro default__string_literal(text) -%}
    '{{ text | replace("'", "''") }}'
{%- endmacro %}

{% macro spark__string_literal(text) -%}
    '{{ text | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}

{#- A double as an integer, rounding half to even as DuckDB's cast does (Spark's cast truncates). -#}
{% macro double_to_integer(expression) -%}
    {{ return(adapter.dispatch('double_to_integer', 'iapt_warehouse')(expression)) }}
{%- endmacro %}

{% macro default__double_to_integer(expression) -%}
    cast({{ expression }} as integer)
{%- endmacro %}

{% macro spark__double_to_integer(expression) -%}
    cast(bround({{ expression }}, 0) as int)
{%- endmacro %}

{#- True when `value` is one of the items of the text `list_text` split on the one-character `delimiter`. -#}
{% macro split_contains(list_text, delimiter, value) -%}
    {{ return(adapter.dispatch('split_contains', 'iapt_warehouse')(list_text, delimiter, value)) }}
{%- endmacro %}

{% macro default__split_contains(list_text, delimiter, value) -%}
    list_contains(string_split({{ list_text }}, '{{ delimiter }}'), {{ value }})
{%- endmacro %}

{% macro spark__split_contains(list_text, delimiter, value) -%}
    array_contains(split({{ list_text }}, '[{{ delimiter }}]'), {{ value }})
{%- endmacro %}

{#- One output row per item of the text `list_text` split on the one-character `delimiter` (a select item). -#}
{% macro unnest_split(list_text, delimiter) -%}
    {{ return(adapter.dispatch('unnest_split', 'iapt_warehouse')(list_text, delimiter)) }}
{%- endmacro %}

{% macro default__unnest_split(list_text, delimiter) -%}
    unnest(string_split({{ list_text }}, '{{ delimiter }}'))
{%- endmacro %}

{% macro spark__unnest_split(list_text, delimiter) -%}
    explode(split({{ list_text }}, '[{{ delimiter }}]'))
{%- endmacro %}

{#- The value of the row with the smallest (arg_min) or largest (arg_max) tuple of `keys` (a list of SQL),
    null when that row's value is null (DuckDB's arg_min_null, as Spark's min_by; DuckDB's arg_min would
    skip the rows whose value is null and return another row's). -#}
{% macro arg_min_by(value, keys) -%}
    {{ return(adapter.dispatch('arg_min_by', 'iapt_warehouse')(value, keys)) }}
{%- endmacro %}

{#- a struct, not a list: the keys may be of different types; structs compare field by field -#}
{% macro default__arg_min_by(value, keys) -%}
    arg_min_null({{ value }}, { {% for key in keys %}'k{{ loop.index }}': {{ key }}{% if not loop.last %}, {% endif %}{% endfor %} })
{%- endmacro %}

{% macro spark__arg_min_by(value, keys) -%}
    min_by({{ value }}, struct({{ keys | join(', ') }}))
{%- endmacro %}

{% macro arg_max_by(value, keys) -%}
    {{ return(adapter.dispatch('arg_max_by', 'iapt_warehouse')(value, keys)) }}
{%- endmacro %}

{% macro default__arg_max_by(value, keys) -%}
    arg_max_null({{ value }}, { {% for key in keys %}'k{{ loop.index }}': {{ key }}{% if not loop.last %}, {% endif %}{% endfor %} })
{%- endmacro %}

{% macro spark__arg_max_by(value, keys) -%}
    max_by({{ value }}, struct({{ keys | join(', ') }}))
{%- endmacro %}

{#- The second smallest non-null value of `expression` in the group, a value shared by two rows counting
    twice (an aggregate; null with fewer than two values). -#}
{% macro second_smallest(expression) -%}
    {{ return(adapter.dispatch('second_smallest', 'iapt_warehouse')(expression)) }}
{%- endmacro %}

{% macro default__second_smallest(expression) -%}
    list_extract(min({{ expression }}, 2), 2)
{%- endmacro %}

{% macro spark__second_smallest(expression) -%}
    try_element_at(array_sort(collect_list({{ expression }})), 2)
{%- endmacro %}

{#- The distinct values of `expression`, sorted, joined with `delimiter` (an aggregate). -#}
{% macro sorted_distinct_list(expression, delimiter) -%}
    {{ return(adapter.dispatch('sorted_distinct_list', 'iapt_warehouse')(expression, delimiter)) }}
{%- endmacro %}

{% macro default__sorted_distinct_list(expression, delimiter) -%}
    string_agg(distinct {{ expression }}, '{{ delimiter }}' order by {{ expression }})
{%- endmacro %}

{% macro spark__sorted_distinct_list(expression, delimiter) -%}
    array_join(array_sort(collect_set({{ expression }})), '{{ delimiter }}')
{%- endmacro %}

{#- Every match of the regular expression `pattern` in `value` replaced by `replacement` (SQL expressions). -#}
{% macro replace_all(value, pattern, replacement) -%}
    {{ return(adapter.dispatch('replace_all', 'iapt_warehouse')(value, pattern, replacement)) }}
{%- endmacro %}

{% macro default__replace_all(value, pattern, replacement) -%}
    regexp_replace({{ value }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}

{% macro spark__replace_all(value, pattern, replacement) -%}
    regexp_replace({{ value }}, {{ pattern }}, {{ replacement }})
{%- endmacro %}

{#-
    Unpivot: two select items giving one row per column of `columns` (names of text columns), with the
    column's name in `name_column` and its value in `value_column`.
-#}
{% macro unpivot_columns(columns, name_column, value_column) -%}
    {{ return(adapter.dispatch('unpivot_columns', 'iapt_warehouse')(columns, name_column, value_column)) }}
{%- endmacro %}

{% macro default__unpivot_columns(columns, name_column, value_column) -%}
    unnest([
        {%- for column in columns %}
        '{{ column }}'{% if not loop.last %},{% endif %}
        {%- endfor %}
    ]) as {{ name_column }},
    unnest([
        {%- for column in columns %}
        {{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    ]) as {{ value_column }}
{%- endmacro %}

{% macro spark__unpivot_columns(columns, name_column, value_column) -%}
    inline(array(
        {%- for column in columns %}
        struct('{{ column }}' as {{ name_column }}, cast({{ column }} as string) as {{ value_column }}){% if not loop.last %},{% endif %}
        {%- endfor %}
    )) as ({{ name_column }}, {{ value_column }})
{%- endmacro %}

{#- An array of the SQL expressions `values` (one type), and its element at 1-based `position`: a row's many
    values picked by a position carried on the row, without a `case` of one branch per value. -#}
{% macro value_array(values) -%}
    {{ return(adapter.dispatch('value_array', 'iapt_warehouse')(values)) }}
{%- endmacro %}

{% macro default__value_array(values) -%}
    list_value({{ values | join(', ') }})
{%- endmacro %}

{% macro spark__value_array(values) -%}
    array({{ values | join(', ') }})
{%- endmacro %}

{% macro array_element(array, position) -%}
    {{ return(adapter.dispatch('array_element', 'iapt_warehouse')(array, position)) }}
{%- endmacro %}

{% macro default__array_element(array, position) -%}
    list_extract({{ array }}, {{ position }})
{%- endmacro %}

{% macro spark__array_element(array, position) -%}
    element_at({{ array }}, {{ position }})
{%- endmacro %}
