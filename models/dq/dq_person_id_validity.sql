-- Person identifier validity (NHS DQ measure I001D08), per provider, reporting month and submission
-- window, over the patient table's rows: valid = a valid NHS number (the person is traced); default = no
-- NHS number (the person is identified by the provider's local patient id only); invalid = an NHS number
-- that fails the modulus-11 check (the person cannot be linked across providers). The NHS number is
-- judged in stg_dq__item_value_counts and never leaves landing.
with

item_validity as (
    select * from {{ ref('dq_item_validity') }}
),

final as (
    select
        provider_code,
        reporting_period_start,
        submission_window,
        submission_id,
        is_in_use,
        total_count,
        valid_count,
        missing_count as default_count,
        invalid_count,
        case when total_count > 0 then 100.0 * valid_count / total_count end as valid_pct,
        case when total_count > 0 then 100.0 * missing_count / total_count end as default_pct,
        case when total_count > 0 then 100.0 * invalid_count / total_count end as invalid_pct
    from item_validity
    where check_kind = 'nhs_number'
)

select * from final
