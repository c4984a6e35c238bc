"""The hostile-input corpus (hostile_cases.py) through the `iapt load` command, checked case by case.

One warehouse: a baseline package is loaded first and snapshotted; then the whole corpus is loaded by one
`iapt load` subprocess (the cases that need their own limits each by their own subprocess). Every case
must get its expected outcome with an actionable reason, row accounting must be exact against an
independent count of the records in the files, no process may print a traceback, and the baseline and
the set of relations must be exactly as before.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import duckdb
import pytest

from conftest import landing_columns, landing_tables
from hostile_cases import CASES, DOC, Case, base, case_dir_name, render
from iapt_warehouse.landing import loader

csv.field_size_limit(sys.maxsize)
OUTCOMES = {"loaded", "rows rejected", "rejected whole", "already loaded", "exit 2"}
LINE = re.compile(r"^(loaded|skipped|rejected) (\S+):", re.M)


class Run:
    def __init__(self, proc: subprocess.CompletedProcess[str]) -> None:
        self.returncode = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.lines = {name: verb for verb, name in LINE.findall(proc.stdout)}


def iapt(args: list[str], env: dict[str, str]) -> Run:
    exe = Path(sys.executable).with_name("iapt")
    full = {**os.environ, "IAPT_DEBUG": "", "IAPT_DUCKDB_MEMORY_LIMIT": "1GB", "IAPT_DUCKDB_THREADS": "1", **env}
    return Run(subprocess.run([str(exe), *args], capture_output=True, text=True, env=full, timeout=300))


def snapshot(con: duckdb.DuckDBPyConnection, sid: str, columns: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """Every landing row of submission `sid` (on the columns of `columns`, when given), and the relations."""
    out: dict[str, Any] = {
        "relations": con.execute(
            "select table_schema, table_name from information_schema.tables order by all"
        ).fetchall()
    }
    for table in landing_tables(con):
        cols = (columns or {}).get(table) or landing_columns(con, table)
        key = "submission_id" if table in {"submissions", "submission_files", "rejections"} else "_submission_id"
        select = ", ".join(f'"{c}"' for c in cols)
        sql = f"select {select} from landing.{table} where {key} = ? order by all"
        out[table] = (cols, con.execute(sql, [sid]).fetchall())
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("hostile")
    db = work / "warehouse" / "iapt.duckdb"
    base("BASE").write(work / "baseline", "baseline")
    report = loader.load([work / "baseline"], db)
    assert [o.result for o in report.outcomes] == ["loaded"]
    baseline_sid = report.outcomes[0].submission_id
    con = duckdb.connect(str(db), read_only=True)
    before = snapshot(con, baseline_sid)
    con.close()

    shared, package_of, run_of = work / "corpus", {}, {}
    for index, case in enumerate(CASES, 1):
        folder = work / "alone" / case_dir_name(index, case) if case.env else shared
        folder.mkdir(parents=True, exist_ok=True)
        package_of[case.name] = case.build(folder, case_dir_name(index, case))
    runs = {"corpus": iapt(["load", str(shared), "--db", str(db)], {})}
    for index, case in enumerate(CASES, 1):
        if case.env:
            folder = work / "alone" / case_dir_name(index, case)
            runs[case.name] = iapt(["load", str(folder), "--db", str(db)], case.env)
        run_of[case.name] = runs[case.name if case.env else "corpus"]

    con = duckdb.connect(str(db), read_only=True)
    after = snapshot(con, baseline_sid, {t: v[0] for t, v in before.items() if t != "relations"})
    return {"db": db, "before": before, "after": after, "package": package_of, "run": run_of, "runs": runs, "con": con}


def records_in(package: Path) -> int:
    """Data records of the package's files (the header file's one included), counted by Python's csv module."""
    if package.suffix == ".zip":
        with zipfile.ZipFile(package) as archive:
            files = {n: archive.read(n) for n in archive.namelist()}
    else:
        files = {p.name: p.read_bytes() for p in package.iterdir()}
    return sum(len(list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))) - 1 for data in files.values())


