-- One row per internet-enabled therapy programme as submitted (free text IntEnabledTherProg, on care
-- contacts and IET logs), with its quarterly V008 group: the group whose match text the programme
-- contains, not case sensitive (ref_iet_programme_groups); "Other/unknown IET" when none matches. A
-- contact or log without a programme is "No recorded IET" (the seed's 'missing' row), joined in the facts.
with

care_contacts as (
    select * from {{ ref('stg_iapt__care_contacts') }}
),

iet_logs as (
    select * from {{ ref('stg_iapt__internet_therapy_logs') }}
),

programme_groups as (
    select * from {{ ref('ref_iet_programme_groups') }}
),

programmes as (
    select iet_programme from care_contacts
    where iet_programme is not null
    union
    select iet_programme from iet_logs
    where iet_programme is not null
),

matches as (
    select
        programmes.iet_programme,
        min(programme_groups.iet_programme_group) as iet_programme_group
    from programmes
    inner join programme_groups
        on
            coalesce(programme_groups.match_text, '') != ''
            and {{ dbt.position('programme_groups.match_text', 'lower(programmes.iet_programme)') }} > 0
    group by programmes.iet_programme
),

unmatched as (
    select iet_programme_group
    from programme_groups
    where fallback_for = 'unmatched'
),

final as (
    select
        programmes.iet_programme,
        coalesce(matches.iet_programme_group, unmatched.iet_programme_group) as iet_programme_group,
        matches.iet_programme_group is not null as is_listed_programme
    from programmes
    left join matches
        on programmes.iet_programme = matches.iet_programme
    cross join unmatched
)

select * from final
