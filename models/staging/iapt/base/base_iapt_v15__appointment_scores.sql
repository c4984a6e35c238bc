-- v1.5 outcome scores sit in columns of each appointment row (dated by the appointment); one row per
-- non-empty score, mapped to the v2.0 tool code through ref_assessment_tools.v15_score_column
-- (derivation-rules.md 3.1). SpecPhobiaScore has no tool in the rules and is not carried.
{%- set score_columns = [
    'PHQ9_Score', 'GAD7Score', 'AgoraScore', 'SocPhobiaScore', 'PanicScore', 'OCIScore', 'IESRScore',
    'HAIScore', 'WSASWScore', 'WSASHmScore', 'WSASSlaScore', 'WSASPlaScore', 'WSASRScore'
] %}
with

appointments as (
    {{ in_use_rows(source('landing', 'iaptdatasetappointment'), '1.5') }}
),

tools as (
    select * from {{ ref('ref_assessment_tools') }}
),

unpivoted as (
    {% for column in score_columns -%}
        select
            submission_id,
            dataset_version,
            org_code_provider,
            reporting_period_start,
            reporting_period_end,
            appointmentid,
            serviceid,
            appointment,
            appointmenttime,
            '{{ column }}' as v15_score_column,
            {{ column | lower }} as score_text
        from appointments
        where nullif(trim({{ column | lower }}), '') is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

mapped as (
    select
        unpivoted.submission_id,
        unpivoted.dataset_version,
        unpivoted.org_code_provider,
        unpivoted.reporting_period_start,
        unpivoted.reporting_period_end,
        'IAPTDataSetAppointment' as source_table,
        trim(unpivoted.appointmentid) as record_id,
        trim(unpivoted.serviceid) as service_request_id,
        tools.tool_code,
        try_cast(trim(unpivoted.score_text) as double) as score,
        {{ parse_submitted_date('unpivoted.appointment', '1.5') }} as score_date,
        nullif(trim(unpivoted.appointmenttime), '') as score_time
    from unpivoted
    inner join tools
        on unpivoted.v15_score_column = tools.v15_score_column
)

select * from mapped
