"""Incremental months (issue 8, docs/performance.md): adding months and a refresh of an earlier month, then
building incrementally, gives exactly the tables of a full rebuild, and reprocesses only the months from
the first changed one."""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
import zipfile
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from conftest import REPO, TEST_KEY

BIN = Path(sys.executable).parent
# Every model up to the publication, the marts the BI tools read, the dq schema and all of staging: every
# incremental model (the ledger is recorded only when all of them ran).
SELECT = [
    "+monthly_activity",
    "+quarterly_breakdowns",
    "+fct_waiting_times",
    "+fct_outcomes",
    "+tag:dq",
    "path:models/staging",
    "path:models/marts/activity",
]


def _demo_data(tmp_path: Path) -> Path:
    given = os.environ.get("IAPT_TEST_DEMO_DATA")
    if given and (Path(given) / "manifest.json").exists():
        return Path(given)
    out = tmp_path / "demo-data"
    done = subprocess.run([str(BIN / "iapt"), "synth", str(out), "--scale", "demo", "--seed", "42", "--quiet"])
    assert done.returncode == 0
    return out


def _copy(packages: list[Path], dest: Path) -> Path:
    for package in packages:
        target = dest / package.parent.name / package.name
        target.parent.mkdir(parents=True, exist_ok=True)
        if package.is_dir():
            shutil.copytree(package, target)
        else:
            shutil.copy2(package, target)
    return dest


def _run(db: Path, work: Path, *args: str) -> str:
    env = {**os.environ, "IAPT_DUCKDB_PATH": str(db), "IAPT_PSEUDO_KEY": TEST_KEY, "DBT_PROFILES_DIR": str(REPO)}
    done = subprocess.run(
        [str(BIN / args[0]), *args[1:]], env=env, cwd=REPO, capture_output=True, text=True, check=False
    )
    assert done.returncode in ((0, 1) if args[0] == "iapt" else (0,)), done.stdout[-3000:] + done.stderr[-2000:]
    return done.stdout


def _build(db: Path, work: Path, *extra: str) -> str:
    return _run(
        db, work, "dbt", "build", "--select", *SELECT, "--exclude", "resource_type:test", "resource_type:unit_test",
        "--target-path", str(work / "target"), "--log-path", str(work / "logs"), *extra,
    )  # fmt: skip


