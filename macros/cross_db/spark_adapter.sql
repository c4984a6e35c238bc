{#
    Spark (and Databricks, which dispatches to spark__) overrides of dbt's own adapter macros, so the
    same models, seeds and contracts run there (README "Scale out: Spark and Databricks").

    Contract and seed types are written once, in the portable names varchar, integer, bigint, double,
    boolean, date and timestamp (the DuckDB names). spark_type() renders them per target: Spark has no
    length-less varchar and calls integer int.
#}
{% macro spark_type(type) -%}
    {%- set spark_names = {'varchar': 'string', 'text': 'string', 'integer': 'int', 'timestamp': 'timestamp_ntz'} -%}
    {{ return(spark_names.get(type | trim | lower, type)) }}
{%- endmacro %}

{#- dbt.cast: used by contracts (the empty-schema query built from the yml data_type) and by models. -#}
{% macro spark__cast(field, type) -%}
    cast({{ field }} as {{ spark_type(type) }})
{%- endmacro %}

{#- dbt.safe_cast: null on bad input, as on DuckDB (dbt-spark renders a plain cast, which raises in ANSI mode). -#}
{% macro spark__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ spark_type(type) }})
{%- endmacro %}

{#- Seeds: dbt-spark's create_csv_table with the column_types rendered by spark_type(). -#}
{% macro spark__create_csv_table(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set quote_seed_column = model['config'].get('quote_columns', None) -%}
    {% set sql %}
        create table {{ this.render() }} (
            {%- for col_name in agate_table.column_names -%}
                {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
                {%- set type = spark_type(column_override.get(col_name, inferred_type)) -%}
                {{ adapter.quote_seed_column(col_name | string, quote_seed_column) }} {{ type }}
                {%- if not loop.last -%}, {%- endif -%}
            {%- endfor -%}
        )
        {{ file_format_clause() }}
        {{ location_clause() }}
        {{ comment_clause() }}
    {% endset %}
    {% call statement('_') -%}
        {{ sql }}
    {%- endcall %}
    {{ return(sql) }}
{% endmacro %}

{#
    Contract constraints. Delta tables (Databricks) take NOT NULL as DDL, as dbt-spark does. Parquet
    tables (local Spark: Delta's jars are not on PyPI) cannot hold a NOT NULL, so the built table is
    checked instead: one query counts the nulls of every not_null column and the model fails when any
    has one, the same outcome as DuckDB's constraint.
#}
{% macro spark__persist_constraints(relation, model) %}
    {%- set contract_config = config.get('contract') -%}
    {%- if not contract_config.enforced -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set file_format = config.get('file_format', 'delta' if target.type == 'databricks' else 'parquet') -%}
    {%- if file_format == 'delta' -%}
        {% do alter_table_add_constraints(relation, model.constraints) %}
        {% do alter_column_set_constraints(relation, model.columns) %}
        {{ return(none) }}
    {%- endif -%}
    {%- set not_null_columns = [] -%}
    {%- for column_name in model.columns -%}
        {%- for constraint in model.columns[column_name]['constraints'] -%}
            {%- if constraint.type == 'not_null' -%}
                {%- do not_null_columns.append(column_name) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if not_null_columns -%}
        {%- set check_sql -%}
            select
            {%- for column_name in not_null_columns %}
                count(*) - count({{ column_name }}) as {{ column_name }}{{ ',' if not loop.last }}
            {%- endfor %}
            from {{ relation }}
        {%- endset -%}
        {%- set counts = run_query(check_sql) -%}
        {%- set offending = [] -%}
        {%- for column_name in not_null_columns -%}
            {%- if counts.columns[loop.index0].values()[0] > 0 -%}
                {%- do offending.append(column_name ~ ' (' ~ counts.columns[loop.index0].values()[0] ~ ' nulls)') -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if offending -%}
            {{ exceptions.raise_compiler_error(
                'Contract of ' ~ relation ~ ': not_null column(s) hold nulls: ' ~ offending | join(', ')
            ) }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}

{#-
    Seeds: dbt-spark's load_csv_rows, with the column_types rendered by spark_type() and the values
    written as SQL literals (the session method's bindings turn an empty cell into the text 'None' and
    do not escape quotes).
-#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {% set batch_size = get_batch_size() %}
    {% set column_override = model['config'].get('column_types', {}) %}
    {% set statements = [] %}
    {% for chunk in agate_table.rows | batch(batch_size) %}
        {% set sql %}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for col_name in agate_table.column_names -%}
                    {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
                    {%- set type = spark_type(column_override.get(col_name, inferred_type)) -%}
                    {%- set value = row[loop.index0] -%}
                    {%- if value is none -%}
                        cast(null as {{ type }})
                    {%- else -%}
                        cast('{{ (value | string).replace("\\", "\\\\").replace("'", "\\'") }}' as {{ type }})
                    {%- endif -%}
                    {%- if not loop.last %},{%- endif %}
                {%- endfor -%})
                {%- if not loop.last %},{%- endif %}
            {%- endfor %}
        {% endset %}
        {% do adapter.add_query(sql, abridge_sql_log=True) %}
        {% if loop.index0 == 0 %}
            {% do statements.append(sql) %}
        {% endif %}
    {% endfor %}
    {{ return(statements[0]) }}
{% endmacro %}

{#-
    dbt.listagg: dbt-spark ignores the order by (collect_list has no order), so the joined text would
    depend on the partitioning. Sorted here by the order by expression (ascending only).
-#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- if limit_num -%}
        {{ exceptions.raise_compiler_error('listagg with a limit is not implemented on Spark') }}
    {%- endif -%}
    {%- if order_by_clause -%}
        {%- set sort_key = modules.re.sub('^\\s*order\\s+by\\s+', '', order_by_clause, flags=modules.re.IGNORECASE) -%}
        {%- if modules.re.search('\\b(desc|asc|nulls)\\b|,', sort_key, flags=modules.re.IGNORECASE) -%}
            {{ exceptions.raise_compiler_error('listagg on Spark sorts by one ascending expression only: ' ~ order_by_clause) }}
        {%- endif -%}
        array_join(
            transform(
                array_sort(collect_list(struct({{ sort_key }} as sort_key, {{ measure }} as item))),
                entry -> entry.item
            ),
            {{ delimiter_text }}
        )
    {%- else -%}
        array_join(collect_list({{ measure }}), {{ delimiter_text }})
    {%- endif -%}
{%- endmacro %}

{#- dbt.datediff: a bigint, as on DuckDB (Spark's datediff gives an int, which the contracts would reject). -#}
{% macro spark__datediff(first_date, second_date, datepart) -%}
    {%- if datepart == 'day' -%}
        cast(datediff(cast({{ second_date }} as date), cast({{ first_date }} as date)) as bigint)
    {%- else -%}
        cast({{ dbt.spark__datediff(first_date, second_date, datepart) }} as bigint)
    {%- endif -%}
{%- endmacro %}
