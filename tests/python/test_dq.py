"""The dq schema finds every defect class `iapt synth` injects, at the injected rate.

Two synthetic data sets with the same seed and configuration, one with defects (rate 2%) and one without,
are loaded into two warehouses and built (`dbt build --select +tag:dq`). The generator changes one cell
per defect (or appends a row), so for every package and item the dq tables of the defective run minus those
of the clean run must equal the manifest's injected counts:

  invalid_code        -> invalid_count (code list complete or valid values), other_count (code list known to
                         be incomplete: a code outside it cannot be called invalid)
  default_code        -> default_count
  missing_item        -> missing_count
  out_of_range_score  -> invalid_count
  no_leading_zeros    -> invalid_format_count (and invalid_count), v2.0
  invalid_nhs_number  -> invalid_count of NHSNumber (and dq_person_id_validity)
  bad_date_format, duplicate_key, orphan_row -> dq_rejected_rows (bad_date, duplicate_key: both copies, orphan)

Tolerance: a rejected row (a duplicated or badly dated row) leaves landing with whatever other values it had,
and a defect can overwrite a value that was a default or an 'other' code, so per package and item the increase
may fall short of the injected count by the package's rejected rows (and, for default and other, by the item's
other defects), never exceed it; summed per class over all packages it must be within 5% (at least 2 rows) of
the injected count. Items whose rule cannot see a defect (no code list or default codes in the data
dictionary: v1.5 Gender, SourceReferral; v1.5 codes sent without leading zeros, which v1.5 files do
routinely) are listed in UNDETECTABLE and asserted not to turn invalid, so a new rule shows up here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import pytest

from iapt_warehouse.synth import config, defects, generate

REPO = Path(__file__).resolve().parents[2]
TEST_KEY = "test-key-for-pseudonymisation-0123456789abcdef"
PROVIDERS = ("NDC16", "RRPJ4", "RTQ", "RX3YE")
RATE = 0.02
CLASS_TOLERANCE = 0.05  # and at least 2 rows
# (version, table, item, class) the rules cannot see, with the reason
UNDETECTABLE = {
    ("1.5", "IAPTDataSetPerson", "Gender", defects.INVALID): "no v1.5 gender code list in the sources",
    ("1.5", "IAPTDataSetPerson", "Gender", defects.DEFAULT): "no v1.5 gender default codes in the dictionary",
    ("1.5", "IAPTDataSetReferral", "SourceReferral", defects.INVALID): "no v1.5 source of referral code list",
    ("1.5", "IAPTDataSetAppointment", "EmpStatus", defects.ZEROS): (
        "v1.5 codes routinely omit leading zeros (only the ' 2' variant, with a space, is invalid)"
    ),
}
VALIDITY_COLUMNS = ("total", "valid", "other", "default", "invalid", "invalid_format", "missing")


def _config(rate: float) -> config.SynthConfig:
    cfg = config.build(
        None,
        months="2020-06:2020-11",
        referrals_per_month=40,
        defect_rate=rate,
        provider_codes=PROVIDERS,
        burn_in_months=6,
        jobs=1,
    )
    return replace(cfg, refresh_share=0.3, resubmission_share=0.1, late_share=0.0)


def _build(work: Path, rate: float) -> tuple[Path, dict[str, Any]]:
    data, db = work / "data", work / "iapt.duckdb"
    generate.generate(_config(rate), data)
    env = {**os.environ, "IAPT_DUCKDB_PATH": str(db), "IAPT_PSEUDO_KEY": TEST_KEY, "DBT_PROFILES_DIR": str(REPO)}
    bin_dir = Path(sys.executable).parent
    load = subprocess.run([str(bin_dir / "iapt"), "load", str(data)], env=env, cwd=REPO, capture_output=True)
    assert load.returncode in (0, 1), load.stderr[-2000:]
    # the dq models and their parents; then the dq models' own tests (the marts' tests are written for the
    # demo's 0.4% defect rate and are not the subject here)
    for command in (["seed"], ["run", "--select", "+tag:dq"], ["test", "--select", "tag:dq"]):
        dbt = subprocess.run(
            [str(bin_dir / "dbt"), *command, "--target-path", str(work / "target"), "--log-path", str(work / "logs")],
            env=env,
            cwd=REPO,
            capture_output=True,
            text=True,
        )
        assert dbt.returncode == 0, dbt.stdout[-3000:]
    return db, json.loads((data / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict[str, Any]]]:
    return {
        "dirty": _build(tmp_path_factory.mktemp("dq-dirty"), RATE),
        "clean": _build(tmp_path_factory.mktemp("dq-clean"), 0.0),
    }


def _rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


Key = tuple[str, str, str, str]  # provider, month (YYYY-MM), window (primary|refresh|late), created


def _validity(db: Path) -> dict[tuple[Key, str, str], dict[str, int]]:
    """(package key, table, item) -> counts, for every loaded submission (also superseded ones)."""
    columns = ", ".join(f"c.{c}_count" for c in VALIDITY_COLUMNS)
    rows = _rows(
        db,
        f"""
        select s.org_code_provider, strftime(s.reporting_period_start, '%Y-%m'), lower(s.submission_window),
            strftime(s.created_at, '%Y-%m-%dT%H:%M:%S'), c.table_name, c.item_name, {columns}
        from staging.stg_dq__item_value_counts as c
        inner join staging.stg_iapt__submissions as s on c.submission_id = s.submission_id
        """,
    )
    return {(r[:4], r[4], r[5]): dict(zip(VALIDITY_COLUMNS, r[6:], strict=True)) for r in rows}


def _rejected(db: Path) -> dict[tuple[Key, str, str], int]:
    rows = _rows(
        db,
        """
        select s.org_code_provider, strftime(s.reporting_period_start, '%Y-%m'), lower(s.submission_window),
            strftime(s.created_at, '%Y-%m-%dT%H:%M:%S'), r.table_name, r.rule, sum(r.rows_rejected)
        from staging.stg_dq__rejected_rows as r
        inner join staging.stg_iapt__submissions as s on r.submission_id = s.submission_id
        group by all
        """,
    )
    return {(r[:4], r[4], r[5]): int(r[6]) for r in rows}


def _rules(db: Path) -> dict[tuple[str, str, str], tuple[str, bool]]:
    rows = _rows(
        db, "select dataset_version, table_name, item_name, check_kind, code_list_complete from dq.dq_item_rules"
    )
    return {(r[0], r[1], r[2]): (r[3], bool(r[4])) for r in rows}


def _expected_columns(rule: tuple[str, bool], cls: str) -> tuple[str, ...]:
    """The dq_item_validity counts one injected defect of class `cls` raises."""
    check_kind, complete = rule
    if cls == defects.INVALID:
        return ("other",) if check_kind == "code_list" and not complete else ("invalid",)
    if cls == defects.ZEROS:
        return ("invalid", "invalid_format")
    if cls == defects.DEFAULT:
        return ("default",)
    if cls == defects.MISSING:
        return ("missing",)
    return ("invalid",)  # out_of_range_score, invalid_nhs_number


REJECTION_RULE = {defects.BAD_DATE: "bad_date", defects.DUPLICATE: "duplicate_key", defects.ORPHAN: "orphan"}
ROWS_PER_DEFECT = {defects.BAD_DATE: 1, defects.DUPLICATE: 2, defects.ORPHAN: 1}


def test_clean_data_has_no_invalid_value(runs):
    """Without defects no item holds an invalid value, only incomplete code lists see 'other' codes (the generator
    uses real ICD-10 codes the project's list does not hold), and nothing is rejected."""
    db, _ = runs["clean"]
    bad = _rows(
        db,
        "select v.provider_code, v.reporting_period_start, v.submission_window, v.table_name, v.item_name,"
        " v.invalid_count, v.other_count from dq.dq_item_validity as v inner join dq.dq_item_rules as r"
        " on v.dataset_version = r.dataset_version and v.table_name = r.table_name and v.item_name = r.item_name"
        " where v.invalid_count > 0 or (v.other_count > 0 and (r.check_kind <> 'code_list' or r.code_list_complete))",
    )
    assert bad == []
    assert _rows(db, "select sum(valid_count) > 0 from dq.dq_item_validity") == [(True,)]
    assert _rows(db, "select count(*) from dq.dq_rejected_rows") == [(0,)]


def test_every_injected_defect_class_is_visible_at_the_injected_rate(runs):
    dirty_db, dirty_manifest = runs["dirty"]
    clean_db, _ = runs["clean"]
    rules = _rules(dirty_db)
    dirty, clean = _validity(dirty_db), _validity(clean_db)
    dirty_rejected = _rejected(dirty_db)
    injected: Counter[str] = Counter()
    observed: Counter[str] = Counter()
    cells: dict[tuple[Key, str, str, str], int] = defaultdict(int)  # (package, table, item, column) -> expected
    per_item: Counter[tuple[Key, str, str]] = Counter()  # defects injected into the item
    structural: Counter[Key] = Counter()  # rows rejected from the package: their values leave landing
    undetectable: list[tuple[Key, str, str, str, int]] = []
    for package in dirty_manifest["packages"]:
        key: Key = (package["provider"], package["month"], package["window"], package["created"])
        for d in package["defects"]:
            cls, table, item, count = d["class"], d["table"], d["item"], d["count"]
            injected[cls] += count
            if cls in REJECTION_RULE:
                structural[key] += count * ROWS_PER_DEFECT[cls]
                continue
            if (package["version"], table, item, cls) in UNDETECTABLE:
                undetectable.append((key, table, item, cls, count))
                continue
            per_item[(key, table, item)] += count
            for column in _expected_columns(rules[(package["version"], table, item)], cls):
                cells[(key, table, item, column)] += count
    for (_, _, rule), rows in dirty_rejected.items():
        for cls, name in REJECTION_RULE.items():
            if name == rule:
                observed[cls] += rows // ROWS_PER_DEFECT[cls]
    problems = []
    expected_by_column: Counter[str] = Counter()
    for (key, table, item, column), expected in sorted(cells.items()):
        seen = dirty.get((key, table, item), {}).get(column, 0) - clean.get((key, table, item), {}).get(column, 0)
        observed[column] += seen
        expected_by_column[column] += expected
        # a defect of another class can overwrite a default or other value; a rejected row takes its values along
        overwritable = column in ("default", "other")  # the clean data holds these; valid and missing it does not
        slack = structural[key] + (per_item[(key, table, item)] - expected if overwritable else 0)
        if not expected - slack <= seen <= expected:
            problems.append(f"{key[0]} {key[1]} {key[2]} {table}.{item}: {column} +{seen}, injected {expected}")
    assert problems == [], "\n".join(problems[:20])
    for column, expected in expected_by_column.items():
        assert abs(observed[column] - expected) <= max(2, CLASS_TOLERANCE * expected), (column, observed[column])
    for cls in REJECTION_RULE:
        assert injected[cls] > 0, f"the generator injected no {cls}"
        assert abs(observed[cls] - injected[cls]) <= max(2, CLASS_TOLERANCE * injected[cls]), cls
    assert set(injected) == set(defects.CLASSES)
    # undetectable defects leave the item valid (the day a rule can see them, move them out of UNDETECTABLE)
    for key, table, item, cls, count in undetectable:
        seen = dirty.get((key, table, item), {}).get("invalid", 0) - clean.get((key, table, item), {}).get("invalid", 0)
        assert seen <= (count if cls == defects.ZEROS else 0), (key, table, item, cls)


def test_person_identifier_validity_and_summary_name_the_injected_nhs_numbers(runs):
    db, manifest = runs["dirty"]
    nhs = Counter()
    for package in manifest["packages"]:
        if not package["in_use"]:
            continue
        for d in package["defects"]:
            if d["class"] == defects.NHS:
                nhs[(package["provider"], package["month"])] += d["count"]
    assert nhs, "the generator injected no invalid NHS number in an in-use package"
    rows = _rows(
        db,
        "select provider_code, strftime(reporting_period_start, '%Y-%m'), invalid_count from dq.dq_person_id_validity"
        " where is_in_use and invalid_count > 0",
    )
    assert {(r[0], r[1]): r[2] for r in rows} == dict(nhs)
    summary = _rows(
        db,
        "select provider_code, strftime(reporting_period_start, '%Y-%m'), person_id_valid_pct, dq_status"
        " from dq.dq_provider_month_summary",
    )
    for provider, month, valid_pct, status in summary:
        if (provider, month) in nhs:
            assert valid_pct < 100 and status in ("warn", "error"), (provider, month)
