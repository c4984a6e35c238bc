"""`iapt export --out DIR`: every mart and publication relation as Parquet, with a README naming them.

Reads the warehouse read-only. One Parquet file per relation (`DIR/<schema>/<relation>.parquet`); a relation
with at least `--partition-rows` rows and a month column is written hive-partitioned by that month
(`DIR/<schema>/<relation>/<column>=YYYY-MM-DD/data_0.parquet`) with DuckDB `COPY ... (FORMAT parquet,
PARTITION_BY ...)`. `DIR/README.md` lists every relation with its description, row count, path and columns
(types and descriptions from the comments dbt persists into the warehouse, `persist_docs`).
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import click
import duckdb

from iapt_warehouse import config

SCHEMAS = ("marts", "publication")
# the month a partitioned relation is split by, in order of preference
PARTITION_COLUMNS = ("reporting_period_start", "quarter_start")
DEFAULT_PARTITION_ROWS = 100_000
MARKER = ".iapt-export"


class ExportError(Exception):
    """Bad input: no warehouse, no marts, an output directory that is not ours to replace."""


@dataclass(frozen=True)
class Column:
    name: str
    data_type: str
    description: str


@dataclass(frozen=True)
class Exported:
    schema: str
    name: str
    description: str
    rows: int
    path: str  # relative to the export directory
    partition_column: str | None
    columns: tuple[Column, ...]


def _sql_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _relations(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    return [
        (str(s), str(n), str(c or ""))
        for s, n, c in con.execute(
            "select schema_name, table_name, comment from duckdb_tables() where schema_name in ?"
            " union all select schema_name, view_name, comment from duckdb_views()"
            " where schema_name in ? and not internal order by 1, 2",
            [list(SCHEMAS), list(SCHEMAS)],
        ).fetchall()
    ]


def _prepare_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise ExportError(f"--out {out} is a file, not a directory")
    if out.is_dir() and any(out.iterdir()):
        if not (out / MARKER).exists():
            raise ExportError(f"--out {out} is not empty and holds no previous export; give an empty or new directory")
        for child in (*SCHEMAS, "README.md"):
            target = out / child
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("written by `iapt export`; the next export replaces this directory's contents\n")


def export_warehouse(db: Path, out: Path, partition_rows: int = DEFAULT_PARTITION_ROWS) -> list[Exported]:
    """Write every marts and publication relation of `db` under `out`; returns what was written."""
    if not db.is_file():
        raise ExportError(f"no warehouse at {db}; run `make build` first")
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as exc:
        raise ExportError(f"cannot open {db} read-only: {exc}") from exc
    with con:
        relations = _relations(con)
        if not relations:
            raise ExportError(f"{db} has no marts or publication relations; run `make build` (or dbt build) first")
        _prepare_out(out)
        exported = []
        for schema, name, description in relations:
            columns = tuple(
                Column(str(n), str(t), str(c or ""))
                for n, t, c in con.execute(
                    "select column_name, data_type, comment from duckdb_columns()"
                    " where schema_name = ? and table_name = ? order by column_index",
                    [schema, name],
                ).fetchall()
            )
            count = con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()
            rows = int(count[0]) if count else 0
            names = {c.name for c in columns}
            partition = next((c for c in PARTITION_COLUMNS if c in names), None) if rows >= partition_rows else None
            (out / schema).mkdir(exist_ok=True)
            select = f'select * from "{schema}"."{name}"'
            if partition:
                target = out / schema / name
                con.execute(
                    f"copy ({select}) to {_sql_path(target)}"
                    f' (format parquet, compression zstd, partition_by ("{partition}"))'
                )
                path = f"{schema}/{name}/{partition}=*/*.parquet"
            else:
                target = out / schema / f"{name}.parquet"
                con.execute(f"copy ({select}) to {_sql_path(target)} (format parquet, compression zstd)")
                path = f"{schema}/{name}.parquet"
            exported.append(Exported(schema, name, description, rows, path, partition, columns))
    (out / "README.md").write_text(render_readme(exported, db), encoding="utf-8")
    return exported


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def render_readme(exported: list[Exported], db: Path) -> str:
    """The export's README: how to read it, then every relation with its columns."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# IAPT warehouse export",
        "",
        f"Written by `iapt export` on {stamp} from `{db.name}`: every relation of the `marts` and",
        "`publication` schemas as Parquet (zstd). Relations of at least the partition threshold are split by",
        "month (hive partitioning: one folder per `<column>=<first day>`).",
        "",
        "**Not for publication.** The marts are pseudonymised record-level data and",
        "`publication.monthly_activity.measure_value` is the exact value; publish only",
        "`measure_value_suppressed` (`iapt publish`).",
        "",
        "Read it with DuckDB (`select * from read_parquet('publication/monthly_activity/*/*.parquet',",
        "hive_partitioning = true)`), pandas/pyarrow (`pd.read_parquet('marts/fct_outcomes.parquet')`),",
        "Power BI / Tableau / Excel (Get Data > Parquet).",
        "",
        "| Relation | Rows | Path | Description |",
        "|---|---:|---|---|",
    ]
    for e in exported:
        first = _cell(e.description).split(". ")[0]
        lines.append(f"| `{e.schema}.{e.name}` | {e.rows:,} | `{e.path}` | {first} |")
    for e in exported:
        lines += ["", f"## {e.schema}.{e.name}", "", _cell(e.description) or "(no description)", ""]
        lines.append(
            f"{e.rows:,} rows; `{e.path}`"
            + (f", partitioned by `{e.partition_column}`." if e.partition_column else ".")
        )
        lines += ["", "| Column | Type | Description |", "|---|---|---|"]
        lines += [f"| `{c.name}` | {c.data_type} | {_cell(c.description)} |" for c in e.columns]
    return "\n".join(lines) + "\n"


@click.command(name="export")
@click.option("--out", "out", type=click.Path(path_type=Path), required=True, help="Directory to write to.")
@click.option("--db", "db", type=click.Path(path_type=Path, dir_okay=False), default=None, help="Warehouse file.")
@click.option(
    "--partition-rows",
    type=click.IntRange(min=1),
    default=DEFAULT_PARTITION_ROWS,
    show_default=True,
    help="Split a relation with a month column by month from this many rows.",
)
def export(out: Path, db: Path | None, partition_rows: int) -> None:
    """Write every mart and publication relation as Parquet, with a README."""
    warehouse = config.db_path(db)
    try:
        exported = export_warehouse(warehouse, out, partition_rows)
    except ExportError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    parts = sum(1 for e in exported if e.partition_column)
    click.echo(
        f"wrote {len(exported)} relations ({sum(e.rows for e in exported):,} rows; {parts} partitioned by month)"
        f" to {out}; see {out / 'README.md'}"
    )
