-- Every referral (every pathway-month) finds exactly one dim_commissioners member through the
-- commissioner_key() macro: known Sub-ICBs, unknown codes and a missing commissioner alike
-- (derivation-rules.md 6: a code without a known parent rolls up to Unknown, it is never dropped).
with

referrals as (
    select * from {{ ref('stg_iapt__referrals') }}
),

commissioners as (
    select * from {{ ref('dim_commissioners') }}
),

matches as (
    select
        referrals.pathway_key,
        referrals.reporting_period_start,
        referrals.org_code_commissioner,
        count(commissioners.commissioner_key) as n_members
    from referrals
    left join commissioners
        on {{ commissioner_key('referrals.org_code_commissioner') }} = commissioners.commissioner_key
    group by referrals.pathway_key, referrals.reporting_period_start, referrals.org_code_commissioner
)

select * from matches
where n_members != 1
