"""Baseline (c), the floor: a bare DuckDB scan of every raw CSV file of the packages, rows counted.

No parsing of values, no checks, no joins: one `read_csv` per table name over all packages' files of
that name (all columns as text, union by name). Nothing that reads these files can be faster, so it
bounds every other stage from below.

    python bench/baselines/csv_scan.py DATA_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pandas as pd


def scan(data_dir: Path) -> pd.DataFrame:
    """One row per table file name: how many files and how many data rows."""
    by_name: dict[str, list[str]] = {}
    for path in sorted(data_dir.rglob("*.csv")):
        by_name.setdefault(path.name, []).append(str(path))
    con = duckdb.connect()
    rows = []
    try:
        for name, files in sorted(by_name.items()):
            count = con.execute(
                "select count(*) from read_csv(?, all_varchar = true, header = true, union_by_name = true)", [files]
            ).fetchall()[0][0]
            rows.append({"file_name": name, "files": len(files), "rows": int(count)})
    finally:
        con.close()
    return pd.DataFrame(rows, columns=["file_name", "files", "rows"])


if __name__ == "__main__":
    if len(sys.argv) != 2 or not Path(sys.argv[1]).is_dir():
        print("usage: csv_scan.py DATA_DIR", file=sys.stderr)
        sys.exit(2)
    print(scan(Path(sys.argv[1])).to_string(index=False))
