"""Run the three baselines on one loaded warehouse and check their numbers against the warehouse's.

  duckdb_sql  headline.sql: one hand-written DuckDB query from the landing tables of the warehouse file
  pandas      headline_pandas.py: plain pandas from the raw CSV packages
  csv_scan    csv_scan.py: a bare DuckDB read_csv of every CSV file, rows counted (the floor)

Each runs in its own process (wall time measured around it, peak RSS reported by the process itself).
The two headline baselines are compared, provider-month by measure, with the warehouse's
publication.monthly_activity (group_type 'Provider', measure_value): counts must be equal, percentages
equal to 1e-9, nulls where the warehouse has nulls, and no row missing on either side.

    python bench/baselines/runner.py --db warehouse/iapt.duckdb --data build/demo-data \
        [--warehouse-seconds 25.6] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

HEADLINE_MEASURES = (
    "M001",
    "M031",
    "M056",
    "M076",
    "M052",
    "M053",
    "M054",
    "M055",
    "M179",
    "M185",
    "M189",
    "M191",
    "M192",
)
BASELINES = ("duckdb_sql", "pandas", "csv_scan")
TOLERANCE = 1e-9
KEY = ["provider_code", "reporting_period_start", "measure_id"]


# The pandas baseline holds every needed table in memory; at national scale it may not fit. Its process gets
# an address-space cap (IAPT_BASELINE_PANDAS_MEMORY, bytes; default 16 GiB of this 24 GB machine) so that it
# fails with a MemoryError, which is reported, instead of exhausting the machine.
PANDAS_MEMORY_DEFAULT = 16 * 2**30


@dataclass
class BaselineResult:
    name: str
    seconds: float  # wall time of the whole process (interpreter start, imports, reading, computing)
    compute_seconds: float  # the baseline's own work inside that process
    peak_rss_bytes: int
    frame: pd.DataFrame | None  # None when the baseline did not finish
    error: str = ""


def compute(name: str, db: Path, data: Path) -> pd.DataFrame:
    """The baseline's result, computed in this process."""
    if name == "duckdb_sql":
        con = duckdb.connect(str(db), read_only=True)
        try:
            return con.sql((HERE / "headline.sql").read_text()).df()
        finally:
            con.close()
    if name == "pandas":
        import headline_pandas

        return headline_pandas.headline(data)
    if name == "csv_scan":
        import csv_scan

        return csv_scan.scan(data)
    raise ValueError(f"unknown baseline {name!r}; choose from {', '.join(BASELINES)}")


def run_one(name: str, db: Path, data: Path, workdir: Path) -> BaselineResult:
    """Run one baseline in a fresh process; its frame comes back as Parquet."""
    out = workdir / f"{name}.parquet"
    start = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            name,
            "--db",
            str(db),
            "--data",
            str(data),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
        return BaselineResult(name, seconds, seconds, 0, None, error=last[:300])
    rss, compute_seconds = proc.stdout.strip().splitlines()[-1].split()
    return BaselineResult(name, seconds, float(compute_seconds), int(rss), pd.read_parquet(out))


def run_baselines(db_path: Path, data_dir: Path, workdir: Path | None = None) -> dict[str, BaselineResult]:
    """Run every baseline on a loaded warehouse file and its raw package folder."""
    import tempfile

    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        return {name: run_one(name, db_path, data_dir, Path(tmp)) for name in BASELINES}


def warehouse_measures(db_path: Path) -> pd.DataFrame:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute(
            "select org_code1 as provider_code, reporting_period_start, measure_id, measure_value"
            " from publication.monthly_activity where group_type = 'Provider' and measure_id in ("
            + ", ".join("?" for _ in HEADLINE_MEASURES)
            + ")",
            list(HEADLINE_MEASURES),
        ).df()
    finally:
        con.close()


def _equal(a: Any, b: Any) -> bool:
    a_null = a is None or (isinstance(a, float) and math.isnan(a))
    b_null = b is None or (isinstance(b, float) and math.isnan(b))
    if a_null or b_null:
        return a_null and b_null
    return abs(float(a) - float(b)) <= TOLERANCE


