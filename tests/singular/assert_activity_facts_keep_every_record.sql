-- The activity facts keep every record exactly once: one row per distinct care contact, care
-- activity and IET log key of staging (the latest version of each), none lost, none added.
with

staged_contacts as (
    select * from {{ ref('stg_iapt__care_contacts') }}
),

staged_activities as (
    select * from {{ ref('stg_iapt__care_activities') }}
),

staged_logs as (
    select * from {{ ref('stg_iapt__internet_therapy_logs') }}
),

contacts as (
    select * from {{ ref('fct_care_contacts') }}
),

activities as (
    select * from {{ ref('fct_care_activities') }}
),

logs as (
    select * from {{ ref('fct_internet_therapy_logs') }}
),

counts as (
    select
        'care contacts' as fact,
        (select count(distinct care_contact_key) from staged_contacts) as n_staged,
        (select count(*) from contacts) as n_fact
    union all
    select
        'care activities' as fact,
        (select count(distinct care_activity_key) from staged_activities) as n_staged,
        (select count(*) from activities) as n_fact
    union all
    select
        'internet therapy logs' as fact,
        (select count(distinct iet_log_key) from staged_logs) as n_staged,
        (select count(*) from logs) as n_fact
)

select * from counts
where n_staged != n_fact