def test_the_corpus_is_big_and_well_formed():
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES)
    for case in CASES:
        assert case.outcome in OUTCOMES, case.name
        assert (case.outcome == "rows rejected") == bool(case.rules), case.name
        assert case.outcome not in {"rejected whole", "exit 2"} or case.expect, case.name


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(corpus: dict[str, Any], case: Case) -> None:
    con: duckdb.DuckDBPyConnection = corpus["con"]
    package: Path = corpus["package"][case.name]
    run: Run = corpus["run"][case.name]
    assert "Traceback" not in run.stdout + run.stderr
    submitted = con.execute(
        "select submission_id, status, rejection_reason, rows_submitted, rows_loaded, rows_rejected"
        " from landing.submissions where package_name = ?",
        [package.name],
    ).fetchall()

    if case.outcome == "exit 2":
        assert run.returncode == 2
        assert case.expect in run.stderr and run.stderr.count("\n") == 1, run.stderr
        assert submitted == []
        return
    if case.outcome == "already loaded":
        assert run.lines.get(package.name) == "skipped", run.stdout
        assert submitted == []  # the first copy is the one recorded
        return

    [(sid, status, reason, rows_submitted, rows_loaded, rows_rejected)] = submitted
    if case.outcome == "rejected whole":
        assert run.lines.get(package.name) == "rejected", run.stdout
        assert status == "rejected"
        assert case.expect in reason, reason
        assert len(reason) < 400 and "Error:" not in reason and "Traceback" not in reason
        for table in landing_tables(con):
            if table in {"submissions", "rejections"}:
                continue
            column = "submission_id" if table == "submission_files" else "_submission_id"
            assert con.execute(f"select count(*) from landing.{table} where {column} = ?", [sid]).fetchall() == [(0,)]
        assert con.execute("select rule, reason from landing.rejections where submission_id = ?", [sid]).fetchall() == [
            ("package_rejected", reason)
        ]
        if case.env:
            assert run.returncode == 1
        return

    # loaded, or rows rejected: exact accounting, against an independent count of the records sent
    assert run.lines.get(package.name) == "loaded", run.stdout
    assert status == case.status and reason is None
    assert rows_submitted == records_in(package)
    assert rows_submitted == rows_loaded + rows_rejected
    in_landing = 0
    for table in landing_tables(con):
        if table not in {"submissions", "submission_files", "rejections"}:
            in_landing += con.execute(
                f"select count(*) from landing.{table} where _submission_id = ?", [sid]
            ).fetchall()[0][0]
    assert in_landing == rows_loaded
    assert con.execute(
        "select sum(rows_in_file), sum(rows_loaded), sum(rows_rejected) from landing.submission_files"
        " where submission_id = ?",
        [sid],
    ).fetchall() == [(rows_submitted, rows_loaded, rows_rejected)]
    rules = dict(
        con.execute(
            "select rule, count(*) from landing.rejections where submission_id = ? group by 1", [sid]
        ).fetchall()
    )
    assert rules == case.rules
    incomplete = con.execute(
        "select count(*) from landing.rejections where submission_id = ?"
        " and (line_number is null or table_name is null or item is null or coalesce(reason, '') = '')",
        [sid],
    ).fetchall()
    assert incomplete == [(0,)]
    if case.env:
        assert run.returncode == 0


def test_every_process_exits_cleanly(corpus: dict[str, Any]) -> None:
    for name, run in corpus["runs"].items():
        assert "Traceback" not in run.stdout + run.stderr, name
    assert corpus["runs"]["corpus"].returncode == 1  # some packages rejected whole (documented exit code)
    assert "rejected whole" in corpus["runs"]["corpus"].stdout


def test_nothing_else_in_the_warehouse_changes(corpus: dict[str, Any]) -> None:
    before, after = corpus["before"], corpus["after"]
    assert after["relations"] == before["relations"]  # no table created or dropped (the SQL did nothing)
    for table in before:
        assert after[table] == before[table], table
    con: duckdb.DuckDBPyConnection = corpus["con"]
    loaded = [c for c in CASES if c.outcome in {"loaded", "rows rejected", "rejected whole"}]
    # one row per loaded or rejected case (sent-twice records its first copy), plus the baseline
    assert con.execute("select count(*) from landing.submissions").fetchall() == [(len(loaded) + 2,)]


def test_sql_looking_values_are_stored_verbatim(corpus: dict[str, Any]) -> None:
    con: duckdb.DuckDBPyConnection = corpus["con"]
    from hostile_cases import SQL

    assert con.execute("select count(*) from landing.ids101referral where ServiceRequestId = ?", [SQL]).fetchall() == [
        (1,)
    ]


def test_nothing_escaped_the_package(corpus: dict[str, Any]) -> None:
    assert not Path("/tmp/iapt-hostile-x.csv").exists()
    assert not (corpus["db"].parent.parent / "x.csv").exists()


def test_the_docs_table_is_generated_from_the_cases() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert render(text) == text, "docs/reliability.md is out of date: run python tests/python/hostile_cases.py --write"
