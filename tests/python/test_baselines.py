"""Issue 8: the independent baselines (bench/baselines) compute the headline measures from the landing
tables (one DuckDB query) and from the raw CSV packages (pandas), following derivation-rules.md on
their own. They must equal the warehouse's publication.monthly_activity for every provider-month and
headline measure: when they differ, one side has a derivation wrong."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from conftest import REPO, TEST_KEY, load_and_build_publication

sys.path.insert(0, str(REPO / "bench" / "baselines"))

import runner


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The demo synthetic data (seed 42), loaded and built up to the publication; returns (db, data)."""
    work = tmp_path_factory.mktemp("baselines")
    data = work / "demo"
    env = {**os.environ, "IAPT_PSEUDO_KEY": TEST_KEY}
    synth = subprocess.run(
        [str(Path(sys.executable).parent / "iapt"), "synth", str(data), "--scale", "demo", "--seed", "42"],
        env=env,
        capture_output=True,
    )
    assert synth.returncode == 0, synth.stderr[-2000:]
    db = load_and_build_publication(data, work)
    return db, data


def _assert_equal_to_warehouse(db: Path, data: Path, name: str) -> None:
    warehouse = runner.warehouse_measures(db)
    baseline = runner.compute(name, db, data)
    diff = runner.mismatches(warehouse, baseline)
    assert diff.empty, f"{name} differs from the warehouse in {len(diff)} rows:\n{diff.head(30).to_string()}"
    # the comparison is not vacuous: every headline measure of every provider-month, with outcomes in it
    months = warehouse[["provider_code", "reporting_period_start"]].drop_duplicates()
    assert len(warehouse) == len(months) * len(runner.HEADLINE_MEASURES)
    totals = warehouse.groupby("measure_id")["measure_value"].sum()
    assert all(totals[m] > 0 for m in ("M001", "M031", "M076", "M179", "M185", "M189", "M191"))


@pytest.mark.parametrize("name", ["duckdb_sql", "pandas"])
def test_baseline_equals_warehouse_on_demo_data(demo: tuple[Path, Path], name: str) -> None:
    _assert_equal_to_warehouse(*demo, name)


@pytest.mark.parametrize("name", ["duckdb_sql", "pandas"])
def test_baseline_equals_warehouse_on_fixture_packages(built: tuple[Path, Path], name: str) -> None:
    # the hand-made edge cases: refreshes, late and rejected packages, version change, bad rows
    db, _ = built
    data = REPO / "tests" / "data" / "packages"
    warehouse = runner.warehouse_measures(db)
    diff = runner.mismatches(warehouse, runner.compute(name, db, data))
    assert not warehouse.empty
    assert diff.empty, diff.head(30).to_string()


def test_csv_scan_counts_every_submitted_row(demo: tuple[Path, Path]) -> None:
    db, data = demo
    scanned = runner.compute("csv_scan", db, data)
    con = duckdb.connect(str(db), read_only=True)
    in_files = con.execute("select sum(rows_in_file) from landing.submission_files").fetchall()[0][0]
    con.close()
    assert int(scanned["unreadable"].sum()) == 0
    assert int(scanned["rows"].sum()) == in_files


def test_mismatches_reports_every_kind_of_difference() -> None:
    key = {"provider_code": "RX1", "reporting_period_start": pd.Timestamp("2021-04-01").date()}
    warehouse = pd.DataFrame(
        [
            {**key, "measure_id": "M001", "measure_value": 10.0},
            {**key, "measure_id": "M053", "measure_value": 100 / 3},
            {**key, "measure_id": "M192", "measure_value": None},
            {**key, "measure_id": "M076", "measure_value": 3.0},
        ]
    )
    assert runner.mismatches(warehouse, warehouse.copy()).empty
    baseline = warehouse.copy()
    baseline.loc[0, "measure_value"] = 11.0  # a count off by one
    baseline.loc[1, "measure_value"] = 100 / 3 + 1e-6  # a percentage beyond 1e-9
    baseline.loc[2, "measure_value"] = 0.0  # a number where the warehouse has null
    baseline = pd.concat([baseline.iloc[:3], pd.DataFrame([{**key, "measure_id": "M031", "measure_value": 1.0}])])
    diff = runner.mismatches(warehouse, baseline)
    assert sorted(diff["measure_id"]) == ["M001", "M031", "M053", "M076", "M192"]
    assert set(diff["present"]) == {"both", "warehouse only", "baseline only"}
    close = baseline.assign(measure_value=[10.0, 100 / 3 + 1e-12, None, 1.0])
    assert sorted(runner.mismatches(warehouse, close)["measure_id"]) == ["M031", "M076"]
