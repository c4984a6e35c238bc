-- The NHS monthly activity file: every implemented measure at England, commissioning region, ICB,
-- Sub-ICB, provider and Sub-ICB/provider level, with the exact value and the value that may be
-- published under the disclosure rules of derivation-rules.md section 6:
--   England: counts exact; percentages, means, medians (and maxima, minima) to 1 decimal place.
--   Below England: a count under 5 is '*', otherwise rounded to the nearest 5; a percentage is '*'
--   when its numerator or denominator is under 5, otherwise a whole number from the exact figures; a
--   mean, median, maximum or minimum is '*' when it rests on fewer than 5 pathways, else 1 decimal.
-- Rounding is half away from zero in exact integer arithmetic (macros/publication/disclosure.sql). A
-- percentage with a zero denominator is null: empty at England, '*' below (its denominator is under 5).
with

measures as (
    select * from {{ ref('int_monthly_measures_exact') }}
),

catalogue as (
    select * from {{ ref('ref_measure_catalogue') }}
),

rounded as (
    select
        measures.*,
        catalogue.measure_name,
        cast(cast(measures.measure_value as bigint) as varchar) as count_exact_text,
        cast(cast(5 * floor(measures.measure_value / 5 + 0.5) as bigint) as varchar) as count_to_5_text,
        {{ format_one_decimal(rounded_ratio('measures.numerator', 'measures.denominator', 100, 1)) }}
            as percentage_one_decimal_text,
        cast(cast({{ rounded_ratio('measures.numerator', 'measures.denominator', 100, 0) }} as bigint) as varchar)
            as percentage_whole_text,
        {{ format_one_decimal(rounded_ratio('measures.numerator', 'measures.denominator', 1, 1)) }}
            as mean_one_decimal_text,
        {{ format_one_decimal('measures.measure_value') }} as value_one_decimal_text
    from measures
    inner join catalogue
        on measures.measure_id = catalogue.measure_id
),

suppressed as (
    select
        reporting_period_start,
        reporting_period_end,
        group_type,
        org_code1,
        org_name1,
        org_code2,
        org_name2,
        measure_id,
        measure_name,
        measure_value,
        case
            when group_type = 'England'
                then
                    case
                        when measure_value is null then null
                        when statistic in ('count', 'sum') then count_exact_text
                        when statistic = 'percentage' then percentage_one_decimal_text
                        when statistic = 'mean' then mean_one_decimal_text
                        else value_one_decimal_text
                    end
            when statistic in ('count', 'sum')
                then
                    case when measure_value < 5 then '*' else count_to_5_text end
            when statistic = 'percentage'
                then
                    case when numerator < 5 or denominator < 5 then '*' else percentage_whole_text end
            when base_count < 5 then '*'
            when statistic = 'mean' then mean_one_decimal_text
            else value_one_decimal_text
        end as measure_value_suppressed
    from rounded
)

select * from suppressed
