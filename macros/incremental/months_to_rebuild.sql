{#
    Incremental months (docs/performance.md, rule "rebuild from the first changed month").

    Every model at the reporting-month grain (intermediate pathway and publication models, the
    referral-month and outcome marts, the publication tables) is incremental on DuckDB. A build
    reprocesses the months from the first month whose in-use submission changed since the last complete
    build, and every later month: derivation-rules.md 1.5 makes month M use the in-use submissions of
    all months up to M, so a refresh of month M0 can change M0 and any month after it, never an earlier one.

    The ledger: `on-run-start` snapshots the in-use submissions (provider, month, submission) into
    `intermediate._build_ledger_pending`; `on-run-end` promotes the snapshot to
    `intermediate._build_ledger` when every incremental model of the project ran and succeeded. A failed
    or partial run (`--select`) leaves the ledger as it was, so the next run reprocesses those months again.
    With no ledger (a warehouse built before), every month is reprocessed; `--full-refresh` rebuilds all.
    The ledger also holds a fingerprint of the project's code (models, macros, seeds, dbt_project.yml:
    iapt_code_fingerprint() in src/iapt_warehouse/dbt_plugin.py): a build whose code differs reprocesses
    every month, so a changed derivation never leaves earlier months computed the old way.
#}

{% macro ledger_relation(name) -%}
    {{ target.database }}.intermediate.{{ name }}
{%- endmacro %}

