-- v1.5 therapy types sit in Thertype1-4 of each appointment row; one care activity per non-empty
-- therapy type, identified by the appointment and the column (Thertype1 -> '<AppointmentID>|1').
{%- set therapy_columns = ['thertype1', 'thertype2', 'thertype3', 'thertype4'] %}
with

appointments as (
    {{ in_use_rows(source('landing', 'iaptdatasetappointment'), '1.5') }}
),

unpivoted as (
    {% for column in therapy_columns -%}
        select
            submission_id,
            dataset_version,
            org_code_provider,
            reporting_period_start,
            reporting_period_end,
            {{ dbt.concat(['trim(appointmentid)', "'|" ~ loop.index ~ "'"]) }} as care_activity_id,
            trim(appointmentid) as care_contact_id,
            cast(null as {{ dbt.type_string() }}) as care_professional_id,
            trim({{ column }}) as therapy_code,
            cast(null as integer) as duration_minutes,
            cast(null as {{ dbt.type_string() }}) as find_scheme_code,
            cast(null as {{ dbt.type_string() }}) as finding_code,
            cast(null as {{ dbt.type_string() }}) as observation_code,
            cast(null as {{ dbt.type_string() }}) as observation_value,
            cast(null as {{ dbt.type_string() }}) as observation_unit
        from appointments
        where nullif(trim({{ column }}), '') is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from unpivoted
