-- Which submitted items each published measure depends on: for every catalogue measure, every table it
-- uses (ref_measure_catalogue.tables_used) and every item of that table the measures need (the contract's
-- measures_need flag). v1.5 items are included through the staging column they share with the v2.0 item,
-- so a v1.5 month's items map to the same measures. Derived, not hand-written.
with

catalogue as (
    select * from {{ ref('ref_measure_catalogue') }}
),

rules as (
    select * from {{ ref('dq_item_rules') }}
),

measure_tables as (
    select distinct
        measure_id,
        {{ unnest_split('tables_used', ' ') }} as table_name
    from catalogue
    where nullif(trim(tables_used), '') is not null
),

v20_inputs as (
    select
        measure_tables.measure_id,
        rules.dataset_version,
        rules.table_name,
        rules.item_name,
        rules.conformed_model,
        rules.conformed_column
    from measure_tables
    inner join rules
        on measure_tables.table_name = rules.table_name and rules.dataset_version = '2.0'
    where rules.measures_need
),

v15_inputs as (
    select distinct
        v20_inputs.measure_id,
        rules.dataset_version,
        rules.table_name,
        rules.item_name,
        rules.conformed_model,
        rules.conformed_column
    from v20_inputs
    inner join rules
        on
            v20_inputs.conformed_model = rules.conformed_model
            and v20_inputs.conformed_column = rules.conformed_column
            and rules.dataset_version = '1.5'
),

final as (
    select
        measure_id,
        dataset_version,
        table_name,
        item_name
    from v20_inputs
    union all
    select
        measure_id,
        dataset_version,
        table_name,
        item_name
    from v15_inputs
)

select distinct * from final
