-- Pathway, organisation code and person identifier continuity (NHS DQ measures), per provider and
-- reporting month, on the in-use submissions. Denominator: referrals open (no discharge date) in the
-- provider's in-use submission of the month before. Pathway continuity: share of them present this month
-- with the same provider, service request id and person. Organisation code continuity: of those absent
-- under the provider, the ones present under another provider with the same person and service request id
-- are breaks. Person identifier continuity: of those present under the provider by service request id, the
-- ones whose person differs are breaks. The person is the pseudonymous person_key (NHS number when valid).
-- Incremental by month: month M reads months M-1 and M, so a build from R reads the months from R-1.
{{ config(materialized=by_month_materialization(), incremental_strategy='month_replace') }}
{% set first_month_read = "cast(" ~ dbt.dateadd('month', -1, rebuild_from_month()) ~ " as date)" %}

with

referrals as (
    select * from {{ ref('stg_iapt__referrals') }}
    {% if is_incremental_build() -%}
        where reporting_period_start >= {{ first_month_read }}
    {%- endif %}
),

patients as (
    select * from {{ ref('stg_iapt__patients') }}
    {% if is_incremental_build() -%}
        where reporting_period_start >= {{ first_month_read }}
    {%- endif %}
),

referral_people as (
    select
        referrals.org_code_provider,
        referrals.reporting_period_start,
        referrals.service_request_id,
        referrals.discharge_date,
        patients.person_key
    from referrals
    left join patients
        on referrals.submission_id = patients.submission_id and referrals.patient_key = patients.patient_key
),

reporting_months as (
    select distinct reporting_period_start from referral_people
),

-- open at the end of a month that has a next month in the data
open_last_month as (
    select referral_people.*
    from referral_people
    inner join reporting_months
        on
            reporting_months.reporting_period_start
            = cast({{ dbt.dateadd('month', 1, 'referral_people.reporting_period_start') }} as date)
    where referral_people.discharge_date is null
),

matched as (
    select
        open_last_month.org_code_provider as provider_code,
        cast({{ dbt.dateadd('month', 1, 'open_last_month.reporting_period_start') }} as date)
            as reporting_period_start,
        open_last_month.service_request_id,
        this_month.service_request_id is not null as is_present,
        this_month.service_request_id is not null
        and coalesce(open_last_month.person_key, '') = coalesce(this_month.person_key, '') as is_continuous,
        this_month.service_request_id is not null
        and coalesce(open_last_month.person_key, '') <> coalesce(this_month.person_key, '') as is_person_changed,
        this_month.service_request_id is null and exists (
            select 1
            from referral_people as elsewhere
            where
                elsewhere.reporting_period_start
                = cast({{ dbt.dateadd('month', 1, 'open_last_month.reporting_period_start') }} as date)
                and elsewhere.org_code_provider <> open_last_month.org_code_provider
                and elsewhere.service_request_id = open_last_month.service_request_id
                and elsewhere.person_key = open_last_month.person_key
        ) as is_org_changed
    from open_last_month
    left join referral_people as this_month
        on
            open_last_month.org_code_provider = this_month.org_code_provider
            and open_last_month.service_request_id = this_month.service_request_id
            and this_month.reporting_period_start
            = cast({{ dbt.dateadd('month', 1, 'open_last_month.reporting_period_start') }} as date)
),

counted as (
    select
        provider_code,
        reporting_period_start,
        count(*) as open_last_month_count,
        sum(case when is_continuous then 1 else 0 end) as continuous_count,
        sum(case when not is_present then 1 else 0 end) as missing_count,
        sum(case when is_org_changed then 1 else 0 end) as org_code_changed_count,
        sum(case when is_person_changed then 1 else 0 end) as person_id_changed_count,
        sum(case when not is_present then 1 else 0 end) as absent_count,
        sum(case when is_present then 1 else 0 end) as present_count
    from matched
    group by provider_code, reporting_period_start
),

final as (
    select
        provider_code,
        reporting_period_start,
        cast(open_last_month_count as bigint) as open_last_month_count,
        cast(continuous_count as bigint) as continuous_count,
        cast(missing_count as bigint) as missing_count,
        cast(org_code_changed_count as bigint) as org_code_changed_count,
        cast(person_id_changed_count as bigint) as person_id_changed_count,
        100.0 * continuous_count / open_last_month_count as pathway_continuity_pct,
        case
            when absent_count > 0 then 100.0 * (absent_count - org_code_changed_count) / absent_count
        end as org_code_continuity_pct,
        case
            when present_count > 0 then 100.0 * (present_count - person_id_changed_count) / present_count
        end as person_id_continuity_pct
    from counted
)

select * from final
where {{ incremental_months('reporting_period_start') }}
