-- One row per commissioner (Sub-ICB location) code: the Sub-ICB -> ICB -> commissioning region
-- hierarchy of the lookup seed (ref_commissioners; the demo lookup until a deployment replaces it),
-- plus every code submitted on a referral or care contact that the lookup lacks, rolled up to an
-- explicit Unknown ICB and region, plus one Unknown member for referrals and contacts without a
-- commissioner (derivation-rules.md 6). Join on commissioner_key via the commissioner_key() macro.
with

lookup as (
    select * from {{ ref('ref_commissioners') }}
),

referrals as (
    select * from {{ ref('stg_iapt__referrals') }}
),

care_contacts as (
    select * from {{ ref('stg_iapt__care_contacts') }}
),

submitted_codes as (
    select {{ commissioner_key('org_code_commissioner') }} as commissioner_key
    from referrals
    union
    select {{ commissioner_key('org_code_commissioner') }} as commissioner_key
    from care_contacts
    union
    -- the Unknown member exists even when every submission names its commissioner
    select {{ unknown_org_code() }} as commissioner_key
),

known as (
    select
        upper(trim(sub_icb_code)) as commissioner_key,
        upper(trim(sub_icb_code)) as sub_icb_code,
        sub_icb_name,
        icb_code,
        icb_name,
        region_code,
        region_name,
        true as is_known_commissioner,
        is_synthetic as is_from_demo_lookup
    from lookup
),

unknown as (
    select
        submitted_codes.commissioner_key,
        submitted_codes.commissioner_key as sub_icb_code,
        {{ unknown_org_name() }} as sub_icb_name,
        {{ unknown_org_code() }} as icb_code,
        {{ unknown_org_name() }} as icb_name,
        {{ unknown_org_code() }} as region_code,
        {{ unknown_org_name() }} as region_name,
        false as is_known_commissioner,
        false as is_from_demo_lookup
    from submitted_codes
    left join known
        on submitted_codes.commissioner_key = known.commissioner_key
    where known.commissioner_key is null
),

unioned as (
    select * from known
    union all
    select * from unknown
),

final as (
    select
        commissioner_key,
        sub_icb_code,
        sub_icb_name,
        icb_code,
        icb_name,
        region_code,
        region_name,
        is_known_commissioner,
        is_from_demo_lookup,
        commissioner_key = {{ unknown_org_code() }} as is_missing_commissioner
    from unioned
)

select * from final
