{#
    Incremental records (docs/performance.md, rule "rebuild_changed_records").

    The record-grain marts (fct_care_contacts, fct_care_activities, fct_internet_therapy_logs) hold each
    record in its latest version (derivation-rules.md 1.5). A build that reprocesses the months from R
    (rebuild_from_month(), macros/incremental/months_to_rebuild.sql) can change only:
      - the records with a version in a month from R (new, re-sent or refreshed), and
      - the records whose stored row came from a month from R (a refresh of that month may have dropped
        them, so their latest version is now an earlier one, or there is none),
    plus what each model derives from other records (a contact's activities, an activity's contact),
    which the models add to their own list of changed keys. Every other record's stored row is exact.

    Strategy "record_replace": delete the changed records (those recomputed, and every stored row whose
    month columns are from R: a record that no longer exists at all is removed), insert the recomputed rows.
#}
{% macro get_incremental_record_replace_sql(arg_dict) %}
    {%- set target_relation = arg_dict['target_relation'] -%}
    {%- set temp_relation = arg_dict['temp_relation'] -%}
    {%- set key = config.require('unique_key') -%}
    {%- set month_columns = config.get('month_columns', ['reporting_period_start']) -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ target_relation }}
    where {{ key }} in (select {{ key }} from {{ temp_relation }})
    {%- for column in month_columns %}
        or {{ column }} >= {{ rebuild_from_month() }}
    {%- endfor %};
    insert into {{ target_relation }} ({{ columns }})
    select {{ columns }} from {{ temp_relation }}
{% endmacro %}

{#
    The keys of `relation` (a staging model, one row per record per month) that a build from R can
    change by themselves: a version in a reprocessed month, or a stored row (in `this`) from one.
#}
{% macro changed_record_keys(relation, key, stored_month_columns=['reporting_period_start']) -%}
    select {{ key }} from {{ relation }}
    where reporting_period_start >= {{ rebuild_from_month() }}
    union
    select {{ key }} from {{ this }}
    where
    {%- for column in stored_month_columns %}
        {% if not loop.first %}or {% endif %}{{ column }} >= {{ rebuild_from_month() }}
    {%- endfor %}
{%- endmacro %}