{# on-run-start: the in-use submissions this run sees #}
{% macro snapshot_in_use_submissions() %}
    {% if execute and target.type == 'duckdb' %}
        {% do run_query("create schema if not exists " ~ target.database ~ ".intermediate") %}
        {% do run_query(
            "create or replace table " ~ ledger_relation('_build_ledger_pending') ~ " as "
            ~ "select org_code_provider, reporting_period_start, submission_id, iapt_code_fingerprint()"
            ~ " as code_fingerprint from "
            ~ target.database ~ ".landing.submissions where status = 'in_use'"
        ) %}
        {% set first = rebuild_from_month() %}
        {% if first == "date '0001-01-01'" %}
            {{ log("incremental months: no ledger of a complete build; every month is processed", info=true) }}
        {% elif first == "date '9999-12-01'" %}
            {{ log("incremental months: no in-use submission changed; nothing to reprocess", info=true) }}
        {% else %}
            {{ log("incremental months: reprocessing months from " ~ first[6:16], info=true) }}
        {% endif %}
    {% endif %}
{% endmacro %}

{# The first reporting month to reprocess, as a SQL date literal (cached for the run). #}
{% macro rebuild_from_month() %}
    {% if not execute %}
        {{ return("date '0001-01-01'") }}
    {% endif %}
    {% set ledger = adapter.get_relation(target.database, 'intermediate', '_build_ledger') %}
    {% if ledger is none %}
        {% set literal = "date '0001-01-01'" %}
    {% else %}
        {% set query %}
            select coalesce(strftime(min(pending.reporting_period_start), '%Y-%m-%d'), '9999-12-01')
            from {{ ledger_relation('_build_ledger_pending') }} as pending
            left join {{ ledger_relation('_build_ledger') }} as built
                on pending.org_code_provider = built.org_code_provider
                and pending.reporting_period_start = built.reporting_period_start
                and pending.submission_id = built.submission_id
            where built.submission_id is null
                or built.code_fingerprint <> pending.code_fingerprint
        {% endset %}
        {% set literal = "date '" ~ run_query(query).columns[0].values()[0] ~ "'" %}
    {% endif %}
    {{ return(literal) }}
{% endmacro %}

{#
    The filter every incremental model puts on its month-keyed import CTE: all months on a full build,
    the months from rebuild_from_month() on an incremental one. grain='quarter' widens the cut to the
    start of that month's quarter (financial quarters start in January, April, July and October), for
    models keyed on the quarter or reading a whole quarter.
#}
{% macro rebuild_from(grain='month') -%}
    {%- if grain == 'quarter' -%}
        cast({{ dbt.date_trunc('quarter', rebuild_from_month()) }} as date)
    {%- else -%}
        {{ rebuild_from_month() }}
    {%- endif -%}
{%- endmacro %}

{# True when the model is being built incrementally (unit tests have no `this`: they test the full SQL). #}
{% macro is_incremental_build() -%}
    {{ return(this is not none and is_incremental()) }}
{%- endmacro %}

{% macro incremental_months(column, grain='month') -%}
    {%- if is_incremental_build() -%}
        {{ column }} >= {{ rebuild_from(grain) }}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#
    Strategy "month_replace": delete the months being reprocessed, insert their new rows. Unlike
    delete+insert on a unique key, a reprocessed month that now has no rows is emptied too.
#}
{% macro get_incremental_month_replace_sql(arg_dict) %}
    {%- set target_relation = arg_dict['target_relation'] -%}
    {%- set temp_relation = arg_dict['temp_relation'] -%}
    {%- set month_column = config.get('month_column', 'reporting_period_start') -%}
    {%- set grain = config.get('month_grain', 'month') -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ target_relation }} where {{ month_column }} >= {{ rebuild_from(grain) }};
    insert into {{ target_relation }} ({{ columns }})
    select {{ columns }} from {{ temp_relation }}
{% endmacro %}

{# on-run-end: promote the snapshot when every incremental model ran and succeeded #}
{% macro record_build_ledger(results) %}
    {% if execute and target.type == 'duckdb' %}
        {% set incremental = [] %}
        {% for node in graph.nodes.values() %}
            {% if node.resource_type == 'model' and node.config.materialized == 'incremental'
                and node.config.incremental_strategy in ('month_replace', 'record_replace') %}
                {% do incremental.append(node.unique_id) %}
            {% endif %}
        {% endfor %}
        {% set succeeded = [] %}
        {% for result in results %}
            {% if result.node.resource_type == 'model' and result.status == 'success' %}
                {% do succeeded.append(result.node.unique_id) %}
            {% endif %}
        {% endfor %}
        {% set missing = incremental | reject('in', succeeded) | list %}
        {% if incremental and not missing %}
            {% do run_query(
                "create or replace table " ~ ledger_relation('_build_ledger') ~ " as select * from "
                ~ ledger_relation('_build_ledger_pending')
            ) %}
            {{ log("incremental months: ledger recorded (" ~ incremental | length ~ " incremental models built)", info=true) }}
        {% elif incremental %}
            {{ log("incremental months: ledger not updated (" ~ missing | length ~ " incremental models did not run or failed); the next build reprocesses these months", info=true) }}
        {% endif %}
    {% endif %}
{% endmacro %}

{#
    Strategy "submission_append", for models at the submission grain (stg_dq__item_value_counts): a loaded
    submission never changes, so only submissions not yet in the table are processed. Rows computed by
    other code (their code_fingerprint differs from this build's) are deleted and recomputed.
#}
{% macro get_incremental_submission_append_sql(arg_dict) %}
    {%- set target_relation = arg_dict['target_relation'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ target_relation }} where code_fingerprint <> {{ code_fingerprint_sql() }};
    insert into {{ target_relation }} ({{ columns }})
    select {{ columns }} from {{ arg_dict['temp_relation'] }}
{% endmacro %}

{#
    The submissions a submission-grain incremental model still has to process (a filter on `column`).
    With `loaded_at_column` (landing's `_loaded_at`), also a range filter DuckDB can answer from its
    zone maps, so the scan skips the row groups of earlier loads: the loader stamps every row of a
    submission with that submission's `loaded_at`, so each unprocessed submission's rows are at or after
    the earliest unprocessed `loaded_at` (exact, whatever the clock did between loads). A model that filters
    many landing tables passes `loaded_since` (first_unprocessed_load(), called once) so the query runs once,
    not once per table.
#}
{% macro incremental_submissions(column, loaded_at_column=none, loaded_since=none) -%}
    {%- if is_incremental_build() -%}
        {{ column }} not in ({{ processed_submissions() }})
        {%- if loaded_at_column %}
        and {{ loaded_at_column }} >= {{ loaded_since or first_unprocessed_load() }}
        {%- endif -%}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{# The submissions `this` already holds, computed by this build's code. #}
{% macro processed_submissions() -%}
    select submission_id from {{ this }} where code_fingerprint = {{ code_fingerprint_sql() }}
{%- endmacro %}

{# The earliest loaded_at of a loaded submission not yet in `this` (a timestamp literal): one query per call. #}
{% macro first_unprocessed_load() -%}
    {%- if not execute -%}
        {{ return("timestamp '0001-01-01 00:00:00'") }}
    {%- endif -%}
    {%- set query -%}
        select coalesce(strftime(min(submissions.loaded_at), '%Y-%m-%d %H:%M:%S'), '9999-12-31 00:00:00')
        from {{ target.database }}.landing.submissions as submissions
        where submissions.rows_loaded > 0
            and submissions.submission_id not in ({{ processed_submissions() }})
    {%- endset -%}
    {{ return("timestamp '" ~ run_query(query).columns[0].values()[0] ~ "'") }}
{%- endmacro %}

{% macro code_fingerprint_sql() -%}
    {{ return(adapter.dispatch('code_fingerprint_sql', 'iapt_warehouse')()) }}
{%- endmacro %}

{% macro duckdb__code_fingerprint_sql() -%}
    iapt_code_fingerprint()
{%- endmacro %}

{% macro default__code_fingerprint_sql() -%}
    'not tracked'
{%- endmacro %}

{# The materialisation of a model at the reporting-month grain: incremental on DuckDB, a table elsewhere. #}
{% macro by_month_materialization() -%}
    {{ return('incremental' if target.type == 'duckdb' else 'table') }}
{%- endmacro %}

{#
    Named rule month_replace_inserts_from_a_view (docs/performance.md). dbt-duckdb's incremental
    materialisation first writes the model's rows to a temporary table, then runs the strategy's SQL,
    which for month_replace reads that table once (delete the months, insert the rows). For those models
    the temporary relation is a view instead: the insert runs the model's query straight into the target,
    without writing and re-reading every row of the reprocessed months in a temporary table. The
    materialisation still checks the view's columns against the table (on_schema_change: fail). Nothing
    a month_replace model reads is the target itself, so deleting its months first cannot change the
    rows the view gives. Every other use (tables, record_replace, submission_append, seeds) is
    dbt-duckdb's own macro.
#}
{% macro duckdb__create_table_as(temporary, relation, compiled_code, language='sql', partitioned_by=none, sorted_by=none) -%}
    {%- if temporary and language == 'sql' and config.get('incremental_strategy') == 'month_replace' -%}
        create temporary view {{ relation.include(database=false, schema=false) }} as (
            {{ compiled_code }}
        )
    {%- else -%}
        {{ dbt.duckdb__create_table_as(temporary, relation, compiled_code, language, partitioned_by, sorted_by) }}
    {%- endif -%}
{%- endmacro %}
