-- Every provider that has submitted a package (not rejected whole) is a dim_providers member, known or
-- Unknown, so no provider's activity drops out of a join to the dimension.
with

submissions as (
    select * from {{ ref('stg_iapt__submissions') }}
),

providers as (
    select * from {{ ref('dim_providers') }}
)

select distinct submissions.org_code_provider
from submissions
left join providers
    on submissions.org_code_provider = providers.org_code_provider
where
    submissions.status != 'rejected'
    and submissions.org_code_provider is not null
    and providers.org_code_provider is null
