"""Outcome classes for pathways that finish a course of treatment, and first/last scores that produce them.

The published England figures (per problem-descriptor group, 2023-24) fix how many finishers are not at
caseness, recover, reliably improve or deteriorate. Each finishing pathway draws a class; the class
fixes constraints on the first and last PHQ-9 and on the first and last score of the ADSM that the
warehouse will use for it (derivation-rules.md 3.5: the descriptor's own measure when paired, else
GAD-7), and values are drawn exactly inside those constraints. The warehouse, applying the rules to
the submitted scores, then finds the class again; only data-quality defects (out-of-range or missing
scores) move a pathway out of its class.
"""

from __future__ import annotations

import numpy as np

from iapt_warehouse.synth import reference
from iapt_warehouse.synth.arrays import BoolA, FloatA, IntA, choice

CLASSES = (
    "unassessed",  # PHQ-9 not paired: finished, no outcome flag
    "notcase_improved",
    "notcase_deteriorated",
    "notcase_same",
    "recovered_improved",  # reliable recovery
    "recovered_same",
    "case_improved",
    "case_deteriorated",
    "case_same",
)
UNASSESSED = 0
ANY = -1
NOTCASE_IMPROVED_SHARE = 0.40  # of finishers not at caseness (not published: assumption)
NOTCASE_DETERIORATED_SHARE = 0.10
UNASSESSED_SHARE_MIN = 0.002


def class_probabilities(group: reference.DescriptorGroup) -> FloatA:
    """Class probabilities for finishers of one descriptor group, from its published outcomes."""
    finished = max(group.finished, 1)
    not_case = group.not_at_caseness / finished
    unassessed = max(UNASSESSED_SHARE_MIN, 1.0 - not_case - group.at_caseness / finished)
    recovered = group.recovery_pct / 100 * (1 - not_case)  # recovery is of (finished - not at caseness)
    reliable_recovery = group.reliable_recovery_pct / 100 * (1 - not_case)
    nc_imp = not_case * NOTCASE_IMPROVED_SHARE
    nc_det = not_case * NOTCASE_DETERIORATED_SHARE
    p = np.array(
        [
            unassessed,
            nc_imp,
            nc_det,
            not_case - nc_imp - nc_det,
            reliable_recovery,
            recovered - reliable_recovery,
            group.improvement_pct / 100 - reliable_recovery - nc_imp,
            group.deterioration_pct / 100 - nc_det,
            0.0,
        ]
    )
    p = np.clip(p, 0.0, None)
    p[-1] = max(0.0, 1.0 - p.sum())
    out: FloatA = p / p.sum()
    return out


def pair_specs(rng: np.random.Generator, classes: IntA) -> tuple[IntA, IntA, IntA, IntA, IntA, IntA]:
    """(first at caseness, last at caseness, change) for PHQ-9 and for the ADSM, per pathway.

    Caseness flags are 1, 0 or ANY; change is +1 reliable improvement, 0 no reliable change, -1 reliable
    deterioration.
    """
    n = len(classes)
    u = rng.random(n)
    u2 = rng.random(n)
    pf, pl, pc = np.full(n, 1), np.full(n, ANY), np.zeros(n, dtype=np.int64)
    af, al, ac = np.full(n, ANY), np.full(n, ANY), np.zeros(n, dtype=np.int64)

    def put(mask: BoolA, phq: tuple[int, int, int], adsm: tuple[int, int, int]) -> None:
        pf[mask], pl[mask], pc[mask] = phq
        af[mask], al[mask], ac[mask] = adsm

    c = classes
    put(c == 0, (1, ANY, 0), (1, ANY, 0))
    put(c == 1, (0, 0, 1), (0, ANY, 0))
    put((c == 1) & (u < 0.3), (0, 0, 1), (0, 0, 1))
    put(c == 2, (0, ANY, -1), (0, ANY, 0))
    put(c == 3, (0, ANY, 0), (0, ANY, 0))
    put(c == 4, (1, 0, 1), (1, 0, 1))
    put((c == 4) & (u >= 0.75), (1, 0, 1), (1, 0, 0))
    put((c == 4) & (u >= 0.90), (1, 0, 1), (0, 0, 0))
    put(c == 5, (1, 0, 0), (1, 0, 0))
    put((c == 5) & (u >= 0.5), (1, 0, 0), (0, 0, 0))
    put(c == 6, (1, 1, 1), (ANY, ANY, 1))
    put((c == 6) & (u2 < 0.5), (1, 1, 1), (ANY, ANY, 0))
    put((c == 6) & (u >= 0.6), (1, ANY, 0), (1, 1, 1))
    put(c == 7, (1, 1, -1), (ANY, ANY, 0))
    put((c == 7) & (u >= 0.6), (1, ANY, 0), (ANY, 1, -1))
    put(c == 8, (1, 1, 0), (ANY, ANY, 0))
    put((c == 8) & (u >= 0.7), (1, 0, 0), (1, 1, 0))
    return pf, pl, pc, af, al, ac


