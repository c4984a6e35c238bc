{{ config(materialized='table') }}
-- Every Core and LTC measure of the NHS catalogue (seeds/publication/ref_measure_catalogue.csv) with
-- whether this warehouse implements it (macros/publication/measure_definitions.sql) and, if not, why.
{%- set implemented = measure_definitions() %}
with

catalogue as (
    select * from {{ ref('ref_measure_catalogue') }}
),

implemented as (
    {%- for d in implemented %}
    select
        '{{ d.id }}' as measure_id,
        '{{ d.stat }}' as implemented_statistic,
        '{{ d.source }}' as implemented_source
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

covered as (
    select
        catalogue.measure_id,
        catalogue.measure_name,
        catalogue.measure_type,
        catalogue.frequency,
        catalogue.statistic,
        implemented.implemented_source,
        implemented.measure_id is not null as is_implemented,
        case
            when implemented.measure_id is null then 'Not yet implemented (no entry in measure_definitions.sql)'
        end as not_implemented_reason
    from catalogue
    left join implemented
        on catalogue.measure_id = implemented.measure_id
)

select * from covered
