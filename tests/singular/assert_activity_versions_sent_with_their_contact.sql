-- Every care activity version is sent with a version of its care contact in the same month's submission
-- (the loader rejects an activity whose contact is not in its package: rule "orphan"). The record-grain
-- marts rely on it to rebuild incrementally only the contacts a reprocessed month can change
-- (macros/incremental/records_to_rebuild.sql): an activity whose stored version came from a reprocessed
-- month belongs to a contact whose stored version came from one too.
with

staged_activities as (
    select * from {{ ref('stg_iapt__care_activities') }}
),

staged_contacts as (
    select * from {{ ref('stg_iapt__care_contacts') }}
),

activities_without_contact_version as (
    select
        staged_activities.care_activity_key,
        staged_activities.care_contact_key,
        staged_activities.reporting_period_start
    from staged_activities
    left join staged_contacts
        on
            staged_activities.care_contact_key = staged_contacts.care_contact_key
            and staged_activities.reporting_period_start = staged_contacts.reporting_period_start
    where staged_contacts.care_contact_key is null
)

select * from activities_without_contact_version
