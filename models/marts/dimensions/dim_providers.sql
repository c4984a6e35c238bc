-- One row per provider organisation code: every provider of the reference list (ref_providers) and
-- every provider that has submitted a package (not rejected whole) but is not in the list, the latter as an explicit
-- Unknown member of its ICB and region (derivation-rules.md 6). Providers of the list without an ICB
-- or region also roll up to Unknown.
with

reference_providers as (
    select * from {{ ref('ref_providers') }}
),

submissions as (
    select * from {{ ref('stg_iapt__submissions') }}
),

-- packages rejected whole are left out: their header may be unreadable, and none of their rows loads
submitted_providers as (
    select
        org_code_provider,
        min(reporting_period_start) as first_reporting_period_start,
        max(reporting_period_start) as last_reporting_period_start
    from submissions
    where status != 'rejected' and org_code_provider is not null
    group by org_code_provider
),

known as (
    select
        reference_providers.org_code as org_code_provider,
        reference_providers.org_name as provider_name,
        reference_providers.status as provider_status,
        reference_providers.start_date as provider_start_date,
        reference_providers.end_date as provider_end_date,
        coalesce(nullif(reference_providers.icb_code, ''), {{ unknown_org_code() }}) as icb_code,
        coalesce(nullif(reference_providers.icb_name, ''), {{ unknown_org_name() }}) as icb_name,
        coalesce(nullif(reference_providers.region_code, ''), {{ unknown_org_code() }}) as region_code,
        coalesce(nullif(reference_providers.region_name, ''), {{ unknown_org_name() }}) as region_name,
        true as is_known_provider
    from reference_providers
),

unknown as (
    select
        submitted_providers.org_code_provider,
        {{ unknown_org_name() }} as provider_name,
        cast(null as {{ dbt.type_string() }}) as provider_status,
        cast(null as date) as provider_start_date,
        cast(null as date) as provider_end_date,
        {{ unknown_org_code() }} as icb_code,
        {{ unknown_org_name() }} as icb_name,
        {{ unknown_org_code() }} as region_code,
        {{ unknown_org_name() }} as region_name,
        false as is_known_provider
    from submitted_providers
    left join known
        on submitted_providers.org_code_provider = known.org_code_provider
    where known.org_code_provider is null
),

unioned as (
    select * from known
    union all
    select * from unknown
),

final as (
    select
        unioned.org_code_provider,
        unioned.provider_name,
        unioned.provider_status,
        unioned.provider_start_date,
        unioned.provider_end_date,
        unioned.icb_code,
        unioned.icb_name,
        unioned.region_code,
        unioned.region_name,
        unioned.is_known_provider,
        submitted_providers.org_code_provider is not null as has_submitted,
        submitted_providers.first_reporting_period_start,
        submitted_providers.last_reporting_period_start
    from unioned
    left join submitted_providers
        on unioned.org_code_provider = submitted_providers.org_code_provider
)

select * from final
