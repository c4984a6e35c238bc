"""Data-quality defects injected into a package's tables, each one recorded for the manifest.

A package's defect budget is Binomial(rows of its defect-eligible tables, rate); each defect changes
one cell of a row that had no other defect, or appends one row (a duplicate key or an orphan), so the
manifest's counts equal the differences from the same package generated with rate 0 (same seed).

Classes:
  invalid_code        a code not in the item's code list (v2.0 end code in a v1.5 file, "9" attendance)
  default_code        a valid "not known / not stated" default replacing a real value (Z, 99, X, ZZ)
  missing_item        a non-required item left empty (gender, postcode, appointment type, score, ...)
  out_of_range_score  a score outside every tool's range (-1, -5, 600, 999; IBS-SSS goes to 500)
  no_leading_zeros    a two-character code sent without its leading zero ("2") or with a space (" 2")
  invalid_nhs_number  an NHS number failing the modulus-11 check, or with 9 digits
  bad_date_format     a date in the other version's format (the loader rejects the row)
  duplicate_key       an exact copy of a row (the loader rejects every copy)
  orphan_row          a row whose parent is not in the package (the loader rejects it)
Only leaf tables get duplicates, bad dates and orphans (so a rejection never cascades), and no defect
touches a required item except by appending a row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from iapt_warehouse import contract
from iapt_warehouse.synth.arrays import BoolA, IntA

INVALID = "invalid_code"
DEFAULT = "default_code"
MISSING = "missing_item"
RANGE = "out_of_range_score"
ZEROS = "no_leading_zeros"
NHS = "invalid_nhs_number"
BAD_DATE = "bad_date_format"
DUPLICATE = "duplicate_key"
ORPHAN = "orphan_row"
CLASSES = (INVALID, DEFAULT, MISSING, RANGE, ZEROS, NHS, BAD_DATE, DUPLICATE, ORPHAN)


@dataclass(frozen=True)
class Target:
    cls: str
    item: str  # the item changed ("" for duplicates); for orphans, the parent reference
    weight: float
    values: tuple[str, ...] = ()  # candidate values (invalid, default)


def _t(cls: str, item: str, weight: float, *values: str) -> Target:
    return Target(cls, item, weight, values)


TARGETS: dict[str, dict[str, tuple[Target, ...]]] = {
    "2.0": {
        "IDS001MPI": (
            _t(INVALID, "Gender", 1, "7", "0", "M"),
            _t(INVALID, "EthnicCategory", 1, "Q", "X1", "0"),
            _t(DEFAULT, "Gender", 1, "X"),
            _t(DEFAULT, "EthnicCategory", 2, "Z", "99"),
            _t(DEFAULT, "ExBAFIndicator", 1, "ZZ"),
            _t(MISSING, "Gender", 1),
            _t(MISSING, "EthnicCategory", 1),
            _t(MISSING, "PersonBirthDate", 1),
            _t(MISSING, "Postcode", 1),
            _t(MISSING, "NHSNumber", 1),
            _t(ZEROS, "ExBAFIndicator", 1),
            _t(NHS, "NHSNumber", 2),
        ),
        "IDS004EmpStatus": (
            _t(INVALID, "EmployStatus", 1, "09", "11", "00"),
            _t(DEFAULT, "EmployStatus", 1, "ZZ"),
            _t(ZEROS, "EmployStatus", 2),
            _t(DUPLICATE, "", 0.3),
            _t(ORPHAN, "LocalPatientId", 0.3),
        ),
        "IDS007DisabilityType": (
            _t(INVALID, "DisabCode", 1, "11", "15", "YY"),
            _t(ZEROS, "DisabCode", 1),
        ),
        "IDS101Referral": (
            _t(INVALID, "SourceOfReferralMH", 1, "Z9", "A9", "99"),
            _t(INVALID, "EndCode", 1, "42", "99", "01"),
            _t(MISSING, "SourceOfReferralMH", 1),
            _t(MISSING, "OrgIDComm", 1),
            _t(ORPHAN, "LocalPatientId", 0.2),
        ),
        "IDS201CareContact": (
            _t(INVALID, "AttendOrDNACode", 1, "9", "1", "0"),
            _t(INVALID, "AppType", 1, "07", "08", "99"),
            _t(INVALID, "ConsMediumUsed", 1, "07", "99", "10"),
            _t(MISSING, "ConsMediumUsed", 1),
            _t(MISSING, "AppType", 0.5),
            _t(MISSING, "AttendOrDNACode", 0.5),
            _t(ZEROS, "AppType", 2),
            _t(ZEROS, "ConsMediumUsed", 1),
            _t(ORPHAN, "ServiceRequestId", 0.2),
        ),
        "IDS202CareActivity": (
            _t(INVALID, "CodeProcAndProcStatus", 1, "123456789", "304891000", "X"),
            _t(MISSING, "CodeProcAndProcStatus", 1),
        ),
        "IDS205InternetTherLog": (
            _t(BAD_DATE, "EndDateIntEnabledTherLog", 1),
            _t(DUPLICATE, "", 0.3),
        ),
        "IDS603PresentingComplaints": (_t(INVALID, "PresComp", 1, "X99.9", "F99.99", "Q"),),
        "IDS606CodedScoreAssessmentRefer": (
            _t(RANGE, "PersScore", 2),
            _t(MISSING, "PersScore", 1),
            _t(BAD_DATE, "AssToolCompDate", 0.5),
            _t(DUPLICATE, "", 0.3),
        ),
        "IDS607CodedScoreAssessmentAct": (
            _t(RANGE, "PersScore", 2),
            _t(MISSING, "PersScore", 1),
            _t(DUPLICATE, "", 0.2),
            _t(ORPHAN, "CareActId", 0.2),
        ),
    },
    "1.5": {
        "IAPTDataSetPerson": (
            _t(INVALID, "Gender", 1, "7", "0", "M"),
            _t(INVALID, "Ethnicity", 1, "Q", "X1", "0"),
            _t(DEFAULT, "Gender", 1, "X"),
            _t(DEFAULT, "Ethnicity", 2, "Z", "99"),
            _t(MISSING, "Gender", 1),
            _t(MISSING, "Ethnicity", 1),
            _t(MISSING, "PersonBirthDate", 1),
            _t(MISSING, "Postcode", 1),
            _t(MISSING, "NHSNumber", 1),
            _t(NHS, "NHSNumber", 2),
        ),
        "IAPTDataSetReferral": (
            _t(INVALID, "SourceReferral", 1, "Z9", "A9", "99"),
            _t(INVALID, "EndCode", 1, "46", "50", "99"),
            _t(INVALID, "ProvDiag", 1, "X99.9", "F99.99", "Q"),
            _t(MISSING, "SourceReferral", 1),
            _t(MISSING, "OrgCodeComm", 1),
            _t(ORPHAN, "LPTID", 0.2),
        ),
        "IAPTDataSetAppointment": (
            _t(INVALID, "Attendance", 1, "9", "1", "0"),
            _t(INVALID, "Apptype", 1, "8", "9", "0"),
            _t(INVALID, "Thertype1", 1, "35", "99", "2"),
            _t(DEFAULT, "EmpStatus", 1, "ZZ"),
            _t(MISSING, "Attendance", 0.5),
            _t(MISSING, "Apptype", 0.5),
            _t(MISSING, "PHQ9_Score", 1),
            _t(MISSING, "GAD7Score", 1),
            _t(RANGE, "PHQ9_Score", 2),
            _t(RANGE, "GAD7Score", 1),
            _t(RANGE, "WSASWScore", 0.5),
            _t(ZEROS, "EmpStatus", 1),
            _t(BAD_DATE, "Appointment", 0.3),
            _t(DUPLICATE, "", 0.2),
            _t(ORPHAN, "ServiceID", 0.2),
        ),
    },
}
OUT_OF_RANGE = ("-1", "-5", "600", "999")
# orphan rows get new, non-existent ids: the id's letter prefix + "X" (real ids are letter + digits)
ORPHAN_IDS: dict[str, dict[str, tuple[str, ...]]] = {
    "2.0": {
        "IDS004EmpStatus": ("LocalPatientId",),
        "IDS101Referral": ("LocalPatientId", "ServiceRequestId"),
        "IDS201CareContact": ("ServiceRequestId", "CareContactId"),
        "IDS607CodedScoreAssessmentAct": ("CareActId",),
    },
    "1.5": {
        "IAPTDataSetReferral": ("LPTID", "ServiceID"),
        "IAPTDataSetAppointment": ("ServiceID", "AppointmentID"),
    },
}


@dataclass
class Injected:
    cls: str
    table: str
    item: str
    count: int

    def as_dict(self) -> dict[str, object]:
        return {"class": self.cls, "table": self.table, "item": self.item, "count": self.count}


def eligible_rows(version: str, tables: dict[str, pa.Table]) -> int:
    return sum(t.num_rows for name, t in tables.items() if name in TARGETS[version])


def _eligible(target: Target, column: pa.ChunkedArray | None, version: str) -> BoolA:
    """Rows where the defect would change something visible."""
    if column is None:
        raise KeyError(target.item)
    values = column.combine_chunks()
    valid: BoolA = np.asarray(pc.is_valid(values).to_numpy(zero_copy_only=False), dtype=bool)
    if target.cls == ZEROS:
        text = pc.fill_null(values, "")
        two = np.asarray(pc.equal(pc.utf8_length(text), 2).to_numpy(zero_copy_only=False), dtype=bool)
        zero = np.asarray(pc.starts_with(text, "0").to_numpy(zero_copy_only=False), dtype=bool)
        result: BoolA = valid & two & zero
        return result
    if target.cls == DEFAULT:
        differs = np.asarray(
            pc.invert(pc.is_in(pc.fill_null(values, ""), value_set=pa.array(list(target.values)))).to_numpy(
                zero_copy_only=False
            ),
            dtype=bool,
        )
        changed: BoolA = valid & differs
        return changed
    return valid


def _new_values(rng: np.random.Generator, target: Target, old: list[str], version: str) -> list[str]:
    n = len(old)
    pick = np.floor(rng.random(n) * 997).astype(np.int64)
    if target.cls in (INVALID, DEFAULT):
        return [target.values[int(p) % len(target.values)] for p in pick]
    if target.cls == RANGE:
        return [OUT_OF_RANGE[int(p) % len(OUT_OF_RANGE)] for p in pick]
    if target.cls == ZEROS:
        return [o[1:] if p % 3 else " " + o[1:] for o, p in zip(old, pick, strict=True)]
    if target.cls == NHS:
        out = []
        for o, p in zip(old, pick, strict=True):
            out.append(o[:9] if p % 4 == 0 else o[:9] + str((int(o[9]) + 1 + int(p) % 9) % 10))
        return out
    if target.cls == BAD_DATE:
        if version == "2.0":  # YYYY-MM-DD -> DD/MM/YYYY
            return [f"{o[8:10]}/{o[5:7]}/{o[0:4]}" for o in old]
        return [f"{o[6:10]}-{o[3:5]}-{o[0:2]}" for o in old]  # DD/MM/YYYY -> YYYY-MM-DD
    raise ValueError(target.cls)


def _replace(table: pa.Table, item: str, rows: IntA, values: list[str] | None) -> pa.Table:
    index = table.schema.get_field_index(item)
    column = table.column(index).combine_chunks()
    mask = np.zeros(table.num_rows, dtype=bool)
    mask[rows] = True  # rows are ascending, as are the values given for them
    replacement = pa.nulls(len(rows), pa.string()) if values is None else pa.array(values, type=pa.string())
    new = pc.replace_with_mask(column, pa.array(mask), replacement)
    return table.set_column(index, item, new)


def _orphans(table: pa.Table, version: str, name: str, rows: IntA) -> pa.Table:
    extra = table.take(pa.array(np.sort(rows)))
    for item in ORPHAN_IDS[version][name]:
        index = extra.schema.get_field_index(item)
        column = extra.column(index).combine_chunks()
        prefix = pc.utf8_slice_codeunits(column, 0, 1)
        rest = pc.utf8_slice_codeunits(column, 1)
        extra = extra.set_column(index, item, pc.binary_join_element_wise(prefix, "X", rest, ""))
    return extra


def inject(
    rng: np.random.Generator, version: str, tables: dict[str, pa.Table], rate: float
) -> tuple[dict[str, pa.Table], list[Injected]]:
    """Defects at `rate` per eligible row; returns the new tables and what was injected."""
    if rate <= 0:
        return tables, []
    out = dict(tables)
    injected: list[Injected] = []
    for name in sorted(TARGETS[version]):
        if name not in out or out[name].num_rows == 0:
            continue
        tbl = out[name]
        n_rows = tbl.num_rows
        budget = int(rng.binomial(n_rows, rate))
        if budget == 0:
            continue
        targets = TARGETS[version][name]
        weights = np.array([t.weight for t in targets], dtype=np.float64)
        per_target = rng.multinomial(budget, weights / weights.sum())
        used = np.zeros(n_rows, dtype=bool)
        appended: list[pa.Table] = []
        for target, k in zip(targets, per_target, strict=True):
            if k == 0:
                continue
            if target.cls in (DUPLICATE, ORPHAN):
                rows = np.sort(rng.choice(n_rows, size=min(int(k), n_rows), replace=False))
                if target.cls == DUPLICATE:
                    appended.append(tbl.take(pa.array(rows)))
                else:
                    appended.append(_orphans(tbl, version, name, rows))
                injected.append(Injected(target.cls, name, target.item, len(rows)))
                continue
            ok = _eligible(target, tbl.column(target.item), version) & ~used
            candidates = np.flatnonzero(ok)
            if len(candidates) == 0:
                continue
            rows = np.sort(rng.choice(candidates, size=min(int(k), len(candidates)), replace=False))
            if contract.tables(version)[name].item(target.item).key_part:
                # at most one changed row per record owner, so a changed key part never duplicates a key
                owner = tbl.column(0).take(pa.array(rows)).to_pylist()
                _, first = np.unique(np.asarray(owner, dtype=object).astype(str), return_index=True)
                rows = rows[np.sort(first)]
            used[rows] = True
            if target.cls == MISSING:
                tbl = _replace(tbl, target.item, rows, None)
            else:
                old = [str(x) for x in tbl.column(target.item).take(pa.array(rows)).to_pylist()]
                tbl = _replace(tbl, target.item, rows, _new_values(rng, target, old, version))
            injected.append(Injected(target.cls, name, target.item, len(rows)))
        if appended:
            tbl = pa.concat_tables([tbl, *appended])
        out[name] = tbl
    return out, injected


def check_targets() -> None:
    """Every target names a real item of its table (used by the tests)."""
    for version, per_table in TARGETS.items():
        specs = contract.tables(version)
        for name, targets in per_table.items():
            for target in targets:
                if target.item and target.item not in specs[name].item_names:
                    raise KeyError(f"{version} {name}.{target.item}")
