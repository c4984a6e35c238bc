-- Rule 2.2: the treatment sessions of each pathway at month M: attended treatment-type care contacts
-- within the pathway's range, plus each internet-enabled therapy log known at M whose start date falls
-- in the same range, dated at that start date (with the log's minutes, M1013). Follow-ups and contacts
-- after discharge never count.
with

pathways as (
    select * from {{ ref('int_pathways_scoped_to_month') }}
    where {{ incremental_months('reporting_period_start') }}
),

contacts as (
    select * from {{ ref('int_care_contacts_classified') }}
    where {{ incremental_months('reporting_period_start') }}
),

contact_sessions as (
    select
        pathway_key,
        reporting_period_start,
        'care_contact' as session_source,
        care_contact_key as session_record_key,
        care_contact_date as session_date,
        care_contact_time as session_time,
        cast(null as double) as iet_duration_minutes
    from contacts
    where is_treatment_session
),

-- rule 1.5: each monthly version of a record and the month it is superseded
iet_versions as (
    {{ record_versions(ref('stg_iapt__internet_therapy_logs'), 'iet_log_key', 'pathways') }}
),

iet_sessions as (
    select
        pathways.pathway_key,
        pathways.reporting_period_start,
        'iet_log' as session_source,
        iet_versions.iet_log_key as session_record_key,
        iet_versions.log_start_date as session_date,
        cast(null as {{ dbt.type_string() }}) as session_time,
        iet_versions.duration_minutes as iet_duration_minutes
    from pathways
    inner join iet_versions
        on {{ in_force_at_month('pathways', 'iet_versions') }}
    where iet_versions.log_start_date between pathways.activity_range_start and pathways.activity_range_end
),

sessions as (
    select * from contact_sessions
    union all
    select * from iet_sessions
)

select * from sessions
