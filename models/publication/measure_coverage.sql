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
            when catalogue.measure_name like 'Mean_%Session%'
                then 'Not yet implemented: needs per-pathway session counts by therapy type (I101D30-D52)'
            when catalogue.measure_name like '%SickPay%'
                then 'Not yet implemented: needs first and last employment status per pathway (I101D15-D18)'
            when catalogue.measure_name like '%ADSM%'
                then 'Not yet implemented: needs first and last scores of every ADSM per pathway, not only the ADSM'
            when catalogue.measure_name like '%LTC%' or catalogue.measure_name like '%IET%'
                then 'Not yet implemented: quarterly measure (LTC appointment shares, IET contact time)'
            else 'Not yet implemented'
        end as not_implemented_reason
    from catalogue
    left join implemented
        on catalogue.measure_id = implemented.measure_id
)

select * from covered
