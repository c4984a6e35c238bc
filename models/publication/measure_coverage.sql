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
            when implemented.measure_id is not null then null
            when catalogue.measure_type = 'LTC'
                then 'Not yet implemented: integrated LTC pathway measures need the LTC service indicator rules'
            when catalogue.tables_used like '%IDS202%'
                then 'Not yet implemented: therapy-type appointment and session measures (care activities)'
            when catalogue.tables_used like '%IDS004%' or catalogue.measure_name like '%SickPay%'
                then 'Not yet implemented: employment status first/last derivations'
            when catalogue.measure_name like '%WSAS%'
                then 'Not yet implemented: WSAS first/last scores'
            when catalogue.measure_name like '%ADSM%' or catalogue.measure_name like '%NoADSM%'
                then 'Not yet implemented: per-ADSM first/last score availability'
            when catalogue.measure_name like '%LTC%'
                then 'Not yet implemented: long-term condition appointment shares (quarterly)'
            else 'Not yet implemented'
        end as not_implemented_reason
    from catalogue
    left join implemented
        on catalogue.measure_id = implemented.measure_id
)

select * from covered
