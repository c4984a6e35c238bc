"""Issue 8: bench/write_floor.py copies every table a build wrote (not the landing tables, not the
build ledger) into a new file and times only that; with --month, only the rows of that month onwards."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb

from conftest import REPO

FLOOR = REPO / "bench" / "write_floor.py"


def _warehouse(path: Path) -> None:
    con = duckdb.connect(str(path))
    for schema in ("landing", "staging", "intermediate", "marts"):
        con.execute(f"create schema {schema}")
    con.execute("create table landing.ids101referral as select range as id from range(50)")
    con.execute(
        "create table staging.stg_months as select range as id,"
        " date '2021-01-01' + to_months(cast(range % 3 as integer)) as reporting_period_start from range(30)"
    )
    con.execute("create table marts.dim_codes as select range as code from range(4)")
    con.execute("create table intermediate._build_ledger as select 1 as built")
    con.close()


def _floor(db: Path, out: Path, *extra: str) -> tuple[subprocess.CompletedProcess[str], dict[str, object]]:
    proc = subprocess.run(
        [sys.executable, str(FLOOR), str(db), "--json", str(out), *extra], capture_output=True, text=True
    )
    return proc, (json.loads(out.read_text()) if out.exists() else {})


def test_every_built_table_is_copied_and_timed(tmp_path: Path) -> None:
    db = tmp_path / "iapt.duckdb"
    _warehouse(db)
    proc, result = _floor(db, tmp_path / "floor.json")
    assert proc.returncode == 0, proc.stderr
    tables = {t["table"]: t["rows"] for t in result["tables"]}  # type: ignore[attr-defined]
    assert tables == {"staging.stg_months": 30, "marts.dim_codes": 4}
    assert proc.stdout.splitlines()[-1].startswith("write floor: ")
    # the warehouse is read only: nothing added to it
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from duckdb_tables()").fetchone() == (4,)


def test_a_month_copies_that_month_onwards_of_the_month_keyed_tables(tmp_path: Path) -> None:
    db = tmp_path / "iapt.duckdb"
    _warehouse(db)
    proc, result = _floor(db, tmp_path / "floor.json", "--month", "2021-02")
    assert proc.returncode == 0, proc.stderr
    assert [(t["table"], t["rows"]) for t in result["tables"]] == [("staging.stg_months", 20)]  # type: ignore[attr-defined]


def test_bad_arguments_are_clear_errors(tmp_path: Path) -> None:
    proc, _ = _floor(tmp_path / "missing.duckdb", tmp_path / "floor.json")
    assert proc.returncode != 0 and "no warehouse file" in proc.stderr and "Traceback" not in proc.stderr
    db = tmp_path / "iapt.duckdb"
    _warehouse(db)
    proc, _ = _floor(db, tmp_path / "floor.json", "--month", "March")
    assert proc.returncode != 0 and "is not a month" in proc.stderr and "Traceback" not in proc.stderr