def _read_table(package: Path, table: str) -> tuple[list[str], list[list[str]]]:
    with (package / f"{table}.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def _write_table(package: Path, table: str, header: list[str], rows: list[list[str]]) -> None:
    with (package / f"{table}.csv").open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\r\n").writerows([header, *rows])


def _refresh_dropping_records(package: Path, dest: Path) -> tuple[str, list[str]]:
    """A later Refresh of `package`'s month that drops five care contacts (with their activities and the
    activities' scores) and an internet therapy log, and moves another contact to a new date: records whose
    stored latest version came from that month vanish or change. Returns the provider and dropped ids."""
    if package.suffix == ".zip":
        with zipfile.ZipFile(package) as z:
            z.extractall(dest)
    else:
        shutil.copytree(package, dest)
    header, rows = _read_table(dest, "IDS000Header")
    values = dict(zip(header, rows[0], strict=True))
    month = date.fromisoformat(values["ReportingPeriodStartDate"])
    refresh_month = (month.replace(day=28) + timedelta(days=40)).replace(day=1)  # month M+2
    last_day = (refresh_month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    values["DateTimeDatSetCreate"] = f"{last_day.isoformat()}T23:00:00"
    _write_table(dest, "IDS000Header", header, [[values[h] for h in header]])

    header, contacts = _read_table(dest, "IDS201CareContact")
    dropped = [row[header.index("CareContactId")] for row in contacts[:5]]
    kept = contacts[5:]
    kept[0][header.index("CareContDate")] = month.isoformat()
    _write_table(dest, "IDS201CareContact", header, kept)
    header, activities = _read_table(dest, "IDS202CareActivity")
    gone = [row for row in activities if row[header.index("CareContactId")] in dropped]
    _write_table(dest, "IDS202CareActivity", header, [row for row in activities if row not in gone])
    gone_ids = {row[header.index("CareActId")] for row in gone}
    header, scores = _read_table(dest, "IDS607CodedScoreAssessmentAct")
    kept_scores = [row for row in scores if row[header.index("CareActId")] not in gone_ids]
    _write_table(dest, "IDS607CodedScoreAssessmentAct", header, kept_scores)
    header, logs = _read_table(dest, "IDS205InternetTherLog")
    _write_table(dest, "IDS205InternetTherLog", header, logs[1:])
    return values["OrgIDProv"], dropped


def _contact_ids(db: Path, provider: str) -> set[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "select care_contact_id from marts.fct_care_contacts where org_code_provider = ?", [provider]
        ).fetchall()
    finally:
        con.close()
    return {r[0] for r in rows}


def _incremental_relations(db: Path) -> list[tuple[str, str]]:
    manifest_free = duckdb.connect(str(db), read_only=True)
    try:
        rows = manifest_free.execute(
            "select schema_name, table_name from duckdb_tables() where schema_name in "
            "('staging', 'intermediate', 'marts', 'publication', 'dq') and not starts_with(table_name, '_') "
            "order by all"
        ).fetchall()
    finally:
        manifest_free.close()
    return [(r[0], r[1]) for r in rows]


def _assert_equal_builds(inc_db: Path, full_db: Path) -> None:
    """Every table of the incremental warehouse equals the full rebuild's, row for row."""
    relations = _incremental_relations(full_db)
    assert ("publication", "monthly_activity") in relations and ("marts", "fct_referral_months") in relations
    assert relations == _incremental_relations(inc_db)
    con = duckdb.connect()
    con.execute(f"attach '{inc_db}' as inc (read_only)")
    con.execute(f"attach '{full_db}' as full_build (read_only)")
    differing = []
    for schema, table in relations:
        counts = con.execute(f"select count(*) from inc.{schema}.{table}").fetchone()
        expected = con.execute(f"select count(*) from full_build.{schema}.{table}").fetchone()
        # the order packages were loaded in (load_seq) differs between the two loads by design
        columns = "* exclude (load_seq)" if table == "stg_iapt__submissions" else "*"
        extra = con.execute(
            f"select count(*) from (select {columns} from inc.{schema}.{table} except all "
            f"select {columns} from full_build.{schema}.{table})"
        ).fetchone()
        missing = con.execute(
            f"select count(*) from (select {columns} from full_build.{schema}.{table} except all "
            f"select {columns} from inc.{schema}.{table})"
        ).fetchone()
        assert counts and expected and extra and missing
        if counts[0] != expected[0] or extra[0] or missing[0]:
            differing.append(
                f"{schema}.{table}: {counts[0]} rows vs {expected[0]}, {extra[0]} extra, {missing[0]} missing"
            )
    con.close()
    assert not differing, "incremental build differs from the full rebuild:\n" + "\n".join(differing)


@pytest.mark.xdist_group("demo_builds")
def test_incremental_months_equal_a_full_rebuild(tmp_path: Path) -> None:
    data = _demo_data(tmp_path)
    packages = sorted(p for p in data.glob("20*/*") if p.name != ".complete")
    months = sorted({p.parent.name for p in packages})
    assert len(months) >= 4
    # first build: every month but the last two, without the refresh of the month before them
    first_new = months[-2]
    refreshed = months[-3]
    late_refresh = [p for p in packages if p.parent.name == refreshed and "_refresh" in p.name]
    assert late_refresh, f"the demo data has no refresh package for {refreshed}"
    first = [p for p in packages if p.parent.name < first_new and p not in late_refresh]
    later = [p for p in packages if p not in first]

    inc_db = tmp_path / "incremental" / "warehouse" / "iapt.duckdb"
    inc_db.parent.mkdir(parents=True)
    _run(inc_db, tmp_path, "iapt", "load", str(_copy(first, tmp_path / "first")), "--quiet")
    full_log = _build(inc_db, tmp_path / "incremental")
    assert "ledger recorded" in full_log
    _run(inc_db, tmp_path, "iapt", "load", str(_copy(later, tmp_path / "later")), "--quiet")
    inc_log = _build(inc_db, tmp_path / "incremental")
    assert "ledger recorded" in inc_log
    # the refresh of `refreshed` is the first change: that month and the later ones are reprocessed
    assert re.search(rf"reprocessing months from {refreshed}-01", inc_log), inc_log[-2000:]

    full_db = tmp_path / "full" / "warehouse" / "iapt.duckdb"
    full_db.parent.mkdir(parents=True)
    _run(full_db, tmp_path, "iapt", "load", str(_copy(packages, tmp_path / "all")), "--quiet")
    _build(full_db, tmp_path / "full")

    _assert_equal_builds(inc_db, full_db)
    # and a build with nothing new reprocesses nothing
    again = _build(inc_db, tmp_path / "incremental")
    assert "nothing to reprocess" in again

    # a later refresh of that month drops records whose latest version came from it: the incremental build
    # removes them (and recomputes what derives from them) exactly as a full rebuild does
    crafted = tmp_path / "dropping" / refreshed / "refresh_dropping_records"
    provider, dropped = _refresh_dropping_records(late_refresh[0], crafted)
    assert set(dropped) <= _contact_ids(inc_db, provider)
    for db in (inc_db, full_db):
        _run(db, tmp_path, "iapt", "load", str(crafted.parent.parent), "--quiet")
    inc_log = _build(inc_db, tmp_path / "incremental")
    assert re.search(rf"reprocessing months from {refreshed}-01", inc_log), inc_log[-2000:]
    assert not set(dropped) & _contact_ids(inc_db, provider)
    _build(full_db, tmp_path / "full", "--full-refresh")
    _assert_equal_builds(inc_db, full_db)


def test_code_fingerprint_changes_with_any_model_macro_or_seed(tmp_path: Path) -> None:
    from iapt_warehouse.dbt_plugin import code_fingerprint

    for name in ("models/a.sql", "macros/m.sql", "seeds/s.csv", "dbt_project.yml", "README.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x\n")
    first = code_fingerprint(tmp_path)
    assert first == code_fingerprint(tmp_path)
    (tmp_path / "README.md").write_text("not code\n")
    assert code_fingerprint(tmp_path) == first
    for name in ("models/a.sql", "macros/m.sql", "seeds/s.csv", "dbt_project.yml"):
        (tmp_path / name).write_text("changed\n")
        changed = code_fingerprint(tmp_path)
        assert changed != first, name
        first = changed
