"""Crash safety and concurrent readers.

* The loader is killed (SIGKILL) at a random moment of a multi-batch load: what a reader then sees is
  exactly the first k batches of an uninterrupted load (never a part of a package), and re-running the
  load gives exactly the uninterrupted result.
* `iapt publish-db` (what `make build` runs) is killed at a random moment of a rebuild (loading or
  `dbt build`): the published file is byte-for-byte unchanged; the rebuild is then re-run while a reader
  process queries the published file read-only in a loop: the reader never errors and only ever sees
  the old complete state or the new one; the result equals an uninterrupted rebuild's.

The kill moments are random; run the file 20 times to exercise many (README "Reliability and security").
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import pytest

from conftest import TEST_KEY, landing_columns, landing_tables
from hostile_cases import base

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
VOLATILE = {"_loaded_at", "loaded_at", "rejected_at"}
BATCH = 3
ENV = {
    **os.environ,
    "IAPT_DEBUG": "",
    "IAPT_DUCKDB_MEMORY_LIMIT": "1GB",
    "IAPT_DUCKDB_THREADS": "1",
    "IAPT_LOAD_BATCH_PACKAGES": str(BATCH),
    "IAPT_PSEUDO_KEY": TEST_KEY,
    "DBT_PROFILES_DIR": str(REPO),
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "DO_NOT_TRACK": "1",
}
pytestmark = pytest.mark.xdist_group("crash")


def dump(db: Path, skip: frozenset[str] = frozenset()) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every landing table (without load timestamps and `skip` columns), sorted; opened
    read-only, as a reader would."""
    if not db.exists():
        return {}
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for table in landing_tables(con):
            cols = [c for c in landing_columns(con, table) if c not in VOLATILE | skip]
            select = ", ".join(f'"{c}"' for c in cols)
            out[table] = con.execute(f"select {select} from landing.{table} order by all").fetchall()
        return out
    finally:
        con.close()


def load_cmd(packages: Path, db: Path) -> list[str]:
    return [str(BIN / "iapt"), "load", str(packages), "--db", str(db), "--quiet"]