def _margins(tool: reference.Tool) -> tuple[int, int]:
    """(improvement/deterioration at least, no reliable change at most) in units, clear of the threshold.

    Hundredths (Mobility Inventory) keep one unit away from the reliable-change boundary so that a
    floating-point subtraction in the warehouse can never flip the class.
    """
    rc = tool.rc_units or 1
    if tool.scale > 1:
        return rc + 1, rc - 1
    return rc, rc - 1


def sample_pairs(
    rng: np.random.Generator,
    tool_keys: list[str],
    tool_of_row: IntA,
    first_case: IntA,
    last_case: IntA,
    change: IntA,
) -> tuple[IntA, IntA]:
    """First and last scores (units) satisfying the constraints, per row; the row's tool is tool_keys[i]."""
    n = len(tool_of_row)
    first = np.zeros(n, dtype=np.int64)
    last = np.zeros(n, dtype=np.int64)
    tools = reference.tools()
    for t_index in np.unique(tool_of_row):
        rows = np.flatnonzero(tool_of_row == t_index)
        tool = tools[tool_keys[int(t_index)]]
        assert tool.case_units is not None
        lo, hi, cu = tool.lo, tool.hi, tool.case_units
        imp, same = _margins(tool)
        cand = np.arange(lo, hi + 1, dtype=np.int64)[None, :]
        fc = first_case[rows][:, None]
        lc = last_case[rows][:, None]
        ch = change[rows][:, None]
        base = np.where(fc == 1, cand >= cu, np.where(fc == 0, cand < cu, True))
        l_lo = np.where(ch == 0, cand - same, np.where(ch < 0, cand + imp, lo))
        l_hi = np.where(ch == 0, cand + same, np.where(ch > 0, cand - imp, hi))
        l_lo = np.maximum(np.where(lc == 1, np.maximum(l_lo, cu), l_lo), lo)
        l_hi = np.minimum(np.where(lc == 0, np.minimum(l_hi, cu - 1), l_hi), hi)
        ok = base & (l_lo <= l_hi)
        sd = max((hi - lo) / 4.0, 1.0)
        pref = np.exp(-0.5 * ((cand - tool.intake_mean_units) / sd) ** 2) + 1e-3
        weight = ok * pref
        total = weight.sum(axis=1)
        feasible = total > 0
        cum = np.cumsum(weight, axis=1)
        target = rng.random(len(rows)) * total
        pick = np.minimum((cum < target[:, None]).sum(axis=1), cand.shape[1] - 1)
        pick = np.where(feasible, pick, cu - lo)
        row_idx = np.arange(len(rows))
        f = cand[0, pick]
        a = np.where(feasible, l_lo[row_idx, pick], cu)
        b = np.where(feasible, l_hi[row_idx, pick], cu)
        first[rows] = f
        last[rows] = a + np.floor(rng.random(len(rows)) * (b - a + 1)).astype(np.int64)
    return first, last


def intake(rng: np.random.Generator, tool: reference.Tool, n: int, case_share: float = 0.85) -> IntA:
    """First scores of pathways whose class does not constrain this tool."""
    span = tool.hi - tool.lo
    sd = max(span / 5.0, 1.0)
    values = np.rint(rng.normal(tool.intake_mean_units, sd, n)).astype(np.int64)
    if tool.case_units is not None:
        below = rng.random(n) >= case_share
        low = tool.lo + np.floor(rng.random(n) * max(tool.case_units - tool.lo, 1)).astype(np.int64)
        values = np.where(below, low, np.maximum(values, tool.case_units))
    return np.clip(values, tool.lo, tool.hi)


def follow(rng: np.random.Generator, tool: reference.Tool, first: IntA, ratio: FloatA) -> IntA:
    """A last score moving like the pathway's PHQ-9 (ratio = last / first), with noise."""
    span = tool.hi - tool.lo
    moved = tool.lo + (first - tool.lo) * ratio + rng.normal(0.0, 0.06 * span, len(first))
    return np.clip(np.rint(moved).astype(np.int64), tool.lo, tool.hi)


def class_draw(rng: np.random.Generator, group_of_row: IntA) -> IntA:
    """Outcome class per finishing pathway, by its problem-descriptor group."""
    groups = reference.descriptor_groups()
    out = np.zeros(len(group_of_row), dtype=np.int64)
    for g in np.unique(group_of_row):
        rows = np.flatnonzero(group_of_row == g)
        out[rows] = choice(rng, class_probabilities(groups[int(g)]), len(rows))
    return out
