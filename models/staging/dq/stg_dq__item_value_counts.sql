-- VODIM counts: one row per submission, table and item, for every loaded submission (in use, superseded
-- or late), both versions. Each value of an item with a check is judged by its rule in
-- seeds/dq/dq_item_rules.csv (generated from the data dictionary): code-list, value and score items are
-- unpivoted and judged per distinct value; dates, times, timestamps, numbers and NHS numbers are judged row
-- by row, per column (below); the free-text items without default codes, for which every present value
-- is valid, are only counted per column (`text_columns` of dq_landing_tables()). Only the counts leave this
-- model: no submitted value, so no direct identifier, is selected (the NHS number is checked here, in place).
{{ config(
    materialized=by_month_materialization(), incremental_strategy='submission_append', tags=['dq']
) }}
{%- set layout = dq_landing_tables() %}
{#- incremental: the earliest load still to process, queried once for every landing table below -#}
{%- set loaded_since = first_unprocessed_load() if is_incremental_build() else none %}
{#- the date, time and timestamp formats of the item rules (four), each compiled once as a constant -#}
{%- set format_patterns = [] %}
{#- (none when the seed is not loaded, as when sqlfluff compiles: the column's pattern is used then) -#}
{#-
    The items judged one row at a time (rule vodim_dated_and_numeric_items_judged_per_row): dates, times,
    timestamps, numbers and NHS numbers have no default codes and no code list, so a value's class (missing,
    valid, invalid) is a test of the value alone. Their values are nearly all distinct (an NHS number, a
    time, a date of birth), so grouping them by value cost more than judging every row: they are counted per
    column instead, and only code-list, value and score items are unpivoted and grouped. `row_rules` maps
    (version, table, column) to the item and its check; it is empty when the seed is not loaded (as when
    sqlfluff compiles), and every item is then grouped by value, as before.
-#}
{%- set row_kinds = ['date', 'time', 'timestamp', 'number', 'nhs_number'] %}
{%- set row_rules = {} %}
{%- if execute and load_relation(ref('dq_item_rules')) is not none %}
    {%- set format_patterns = run_query(
        "select distinct format_pattern from " ~ ref('dq_item_rules') ~ " where format_pattern is not null order by 1"
    ).columns[0].values() %}
    {%- set rule_rows = run_query(
        "select dataset_version, table_name, column_name, item_name, check_kind, format_pattern from "
        ~ ref('dq_item_rules') ~ " where check_kind in ('" ~ row_kinds | join("', '") ~ "')"
        ~ " and default_codes is null and code_list is null and valid_values is null"
    ) %}
    {%- for rule in rule_rows.rows %}
        {%- do row_rules.update({
            (rule[0] ~ '|' ~ rule[1] ~ '|' ~ rule[2]): {
                'item_name': rule[3], 'check_kind': rule[4], 'format_pattern': rule[5]
            }
        }) %}
    {%- endfor %}
{%- endif %}
{#- each table's judged columns split into those grouped by value and those judged per row -#}
{%- set grouped_tables = [] %}
{%- set row_tables = [] %}
{%- for table in layout if table.judged_columns %}
    {%- set grouped = [] %}
    {%- set per_row = [] %}
    {%- for column in table.judged_columns %}
        {%- set rule = row_rules.get(table.dataset_version ~ '|' ~ table.table_name ~ '|' ~ column) %}
        {%- if rule is none %}
            {%- do grouped.append(column) %}
        {%- else %}
            {%- do per_row.append({'column': column, 'rule': rule}) %}
        {%- endif %}
    {%- endfor %}
    {%- if grouped %}
        {%- do grouped_tables.append({'table': table, 'columns': grouped}) %}
    {%- endif %}
    {%- if per_row %}
        {%- do row_tables.append({'table': table, 'columns': per_row}) %}
    {%- endif %}
{%- endfor %}
with

rules as (
    select * from {{ ref('dq_item_rules') }}
),

tools as (
    select * from {{ ref('ref_assessment_tools') }}
),

versions as (
    select distinct dataset_version from rules
),

code_list_codes as (
    {% for code_list in dq_code_lists() -%}
        select distinct
            '{{ code_list.seed }}' as code_list,
            '{{ code_list.column }}' as code_list_column,
            {% if code_list.versioned -%}
                cast(listed.dataset_version as {{ dbt.type_string() }}) as dataset_version,
            {%- else -%}
                versions.dataset_version,
            {%- endif %}
            cast(listed.{{ code_list.column }} as {{ dbt.type_string() }}) as code
        from {{ ref(code_list.seed) }} as listed
        {% if not code_list.versioned -%}
            cross join versions
        {%- endif %}
        where listed.{{ code_list.column }} is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

-- the valid range of a score item: its tool's range for a v1.5 score column, any tool's for PersScore
score_ranges as (
    select
        rules.dataset_version,
        rules.table_name,
        rules.item_name,
        min(tools.min_score) as min_score,
        max(tools.max_score) as max_score
    from rules
    inner join tools
        on rules.item_name = tools.v15_score_column or rules.dataset_version = '2.0'
    where rules.check_kind = 'score'
    group by rules.dataset_version, rules.table_name, rules.item_name
),

submitted_values as (
    {% for grouped in grouped_tables -%}
        select
            _submission_id as submission_id,
            '{{ grouped.table.dataset_version }}' as dataset_version,
            '{{ grouped.table.table_name }}' as table_name,
            {{ unpivot_columns(grouped.columns, 'column_name', 'raw_value') }}
        from {{ source('landing', grouped.table.landing_table) }}
        where {{ incremental_submissions('_submission_id', '_loaded_at', loaded_since) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

{#- rule vodim_dated_and_numeric_items_judged_per_row: per submission, each such column's missing and valid
    values, one aggregate per table (the class tests are those of `judged` below) -#}
{% for judged_table in row_tables %}
row_judged_{{ judged_table.table.landing_table }} as (
    select
        _submission_id as submission_id,
        '{{ judged_table.table.dataset_version }}' as dataset_version,
        '{{ judged_table.table.table_name }}' as table_name,
        count(*) as total_count,
        {% for judged_column in judged_table.columns -%}
            {%- set column = judged_column.column %}
            {%- set rule = judged_column.rule %}
            sum(case when nullif(trim({{ column }}), '') is null then 1 else 0 end) as {{ column }}__missing,
            sum(case when nullif(trim({{ column }}), '') is not null and coalesce(
                {%- if rule.check_kind == 'nhs_number' %}
                {{ nhs_number_is_valid(replace_all('trim(' ~ column ~ ')', "'[ -]'", "''")) }}
                {%- elif rule.check_kind == 'number' %}
                {{ dbt.safe_cast('trim(' ~ column ~ ')', 'double') }} is not null
                {%- elif rule.format_pattern is not none %}
                {{ regexp_full_match(column, string_literal(rule.format_pattern)) }}
                {%- else %}
                false
                {%- endif %}, false
            ) then 1 else 0 end) as {{ column }}__valid{% if not loop.last %},{% endif %}
        {% endfor %}
    from {{ source('landing', judged_table.table.landing_table) }}
    where {{ incremental_submissions('_submission_id', '_loaded_at', loaded_since) }}
    group by _submission_id
),

{% endfor -%}
{% if row_tables -%}
row_counted as (
    {% for judged_table in row_tables -%}
        {% for judged_column in judged_table.columns -%}
            select
                submission_id,
                dataset_version,
                table_name,
                '{{ judged_column.rule.item_name }}' as item_name,
                total_count,
                {{ judged_column.column }}__valid as valid_count,
                0 as other_count,
                0 as default_count,
                total_count - {{ judged_column.column }}__valid - {{ judged_column.column }}__missing as invalid_count,
                0 as invalid_format_count,
                {{ judged_column.column }}__missing as missing_count
            from row_judged_{{ judged_table.table.landing_table }}
            {% if not loop.last %}union all{% endif %}
        {% endfor %}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),
{%- endif %}

-- each distinct value of an item once per submission, with how often it was sent: a value's class
-- depends only on the value and its item's rule, so each distinct value is judged once (rule
-- vodim_judged_per_distinct_value)
value_counts as (
    select
        submission_id,
        dataset_version,
        table_name,
        column_name,
        raw_value,
        count(*) as value_count
    from submitted_values
    group by submission_id, dataset_version, table_name, column_name, raw_value
),

-- free-text items: per submission, the rows and each column's present (non-blank) values
text_presence as (
    {% for table in layout if table.text_columns -%}
        select
            presence.submission_id,
            presence.dataset_version,
            presence.table_name,
            presence.total_count,
            {{ unpivot_columns(table.text_columns, 'column_name', 'present_count') }}
        from (
            select
                _submission_id as submission_id,
                '{{ table.dataset_version }}' as dataset_version,
                '{{ table.table_name }}' as table_name,
                count(*) as total_count,
                {% for column in table.text_columns -%}
                    count(nullif(trim({{ column }}), '')) as {{ column }}{% if not loop.last %},{% endif %}
                {% endfor %}
            from {{ source('landing', table.landing_table) }}
            where {{ incremental_submissions('_submission_id', '_loaded_at', loaded_since) }}
            group by _submission_id
        ) as presence
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

judged_inputs as (
    select
        value_counts.submission_id,
        value_counts.dataset_version,
        value_counts.table_name,
        rules.item_name,
        rules.check_kind,
        rules.code_list,
        rules.code_list_column,
        rules.code_list_complete,
        rules.valid_values,
        rules.default_codes,
        rules.format_pattern,
        value_counts.raw_value,
        value_counts.value_count,
        nullif(trim(value_counts.raw_value), '') is null as is_missing,
        case
            when rules.code_width is not null
                then {{ normalise_code('value_counts.raw_value', 'rules.code_width') }}
            else upper(replace(trim(value_counts.raw_value), '.', ''))
        end as normalised_value,
        -- as specified: no surrounding spaces, upper case, and (v2.0) the full code width. v1.5 files send
        -- codes without leading zeros, which staging pads; the v1.5 widths are not in the sources.
        value_counts.raw_value = trim(value_counts.raw_value)
        and value_counts.raw_value = upper(value_counts.raw_value)
        and (
            rules.code_width is null
            or value_counts.dataset_version = '1.5'
            or value_counts.raw_value = {{ normalise_code('value_counts.raw_value', 'rules.code_width') }}
        ) as is_as_specified,
        case
            when rules.check_kind = 'nhs_number'
                then {{ replace_all('trim(value_counts.raw_value)', "'[ -]'", "''") }}
        end as nhs_digits
    from value_counts
    inner join rules
        on
            value_counts.dataset_version = rules.dataset_version
            and value_counts.table_name = rules.table_name
            and value_counts.column_name = rules.column_name
),

judged as (
    select
        judged_inputs.submission_id,
        judged_inputs.dataset_version,
        judged_inputs.table_name,
        judged_inputs.item_name,
        judged_inputs.value_count,
        case
            when judged_inputs.is_missing then 'missing'
            when {{ split_contains('judged_inputs.default_codes', '|', 'judged_inputs.normalised_value') }}
                then 'default'
            when judged_inputs.check_kind = 'code_list'
                then
                    case
                        when code_list_codes.code is not null and judged_inputs.is_as_specified then 'valid'
                        when code_list_codes.code is not null then 'invalid_format'
                        when not judged_inputs.code_list_complete then 'other'
                        else 'invalid'
                    end
            when judged_inputs.check_kind = 'values'
                then
                    case
                        when
                            not {{ split_contains('judged_inputs.valid_values', '|', 'judged_inputs.normalised_value') }}  -- noqa: LT05
                            then 'invalid'
                        when judged_inputs.is_as_specified then 'valid'
                        else 'invalid_format'
                    end
            when judged_inputs.check_kind = 'nhs_number'
                then case when {{ nhs_number_is_valid('judged_inputs.nhs_digits') }} then 'valid' else 'invalid' end
            when judged_inputs.check_kind = 'score'
                then
                    case
                        when
                            {{ dbt.safe_cast('trim(judged_inputs.raw_value)', 'double') }}
                            between score_ranges.min_score and score_ranges.max_score then 'valid'
                        else 'invalid'
                    end
            when judged_inputs.check_kind = 'number'
                then
                    case
                        when {{ dbt.safe_cast('trim(judged_inputs.raw_value)', 'double') }} is not null then 'valid'
                        else 'invalid'
                    end
            when judged_inputs.check_kind in ('date', 'time', 'timestamp')
                then
                    case
                        when
                            -- a constant pattern per rule's format: a pattern read from a column is
                            -- compiled again for every value
                            case judged_inputs.format_pattern
                                {% for pattern in format_patterns -%}
                                    when {{ string_literal(pattern) }}
                                        then {{ regexp_full_match('judged_inputs.raw_value', string_literal(pattern)) }}
                                {% endfor -%}
                                else {{ regexp_full_match('judged_inputs.raw_value', 'judged_inputs.format_pattern') }}
                            end
                            then 'valid'
                        else 'invalid'
                    end
            else 'valid'
        end as vodim_class
    from judged_inputs
    left join code_list_codes
        on
            judged_inputs.code_list = code_list_codes.code_list
            and judged_inputs.code_list_column = code_list_codes.code_list_column
            and judged_inputs.dataset_version = code_list_codes.dataset_version
            and judged_inputs.normalised_value = code_list_codes.code
    left join score_ranges
        on
            judged_inputs.dataset_version = score_ranges.dataset_version
            and judged_inputs.table_name = score_ranges.table_name
            and judged_inputs.item_name = score_ranges.item_name
),

judged_counted as (
    select
        submission_id,
        dataset_version,
        table_name,
        item_name,
        sum(value_count) as total_count,
        sum(case when vodim_class = 'valid' then value_count else 0 end) as valid_count,
        sum(case when vodim_class = 'other' then value_count else 0 end) as other_count,
        sum(case when vodim_class = 'default' then value_count else 0 end) as default_count,
        sum(case when vodim_class in ('invalid', 'invalid_format') then value_count else 0 end) as invalid_count,
        sum(case when vodim_class = 'invalid_format' then value_count else 0 end) as invalid_format_count,
        sum(case when vodim_class = 'missing' then value_count else 0 end) as missing_count
    from judged
    group by submission_id, dataset_version, table_name, item_name
),

-- a free-text item's present values are valid, the blank ones missing
text_counted as (
    select
        text_presence.submission_id,
        text_presence.dataset_version,
        text_presence.table_name,
        rules.item_name,
        text_presence.total_count,
        cast(text_presence.present_count as bigint) as valid_count,
        0 as other_count,
        0 as default_count,
        0 as invalid_count,
        0 as invalid_format_count,
        text_presence.total_count - cast(text_presence.present_count as bigint) as missing_count
    from text_presence
    inner join rules
        on
            text_presence.dataset_version = rules.dataset_version
            and text_presence.table_name = rules.table_name
            and text_presence.column_name = rules.column_name
),

counted as (
    select * from judged_counted
    union all
    select * from text_counted
    {%- if row_tables %}
    union all
    select * from row_counted
    {%- endif %}
),

final as (
    select
        submission_id,
        dataset_version,
        table_name,
        item_name,
        cast(total_count as bigint) as total_count,
        cast(valid_count as bigint) as valid_count,
        cast(other_count as bigint) as other_count,
        cast(default_count as bigint) as default_count,
        cast(invalid_count as bigint) as invalid_count,
        cast(invalid_format_count as bigint) as invalid_format_count,
        cast(missing_count as bigint) as missing_count,
        -- the code that computed the row (macros/incremental/months_to_rebuild.sql)
        {{ code_fingerprint_sql() }} as code_fingerprint
    from counted
)

select * from final
