"""Baseline (c), the floor: a bare DuckDB scan of every raw CSV file of the packages, rows counted.

No checks, no typing, no joins: the files are grouped by their exact header line, and each group is read
by one `read_csv` with those columns as text (the sniffer off, as the loader reads them), rows counted.
Nothing that parses these files can be much faster, so it bounds every other stage from below.
Zipped packages are extracted to a temporary folder first (part of the
measured work).

    python bench/baselines/csv_scan.py DATA_DIR
"""

from __future__ import annotations

import csv
import sys
import tempfile
import zipfile
from pathlib import Path

import duckdb
import pandas as pd

OPTIONS = "auto_detect = false, header = true, delim = ',', quote = '\"', escape = '\"', max_line_size = 16777216"


def scan(data_dir: Path) -> pd.DataFrame:
    """One row per table file name: how many files were read, their data rows, how many were unreadable."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = sorted(data_dir.rglob("*.csv"))
        for n, package in enumerate(sorted(data_dir.rglob("*.zip"))):
            try:
                with zipfile.ZipFile(package) as z:
                    z.extractall(Path(tmp) / str(n))
            except (zipfile.BadZipFile, OSError):
                continue
        paths += sorted(Path(tmp).rglob("*.csv"))
        return _count(paths)


def _count(paths: list[Path]) -> pd.DataFrame:
    groups: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for path in paths:
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as f:
            header = tuple(next(csv.reader(f), []))
        groups.setdefault((path.name, header), []).append(str(path))
    counts: dict[str, list[int]] = {}
    con = duckdb.connect()
    try:
        for (name, header), files in groups.items():
            columns = "{" + ", ".join("'" + c.replace("'", "''") + "': 'VARCHAR'" for c in header) + "}"
            sql = f"select count(*) from read_csv(?, columns = {columns}, {OPTIONS})"
            total = counts.setdefault(name, [0, 0, 0])
            try:
                total[1] += int(con.execute(sql, [files]).fetchall()[0][0])
                total[0] += len(files)
            except duckdb.Error:  # a malformed file in the group: count file by file, skip the unreadable
                for file in files:
                    try:
                        total[1] += int(con.execute(sql, [[file]]).fetchall()[0][0])
                        total[0] += 1
                    except duckdb.Error:
                        total[2] += 1
    finally:
        con.close()
    rows = [{"file_name": k, "files": v[0], "rows": v[1], "unreadable": v[2]} for k, v in sorted(counts.items())]
    return pd.DataFrame(rows, columns=["file_name", "files", "rows", "unreadable"])


if __name__ == "__main__":
    if len(sys.argv) != 2 or not Path(sys.argv[1]).is_dir():
        print("usage: csv_scan.py DATA_DIR", file=sys.stderr)
        sys.exit(2)
    print(scan(Path(sys.argv[1])).to_string(index=False))