def mismatches(warehouse: pd.DataFrame, baseline: pd.DataFrame) -> pd.DataFrame:
    """Rows where the baseline and the warehouse differ (or one side lacks the row)."""
    w = warehouse.assign(reporting_period_start=pd.to_datetime(warehouse["reporting_period_start"]).dt.date)
    b = baseline.assign(reporting_period_start=pd.to_datetime(baseline["reporting_period_start"]).dt.date)
    merged = w.merge(b, on=KEY, how="outer", suffixes=("_warehouse", "_baseline"), indicator=True)
    same = [
        m == "both" and _equal(x, y)
        for m, x, y in zip(
            merged["_merge"], merged["measure_value_warehouse"], merged["measure_value_baseline"], strict=True
        )
    ]
    diff = merged[[not s for s in same]].rename(columns={"_merge": "present"})
    diff["present"] = (
        diff["present"].astype(str).replace({"left_only": "warehouse only", "right_only": "baseline only"})
    )
    return diff.sort_values(KEY, ignore_index=True)


def summarise(
    results: dict[str, BaselineResult], db_path: Path, warehouse_seconds: float | None
) -> list[dict[str, Any]]:
    warehouse = warehouse_measures(db_path)
    rows: list[dict[str, Any]] = []
    for name, r in results.items():
        row: dict[str, Any] = {
            "name": name,
            "seconds": round(r.seconds, 3),
            "compute_seconds": round(r.compute_seconds, 3),
            "peak_rss_mb": r.peak_rss_bytes // 2**20,
        }
        if warehouse_seconds:
            row["ratio"] = round(r.seconds / warehouse_seconds, 3)
        if r.frame is None:
            row["error"] = r.error
        elif name != "csv_scan":
            diff = mismatches(warehouse, r.frame)
            row["equal"] = bool(diff.empty)
            row["rows_compared"] = len(warehouse)
            row["mismatches"] = len(diff)
            row["first_mismatches"] = diff.head(20).astype(str).to_dict("records")
        else:
            row["files"] = int(r.frame["files"].sum())
            row["rows_scanned"] = int(r.frame["rows"].sum())
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True, help="warehouse file (loaded, dbt built)")
    parser.add_argument("--data", type=Path, required=True, help="the package folder that was loaded")
    parser.add_argument("--warehouse-seconds", type=float, help="the warehouse's time, for the ratio column")
    parser.add_argument("--json", type=Path, help="write the summary here as JSON")
    parser.add_argument("--child", choices=BASELINES, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not args.db.is_file() or not args.data.is_dir():
        parser.error("--db must be a warehouse file and --data a folder of packages")
    if args.child:
        if args.child == "pandas":
            cap = int(os.environ.get("IAPT_BASELINE_PANDAS_MEMORY", PANDAS_MEMORY_DEFAULT))
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        start = time.perf_counter()
        frame = compute(args.child, args.db, args.data)
        elapsed = time.perf_counter() - start
        frame.to_parquet(args.out)
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, elapsed)  # Linux reports KiB
        return 0
    summary = summarise(run_baselines(args.db, args.data), args.db, args.warehouse_seconds)
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2) + "\n")
    for row in summary:
        if "error" in row:
            extra = f"did not finish: {row['error']}"
        elif "equal" in row:
            extra = f"equal={row['equal']} mismatches={row['mismatches']}"
        else:
            extra = f"rows={row['rows_scanned']}"

        ratio = f" ratio={row['ratio']}" if "ratio" in row else ""
        print(
            f"{row['name']:<11} {row['seconds']:8.2f} s (compute {row['compute_seconds']:.2f} s)"
            f"  {row['peak_rss_mb']:6d} MB{ratio}  {extra}"
        )
    return 0 if all(row.get("equal", True) for row in summary) else 1


if __name__ == "__main__":
    sys.exit(main())
