-- Rule keyed_digests_in_duckdb (docs/performance.md): on DuckDB the models compute the pseudonymous keys in
-- SQL (macros/iapt/pseudonymise.sql); src/iapt_warehouse/pseudo.py, which uses the nhs-number package and
-- which Spark calls, is the reference, registered on every dbt connection as iapt_person_key() and
-- iapt_pseudo_id(). Returns each value where the two differ: awkward identifiers (white space of every
-- kind, dashes, non-ASCII digits, CHI-range dates, check digits of 10), 20,000 NHS-number-shaped values
-- with valid and invalid check digits, and a repeatable sample of the landed identifiers.
{{ config(enabled=target.type == 'duckdb', tags=['pseudonymisation']) }}
with

awkward as (
    select
        awkward_values.nhs_number,
        awkward_values.provider_code,
        awkward_values.local_id
    from (
        values
        ('9434765919', 'RHA', 'P1'),
        ('943 476 5919', 'rha', ' P1 '),
        ('943-476-5919', ' RHA', 'P1' || chr(9)),
        (' 9434765919' || chr(10), 'RHA', chr(160) || 'P1' || chr(12288)),
        ('9434765919' || chr(31), 'RHA', chr(28) || 'P1'),
        ('9434765918', 'RHA', 'P1'),
        ('94347 65919', 'RHA', ''),
        ('943--4765919', 'RHA', '   '),
        ('9434765919' || chr(160), 'RHA', chr(133)),
        ('٩٤٣٤٧٦٥٩١٩', 'RHA', 'P1'),
        ('²434765919', 'RHA', 'P1'),
        ('0000000000', 'RHA', 'P2'),
        ('0101010000', 'RHA', 'P3'),
        ('3102010003', 'RHA', 'P3'),
        ('2902000008', 'RHA', 'P4'),
        ('2902010008', 'RHA', 'P4'),
        ('3112999999', 'RHA', 'P5'),
        ('943476591', 'RHA', 'P6'),
        ('94347659190', 'RHA', 'é'),
        ('943476591x', 'RHA', 'ß'),
        ('', '', 'P7'),
        (null, 'RHA', null),
        (null, null, 'P8'),
        ('9434765919', null, null)
    ) as awkward_values (nhs_number, provider_code, local_id)
),

-- ten-digit values across the whole range, the CHI range (first digits 0-3) included; a tenth have
-- their digits grouped as 3-3-4
numbered as (
    select
        lpad(cast((numbers.i * 1000003 + 7) % 10000000000 as varchar), 10, '0') as digits,
        numbers.i
    from range(20000) as numbers (i)
),

shaped as (
    select
        case
            when i % 10 = 0 then digits[1:3] || ' ' || digits[4:6] || ' ' || digits[7:10]
            else digits
        end as nhs_number,
        'RX' || cast(i % 7 as varchar) as provider_code,
        cast(i as varchar) as local_id
    from numbered
),

landed as (
    select
        nhsnumber as nhs_number,
        orgidlocalpatientid as provider_code,
        localpatientid as local_id
    from {{ source('landing', 'ids001mpi') }}
    using sample reservoir (5000 rows) repeatable (42)
),

cases as (
    select * from awkward
    union all
    select * from shaped
    union all
    select * from landed
),

compared as (
    select
        nhs_number,
        provider_code,
        local_id,
        {{ person_key('nhs_number', 'provider_code', 'local_id') }} as person_key_sql,
        iapt_person_key(nhs_number, provider_code, local_id) as person_key_python,
        {{ pseudo_id('provider_code', 'local_id') }} as pseudo_id_sql,
        iapt_pseudo_id(provider_code, local_id) as pseudo_id_python
    from cases
)

select *
from compared
where
    person_key_sql is distinct from person_key_python
    or pseudo_id_sql is distinct from pseudo_id_python
