"""Incremental months (issue 8, docs/performance.md): adding months and a refresh of an earlier month, then
building incrementally, gives exactly the tables of a full rebuild, and reprocesses only the months from
the first changed one."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
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


def _build(db: Path, work: Path) -> str:
    return _run(
        db, work, "dbt", "build", "--select", *SELECT, "--exclude", "resource_type:test", "resource_type:unit_test",
        "--target-path", str(work / "target"), "--log-path", str(work / "logs"),
    )  # fmt: skip


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
    # and a build with nothing new reprocesses nothing
    again = _build(inc_db, tmp_path / "incremental")
    assert "nothing to reprocess" in again


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
