"""The write floor of a built warehouse: the time DuckDB takes only to write the tables the build wrote.

Every table dbt built (every schema but `landing` and `main`, ledger tables left out) is read, one at a
time, from the built warehouse (attached read-only) into an in-memory temporary table (not timed), then
written from there into a new DuckDB file with the same storage format, memory limit and threads as a
build, and checkpointed (timed). Nothing is computed or read from disk in the timed part.
So no build of these tables, on this machine, can take less than this; it is the floor against which the
2x-the-script target (issue 8) is read. With `--month`, only the rows of that reporting month onwards
(tables with `reporting_period_start`): the floor of an incremental month.

    .venv/bin/python bench/write_floor.py build/bench/national/db/iapt.duckdb
    .venv/bin/python bench/write_floor.py build/bench/national/db/iapt.duckdb --month 2021-03-01

Prints one line per table (seconds, rows) and the total; `--json` writes them to a file.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb

SKIPPED_SCHEMAS = ("landing", "main", "information_schema", "pg_catalog")


def model_tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, bool]]:
    """(schema, table, has reporting_period_start) of every table the build wrote, largest first."""
    rows = con.execute(
        """
        select t.schema_name, t.table_name, t.estimated_size,
            exists (
                select 1 from duckdb_columns() as c
                where c.database_name = 'built' and c.schema_name = t.schema_name
                    and c.table_name = t.table_name and c.column_name = 'reporting_period_start'
            ) as has_month
        from duckdb_tables() as t
        where t.database_name = 'built' and not t.temporary
            and t.schema_name not in ?
            and not starts_with(t.table_name, '_')
        order by t.estimated_size desc, t.schema_name, t.table_name
        """,
        [list(SKIPPED_SCHEMAS)],
    ).fetchall()
    return [(schema, table, bool(has_month)) for schema, table, _size, has_month in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("warehouse", type=Path, help="a built warehouse file (read only)")
    parser.add_argument("--month", help="copy only rows from this reporting month on (YYYY-MM-01)")
    parser.add_argument("--json", type=Path, help="write the per-table times here")
    args = parser.parse_args()
    if not args.warehouse.is_file():
        raise SystemExit(f"write_floor: no warehouse file at {args.warehouse}")
    if args.month:
        month = args.month if len(args.month) > 7 else f"{args.month}-01"
        try:
            args.month = date.fromisoformat(month).isoformat()
        except ValueError:
            raise SystemExit(f"write_floor: --month {args.month!r} is not a month (YYYY-MM or YYYY-MM-01)") from None

    storage = os.environ.get("IAPT_DUCKDB_STORAGE_VERSION", "v1.5.0")
    with tempfile.TemporaryDirectory(dir=args.warehouse.parent) as work:
        con = duckdb.connect(str(Path(work) / "floor.duckdb"), config={"storage_compatibility_version": storage})
        con.execute(f"set memory_limit = '{os.environ.get('IAPT_DUCKDB_MEMORY_LIMIT', '8GB')}'")
        if threads := os.environ.get("IAPT_DUCKDB_THREADS"):
            con.execute(f"set threads = {int(threads)}")
        con.execute("set preserve_insertion_order = false")
        con.execute(f"attach '{args.warehouse}' as built (read_only)")
        timings: list[dict[str, object]] = []
        for schema, table, has_month in model_tables(con):
            if args.month and not has_month:
                continue
            where = f" where reporting_period_start >= date '{args.month}'" if args.month else ""
            # read first (untimed) into a temporary table, so only the write is timed
            con.execute(f'create temp table finished as select * from built."{schema}"."{table}"{where}')
            started = time.perf_counter()
            con.execute(f'create table "{schema}__{table}" as select * from finished')
            con.execute("checkpoint")
            seconds = time.perf_counter() - started
            counted = con.execute(f'select count(*) from "{schema}__{table}"').fetchone()
            rows = int(counted[0]) if counted else 0
            con.execute(f'drop table "{schema}__{table}"')
            con.execute("drop table finished")
            con.execute("checkpoint")
            timings.append({"table": f"{schema}.{table}", "seconds": round(seconds, 2), "rows": rows})
            print(f"{seconds:8.2f} s {rows:>12,} {schema}.{table}", flush=True)
        total = sum(float(str(t["seconds"])) for t in timings)
        print(f"write floor: {total:.2f} s, {len(timings)} tables", flush=True)
        if args.json:
            args.json.write_text(json.dumps({"total_seconds": round(total, 2), "tables": timings}, indent=1) + "\n")
        con.close()


if __name__ == "__main__":
    main()