@pytest.fixture(scope="module")
def big_load(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """24 packages of ~2,500 rows (some zipped, some with rejected rows, one Refresh superseding a
    Primary in a later batch), loaded once uninterrupted: the reference."""
    root = tmp_path_factory.mktemp("crash")
    packages = root / "packages"
    for n in range(24):
        spec = base(f"K{n:02}") if n != 23 else base("K00", created="2020-11-03T09:00:00")  # K00's Refresh
        spec.tables["IDS201CareContact"] += [
            {"CareContactId": f"X{i:05}", "ServiceRequestId": "R1" if i % 97 else "R9", "CareContDate": "2020-09-11"}
            for i in range(2500)
        ]
        spec.write(packages, f"p{n:02}", as_zip=n % 4 == 0)
    reference = root / "reference" / "iapt.duckdb"
    started = time.monotonic()
    done = subprocess.run(load_cmd(packages, reference), env=ENV, capture_output=True, text=True)
    duration = time.monotonic() - started
    assert done.returncode == 0, done.stdout + done.stderr
    return {"root": root, "packages": packages, "reference": dump(reference), "duration": duration}


def submissions_in_load_order(state: dict[str, list[tuple[Any, ...]]]) -> list[str]:
    return [row[0] for row in sorted(state.get("submissions", []), key=lambda r: r[-1])]  # load_seq is last


@pytest.mark.parametrize("trial", range(int(os.environ.get("IAPT_CRASH_TRIALS", "1"))))
def test_a_killed_load_leaves_whole_batches_and_a_rerun_completes(big_load: dict[str, Any], trial: int) -> None:
    db = big_load["root"] / f"killed-{trial}-{os.getpid()}" / "iapt.duckdb"
    delay = random.uniform(0.1, big_load["duration"])
    proc = subprocess.Popen(
        load_cmd(big_load["packages"], db), env=ENV, start_new_session=True, stdout=subprocess.DEVNULL
    )
    time.sleep(delay)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()

    reference = big_load["reference"]
    # What a reader sees now: the first k submissions of the uninterrupted load, k a whole number of
    # batches, each with all of its rows and nothing of the others (status aside: it is recomputed when a
    # later batch brings a Refresh).
    seen = dump(db, skip=frozenset({"status"}))
    order = submissions_in_load_order(reference)
    present = submissions_in_load_order(seen)
    assert present == order[: len(present)], f"killed after {delay:.2f}s: not a prefix of the load"
    assert len(present) % BATCH == 0 or len(present) == len(order), f"killed after {delay:.2f}s: {len(present)}"
    expected = dump_subset(big_load, set(present))
    for table, rows in seen.items():
        assert rows == expected[table], f"killed after {delay:.2f}s: {table} differs from the reference"

    rerun = subprocess.run(load_cmd(big_load["packages"], db), env=ENV, capture_output=True, text=True)
    assert rerun.returncode == 0 and "Traceback" not in rerun.stderr, rerun.stderr
    assert dump(db) == reference, f"killed after {delay:.2f}s: the re-run differs from an uninterrupted load"


def dump_subset(big_load: dict[str, Any], sids: set[str]) -> dict[str, list[tuple[Any, ...]]]:
    """The reference rows of submissions `sids` (without status), from the reference warehouse."""
    reference = big_load["root"] / "reference" / "iapt.duckdb"
    full = dump(reference, skip=frozenset({"status"}))
    con = duckdb.connect(str(reference), read_only=True)
    try:
        sid_column = {}
        for table in full:
            names = [c for c in landing_columns(con, table) if c not in VOLATILE | {"status"}]
            sid_column[table] = names.index("submission_id" if "submission_id" in names else "_submission_id")
    finally:
        con.close()
    return {t: [r for r in rows if r[sid_column[t]] in sids] for t, rows in full.items()}


# ------------------------------------------------------------------------------ publish-db and readers

SELECT = ["+fct_care_contacts", "+dim_providers"]
READER = """
import duckdb, json, sys, time, os
db, stop = sys.argv[1], sys.argv[2]
while not os.path.exists(stop):
    try:
        con = duckdb.connect(db, read_only=True)
        row = con.execute(
            "select (select count(*) from landing.submissions), (select count(*) from marts.fct_care_contacts),"
            " (select count(*) from staging.stg_iapt__care_contacts), (select max(reporting_period_start)::varchar"
            " from marts.fct_care_contacts)"
        ).fetchall()[0]
        con.close()
        print(json.dumps(list(row)), flush=True)
    except Exception as exc:
        print(json.dumps({"error": str(exc)}), flush=True)
    time.sleep(0.02)
"""


def build_cmd(db: Path, months: list[Path], work: Path) -> list[str]:
    dbt = [
        str(BIN / "dbt"),
        "build",
        "--quiet",
        "--select",
        *SELECT,
        "--exclude",
        "resource_type:test",
        "resource_type:unit_test",
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
    ]
    script = (
        f"{BIN / 'iapt'} load {' '.join(map(str, months))} --db {{db}} --quiet > /dev/null; rc=$?;"
        f" [ $rc -le 1 ] || exit $rc; exec {' '.join(dbt)}"
    )
    return [str(BIN / "iapt"), "publish-db", "--db", str(db), "--", "bash", "-c", script]


def state(db: Path) -> list[Any]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return list(
            con.execute(
                "select (select count(*) from landing.submissions), (select count(*) from marts.fct_care_contacts),"
                " (select count(*) from staging.stg_iapt__care_contacts), (select max(reporting_period_start)::varchar"
                " from marts.fct_care_contacts)"
            ).fetchall()[0]
        )
    finally:
        con.close()


def marts_dump(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            t: con.execute(f"select * from marts.{t} order by all").fetchall()
            for t in ("fct_care_contacts", "dim_providers")
        }
    finally:
        con.close()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_killed_build_changes_nothing_and_readers_only_see_complete_states(tmp_path: Path) -> None:
    months = sorted((REPO / "tests/data/packages").iterdir())
    db = tmp_path / "warehouse" / "iapt.duckdb"
    started = time.monotonic()
    first = subprocess.run(build_cmd(db, months[:2], tmp_path), env=ENV, cwd=REPO, capture_output=True, text=True)
    first_duration = time.monotonic() - started
    assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-2000:]
    assert not (db.parent / ".building").exists()
    old_state, old_hash = state(db), sha256(db)
    reference = tmp_path / "reference" / "iapt.duckdb"
    reference.parent.mkdir()
    shutil.copyfile(db, reference)

    # 1. Kill the rebuild (the whole process group: publish-db, bash, the loader or dbt) at a random moment.
    delay = random.uniform(0.5, 0.9 * first_duration)  # the rebuild loads and builds more: still running
    proc = subprocess.Popen(
        build_cmd(db, months, tmp_path), env=ENV, cwd=REPO, start_new_session=True, stdout=subprocess.DEVNULL
    )
    time.sleep(delay)
    finished_first = proc.poll() is not None
    if not finished_first:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    if not finished_first:
        assert sha256(db) == old_hash, f"killed after {delay:.1f}s: the published file changed"
        assert state(db) == old_state
    else:  # the rebuild won the race and published: start step 2 from the old state again
        shutil.copyfile(reference, db)

    # 2. Rebuild to the end while a reader queries the published file in a loop.
    stop = tmp_path / "stop-reader"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(db), str(stop)], stdout=subprocess.PIPE, text=True, env=ENV
    )
    try:
        time.sleep(0.5)
        rebuild = subprocess.run(build_cmd(db, months, tmp_path), env=ENV, cwd=REPO, capture_output=True, text=True)
        time.sleep(0.5)
    finally:
        stop.touch()
        out, _ = reader.communicate(timeout=60)
    assert rebuild.returncode == 0, rebuild.stdout[-2000:] + rebuild.stderr[-2000:]
    new_state = state(db)
    assert new_state != old_state
    seen = [json.loads(line) for line in out.splitlines()]
    errors = [s for s in seen if isinstance(s, dict)]
    assert errors == [], errors[:3]
    assert {json.dumps(s) for s in seen} <= {json.dumps(old_state), json.dumps(new_state)}, "a partial state"
    assert seen[0] == old_state and seen[-1] == new_state
    assert len(seen) >= 10

    # 3. The same rebuild of the same starting point, never interrupted, gives the same warehouse.
    uninterrupted = subprocess.run(
        build_cmd(reference, months, tmp_path / "ref"), env=ENV, cwd=REPO, capture_output=True, text=True
    )
    assert uninterrupted.returncode == 0, uninterrupted.stdout[-2000:]
    assert state(reference) == new_state
    assert marts_dump(reference) == marts_dump(db)
    assert dump(reference, skip=frozenset({"package_path"})) == dump(db, skip=frozenset({"package_path"}))


