"""One provider's referrals simulated end to end, vectorised (numpy arrays, no per-referral Python).

A referral is received, then (by its category) ends not seen, is assessed only, is treated once, or
finishes a course of treatment (two or more treatment sessions, low and/or high intensity, stepping up
from step 2 to step 3). Around the attended contacts the simulation adds the contacts that did not
happen (did not attend, cancelled by patient or provider, arrived late and not seen), unplanned
contacts, drop-out, follow-ups after discharge, group and remote sessions and internet-enabled therapy
(IET) logs. Scores (PHQ-9, GAD-7, the descriptor's own measure, WSAS) are observed at attended contacts
and follow each pathway's outcome class (outcomes.py).

Everything is in day numbers (days since 1970-01-01) and month indices (year * 12 + month - 1); the
table builders (tables.py) turn them into the submitted text per reporting month.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import cache

import numpy as np

from iapt_warehouse.synth import outcomes, reference
from iapt_warehouse.synth.arrays import (
    NA,
    BoolA,
    FloatA,
    IntA,
    choice,
    day_of,
    days_in_month,
    month_of,
    month_start,
    neg_binomial,
    position_in_segment,
    segment_cumsum,
    segment_offsets,
    uniform_int,
    weekday,
)
from iapt_warehouse.synth.config import V20_FIRST_MONTH, ProviderPlan, SynthConfig

V20_FIRST_DAY = int(month_start(V20_FIRST_MONTH))
SEASON = np.array([1.08, 1.03, 1.05, 0.95, 1.02, 1.00, 1.00, 0.92, 1.00, 1.05, 1.02, 0.88])  # Jan..Dec
SEASON = SEASON / SEASON.mean()

# categories of referral journey
NOT_SEEN, ASSESSED_ONLY, TREATED_ONCE, FINISHED = 0, 1, 2, 3
CATEGORY_P = np.array([0.275, 0.235, 0.118, 0.372])
# steps of a treatment session
ASSESS, LOW, HIGH = 0, 1, 2
# contact kinds
ATTENDED, BEFORE, DROPOUT, NOT_SEEN_CONTACT, FOLLOW_UP = 0, 1, 2, 3, 4

# waits from referral to first treatment (days): buckets and shares, calibrated to ~89% within 6 weeks
# and ~98% within 18 weeks among finishers (England breakdowns 2017-18 to 2021-22)
WAIT_BUCKETS = np.array([[0, 7], [8, 28], [29, 42], [43, 56], [57, 90], [91, 126], [127, 300]])
WAIT_P = np.array([0.24, 0.57, 0.09, 0.035, 0.025, 0.02, 0.02])

END_CODES: dict[str, dict[str, tuple[tuple[str, ...], tuple[float, ...]]]] = {
    "2.0": {
        "not_seen": (("50", "14", "12", ""), (0.85, 0.05, 0.05, 0.05)),
        "assessed": (("10", "11", "12", "13", "14", "16", "17", "95"), (12, 15, 25, 12, 18, 15, 0.3, 2.7)),
        "treated_once": (("46", "47", "48", "96", "49"), (26, 30, 35, 8.5, 0.5)),
        "dropout": (("47", "48", "96"), (45, 50, 5)),
        "completed": (("46", "96", "49"), (96, 3.5, 0.5)),
    },
    "1.5": {
        "not_seen": (("14", "12", "10", "13", ""), (45, 20, 15, 10, 10)),
        "assessed": (("10", "11", "12", "13", "14", "15", "97"), (15, 20, 30, 15, 17, 0.3, 2.7)),
        "treated_once": (("43", "42", "44", "98", "45"), (60, 20, 10, 9.5, 0.5)),
        "dropout": (("43", "98"), (90, 10)),
        "completed": (("42", "40", "41", "44", "98", "45"), (85, 5, 3, 4, 2.5, 0.5)),
    },
}
# every end code of both versions, for code indices
END_CODE_LIST: tuple[str, ...] = tuple(
    sorted({c for v in END_CODES.values() for codes, _ in v.values() for c in codes if c})
)
TOOL_KEYS: tuple[str, ...] = tuple(reference.tools())
TOOL = {k: i for i, k in enumerate(TOOL_KEYS)}
WSAS = tuple(k for k in TOOL_KEYS if k.startswith("wsas_"))
# persistent physical symptoms measures of integrated (LTC) pathways, drawn from their own stream
PPS = ("ibs_sss", "phq15")


@dataclass
class Staff:
    num: IntA
    step: IntA  # LOW, HIGH, or 3 = employment adviser
    qual1: IntA  # QualAttainLevelIAPT
    qual2: IntA  # NA or a second qualification
    awarded_day: IntA  # NA for trainees
    planned_day: IntA  # NA unless trainee


@dataclass
class Patients:
    num: IntA  # LocalPatientId / LPTID number
    nhs: IntA  # valid 10-digit NHS number (synthetic/test range 9xxxxxxxxx)
    birth_day: IntA
    postcode: list[str]
    gender: IntA  # index into mix("gender").codes
    ethnicity: IntA
    language: IntA
    ex_forces: IntA
    edu: IntA  # NA or index into EDU_CODES
    nhs_status: IntA
    gp_practice: list[str]
    gp_code: list[str]
    gp_start_day: IntA
    religion: IntA  # index into mix("religion").codes ("snomed:v15")
    sexual_orientation: IntA
    disability1: IntA  # index into mix("disability").codes
    disability2: IntA  # NA or index
    ltc_status: IntA  # index into mix("ltc_status").codes
    ltc1: IntA  # NA or index into mix("ltc_code").codes
    ltc2: IntA
    cluster: IntA  # index into mix("care_cluster").codes ("" = none)
    overseas: IntA  # NA or index into OVERSEAS_CODES
    sub_icb: IntA  # index into ProviderData.comm_codes
    first_day: IntA  # first referral day (recording date of circumstances)
    employment: IntA  # index into mix("employment_status").codes at first referral


@dataclass
class Referrals:
    num: IntA  # ServiceRequestId / ServiceID number
    patient: IntA
    ref_day: IntA
    category: IntA
    disch_day: IntA
    end_v20: IntA  # index into END_CODE_LIST or NA
    end_v15: IntA
    fu_day: IntA  # NA or the follow-up contact day
    source: IntA  # index into mix("source_of_referral").codes
    comm: IntA  # index into comm codes or NA
    onset_day: IntA
    prev_diag: IntA  # 0 N, 1 Y, NA
    desc1: IntA  # index into DESCRIPTOR_CODES or NA (primary at assessment)
    desc1_day: IntA
    desc2: IntA  # NA or changed primary
    desc2_day: IntA
    desc_sec: IntA  # NA or secondary complaint
    group_final: IntA  # descriptor group index of the final primary (not_stated when none)
    first_treat_day: IntA  # NA when never treated
    li_staff: IntA
    hi_staff: IntA
    iet_prog: IntA  # NA or index into mix("iet_programme").codes
    li_therapy: IntA  # index into THERAPIES
    hi_therapy: IntA
    medium: IntA  # preferred consultation medium index
    group_mode: BoolA
    psych_med: IntA
    ltc_service: BoolA
    no_therapy_code: BoolA
    recur: IntA
    pause_start: IntA  # NA or waiting-time pause
    pause_end: IntA
    pause_reason: IntA
    onward_day: IntA  # NA or onward referral at discharge
    onward_reason: IntA
    onward_org: IntA  # index into ProviderData.other_orgs
    step_to_org: IntA  # NA or index into other_orgs (v1.5 stepped up)
    employ_end: IntA  # employment status index at discharge (FINISHED) or NA
    outcome_class: IntA  # NA unless FINISHED


@dataclass
class Contacts:
    ref: IntA
    num: IntA  # CareContactId / AppointmentID number (the activity ids derive from it)
    day: IntA
    minute: IntA  # time of day
    kind: IntA
    app_type: IntA  # 1..6
    attend: IntA  # 2..7, NA for an unplanned contact without a code
    planned: BoolA
    step: IntA  # ASSESS, LOW, HIGH
    medium: IntA
    mode: IntA  # 1 individual, 2 couple, 3 group
    participants: IntA
    facilitators: IntA
    duration: IntA  # minutes, NA when not attended
    iet_log: BoolA  # sent as an IDS205 log instead of a contact (v2.0 months)
    es_activity: BoolA  # a second care activity: employment support
    therapy: IntA  # index into THERAPIES or NA
    staff: IntA
    interpreter: IntA  # NA or 1..4
    scored: BoolA


@dataclass
class Scores:
    contact: IntA
    tool: IntA  # index into TOOL_KEYS
    value: IntA  # units (hundredths for the Mobility Inventory)
    referral_level: BoolA  # IDS606 rather than IDS607 (v2.0 months)


@dataclass
class ProviderData:
    plan: ProviderPlan
    comm_codes: tuple[str, ...]
    other_orgs: tuple[str, ...]
    staff: Staff
    patients: Patients
    referrals: Referrals
    contacts: Contacts
    scores: Scores
    primary_system: str


THERAPIES: tuple[reference.Therapy, ...] = reference.therapies()
THERAPY = {t.key: i for i, t in enumerate(THERAPIES)}
DESCRIPTOR_CODES: tuple[str, ...] = tuple(c for g in reference.descriptor_groups() for c in g.codes)
GROUP_KEYS: tuple[str, ...] = tuple(g.key for g in reference.descriptor_groups())
NOT_STATED = GROUP_KEYS.index("not_stated")
EDU_CODES = ("2", "3", "4", "1", "8")
OVERSEAS_CODES = ("A", "B", "C", "D", "E")
NHS_STATUS = ("01", "02", "03")
GP_LETTERS = {"Y56": "EF", "Y58": "L", "Y59": "GHJK", "Y60": "MC", "Y61": "DE", "Y62": "NP", "Y63": "AB"}
POSTCODE_UNIT = "ABDEFGHJLNPQRSTUWXYZ"


def provider_seed(config: SynthConfig, org_code: str, stream: int) -> list[int]:
    """Seed material for one provider's random stream (independent of provider order and of jobs)."""
    return [config.seed, zlib.crc32(org_code.encode()), stream]


