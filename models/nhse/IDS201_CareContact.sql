-- IDS201 care contacts of every in-use submission in NHS England's column names (the month-M
-- submission's contacts, as NHS extracts hold them; re-sent contacts appear once per month sent).
with

contacts as (
    select * from {{ ref('stg_iapt__care_contacts') }}
),

submissions as (
    select * from {{ ref('stg_iapt__submissions') }}
),

nhs_shaped as (
    select
        contacts.submission_id as UniqueSubmissionID,
        submissions.load_seq as AuditId,
        {{ unique_month_id('contacts.reporting_period_start') }} as Unique_MonthID,
        contacts.org_code_provider as OrgID_Provider,
        contacts.pathway_key as PathwayID,
        contacts.care_contact_id as CareContactId,
        contacts.care_contact_key as Unique_CareContactID,
        contacts.care_contact_date as CareContDate,
        contacts.care_contact_time as CareContTime,
        contacts.org_code_commissioner as OrgIDComm,
        contacts.planned_indicator as PlannedCareContIndicator,
        contacts.attend_code as AttendOrDNACode,
        contacts.app_type_code as AppType,
        contacts.cons_medium_code as ConsMediumUsed,
        contacts.duration_minutes as ClinContDurOfCareCont,
        contacts.iet_programme as IntEnabledTherProg,
        contacts.interpreter_code as InterpreterPresentInd,
        contacts.language_code_treatment as LanguageCodeTreat,
        contacts.psychotropic_medication_code as PsychMed
    from contacts
    inner join submissions
        on contacts.submission_id = submissions.submission_id
)

select * from nhs_shaped