def test_a_second_concurrent_build_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "iapt.duckdb"
    holder = subprocess.Popen(
        [str(BIN / "iapt"), "publish-db", "--db", str(db), "--", "sleep", "20"], env=ENV, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 20
        while not (tmp_path / ".building").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        second = subprocess.run(
            [str(BIN / "iapt"), "publish-db", "--db", str(db), "--", "true"], env=ENV, capture_output=True, text=True
        )
        assert second.returncode == 2 and "another build" in second.stderr and "Traceback" not in second.stderr
    finally:
        os.killpg(holder.pid, signal.SIGKILL)
        holder.wait()


def test_a_failed_build_publishes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "iapt.duckdb"
    duckdb.connect(str(db)).execute("create table t as select 1 as x").close()
    before = sha256(db)
    failed = subprocess.run(
        [str(BIN / "iapt"), "publish-db", "--db", str(db), "--", sys.executable, "-c",
         "import duckdb, os; c = duckdb.connect(os.environ['IAPT_DUCKDB_PATH']); c.execute('drop table t'); exit(3)"],
        env=ENV, capture_output=True, text=True,
    )  # fmt: skip
    assert failed.returncode == 3 and "unchanged" in failed.stderr
    assert sha256(db) == before
    ok = subprocess.run(
        [str(BIN / "iapt"), "publish-db", "--db", str(db), "--", sys.executable, "-c",
         "import duckdb, sys; duckdb.connect(sys.argv[1]).execute('insert into t values (2)')", "{db}"],
        env=ENV, capture_output=True, text=True,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert duckdb.connect(str(db), read_only=True).execute("select sum(x) from t").fetchall() == [(3,)]
    assert not (tmp_path / ".building").exists()