def _wait(rng: np.random.Generator, n: int) -> IntA:
    bucket = choice(rng, WAIT_P, n)
    return uniform_int(rng, WAIT_BUCKETS[bucket, 0], WAIT_BUCKETS[bucket, 1], n)


NHS_999_CAPACITY = 900_000  # valid numbers with the 999 prefix: about 909,000


@cache
def _nhs_999() -> IntA:
    """Every valid NHS number 999xxxxxxx (modulus 11), in a fixed pseudo-random order."""
    body = np.arange(10**6, dtype=np.int64)
    digits = np.stack(
        [np.full(10**6, 9), np.full(10**6, 9), np.full(10**6, 9)] + [(body // 10**i) % 10 for i in range(5, -1, -1)],
        axis=1,
    )
    check = (11 - (digits * np.arange(10, 1, -1)).sum(axis=1) % 11) % 11
    valid = check != 10
    numbers = (999 * 10**6 + body[valid]) * 10 + check[valid]
    return np.random.default_rng(999).permutation(numbers)


def nhs_numbers(rng: np.random.Generator, index: IntA, capacity: int) -> IntA:
    """Valid NHS numbers, unique per index, in the test ranges.

    When every patient of the run fits (capacity <= 900,000), numbers come from the 999 test range;
    otherwise from the synthetic range 9000000000-9999999999 ("not to be issued"): 9, seven digits
    from a bijection of the index, one free digit chosen so that the check digit is not 10, and the
    check digit.
    """
    if capacity <= NHS_999_CAPACITY:
        return _nhs_999()[index]
    mixed = (index * 7_919_113 + 1_234_567) % 10_000_000
    weights = np.arange(10, 1, -1, dtype=np.int64)
    prefix = 9 * 10**7 + mixed  # 8 digits
    digits = np.zeros((len(index), 9), dtype=np.int64)
    for i in range(8):
        digits[:, 7 - i] = (prefix // 10**i) % 10
    free = np.floor(rng.random(len(index)) * 10).astype(np.int64)
    chosen = free.copy()
    done = np.zeros(len(index), dtype=bool)
    check = np.zeros(len(index), dtype=np.int64)
    for step in range(10):
        candidate = (free + step) % 10
        digits[:, 8] = candidate
        chk = (11 - (digits * weights).sum(axis=1) % 11) % 11
        take = ~done & (chk != 10)
        chosen[take] = candidate[take]
        check[take] = chk[take]
        done |= take
        if done.all():
            break
    out: IntA = (prefix * 10 + chosen) * 10 + check
    return out


def simulate(plan: ProviderPlan, config: SynthConfig, patient_base: int) -> ProviderData:
    """All referrals of one provider received from (first month - burn-in) to the last month."""
    prov = plan.provider
    rng = np.random.default_rng(provider_seed(config, prov.org_code, 1))
    months = np.arange(config.first_month - config.burn_in_months, config.last_month + 1, dtype=np.int64)
    lam = plan.monthly_referrals * SEASON[months % 12]
    counts = rng.poisson(lam).astype(np.int64)
    n_ref = int(counts.sum())

    # ---------------------------------------------------------------------------------- referrals
    ref_day = np.repeat(month_start(months), counts) + np.floor(
        rng.random(n_ref) * np.repeat(days_in_month(months), counts)
    ).astype(np.int64)
    wd = weekday(ref_day)
    shift = (wd >= 5) & (rng.random(n_ref) < 0.6)  # fewer referrals dated at weekends
    ref_day = np.where(shift, ref_day - (wd - 4), ref_day)
    ref_day = np.maximum(ref_day, int(month_start(months[0])))
    ref_day.sort()
    category = choice(rng, CATEGORY_P, n_ref)
    treated = category >= TREATED_ONCE

    # patients: ~8% of referrals are a re-referral of an earlier patient of this provider
    src = np.arange(n_ref, dtype=np.int64)
    repeat = (rng.random(n_ref) < 0.08) & (src > 0)
    src[repeat] = np.floor(rng.random(int(repeat.sum())) * src[repeat]).astype(np.int64)
    while True:
        nxt = src[src]
        if np.array_equal(nxt, src):
            break
        src = nxt
    first_of, patient = np.unique(src, return_inverse=True)
    patient = patient.astype(np.int64)
    n_pat = len(first_of)

    # journey shape
    wait = _wait(rng, n_ref)
    combined = treated & ((rng.random(n_ref) < 0.3) | (wait < 2))
    separate = treated & ~combined
    assess_wait = np.minimum(np.floor(wait * rng.uniform(0.25, 0.85, n_ref)).astype(np.int64), wait - 1)
    path = np.where(
        category == FINISHED,
        choice(rng, np.array([0.40, 0.22, 0.38]), n_ref),
        choice(rng, np.array([0.6, 0.4, 0.0]), n_ref),
    )  # 0 low only, 1 high only, 2 low then high (stepped up)
    n_low = np.zeros(n_ref, dtype=np.int64)
    n_high = np.zeros(n_ref, dtype=np.int64)
    fin = category == FINISHED
    n_low = np.where(fin & (path == 0), 2 + neg_binomial(rng, 3.5, n_ref), n_low)
    n_high = np.where(fin & (path == 1), 2 + neg_binomial(rng, 8.0, n_ref), n_high)
    n_low = np.where(fin & (path == 2), 1 + neg_binomial(rng, 2.5, n_ref), n_low)
    n_high = np.where(fin & (path == 2), 2 + neg_binomial(rng, 6.0, n_ref), n_high)
    once = category == TREATED_ONCE
    n_low = np.where(once & (path == 0), 1, n_low)
    n_high = np.where(once & (path == 1), 1, n_high)
    n_treat = n_low + n_high
    assessed_only = category == ASSESSED_ONLY
    n_att = np.where(assessed_only, 1 + (rng.random(n_ref) < 0.25), np.where(treated, separate + n_treat, 0))
    n_att = n_att.astype(np.int64)

    # ------------------------------------------------------------------------- attended contacts
    a_ref = np.repeat(np.arange(n_ref, dtype=np.int64), n_att)
    n_a = len(a_ref)
    k = position_in_segment(n_att)
    sep_a = separate[a_ref]
    is_assess = assessed_only[a_ref] | (sep_a & (k == 0))
    tk = np.where(is_assess, -1, k - sep_a)
    step = np.where(is_assess, ASSESS, np.where(tk < n_low[a_ref], LOW, HIGH))
    u = rng.random(n_a)
    app = np.where(is_assess, np.where(assessed_only[a_ref] & (k == 1) & (u < 0.3), 4, 1), 2)
    app = np.where((tk == 0) & combined[a_ref], 3, app)
    app = np.where((tk > 0) & (u < 0.1), 5, app)
    # gaps between attended contacts
    first_second = choice(rng, np.array([0.50, 0.20, 0.12, 0.18]), n_a)
    fs_lo = np.array([7, 29, 57, 91])[first_second]
    fs_hi = np.array([28, 56, 90, 150])[first_second]
    gap = np.where(step == LOW, uniform_int(rng, 6, 14, n_a), uniform_int(rng, 6, 9, n_a))
    gap = np.where(rng.random(n_a) < 0.1, uniform_int(rng, 14, 35, n_a), gap)
    gap = np.where(tk == 1, uniform_int(rng, fs_lo, fs_hi, n_a), gap)
    gap = np.where((tk > 0) & (tk == n_low[a_ref]) & (n_low[a_ref] > 0), uniform_int(rng, 14, 90, n_a), gap)
    gap = np.where(assessed_only[a_ref] & (k == 1), uniform_int(rng, 7, 28, n_a), gap)
    gap = np.where(k == 0, np.where(sep_a, assess_wait[a_ref], wait[a_ref]), gap)
    gap = np.where(sep_a & (k == 1), wait[a_ref] - assess_wait[a_ref], gap)
    a_day = ref_day[a_ref] + segment_cumsum(gap, n_att)
    offsets = segment_offsets(n_att)
    has_att = n_att > 0
    last_att = np.where(has_att, a_day[np.maximum(offsets + n_att - 1, 0)] if n_a else 0, NA)
    first_treat_day = np.full(n_ref, NA, dtype=np.int64)
    treat_rows = np.flatnonzero(tk == 0)
    first_treat_day[a_ref[treat_rows]] = a_day[treat_rows]

    # ------------------------------------------------------------------------- discharge, drop-out
    dropout = (fin & (rng.random(n_ref) < 0.25)) | (once & (rng.random(n_ref) < 0.75))
    n_drop = np.where(dropout, 1 + (rng.random(n_ref) < 0.5), 0).astype(np.int64)
    disch = np.where(
        category == ASSESSED_ONLY,
        last_att + uniform_int(rng, 0, 30, n_ref),
        np.where(
            dropout,
            last_att + 7 * n_drop + uniform_int(rng, 7, 28, n_ref),
            last_att + uniform_int(rng, 0, 21, n_ref),
        ),
    )
    # not seen: 0-2 contacts that did not happen, then discharge
    n_ns = np.where(category == NOT_SEEN, choice(rng, np.array([0.5, 0.35, 0.15]), n_ref), 0).astype(np.int64)
    ns_ref = np.repeat(np.arange(n_ref, dtype=np.int64), n_ns)
    ns_day = ref_day[ns_ref] + uniform_int(rng, 7, 60, len(ns_ref))
    ns_day = np.sort(ns_day + ns_ref * 100_000) - ns_ref * 100_000  # ordered within each referral
    ns_last = np.full(n_ref, NA, dtype=np.int64)
    np.maximum.at(ns_last, ns_ref, ns_day)
    disch = np.where(
        category == NOT_SEEN,
        np.maximum(
            ref_day + uniform_int(rng, 14, 120, n_ref),
            np.where(ns_last > NA, ns_last + uniform_int(rng, 7, 30, n_ref), 0),
        ),
        disch,
    )

    # ------------------------------------------------------------------ contacts that did not happen
    prev_day = a_day - gap
    before = (rng.random(n_a) < 0.17) & (gap >= 2)
    b_idx = np.flatnonzero(before)
    b_day = prev_day[b_idx] + 1 + np.floor(rng.random(len(b_idx)) * (gap[b_idx] - 1)).astype(np.int64)
    d_ref = np.repeat(np.arange(n_ref, dtype=np.int64), n_drop)
    d_day = last_att[d_ref] + 7 * (1 + position_in_segment(n_drop))
    fu = (fin & (rng.random(n_ref) < 0.12)) | (once & (rng.random(n_ref) < 0.03))
    fu_day = np.where(fu, disch + uniform_int(rng, 30, 100, n_ref), NA)
    f_ref = np.flatnonzero(fu)

    # ------------------------------------------------------------------------- all contacts, sorted
    c_ref = np.concatenate([a_ref, a_ref[b_idx], d_ref, ns_ref, f_ref])
    c_day = np.concatenate([a_day, b_day, d_day, ns_day, fu_day[f_ref]])
    c_kind = np.concatenate(
        [
            np.full(n_a, ATTENDED),
            np.full(len(b_idx), BEFORE),
            np.full(len(d_ref), DROPOUT),
            np.full(len(ns_ref), NOT_SEEN_CONTACT),
            np.full(len(f_ref), FOLLOW_UP),
        ]
    ).astype(np.int64)
    last_step = np.where(n_high > 0, HIGH, LOW)
    c_step = np.concatenate(
        [step, step[b_idx], last_step[d_ref], np.full(len(ns_ref), ASSESS), np.full(len(f_ref), ASSESS)]
    )
    c_app = np.concatenate([app, app[b_idx], np.full(len(d_ref), 2), np.full(len(ns_ref), 1), np.full(len(f_ref), 6)])
    c_tk = np.concatenate([tk, tk[b_idx], np.full(len(d_ref), -1), np.full(len(ns_ref), -1), np.full(len(f_ref), -1)])
    order = np.lexsort((c_kind, c_day, c_ref))
    c_ref, c_day, c_kind, c_step, c_app, c_tk = (x[order] for x in (c_ref, c_day, c_kind, c_step, c_app, c_tk))
    n_c = len(c_ref)
    attended_kind = (c_kind == ATTENDED) | ((c_kind == FOLLOW_UP) & (rng.random(n_c) < 0.85))
    attend = np.where(attended_kind, np.where(rng.random(n_c) < 0.04, 6, 5), 0)
    missed = choice(rng, np.array([0.45, 0.30, 0.20, 0.05]), n_c)
    missed_code = np.array([3, 2, 4, 7])[missed]
    missed_code = np.where(c_kind == NOT_SEEN_CONTACT, np.array([3, 2, 4, 3])[missed], missed_code)
    missed_code = np.where(c_kind == DROPOUT, 3, missed_code)
    attend = np.where(attended_kind, attend, missed_code).astype(np.int64)
    planned = ~((c_kind == ATTENDED) & (c_step > ASSESS) & (rng.random(n_c) < 0.02))
    attend = np.where(~planned & (rng.random(n_c) < 0.5), NA, attend)
    is_attended = (attend == 5) | (attend == 6) | ~planned

    # per-referral service attributes
    li_w = np.array([t.weight if t.step == "li" else 0.0 for t in THERAPIES])
    hi_w = np.array([t.weight if t.step == "hi" else 0.0 for t in THERAPIES])
    li_therapy = choice(rng, li_w / li_w.sum(), n_ref)
    hi_therapy = choice(rng, hi_w / hi_w.sum(), n_ref)
    iet = (li_therapy == THERAPY["gsh_computer"]) & (rng.random(n_ref) < 0.7)
    iet_prog = np.where(iet, choice(rng, reference.mix("iet_programme").p, n_ref), NA)
    group_mode = rng.random(n_ref) < 0.07
    medium_mix = reference.mix("consultation_medium")
    medium_pref = choice(rng, medium_mix.p, n_ref)
    c_medium = np.where(rng.random(n_c) < 0.8, medium_pref[c_ref], choice(rng, medium_mix.p, n_c))
    r_ltc_service = rng.random(n_ref) < 0.12
    c_therapy = np.where(c_step == LOW, li_therapy[c_ref], np.where(c_step == HIGH, hi_therapy[c_ref], NA))
    no_code = rng.random(n_ref) < 0.03
    c_therapy = np.where(no_code[c_ref], NA, c_therapy)
    couples = (c_step == HIGH) & (c_therapy == THERAPY["couples"])
    c_mode = np.where(group_mode[c_ref] & (c_step > ASSESS), 3, np.where(couples, 2, 1)).astype(np.int64)
    c_part = np.where(c_mode == 3, uniform_int(rng, 5, 12, n_c), NA)
    c_fac = np.where(c_mode == 3, uniform_int(rng, 1, 2, n_c), NA)
    c_dur = np.where(
        c_step == ASSESS,
        uniform_int(rng, 40, 60, n_c),
        np.where(c_step == LOW, uniform_int(rng, 25, 45, n_c), uniform_int(rng, 50, 60, n_c)),
    )
    c_dur = np.where(c_app == 6, uniform_int(rng, 15, 30, n_c), c_dur)
    c_dur = np.where(is_attended, c_dur, NA)
    c_minute = 8 * 60 + 15 * uniform_int(rng, 0, 43, n_c)
    n_treat_c = n_treat[c_ref]
    iet_log = (
        (c_kind == ATTENDED)
        & iet[c_ref]
        & (c_step == LOW)
        & (c_tk > 0)
        & (c_tk < n_treat_c - 1)
        & (c_day >= V20_FIRST_DAY)
        & (rng.random(n_c) < 0.6)
    )
    es_activity = is_attended & (c_step > ASSESS) & (rng.random(n_c) < 0.03)
    scored = is_attended & np.isin(c_app, [1, 2, 3, 5]) & ~iet_log

    # ------------------------------------------------------------------------------------- staff
    staff = _staff(rng, plan)
    li_staff_pool = np.flatnonzero(staff.step == LOW)
    hi_staff_pool = np.flatnonzero(staff.step == HIGH)
    li_staff = li_staff_pool[np.floor(rng.random(n_ref) * len(li_staff_pool)).astype(np.int64)]
    hi_staff = hi_staff_pool[np.floor(rng.random(n_ref) * len(hi_staff_pool)).astype(np.int64)]
    c_staff = np.where(c_step == HIGH, hi_staff[c_ref], li_staff[c_ref])

    # ---------------------------------------------------------------------------------- patients
    patients, comm_codes = _patients(rng, plan, config, n_pat, ref_day[first_of], patient_base)
    pat_lang_en = np.asarray(reference.mix("language").codes)[patients.language] == "en"
    interp = np.where(
        pat_lang_en[patient[c_ref]],
        np.where(rng.random(n_c) < 0.5, 4, NA),
        choice(rng, np.array([0.6, 0.15, 0.05, 0.2]), n_c) + 1,
    )
    interp = np.where(is_attended, interp, NA)

    # ------------------------------------------------------------------------- referral attributes
    source = choice(rng, reference.mix("source_of_referral").p, n_ref)
    comm = patients.sub_icb[patient].copy()
    comm = np.where(rng.random(n_ref) < 0.003, NA, comm)
    onset = np.where(rng.random(n_ref) < 0.6, ref_day - uniform_int(rng, 30, 1500, n_ref), NA)
    prev_diag = np.where(rng.random(n_ref) < 0.8, (rng.random(n_ref) < 0.35).astype(np.int64), NA)
    seen = category >= ASSESSED_ONLY
    first_att_day = np.where(has_att, a_day[np.minimum(offsets, max(n_a - 1, 0))] if n_a else NA, NA)
    groups = reference.descriptor_groups()
    group_p = np.array([g.finished for g in groups], dtype=np.float64)
    group_offsets = np.cumsum([0] + [len(g.codes) for g in groups])

    def draw_descriptor(n: int) -> tuple[IntA, IntA]:
        g = choice(rng, group_p / group_p.sum(), n)
        code = np.full(n, NA, dtype=np.int64)
        for gi in np.unique(g):
            rows = np.flatnonzero(g == gi)
            grp = groups[int(gi)]
            if grp.codes:
                code[rows] = group_offsets[gi] + choice(rng, grp.code_p, len(rows))
        return g, code

    g1, desc1 = draw_descriptor(n_ref)
    desc1 = np.where(seen, desc1, NA)
    g1 = np.where(seen, g1, NA)
    desc1_day = np.where(seen & (desc1 != NA), first_att_day, NA)
    g2, desc2 = draw_descriptor(n_ref)
    change = seen & (desc1 != NA) & (desc2 != NA) & (n_att >= 3) & (rng.random(n_ref) < 0.05)
    mid = offsets + n_att // 2
    desc2_day = np.where(change, a_day[np.minimum(mid, max(n_a - 1, 0))] if n_a else NA, NA)
    desc2 = np.where(change, desc2, NA)
    _, sec = draw_descriptor(n_ref)
    desc_sec = np.where(seen & (desc1 != NA) & (sec != NA) & (sec != desc1) & (rng.random(n_ref) < 0.15), sec, NA)
    group_final = np.where(change, g2, np.where(g1 == NA, NOT_STATED, g1))

    # end codes by the version of the discharge month
    end_v20 = np.full(n_ref, NA, dtype=np.int64)
    end_v15 = np.full(n_ref, NA, dtype=np.int64)
    kind_of = np.where(
        category == NOT_SEEN,
        0,
        np.where(category == ASSESSED_ONLY, 1, np.where(once, 2, np.where(dropout, 3, 4))),
    )
    kinds = ("not_seen", "assessed", "treated_once", "dropout", "completed")
    for version, target in (("2.0", end_v20), ("1.5", end_v15)):
        for ki, name in enumerate(kinds):
            rows = np.flatnonzero(kind_of == ki)
            codes, weights = END_CODES[version][name]
            w = np.asarray(weights, dtype=np.float64)
            picked = choice(rng, w / w.sum(), len(rows))
            idx = np.array([END_CODE_LIST.index(c) if c else NA for c in codes], dtype=np.int64)
            target[rows] = idx[picked]

    # employment at discharge (finishers): some find work, some return from sickness absence
    emp_codes = reference.mix("employment_status").codes
    employ_start = patients.employment[patient]
    unemployed = employ_start == emp_codes.index("02")
    employ_end = np.where(
        fin, np.where(unemployed & (rng.random(n_ref) < 0.15), emp_codes.index("01"), employ_start), NA
    )

    # waiting-time pauses, onward referrals, v1.5 step-up destination
    others = tuple(
        p.org_code for p in reference.providers() if p.icb_code == prov.icb_code and p.org_code != prov.org_code
    )
    other_orgs = others or tuple(p.org_code for p in reference.providers()[:5] if p.org_code != prov.org_code)
    pause = treated & (wait >= 14) & (rng.random(n_ref) < 0.03)
    pause_start = np.where(pause, ref_day + uniform_int(rng, 1, 5, n_ref), NA)
    pause_end = np.where(pause, np.minimum(pause_start + uniform_int(rng, 5, 28, n_ref), ref_day + wait - 1), NA)
    onward_end = (category == ASSESSED_ONLY) & (rng.random(n_ref) < 0.2)
    onward = onward_end | (treated & (rng.random(n_ref) < 0.04))
    onward_day = np.where(onward, disch, NA)
    onward_org = np.floor(rng.random(n_ref) * len(other_orgs)).astype(np.int64)
    step_to = np.where(end_v15 == END_CODE_LIST.index("40"), onward_org, NA)

    referrals = Referrals(
        num=np.arange(n_ref, dtype=np.int64) + 1,
        patient=patient,
        ref_day=ref_day,
        category=category,
        disch_day=disch,
        end_v20=end_v20,
        end_v15=end_v15,
        fu_day=fu_day,
        source=source,
        comm=comm,
        onset_day=onset,
        prev_diag=prev_diag,
        desc1=desc1,
        desc1_day=desc1_day,
        desc2=desc2,
        desc2_day=desc2_day,
        desc_sec=desc_sec,
        group_final=group_final,
        first_treat_day=first_treat_day,
        li_staff=li_staff,
        hi_staff=hi_staff,
        iet_prog=iet_prog,
        li_therapy=li_therapy,
        hi_therapy=hi_therapy,
        medium=medium_pref,
        group_mode=group_mode,
        psych_med=choice(rng, reference.mix("psychotropic_medication").p, n_ref),
        ltc_service=r_ltc_service,
        no_therapy_code=no_code,
        recur=choice(rng, np.array([0.35, 0.45, 0.1, 0.1]), n_ref),
        pause_start=pause_start,
        pause_end=pause_end,
        pause_reason=uniform_int(rng, 1, 3, n_ref),
        onward_day=onward_day,
        onward_reason=uniform_int(rng, 1, 4, n_ref),
        onward_org=onward_org,
        step_to_org=step_to,
        employ_end=employ_end,
        outcome_class=np.full(n_ref, NA, dtype=np.int64),
    )
    contacts = Contacts(
        ref=c_ref,
        num=np.arange(n_c, dtype=np.int64) + 1,
        day=c_day,
        minute=c_minute,
        kind=c_kind,
        app_type=c_app,
        attend=attend,
        planned=planned,
        step=c_step,
        medium=c_medium,
        mode=c_mode,
        participants=c_part,
        facilitators=c_fac,
        duration=c_dur,
        iet_log=iet_log,
        es_activity=es_activity,
        therapy=c_therapy,
        staff=c_staff,
        interpreter=interp,
        scored=scored,
    )
    scores = _scores(rng, referrals, contacts, patients)
    system_mix = reference.mix("primary_system")
    system = system_mix.codes[int(choice(rng, system_mix.p, 1)[0])]
    return ProviderData(plan, comm_codes, other_orgs, staff, patients, referrals, contacts, scores, system)


def _staff(rng: np.random.Generator, plan: ProviderPlan) -> Staff:
    vol = plan.monthly_referrals
    n_li = max(2, round(vol / 25))
    n_hi = max(2, round(vol / 20))
    n_ea = max(1, round(vol / 150))
    step = np.concatenate([np.full(n_li, LOW), np.full(n_hi, HIGH), np.full(n_ea, 3)]).astype(np.int64)
    n = len(step)
    hi_quals = np.array([11, 12, 15, 14, 17, 13, 16])
    hi_q = hi_quals[choice(rng, np.array([0.55, 0.2, 0.07, 0.05, 0.06, 0.03, 0.04]), n)]
    qual1 = np.where(step == LOW, 10, np.where(step == HIGH, hi_q, np.where(rng.random(n) < 0.2, 31, 30)))
    qual2 = np.where((step == HIGH) & (rng.random(n) < 0.2), 17, NA)
    qual2 = np.where(qual2 == qual1, NA, qual2)
    trainee = rng.random(n) < 0.1
    awarded = np.where(trainee, NA, day_of(2008, 1) + uniform_int(rng, 0, 12 * 365, n))
    planned = np.where(trainee, day_of(2021, 1) + uniform_int(rng, 0, 700, n), NA)
    return Staff(np.arange(n, dtype=np.int64) + 1, step, qual1.astype(np.int64), qual2, awarded, planned)


def _patients(
    rng: np.random.Generator,
    plan: ProviderPlan,
    config: SynthConfig,
    n: int,
    first_day: IntA,
    patient_base: int,
) -> tuple[Patients, tuple[str, ...]]:
    prov = plan.provider
    subs = reference.sub_icbs()
    own = subs[prov.icb_code]
    all_codes = tuple(c for m in subs.values() for c in m.codes)
    unknown = reference.mix("unknown_commissioner")
    comm_codes = (*all_codes, *unknown.codes)
    own_idx = np.array([all_codes.index(c) for c in own.codes], dtype=np.int64)
    sub = own_idx[choice(rng, own.p, n)]
    out_of_area = rng.random(n) < 0.03
    sub = np.where(out_of_area, np.floor(rng.random(n) * len(all_codes)).astype(np.int64), sub)
    sub = np.where(rng.random(n) < 0.004, len(all_codes) + choice(rng, unknown.p, n), sub)

    ages = reference.mix("age_band")
    band = choice(rng, ages.p, n)
    lo = np.array([int(c.split("-")[0]) for c in ages.codes])[band]
    hi = np.array([int(c.split("-")[1]) for c in ages.codes])[band]
    age_days = (lo * 365.25 + rng.random(n) * (hi - lo + 1) * 365.25).astype(np.int64)
    birth = first_day - age_days

    gender = choice(rng, reference.mix("gender").p, n)
    ethnicity = choice(rng, reference.mix("ethnicity").p, n)
    language = choice(rng, reference.mix("language").p, n)
    employment = choice(rng, reference.mix("employment_status").p, n)
    student = np.asarray(reference.mix("employment_status").codes)[employment] == "03"
    edu = np.where(student, choice(rng, np.array([0.35, 0.45, 0.1, 0.05, 0.05]), n), NA)

    # postcodes in the provider's area (outward codes of the ICB's providers), realistic shape
    areas = sorted(
        {
            "".join(ch for ch in p.postcode.split(" ")[0] if ch.isalpha())
            for p in reference.providers()
            if p.icb_code == prov.icb_code and p.postcode
        }
    ) or ["LS"]
    area = np.asarray(areas)[np.floor(rng.random(n) * len(areas)).astype(np.int64)]
    district = uniform_int(rng, 1, 28, n)
    sector = uniform_int(rng, 0, 9, n)
    u1 = np.asarray(list(POSTCODE_UNIT))[np.floor(rng.random(n) * len(POSTCODE_UNIT)).astype(np.int64)]
    u2 = np.asarray(list(POSTCODE_UNIT))[np.floor(rng.random(n) * len(POSTCODE_UNIT)).astype(np.int64)]
    postcode = [f"{a}{d} {s}{x}{y}" for a, d, s, x, y in zip(area, district, sector, u1, u2, strict=True)]

    letters = GP_LETTERS.get(prov.region_code, "AB")
    n_prac = max(8, round(plan.monthly_referrals / 15))
    prac_letter = np.asarray(list(letters))[np.floor(rng.random(n_prac) * len(letters)).astype(np.int64)]
    prac_num = uniform_int(rng, 81001, 89999, n_prac)
    practices = [f"{a}{b}" for a, b in zip(prac_letter, prac_num, strict=True)]
    practice = np.floor(rng.random(n) * n_prac).astype(np.int64)
    gp_code = [f"G{x:07d}" for x in uniform_int(rng, 8_000_000, 8_999_999, n_prac * 4)]
    gp_of = practice * 4 + np.floor(rng.random(n) * 4).astype(np.int64)

    disab = reference.mix("disability")
    d1 = choice(rng, disab.p, n)
    specific = ~np.isin(np.asarray(disab.codes)[d1], ["NN", "ZZ", ""])
    d2 = np.where(specific & (rng.random(n) < 0.2), choice(rng, disab.p, n), NA)
    d2_codes = np.asarray(disab.codes)[np.maximum(d2, 0)]
    d2 = np.where((d2 == d1) | np.isin(d2_codes, ["NN", "ZZ", ""]), NA, d2)
    ltc_status = choice(rng, reference.mix("ltc_status").p, n)
    has_ltc = np.asarray(reference.mix("ltc_status").codes)[ltc_status] == "ltc"
    ltc_mix = reference.mix("ltc_code")
    ltc1 = np.where(has_ltc, choice(rng, ltc_mix.p, n), NA)
    ltc2 = np.where(has_ltc & (rng.random(n) < 0.25), choice(rng, ltc_mix.p, n), NA)
    ltc2 = np.where(ltc2 == ltc1, NA, ltc2)

    patients = Patients(
        num=np.arange(n, dtype=np.int64) + 1,
        nhs=nhs_numbers(rng, (patient_base + np.arange(n, dtype=np.int64)) % 10_000_000, config.patient_capacity()),
        birth_day=birth,
        postcode=postcode,
        gender=gender,
        ethnicity=ethnicity,
        language=language,
        ex_forces=choice(rng, reference.mix("ex_forces").p, n),
        edu=edu,
        nhs_status=choice(rng, np.array([0.95, 0.03, 0.02]), n),
        gp_practice=[practices[i] for i in practice],
        gp_code=[gp_code[i] for i in gp_of],
        gp_start_day=birth + np.floor(rng.random(n) * np.maximum(first_day - birth, 1)).astype(np.int64),
        religion=choice(rng, reference.mix("religion").p, n),
        sexual_orientation=choice(rng, reference.mix("sexual_orientation").p, n),
        disability1=d1,
        disability2=d2,
        ltc_status=ltc_status,
        ltc1=ltc1,
        ltc2=ltc2,
        cluster=choice(rng, reference.mix("care_cluster").p, n),
        overseas=np.where(rng.random(n) < 0.005, choice(rng, np.full(5, 0.2), n), NA),
        sub_icb=sub,
        first_day=first_day,
        employment=employment,
    )
    return patients, comm_codes


def _scores(rng: np.random.Generator, ref: Referrals, con: Contacts, pat: Patients) -> Scores:
    """Score observations at scored contacts, following each pathway's class (outcomes.py)."""
    tools = reference.tools()
    groups = reference.descriptor_groups()
    n_ref = len(ref.num)
    sc = np.flatnonzero(con.scored)
    s_ref = con.ref[sc]
    n_s = np.bincount(s_ref, minlength=n_ref).astype(np.int64)
    s_pos = position_in_segment(n_s)  # contacts are sorted by referral, then day
    first = s_pos == 0
    last = s_pos == n_s[s_ref] - 1
    fin = ref.category == FINISHED
    v15_contact = con.day[sc] < V20_FIRST_DAY
    own_key = np.array([g.own_adsm for g in groups])[ref.group_final]
    own_recorded = (own_key != "") & (rng.random(n_ref) < 0.88)
    wsas = rng.random(n_ref) < 0.6

    classes = np.full(n_ref, NA, dtype=np.int64)
    fin_rows = np.flatnonzero(fin)
    classes[fin_rows] = outcomes.class_draw(rng, ref.group_final[fin_rows])
    unassessed = classes == outcomes.UNASSESSED
    ref.outcome_class = classes

    obs_contact: list[IntA] = []
    obs_tool: list[IntA] = []

    def observe(mask: BoolA, tool: IntA) -> None:
        obs_contact.append(sc[mask])
        obs_tool.append(tool[mask] if tool.ndim else np.full(int(mask.sum()), int(tool)))

    n_sc = len(sc)
    keep = first | last | (rng.random(n_sc) < 0.93)
    observe(keep & ~(unassessed[s_ref] & ~first), np.asarray(TOOL["phq9"]))
    observe(first | last | (rng.random(n_sc) < 0.93), np.asarray(TOOL["gad7"]))
    own_tool = np.array([TOOL.get(k, NA) if k != "ptsd" else NA for k in own_key])[s_ref]
    own_tool = np.where(own_key[s_ref] == "ptsd", np.where(v15_contact, TOOL["iesr"], TOOL["pcl5"]), own_tool)
    observe(own_recorded[s_ref] & (first | last | (rng.random(n_sc) < 0.9)), own_tool)
    w_mask = wsas[s_ref] & (first | last | (rng.random(n_sc) < 0.3))
    for key in WSAS:
        observe(w_mask, np.asarray(TOOL[key]))
    o_contact = np.concatenate(obs_contact)
    o_tool = np.concatenate(obs_tool)
    o_ref = con.ref[o_contact]

    # the ADSM the warehouse will use for a finisher: own measure when paired (era of the discharge
    # month for PTSD), else GAD-7
    pair_count = np.zeros((n_ref, len(TOOL_KEYS)), dtype=np.int64)
    np.add.at(pair_count, (o_ref, o_tool), 1)
    disch_v15 = month_of(ref.disch_day) < V20_FIRST_MONTH
    end_own = np.array([TOOL.get(k, NA) if k != "ptsd" else NA for k in own_key])
    end_own = np.where(own_key == "ptsd", np.where(disch_v15, TOOL["iesr"], TOOL["pcl5"]), end_own)
    own_paired = own_recorded & (end_own >= 0) & (pair_count[np.arange(n_ref), np.maximum(end_own, 0)] >= 2)
    adsm = np.where(own_paired, end_own, TOOL["gad7"])

    # first/last per (referral, tool)
    first_v = np.zeros((n_ref, len(TOOL_KEYS)), dtype=np.int64)
    last_v = np.zeros((n_ref, len(TOOL_KEYS)), dtype=np.int64)
    phq = tools["phq9"]
    phq_first = outcomes.intake(rng, phq, n_ref)
    phq_last = np.clip(phq_first + np.rint(rng.normal(-2.0, 3.0, n_ref)).astype(np.int64), phq.lo, phq.hi)
    a_first = np.zeros(n_ref, dtype=np.int64)
    a_last = np.zeros(n_ref, dtype=np.int64)
    if len(fin_rows):
        pf, pl, pc, af, al, ac = outcomes.pair_specs(rng, classes[fin_rows])
        f1, l1 = outcomes.sample_pairs(rng, list(TOOL_KEYS), np.full(len(fin_rows), TOOL["phq9"]), pf, pl, pc)
        phq_first[fin_rows], phq_last[fin_rows] = f1, l1
        f2, l2 = outcomes.sample_pairs(rng, list(TOOL_KEYS), adsm[fin_rows], af, al, ac)
        a_first[fin_rows], a_last[fin_rows] = f2, l2
    ratio = (phq_last + 1.0) / (phq_first + 1.0)
    for key, t_index in TOOL.items():
        if key in PPS:
            continue
        tool = tools[key]
        f = outcomes.intake(rng, tool, n_ref)
        first_v[:, t_index] = f
        last_v[:, t_index] = outcomes.follow(rng, tool, f, ratio)
    first_v[:, TOOL["phq9"]] = phq_first
    last_v[:, TOOL["phq9"]] = phq_last
    rows = np.arange(n_ref)
    first_v[fin_rows, adsm[fin_rows]] = a_first[fin_rows]
    last_v[fin_rows, adsm[fin_rows]] = a_last[fin_rows]

    # values along the pathway: exact first and last, noisy in between
    order = np.lexsort((con.day[o_contact], o_tool, o_ref))
    o_contact, o_tool, o_ref = o_contact[order], o_tool[order], o_ref[order]
    series = o_ref * len(TOOL_KEYS) + o_tool
    _, starts, counts = np.unique(series, return_index=True, return_counts=True)
    pos = np.arange(len(series)) - np.repeat(starts, counts)
    cnt = np.repeat(counts, counts)
    t = np.where(cnt > 1, pos / np.maximum(cnt - 1, 1), 0.0)
    lo = np.array([tools[k].lo for k in TOOL_KEYS])[o_tool]
    hi = np.array([tools[k].hi for k in TOOL_KEYS])[o_tool]
    fv = first_v[o_ref, o_tool]
    lv = last_v[o_ref, o_tool]
    noise = rng.normal(0.0, 1.0, len(series)) * 0.06 * (hi - lo) * 4 * t * (1 - t)
    value = np.clip(np.rint(fv + (lv - fv) * t + noise).astype(np.int64), lo, hi)
    value = np.where((t == 0) | (t == 1), np.where(t == 0, fv, lv), value)

    # follow-up contacts after discharge: PHQ-9 and GAD-7 sometimes (outside the pathway's range)
    fu_c = np.flatnonzero(
        (con.app_type == 6) & ((con.attend == 5) | (con.attend == 6)) & (rng.random(len(con.ref)) < 0.5)
    )
    fu_ref = con.ref[fu_c]
    extra_c = np.concatenate([fu_c, fu_c])
    extra_t = np.concatenate([np.full(len(fu_c), TOOL["phq9"]), np.full(len(fu_c), TOOL["gad7"])])
    extra_r = np.concatenate([fu_ref, fu_ref])
    extra_lo = np.array([tools[k].lo for k in TOOL_KEYS])[extra_t]
    extra_hi = np.array([tools[k].hi for k in TOOL_KEYS])[extra_t]
    extra_v = np.clip(
        last_v[extra_r, extra_t] + np.rint(rng.normal(0, 2, len(extra_c))).astype(np.int64),
        extra_lo,
        extra_hi,
    )

    all_c = np.concatenate([o_contact, extra_c])
    all_t = np.concatenate([o_tool, extra_t])
    all_v = np.concatenate([value, extra_v])
    final = np.lexsort((all_t, all_c))
    all_c, all_t, all_v = all_c[final], all_t[final], all_v[final]
    referral_level = (con.day[all_c] >= V20_FIRST_DAY) & (rng.random(len(all_c)) < 0.08)
    del rows
    pps_c, pps_t, pps_v, pps_level = _pps_scores(rng.spawn(1)[0], ref, con, sc, s_ref, first, last, ratio)
    all_c = np.concatenate([all_c, pps_c])
    all_t = np.concatenate([all_t, pps_t])
    all_v = np.concatenate([all_v, pps_v])
    referral_level = np.concatenate([referral_level, pps_level])
    final = np.lexsort((all_t, all_c))
    return Scores(all_c[final], all_t[final], all_v[final], referral_level[final])


def _pps_scores(
    rng: np.random.Generator,
    ref: Referrals,
    con: Contacts,
    sc: IntA,
    s_ref: IntA,
    first: BoolA,
    last: BoolA,
    ratio: FloatA,
) -> tuple[IntA, IntA, IntA, BoolA]:
    """IBS-SSS or PHQ-15 at the v2.0 scored contacts of some integrated (LTC) pathways.

    Drawn from a stream spawned off the main one (which it leaves untouched), so every other
    table of a seed is what it was before these measures were generated.
    """
    tools = reference.tools()
    n_ref = len(ref.num)
    has_pps = ref.ltc_service & (rng.random(n_ref) < 0.6)
    pps_tool = np.where(rng.random(n_ref) < 0.5, TOOL[PPS[0]], TOOL[PPS[1]])
    seen = has_pps[s_ref] & (con.day[sc] >= V20_FIRST_DAY) & (first | last | (rng.random(len(sc)) < 0.5))
    o_contact = sc[seen]
    o_ref = s_ref[seen]
    o_tool = pps_tool[o_ref]
    n_s = np.bincount(o_ref, minlength=n_ref).astype(np.int64)
    pos = position_in_segment(n_s)  # sc is sorted by referral, then day
    cnt = n_s[o_ref]
    t = np.where(cnt > 1, pos / np.maximum(cnt - 1, 1), 0.0)
    lo = np.array([tools[k].lo for k in TOOL_KEYS])[o_tool]
    hi = np.array([tools[k].hi for k in TOOL_KEYS])[o_tool]
    first_v = np.zeros(n_ref, dtype=np.int64)
    last_v = np.zeros(n_ref, dtype=np.int64)
    for key in PPS:
        rows = np.flatnonzero(pps_tool == TOOL[key])
        f = outcomes.intake(rng, tools[key], len(rows))
        first_v[rows] = f
        last_v[rows] = outcomes.follow(rng, tools[key], f, ratio[rows])
    fv = first_v[o_ref]
    lv = last_v[o_ref]
    value = np.clip(np.rint(fv + (lv - fv) * t).astype(np.int64), lo, hi)
    level = rng.random(len(o_contact)) < 0.08
    return o_contact, o_tool, value, level
