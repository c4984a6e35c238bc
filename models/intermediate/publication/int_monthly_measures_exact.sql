-- Every implemented monthly measure (macros/publication/measure_definitions.sql) at every organisation
-- level, exact and unsuppressed, one row per month, level, organisation and measure. Counts, sums,
-- means, medians, maxima and minima are aggregated from their source; percentages are computed from the
-- exact counts of their numerator and denominator measures at the same level. Every organisation with
-- a pathway in the month gets every measure (a count with no rows is 0; a mean of nothing is null).
-- Quarterly measures (frequency 'quarterly': M1011-M1013 and the components of their percentages) are
-- computed over the rows of the financial quarter's three months, each row at the organisations of its
-- own month, and appear only in the quarter's last month, and only when the quarter's first month has
-- an in-use submission (a quarter the data covers only in part is not published). An organisation with
-- quarterly rows but no pathway in the quarter's last month gets the quarterly measures only.
{% set definitions = measure_definitions() %}
{#
    Named rule measures_picked_by_position: the SQL of each non-percentage measure's value, numerator,
    denominator and base count, in measure_list's order, and each measure's position and frequency
#}
{% set non_percentages = definitions | rejectattr('stat', 'equalto', 'percentage') | list %}
{% set values, numerators, denominators, base_counts = [], [], [], [] %}
{% set positions, quarterly = {}, {} %}
{% for d in non_percentages %}
{% set is_mean = d.stat == 'mean' %}
{% do values.append('cast(' ~ exact_value_sql(d) ~ ' as double)') %}
{% do numerators.append('cast(wide.' ~ d.id ~ '__sum as bigint)' if is_mean else 'cast(null as bigint)') %}
{% do denominators.append('cast(wide.' ~ d.id ~ '__base as bigint)' if is_mean else 'cast(null as bigint)') %}
{% do base_counts.append('cast(coalesce(' ~ exact_value_sql(d, '__base') ~ ', 0) as bigint)') %}
{% do positions.update({d.id: loop.index}) %}
{% do quarterly.update({d.id: d.frequency == 'quarterly'}) %}
{% endfor %}
{#- the grain of each output row besides the measure: month, level and organisation -#}
{% set level_columns = [
    'reporting_period_start', 'reporting_period_end', 'group_type', 'org_code1', 'org_name1', 'org_code2', 'org_name2'
] %}
{% set sources = ['referrals', 'contacts', 'iet_logs', 'contact_therapies', 'quarter_referrals', 'quarter_contacts'] %}
{% set org_columns = [
    'org_code_provider', 'provider_name', 'sub_icb_code', 'sub_icb_name', 'icb_code', 'icb_name', 'region_code',
    'region_name'
] %}

with

calendar as (
    select * from {{ ref('dim_calendar_months') }}
),

{# each month mapped to the last month of its financial quarter, for quarters whose first month has data #}
quarters as (
    select
        months.month_start,
        quarter_ends.month_start as quarter_end_month_start,
        quarter_ends.month_end as quarter_end_month_end,
        months.month_start = quarter_ends.month_start as is_quarter_end_month
    from calendar as months
    inner join calendar as quarter_ends
        on months.financial_quarter_end = quarter_ends.month_end
    inner join calendar as quarter_starts
        on months.financial_quarter_start = quarter_starts.month_start
    where
        quarter_starts.has_in_use_submission and quarter_ends.has_in_use_submission
        and {{ incremental_months('quarter_ends.month_start') }}
),

{# the months this build (re)computes: all of them, or those from the first changed month (incremental) #}
referral_months as (
    select * from {{ ref('int_publication_referral_months') }}
    where {{ incremental_months('reporting_period_start') }}
),

care_contacts as (
    select * from {{ ref('int_publication_care_contacts') }}
    where {{ incremental_months('reporting_period_start') }}
),

iet_logs as (
    select * from {{ ref('int_publication_iet_logs') }}
    where {{ incremental_months('reporting_period_start') }}
),

contact_therapies as (
    select * from {{ ref('int_publication_contact_therapies') }}
    where {{ incremental_months('reporting_period_start') }}
),

quarter_referrals as (
    select
        quarters.quarter_end_month_start as reporting_period_start,
        quarters.quarter_end_month_end as reporting_period_end,
        {% for column in org_columns %}
        referral_months.{{ column }},
        {% endfor %}
        referral_months.is_finished_course_in_month,
        referral_months.integrated_contact_first_date,
        referral_months.iet_duration_minutes
    from {{ ref('int_publication_referral_months') }} as referral_months
    inner join quarters
        on referral_months.reporting_period_start = quarters.month_start
),

quarter_contacts as (
    select
        quarters.quarter_end_month_start as reporting_period_start,
        quarters.quarter_end_month_end as reporting_period_end,
        {% for column in org_columns %}
        care_contacts.{{ column }},
        {% endfor %}
        care_contacts.is_attended,
        care_contacts.is_follow_up_type,
        care_contacts.is_in_pathway_range,
        care_contacts.is_ltc_service_contact
    from {{ ref('int_publication_care_contacts') }} as care_contacts
    inner join quarters
        on care_contacts.reporting_period_start = quarters.month_start
),

aggregated_referrals as (
    {{ aggregate_measures('referrals', 'referral_months') }}
),

aggregated_contacts as (
    {{ aggregate_measures('contacts', 'care_contacts') }}
),

aggregated_iet_logs as (
    {{ aggregate_measures('iet_logs', 'iet_logs') }}
),

aggregated_contact_therapies as (
    {{ aggregate_measures('contact_therapies', 'contact_therapies') }}
),

aggregated_quarter_referrals as (
    {{ aggregate_measures('quarter_referrals', 'quarter_referrals') }}
),

aggregated_quarter_contacts as (
    {{ aggregate_measures('quarter_contacts', 'quarter_contacts') }}
),

{# organisations with a pathway in the month, and those with quarterly rows only in a quarter's last month #}
spine_rows as (
    {% for source_name in ['referrals', 'quarter_referrals', 'quarter_contacts'] %}
    select distinct
        reporting_period_start,
        reporting_period_end,
        group_type,
        org_code1,
        org_name1,
        org_code2,
        org_name2,
        {{ 'true' if source_name == 'referrals' else 'false' }} as has_month_pathways
    from aggregated_{{ source_name }}
    {% if not loop.last %}
    union all
    {% endif %}
    {% endfor %}
),

spine as (
    select
        reporting_period_start,
        reporting_period_end,
        group_type,
        org_code1,
        org_name1,
        org_code2,
        org_name2,
        max(case when has_month_pathways then 1 else 0 end) = 1 as has_month_pathways
    from spine_rows
    group by reporting_period_start, reporting_period_end, group_type, org_code1, org_name1, org_code2, org_name2
),

{# every organisation of the month with the aggregates of every source (no rows = no activity) #}
wide as (
    select
        spine.*,
        coalesce(quarters.is_quarter_end_month, false) as is_quarter_published,
        {% for d in definitions | rejectattr('stat', 'equalto', 'percentage') %}
        aggregated_{{ d.source }}.{{ d.id }}__value,
        aggregated_{{ d.source }}.{{ d.id }}__base,
        {% if d.stat not in ('count',) %}
        aggregated_{{ d.source }}.{{ d.id }}__sum,
        {% endif %}
        {% endfor %}
        1 as one
    from spine
    left join quarters
        on spine.reporting_period_start = quarters.month_start
    {% for source_name in sources %}
    left join aggregated_{{ source_name }}
        on
            spine.reporting_period_start = aggregated_{{ source_name }}.reporting_period_start
            and spine.group_type = aggregated_{{ source_name }}.group_type
            and spine.org_code1 = aggregated_{{ source_name }}.org_code1
            and spine.org_code2 = aggregated_{{ source_name }}.org_code2
    {% endfor %}
),

measure_list as (
    {% for d in non_percentages %}
    select
        '{{ d.id }}' as measure_id,
        '{{ d.stat }}' as statistic,
        {{ 'true' if d.frequency == 'quarterly' else 'false' }} as is_quarterly,
        {{ loop.index }} as measure_position
    {% if not loop.last %}
    union all
    {% endif %}
    {% endfor %}
),

{#
    Named rule measures_picked_by_position (docs/performance.md): each organisation's values in four arrays,
    in measure_list's order, so each long row takes its values by position. A `case` on the measure id with
    one branch per measure, evaluated on every long row, was the model's largest cost.
#}
wide_arrays as (
    select
        {% for column in level_columns %}
        wide.{{ column }},
        {% endfor %}
        wide.has_month_pathways,
        wide.is_quarter_published,
        {{ value_array(values) }} as measure_values,
        {{ value_array(numerators) }} as numerators,
        {{ value_array(denominators) }} as denominators,
        {{ value_array(base_counts) }} as base_counts
    from wide
),

{# long form: one row per organisation and measure #}
measured as (
    select
        {% for column in level_columns %}
        wide_arrays.{{ column }},
        {% endfor %}
        measure_list.measure_id,
        measure_list.statistic,
        {{ array_element('wide_arrays.measure_values', 'measure_list.measure_position') }} as measure_value,
        {{ array_element('wide_arrays.numerators', 'measure_list.measure_position') }} as numerator,
        {{ array_element('wide_arrays.denominators', 'measure_list.measure_position') }} as denominator,
        {{ array_element('wide_arrays.base_counts', 'measure_list.measure_position') }} as base_count
    from wide_arrays
    cross join measure_list
    where {{ measure_is_present('measure_list.is_quarterly') }}
),

{#
    the percentage measures: numerator, denominator and the measure subtracted from it (if any), by their
    position in measure_list, and whether each is quarterly (a part is there only where its own measure is)
#}
percentage_list as (
    {% for d in definitions | selectattr('stat', 'equalto', 'percentage') %}
    select
        '{{ d.id }}' as measure_id,
        {{ positions[d.num] }} as numerator_position,
        {{ 'true' if quarterly[d.num] else 'false' }} as is_numerator_quarterly,
        {{ positions[d.den] }} as denominator_position,
        {{ 'true' if quarterly[d.den] else 'false' }} as is_denominator_quarterly,
        {% if d.den_minus -%}
        {{ positions[d.den_minus] }} as subtracted_position,
        {{ 'true' if quarterly[d.den_minus] else 'false' }} as is_subtracted_quarterly
        {%- else -%}
        cast(null as integer) as subtracted_position,
        cast(null as boolean) as is_subtracted_quarterly
        {%- endif %}
    {% if not loop.last %}
    union all
    {% endif %}
    {% endfor %}
),

{# percentages from the exact counts of their numerator and denominator measures, picked by position #}
percentage_parts as (
    select
        {% for column in level_columns %}
        wide_arrays.{{ column }},
        {% endfor %}
        percentage_list.measure_id,
        {{ array_element('wide_arrays.measure_values', 'percentage_list.numerator_position') }} as numerator_value,
        case
            when percentage_list.subtracted_position is null
                then {{ array_element('wide_arrays.measure_values', 'percentage_list.denominator_position') }}
            else
                {{ array_element('wide_arrays.measure_values', 'percentage_list.denominator_position') }}
                - {{ array_element('wide_arrays.measure_values', 'percentage_list.subtracted_position') }}
        end as denominator_value
    from wide_arrays
    cross join percentage_list
    where
        {{ measure_is_present('percentage_list.is_numerator_quarterly') }}
        and {{ measure_is_present('percentage_list.is_denominator_quarterly') }}
        and (
            percentage_list.subtracted_position is null
            or {{ measure_is_present('percentage_list.is_subtracted_quarterly') }}
        )
),

percentages as (
    select
        reporting_period_start,
        reporting_period_end,
        group_type,
        org_code1,
        org_name1,
        org_code2,
        org_name2,
        measure_id,
        'percentage' as statistic,
        case when denominator_value > 0 then numerator_value * 100.0 / denominator_value end as measure_value,
        cast(numerator_value as bigint) as numerator,
        cast(denominator_value as bigint) as denominator,
        cast(denominator_value as bigint) as base_count
    from percentage_parts
),

final as (
    select * from measured
    union all
    select * from percentages
)

select * from final
