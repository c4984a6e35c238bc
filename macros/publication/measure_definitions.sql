{#
    The monthly measures this warehouse implements: one entry per catalogue measure
    (seeds/publication/ref_measure_catalogue.csv), written from the catalogue's construction and
    derivation-rules.md section 5. `source` is the relation the condition reads:
      referrals: intermediate.int_publication_referral_months (one row per pathway of the month)
      contacts:  intermediate.int_publication_care_contacts (contacts dated in M from the month-M submission)
      iet_logs:  intermediate.int_publication_iet_logs (IET logs ending in M from the month-M submission)
      contact_therapies: intermediate.int_publication_contact_therapies (attended treatment contacts x therapy measure)
      quarter_referrals: the referrals rows of the three months of a financial quarter, dated in its last month
      quarter_contacts: the contacts rows of the three months of a financial quarter, dated in its last month
    `frequency: 'quarterly'` (the catalogue's Quarterly measures M1011-M1013 and their components): the
    value over the financial quarter, published in the quarter's last month only (int_monthly_measures_exact).
    `component: true`: a count a catalogue percentage is built from that the catalogue does not name
    (kept in int_monthly_measures_exact, never published; its id is '<measure>_<part>').
    `stat`: count (rows meeting `cond`), sum / mean / median / max / min (of `value` over rows meeting
    `cond`), percentage (`num` / (`den` - `den_minus`) * 100, from the exact counts of those measures).
    Code lists are the catalogue's; "open" follows the named rule "open at M" (no discharge date on or
    before the month end). `add` names a measure whose count is added (M108 = contacts + IET logs).
    Anything not here is listed by publication.measure_coverage with its reason.
#}
{% macro measure_definitions() %}
{% set sources_of_referral = [
    ('M002', ['B1']), ('M003', ['A1']), ('M004', ['A2']), ('M345', ['A4']), ('M005', ['A3']), ('M006', ['B2']),
    ('M007', ['C1', 'C2', 'C3']), ('M008', ['D1', 'D2']), ('M009', ['E1', 'E2', 'E3', 'E4', 'E5', 'E6']),
    ('M010', ['F1', 'F2', 'F3']), ('M011', ['G1', 'G2', 'G3', 'G4']), ('M012', ['H1', 'H2']), ('M013', ['I1', 'I2']),
    ('M014', ['P1']), ('M017', ['M1', 'M2', 'M3', 'M4', 'M5', 'M6', 'M7', 'M8']), ('M018', ['N1', 'N2'])
] %}
{% set end_codes = [
    ('M057', '10'), ('M058', '11'), ('M059', '12'), ('M060', '13'), ('M061', '14'), ('M340', '16'), ('M062', '17'),
    ('M063', '95'), ('M066', '46'), ('M344', '47'), ('M341', '48'), ('M069', '49'), ('M342', '50'), ('M070', '96')
] %}
{% set attendance = [('M083', '2'), ('M084', '3'), ('M085', '4'), ('M086', '5'), ('M087', '6'), ('M088', '7')] %}
{% set media = [
    ('M1001', '01'), ('M1002', '02'), ('M1003', '03'), ('M1004', '04'), ('M1005', '05'), ('M1006', '06'),
    ('M1007', '08'), ('M1008', '98')
] %}
{% set w6 = var('wait_within_6_weeks_days') %}
{% set w18 = var('wait_within_18_weeks_days') %}
{% set finished = 'is_finished_course_in_month' %}
{% set open_at_end = 'not is_discharged_by_month_end' %}
{% set m = [] %}
{# referrals received #}
{% do m.append({'id': 'M001', 'source': 'referrals', 'stat': 'count', 'cond': 'is_referral_received_in_month'}) %}
{% for id, codes in sources_of_referral %}
    {% do m.append({'id': id, 'source': 'referrals', 'stat': 'count',
        'cond': "is_referral_received_in_month and source_of_referral_code in ('" ~ codes | join("', '") ~ "')"}) %}
{% endfor %}
{# open referrals without recent treatment #}
{% do m.append({'id': 'M019', 'source': 'referrals', 'stat': 'count', 'cond': open_at_end ~ ' and days_since_last_session <= 60'}) %}
{% do m.append({'id': 'M020', 'source': 'referrals', 'stat': 'count', 'cond': open_at_end ~ ' and days_since_last_session between 61 and 90'}) %}
{% do m.append({'id': 'M021', 'source': 'referrals', 'stat': 'count', 'cond': open_at_end ~ ' and days_since_last_session between 91 and 120'}) %}
{% do m.append({'id': 'M022', 'source': 'referrals', 'stat': 'count', 'cond': open_at_end ~ ' and days_since_last_session > 120'}) %}
{# assessment #}
{% do m.append({'id': 'M023', 'source': 'referrals', 'stat': 'count', 'cond': 'is_first_assessment_in_month'}) %}
{% do m.append({'id': 'M024', 'source': 'referrals', 'stat': 'count', 'cond': 'is_first_assessment_in_month and wait_first_assessment_days < 29'}) %}
{% do m.append({'id': 'M025', 'source': 'referrals', 'stat': 'count', 'cond': 'is_first_assessment_in_month and wait_first_assessment_days between 29 and 56'}) %}
{% do m.append({'id': 'M026', 'source': 'referrals', 'stat': 'count', 'cond': 'is_first_assessment_in_month and wait_first_assessment_days between 57 and 90'}) %}
{% do m.append({'id': 'M027', 'source': 'referrals', 'stat': 'count', 'cond': 'is_first_assessment_in_month and wait_first_assessment_days > 90'}) %}
{% do m.append({'id': 'M028', 'source': 'referrals', 'stat': 'count', 'cond': 'is_ended_in_month and assessment_first_date is null'}) %}
{% do m.append({'id': 'M029', 'source': 'referrals', 'stat': 'count', 'cond': open_at_end ~ ' and assessment_first_date is null'}) %}
{% do m.append({'id': 'M030', 'source': 'referrals', 'stat': 'count', 'cond': open_at_end ~ ' and assessment_first_date is null and days_referral_to_period_end > 90'}) %}
{# entering treatment #}
{% do m.append({'id': 'M031', 'source': 'referrals', 'stat': 'count', 'cond': 'is_first_treatment_in_month'}) %}
{% do m.append({'id': 'M032', 'source': 'referrals', 'stat': 'count', 'cond': 'is_first_treatment_in_month and wait_first_treatment_days < 29'}) %}
{% do m.append({'id': 'M033', 'source': 'referrals', 'stat': 'count', 'cond': 'is_first_treatment_in_month and wait_first_treatment_days between 29 and 56'}) %}
{% do m.append({'id': 'M034', 'source': 'referrals', 'stat': 'count', 'cond': 'is_first_treatment_in_month and wait_first_treatment_days between 57 and 90'}) %}
{% do m.append({'id': 'M035', 'source': 'referrals', 'stat': 'count', 'cond': 'is_first_treatment_in_month and wait_first_treatment_days > 90'}) %}
{% do m.append({'id': 'M036', 'source': 'referrals', 'stat': 'count', 'cond': 'is_first_treatment_in_month and wait_first_treatment_days <= ' ~ w6}) %}
{% do m.append({'id': 'M037', 'source': 'referrals', 'stat': 'count', 'cond': 'is_first_treatment_in_month and wait_first_treatment_days <= ' ~ w18}) %}
{# waiting for treatment at the month end #}
{% set waiting = open_at_end ~ ' and therapy_session_first_date is null' %}
{% do m.append({'id': 'M038', 'source': 'referrals', 'stat': 'count', 'cond': waiting}) %}
{% do m.append({'id': 'M039', 'source': 'referrals', 'stat': 'count', 'cond': waiting ~ ' and days_referral_to_period_end <= 14'}) %}
{% do m.append({'id': 'M040', 'source': 'referrals', 'stat': 'count', 'cond': waiting ~ ' and days_referral_to_period_end <= 28'}) %}
{% do m.append({'id': 'M041', 'source': 'referrals', 'stat': 'count', 'cond': waiting ~ ' and days_referral_to_period_end <= 42'}) %}
{% do m.append({'id': 'M042', 'source': 'referrals', 'stat': 'count', 'cond': waiting ~ ' and days_referral_to_period_end <= 84'}) %}
{% do m.append({'id': 'M043', 'source': 'referrals', 'stat': 'count', 'cond': waiting ~ ' and days_referral_to_period_end <= 126'}) %}
{% do m.append({'id': 'M044', 'source': 'referrals', 'stat': 'count', 'cond': waiting ~ ' and days_referral_to_period_end > 126'}) %}
{% do m.append({'id': 'M045', 'source': 'referrals', 'stat': 'count', 'cond': waiting ~ ' and days_referral_to_period_end > 90'}) %}
{% do m.append({'id': 'M046', 'source': 'referrals', 'stat': 'count', 'cond': 'is_second_treatment_in_month and first_to_second_session_days > 28'}) %}
{% do m.append({'id': 'M047', 'source': 'referrals', 'stat': 'count', 'cond': 'is_second_treatment_in_month and first_to_second_session_days > 90'}) %}
{% do m.append({'id': 'M184', 'source': 'referrals', 'stat': 'count', 'cond': 'is_second_treatment_in_month'}) %}
{# waits #}
{% do m.append({'id': 'M048', 'source': 'referrals', 'stat': 'mean', 'cond': 'is_first_treatment_in_month', 'value': 'wait_first_treatment_days'}) %}
{% do m.append({'id': 'M049', 'source': 'referrals', 'stat': 'median', 'cond': 'is_first_treatment_in_month', 'value': 'wait_first_treatment_days'}) %}
{% do m.append({'id': 'M050', 'source': 'referrals', 'stat': 'mean', 'cond': finished, 'value': 'wait_first_treatment_days'}) %}
{% do m.append({'id': 'M051', 'source': 'referrals', 'stat': 'median', 'cond': finished, 'value': 'wait_first_treatment_days'}) %}
{% do m.append({'id': 'M052', 'source': 'referrals', 'stat': 'count', 'cond': finished ~ ' and wait_first_treatment_days <= ' ~ w6}) %}
{% do m.append({'id': 'M053', 'source': 'referrals', 'stat': 'percentage', 'num': 'M052', 'den': 'M076'}) %}
{% do m.append({'id': 'M054', 'source': 'referrals', 'stat': 'count', 'cond': finished ~ ' and wait_first_treatment_days <= ' ~ w18}) %}
{% do m.append({'id': 'M055', 'source': 'referrals', 'stat': 'percentage', 'num': 'M054', 'den': 'M076'}) %}
{# endings #}
{% do m.append({'id': 'M056', 'source': 'referrals', 'stat': 'count', 'cond': 'is_ended_in_month'}) %}
{% for id, code in end_codes %}
    {% do m.append({'id': id, 'source': 'referrals', 'stat': 'count', 'cond': "is_ended_in_month and end_code_v20 = '" ~ code ~ "'"}) %}
{% endfor %}
{% do m.append({'id': 'M071', 'source': 'referrals', 'stat': 'count', 'cond': 'is_ended_in_month and end_code is not null and end_group is null'}) %}
{% do m.append({'id': 'M072', 'source': 'referrals', 'stat': 'count', 'cond': 'is_ended_in_month and end_code is null'}) %}
{% do m.append({'id': 'M073', 'source': 'referrals', 'stat': 'count', 'cond': 'is_ended_in_month and care_contact_count = 0'}) %}
{% do m.append({'id': 'M074', 'source': 'referrals', 'stat': 'count', 'cond': 'is_ended_in_month and care_contact_count > 0 and treatment_care_contact_count = 0'}) %}
{% do m.append({'id': 'M153', 'source': 'referrals', 'stat': 'count', 'cond': 'is_ended_in_month and therapy_session_first_date is null'}) %}
{% do m.append({'id': 'M075', 'source': 'referrals', 'stat': 'count', 'cond': 'is_ended_in_month and treatment_care_contact_count = 1'}) %}
{% do m.append({'id': 'M076', 'source': 'referrals', 'stat': 'count', 'cond': finished}) %}
{# sessions of finished courses #}
{% do m.append({'id': 'M089', 'source': 'referrals', 'stat': 'sum', 'cond': finished, 'value': 'treatment_care_contact_count'}) %}
{% do m.append({'id': 'M141', 'source': 'referrals', 'stat': 'mean', 'cond': finished, 'value': 'treatment_care_contact_count'}) %}
{% do m.append({'id': 'M142', 'source': 'referrals', 'stat': 'median', 'cond': finished, 'value': 'treatment_care_contact_count'}) %}
{% do m.append({'id': 'M143', 'source': 'referrals', 'stat': 'max', 'cond': finished, 'value': 'treatment_care_contact_count'}) %}
{% do m.append({'id': 'M144', 'source': 'referrals', 'stat': 'min', 'cond': finished, 'value': 'treatment_care_contact_count'}) %}
{# outcomes: every numerator restricted to finished courses (the Line 14d guard) #}
{% do m.append({'id': 'M179', 'source': 'referrals', 'stat': 'count', 'cond': finished ~ ' and is_not_caseness'}) %}
{% do m.append({'id': 'M180', 'source': 'referrals', 'stat': 'percentage', 'num': 'M179', 'den': 'M076'}) %}
{% do m.append({'id': 'M185', 'source': 'referrals', 'stat': 'count', 'cond': finished ~ ' and is_reliable_improvement'}) %}
{% do m.append({'id': 'M186', 'source': 'referrals', 'stat': 'percentage', 'num': 'M185', 'den': 'M076'}) %}
{% do m.append({'id': 'M187', 'source': 'referrals', 'stat': 'count', 'cond': finished ~ ' and is_no_reliable_change'}) %}
{% do m.append({'id': 'M189', 'source': 'referrals', 'stat': 'count', 'cond': finished ~ ' and is_reliable_deterioration'}) %}
{% do m.append({'id': 'M1010', 'source': 'referrals', 'stat': 'percentage', 'num': 'M189', 'den': 'M076'}) %}
{% do m.append({'id': 'M191', 'source': 'referrals', 'stat': 'count', 'cond': finished ~ ' and is_recovered'}) %}
{% do m.append({'id': 'M192', 'source': 'referrals', 'stat': 'percentage', 'num': 'M191', 'den': 'M076', 'den_minus': 'M179'}) %}
{% do m.append({'id': 'M193', 'source': 'referrals', 'stat': 'count', 'cond': finished ~ ' and is_reliable_recovery'}) %}
{% do m.append({'id': 'M195', 'source': 'referrals', 'stat': 'percentage', 'num': 'M193', 'den': 'M076', 'den_minus': 'M179'}) %}
{% do m.append({'id': 'M199', 'source': 'referrals', 'stat': 'count', 'cond': finished ~ ' and phq9_first_score is not null and phq9_last_score is null'}) %}
{% do m.append({'id': 'M200', 'source': 'referrals', 'stat': 'count', 'cond': finished ~ ' and phq9_first_score is null'}) %}
{% do m.append({'id': 'M201', 'source': 'referrals', 'stat': 'count', 'cond': finished ~ ' and phq9_last_score is not null'}) %}
{% do m.append({'id': 'M203', 'source': 'referrals', 'stat': 'count', 'cond': finished ~ ' and own_measure_tool_code is not null'}) %}
{% do m.append({'id': 'M204', 'source': 'referrals', 'stat': 'count', 'cond': finished ~ ' and own_measure_tool_code is not null and is_own_measure_paired'}) %}
{% do m.append({'id': 'M205', 'source': 'referrals', 'stat': 'percentage', 'num': 'M204', 'den': 'M203'}) %}
{# ADSM-or-GAD availability among finished courses (the descriptor's own measure or GAD-7) #}
{% do m.append({'id': 'M196', 'source': 'referrals', 'stat': 'count', 'cond': finished ~ ' and has_adsm_or_gad_first_score and not is_adsm_or_gad_paired'}) %}
{% do m.append({'id': 'M197', 'source': 'referrals', 'stat': 'count', 'cond': finished ~ ' and not has_adsm_or_gad_first_score'}) %}
{% do m.append({'id': 'M198', 'source': 'referrals', 'stat': 'count', 'cond': finished ~ ' and is_adsm_or_gad_paired'}) %}
{% do m.append({'id': 'M202', 'source': 'referrals', 'stat': 'count', 'cond': finished ~ ' and phq9_last_score is not null and is_adsm_or_gad_paired'}) %}
{# mean sessions per therapy among finished courses that had that therapy (I101D30-D52) #}
{% for id, column in [('M112', 'hi_sessions'), ('M113', 'cbt_sessions'), ('M114', 'bpd_sessions'),
    ('M115', 'counselling_sessions'), ('M116', 'ipt_sessions'), ('M117', 'couples_sessions'),
    ('M119', 'other_hi_sessions'), ('M120', 'li_sessions')] %}
    {% do m.append({'id': id, 'source': 'referrals', 'stat': 'mean', 'cond': finished ~ ' and ' ~ column ~ ' > 0', 'value': column}) %}
{% endfor %}
{# Work and Social Adjustment Scale: finished courses with a paired item (M212-M236) #}
{% for item, first_id in [('work', 212), ('home_management', 217), ('social_leisure', 222), ('private_leisure', 227), ('relationships', 232)] %}
    {% set paired_item = finished ~ ' and wsas_' ~ item ~ '_last_score is not null' %}
    {% do m.append({'id': 'M' ~ first_id, 'source': 'referrals', 'stat': 'count', 'cond': paired_item}) %}
    {% do m.append({'id': 'M' ~ (first_id + 1), 'source': 'referrals', 'stat': 'mean', 'cond': paired_item, 'value': 'wsas_' ~ item ~ '_first_score'}) %}
    {% do m.append({'id': 'M' ~ (first_id + 2), 'source': 'referrals', 'stat': 'median', 'cond': paired_item, 'value': 'wsas_' ~ item ~ '_first_score'}) %}
    {% do m.append({'id': 'M' ~ (first_id + 3), 'source': 'referrals', 'stat': 'mean', 'cond': paired_item, 'value': 'wsas_' ~ item ~ '_last_score'}) %}
    {% do m.append({'id': 'M' ~ (first_id + 4), 'source': 'referrals', 'stat': 'median', 'cond': paired_item, 'value': 'wsas_' ~ item ~ '_last_score'}) %}
{% endfor %}
{# appointments #}
{% do m.append({'id': 'M082', 'source': 'contacts', 'stat': 'count', 'cond': 'true'}) %}
{% for id, code in attendance %}
    {% do m.append({'id': id, 'source': 'contacts', 'stat': 'count', 'cond': "attend_code = '" ~ code ~ "'"}) %}
{% endfor %}
{% for id, code in media %}
    {% do m.append({'id': id, 'source': 'contacts', 'stat': 'count', 'cond': "is_attended and cons_medium_code = '" ~ code ~ "'"}) %}
{% endfor %}
{% do m.append({'id': 'M1009', 'source': 'contacts', 'stat': 'count',
    'cond': "is_attended and (cons_medium_code is null or cons_medium_code not in ('" ~ (media | map(attribute=1) | join("', '")) ~ "'))"}) %}
{% do m.append({'id': 'M1014', 'source': 'contacts', 'stat': 'count', 'cond': 'is_attended and has_staff_qualified'}) %}
{% do m.append({'id': 'M1015', 'source': 'contacts', 'stat': 'count', 'cond': 'is_attended and has_staff_in_training'}) %}
{% do m.append({'id': 'M1016', 'source': 'contacts', 'stat': 'count', 'cond': 'is_attended and has_staff_neither_qualified_nor_in_training'}) %}
{% do m.append({'id': 'M1017', 'source': 'contacts', 'stat': 'count', 'cond': 'is_attended and has_staff_without_qualification_record'}) %}
{# moved off sick pay among finished courses (I101D17/18) #}
{% do m.append({'id': 'M237', 'source': 'referrals', 'stat': 'count', 'cond': finished ~ ' and has_moved_off_sick_pay'}) %}
{# integrated (LTC) pathways: at least one attended integrated contact (I101D115), or none ("core only") #}
{% set integrated = finished ~ ' and integrated_contact_first_date is not null' %}
{% set core_only = finished ~ ' and integrated_contact_first_date is null' %}
{% do m.append({'id': 'M271', 'source': 'referrals', 'stat': 'count', 'cond': 'is_first_integrated_contact_in_month'}) %}
{% do m.append({'id': 'M272', 'source': 'referrals', 'stat': 'count', 'cond': 'is_first_integrated_treatment_in_month'}) %}
{% do m.append({'id': 'M273', 'source': 'referrals', 'stat': 'count', 'cond': integrated}) %}
{% do m.append({'id': 'M274', 'source': 'referrals', 'stat': 'count', 'cond': core_only}) %}
{% do m.append({'id': 'M275', 'source': 'referrals', 'stat': 'count', 'cond': integrated ~ ' and is_caseness'}) %}
{% do m.append({'id': 'M276', 'source': 'referrals', 'stat': 'count', 'cond': integrated ~ ' and is_not_caseness'}) %}
{% do m.append({'id': 'M277', 'source': 'referrals', 'stat': 'count', 'cond': integrated ~ ' and is_recovered'}) %}
{% do m.append({'id': 'M278', 'source': 'referrals', 'stat': 'percentage', 'num': 'M277', 'den': 'M273', 'den_minus': 'M276'}) %}
{% do m.append({'id': 'M279', 'source': 'referrals', 'stat': 'count', 'cond': integrated ~ ' and is_pps_caseness'}) %}
{% do m.append({'id': 'M280', 'source': 'referrals', 'stat': 'count', 'cond': integrated ~ ' and is_pps_not_caseness'}) %}
{% do m.append({'id': 'M281', 'source': 'referrals', 'stat': 'count', 'cond': integrated ~ ' and is_pps_recovered'}) %}
{% do m.append({'id': 'M282', 'source': 'referrals', 'stat': 'percentage', 'num': 'M281', 'den': 'M273', 'den_minus': 'M280'}) %}
{% do m.append({'id': 'M283', 'source': 'referrals', 'stat': 'count', 'cond': core_only ~ ' and is_caseness'}) %}
{% do m.append({'id': 'M284', 'source': 'referrals', 'stat': 'count', 'cond': core_only ~ ' and is_not_caseness'}) %}
{% do m.append({'id': 'M285', 'source': 'referrals', 'stat': 'count', 'cond': core_only ~ ' and is_recovered'}) %}
{% do m.append({'id': 'M286', 'source': 'referrals', 'stat': 'percentage', 'num': 'M285', 'den': 'M274', 'den_minus': 'M284'}) %}
{# quarterly: attended non-follow-up contacts within their referral's dates, integrated share (M1011) #}
{% set quarter_attended = 'is_attended and not is_follow_up_type and is_in_pathway_range' %}
{% do m.append({'id': 'M1011_integrated', 'source': 'quarter_contacts', 'stat': 'count', 'frequency': 'quarterly',
    'component': true, 'cond': quarter_attended ~ ' and is_ltc_service_contact'}) %}
{% do m.append({'id': 'M1011_attended', 'source': 'quarter_contacts', 'stat': 'count', 'frequency': 'quarterly',
    'component': true, 'cond': quarter_attended}) %}
{% do m.append({'id': 'M1011', 'source': 'quarter_contacts', 'stat': 'percentage', 'frequency': 'quarterly',
    'num': 'M1011_integrated', 'den': 'M1011_attended'}) %}
{# quarterly: courses finished in the quarter with an integrated contact (M1012), their IET minutes (M1013) #}
{% do m.append({'id': 'M1012_integrated', 'source': 'quarter_referrals', 'stat': 'count', 'frequency': 'quarterly',
    'component': true, 'cond': finished ~ ' and integrated_contact_first_date is not null'}) %}
{% do m.append({'id': 'M1012_finished', 'source': 'quarter_referrals', 'stat': 'count', 'frequency': 'quarterly',
    'component': true, 'cond': finished}) %}
{% do m.append({'id': 'M1012', 'source': 'quarter_referrals', 'stat': 'percentage', 'frequency': 'quarterly',
    'num': 'M1012_integrated', 'den': 'M1012_finished'}) %}
{% do m.append({'id': 'M1013', 'source': 'quarter_referrals', 'stat': 'mean', 'frequency': 'quarterly',
    'cond': finished ~ ' and iet_duration_minutes is not null', 'value': 'iet_duration_minutes'}) %}
{% do m.append({'id': 'M343', 'source': 'iet_logs', 'stat': 'count', 'cond': 'true'}) %}
{# therapy-type appointments; M108 other high intensity also counts IET logs ending in the month #}
{% for id in ['M090', 'M091', 'M092', 'M093', 'M095', 'M097', 'M098', 'M099', 'M346', 'M100', 'M102', 'M103',
    'M104', 'M105', 'M106', 'M107', 'M108', 'M110', 'M111'] %}
    {% set entry = {'id': id, 'source': 'contact_therapies', 'stat': 'count', 'cond': "therapy_measure_id = '" ~ id ~ "'"} %}
    {% if id == 'M108' %}{% do entry.update({'add': 'M343'}) %}{% endif %}
    {% do m.append(entry) %}
{% endfor %}
{{ return(m) }}
{% endmacro %}
