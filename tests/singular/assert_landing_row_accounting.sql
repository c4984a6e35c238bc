-- Nothing lost: for every file of every accepted package, rows in the file = rows loaded + rows
-- rejected, the loaded count equals the rows actually in its landing table, and the rejected count
-- equals its rows in landing.rejections. Returns the files where any of that fails.
{%- set bookkeeping = ['submissions', 'submission_files', 'rejections'] -%}
{%- set landing_tables = [] -%}
{%- for node in graph.sources.values() -%}
    {%- if node.source_name == 'landing' and node.name not in bookkeeping -%}
        {%- do landing_tables.append(node.name) -%}
    {%- endif -%}
{%- endfor %}
with

files as (
    select * from {{ source('landing', 'submission_files') }}
),

loaded as (
    {% for table_name in landing_tables -%}
        select
            _submission_id as submission_id,
            _source_file as source_file,
            count(*) as n_rows
        from {{ source('landing', table_name) }}
        group by _submission_id, _source_file
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

rejected as (
    select
        submission_id,
        source_file,
        count(*) as n_rows
    from {{ source('landing', 'rejections') }}
    where source_file is not null
    group by submission_id, source_file
)

select
    files.submission_id,
    files.source_file,
    files.rows_in_file,
    files.rows_loaded,
    files.rows_rejected,
    coalesce(loaded.n_rows, 0) as rows_in_landing,
    coalesce(rejected.n_rows, 0) as rows_in_rejections
from files
left join loaded
    on files.submission_id = loaded.submission_id and files.source_file = loaded.source_file
left join rejected
    on files.submission_id = rejected.submission_id and files.source_file = rejected.source_file
where
    files.rows_in_file != files.rows_loaded + files.rows_rejected
    or files.rows_loaded != coalesce(loaded.n_rows, 0)
    or files.rows_rejected != coalesce(rejected.n_rows, 0)
