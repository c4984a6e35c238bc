-- v2.0 IDS607 coded scored assessments of care activities, dated by their care contact (via IDS202
-- then IDS201 of the same submission; derivation-rules.md 3.1), whether or not the contact was attended.
-- The activities and contacts are read from in-use submissions too, and joined on the submission's month
-- as well as its id (the same submission has one month): a month filter on this view (an incremental
-- build's) then reaches all three tables, not only the scores (rule score_dates_read_from_the_months_built).
with

scores as (
    {{ in_use_rows(source('landing', 'ids607codedscoreassessmentact'), '2.0') }}
),

activities as (
    select
        submission_id,
        reporting_period_start,
        trim(careactid) as care_act_id,
        trim(carecontactid) as care_contact_id
    from ({{ in_use_rows(source('landing', 'ids202careactivity'), '2.0') }}) as in_use_activities
),

contacts as (
    select
        submission_id,
        reporting_period_start,
        trim(carecontactid) as care_contact_id,
        trim(servicerequestid) as service_request_id,
        {{ parse_submitted_date('carecontdate', '2.0') }} as care_contact_date,
        nullif(trim(careconttime), '') as care_contact_time
    from ({{ in_use_rows(source('landing', 'ids201carecontact'), '2.0') }}) as in_use_contacts
),

joined as (
    select
        scores.submission_id,
        scores.dataset_version,
        scores.org_code_provider,
        scores.reporting_period_start,
        scores.reporting_period_end,
        'IDS607' as source_table,
        trim(scores.careactid) as record_id,
        contacts.service_request_id,
        trim(scores.codedasstooltype) as tool_code,
        try_cast(trim(scores.persscore) as double) as score,
        contacts.care_contact_date as score_date,
        contacts.care_contact_time as score_time
    from scores
    inner join activities
        on
            scores.reporting_period_start = activities.reporting_period_start
            and scores.submission_id = activities.submission_id
            and trim(scores.careactid) = activities.care_act_id
    inner join contacts
        on
            activities.reporting_period_start = contacts.reporting_period_start
            and activities.submission_id = contacts.submission_id
            and activities.care_contact_id = contacts.care_contact_id
)

select * from joined
