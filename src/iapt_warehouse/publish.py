"""`iapt publish`: write one month of the NHS monthly activity file from the warehouse.

Reads `publication.monthly_activity` (built by `dbt build`) read-only and writes the month's rows in the
NHS CSV layout with the *suppressed* values only: the exact values never leave the warehouse.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import click
import duckdb

from iapt_warehouse import config

NHS_HEADER = [
    "REPORTING_PERIOD_START",
    "REPORTING_PERIOD_END",
    "GROUP_TYPE",
    "ORG_CODE1",
    "ORG_NAME1",
    "ORG_CODE2",
    "ORG_NAME2",
    "MEASURE_ID",
    "MEASURE_NAME",
    "MEASURE_VALUE_SUPPRESSED",
]

QUARTERLY_HEADER = [
    "REPORTING_PERIOD_START",
    "REPORTING_PERIOD_END",
    "GROUP_TYPE",
    "ORG_CODE",
    "ORG_NAME",
    "VARIABLE_TYPE",
    "VARIABLE_A",
    "MEASURE_ID",
    "MEASURE_NAME",
    "MEASURE_VALUE_SUPPRESSED",
]

# The order NHS files list organisation levels in.
GROUP_ORDER = ["England", "CommissioningRegion", "ICB", "SubICB", "Provider", "SubICB/Provider"]

_MONTH = re.compile(r"(\d{4})-(\d{2})")

_QUERY = """
select
    strftime(reporting_period_start, '%Y-%m-%d'),
    strftime(reporting_period_end, '%Y-%m-%d'),
    group_type, org_code1, org_name1, org_code2, org_name2, measure_id, measure_name,
    coalesce(measure_value_suppressed, '')
from publication.monthly_activity
where reporting_period_start = ?
order by
    list_position(?, group_type), org_code1, org_code2,
    cast(substr(measure_id, 2) as integer), measure_id
"""


_QUARTERLY_QUERY = """
select
    strftime(quarter_start, '%Y-%m-%d'),
    strftime(quarter_end, '%Y-%m-%d'),
    group_type, org_code, org_name, variable_name, category, measure_id, measure_name,
    coalesce(measure_value_suppressed, '')
from publication.quarterly_breakdowns
where quarter_start <= ? and quarter_end >= ?
order by
    list_position(?, group_type), org_code, variable_id, category,
    cast(substr(measure_id, 2) as integer), measure_id
"""


def parse_month(value: str) -> date:
    """'YYYY-MM' as the first day of that month; a clear error otherwise."""
    match = _MONTH.fullmatch(value.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise click.BadParameter(f"{value!r} is not a month; use YYYY-MM, e.g. 2021-03", param_hint="--month")
    return date(int(match.group(1)), int(match.group(2)), 1)


def monthly_rows(db: Path, month: date) -> list[tuple[str, ...]]:
    """The month's published rows, in NHS order."""
    with duckdb.connect(str(db), read_only=True) as con:
        return [tuple(row) for row in con.execute(_QUERY, [month, GROUP_ORDER]).fetchall()]


def quarterly_rows(db: Path, month: date) -> list[tuple[str, ...]]:
    """The quarterly breakdown rows of the financial quarter containing `month`, in NHS order."""
    with duckdb.connect(str(db), read_only=True) as con:
        return [tuple(row) for row in con.execute(_QUARTERLY_QUERY, [month, month, GROUP_ORDER]).fetchall()]


def write_csv(rows: list[tuple[str, ...]], path: Path, header: list[str] = NHS_HEADER) -> None:
    """Write rows under the NHS header (LF line ends, UTF-8, minimal quoting)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


@click.command(name="publish")
@click.option("--month", "month_text", required=True, help="Reporting month, YYYY-MM.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("build/publication"),
    show_default=True,
    help="Directory to write the file to.",
)
@click.option("--db", "db", type=click.Path(path_type=Path, dir_okay=False), default=None, help="Warehouse file.")
@click.option(
    "--quarterly", is_flag=True, help="Also write the breakdowns of the financial quarter containing the month."
)
def publish(month_text: str, out_dir: Path, db: Path | None, quarterly: bool) -> None:
    """Write the month's NHS monthly activity file (suppressed values only)."""
    month = parse_month(month_text)
    warehouse = config.db_path(db)
    if not warehouse.exists():
        raise click.ClickException(f"no warehouse at {warehouse}; run `make build` first")
    try:
        rows = monthly_rows(warehouse, month)
    except duckdb.CatalogException as exc:
        raise click.ClickException(
            f"{warehouse} has no publication.monthly_activity; run `make build` (or dbt build) first"
        ) from exc
    except duckdb.IOException as exc:
        raise click.ClickException(f"cannot open {warehouse} read-only: {exc}") from exc
    if not rows:
        raise click.ClickException(f"no published figures for {month:%Y-%m}: no in-use submission for that month")
    path = out_dir / f"iapt_monthly_activity_{month:%Y-%m}.csv"
    write_csv(rows, path)
    click.echo(f"wrote {len(rows):,} rows for {month:%Y-%m} to {path}")
    if quarterly:
        try:
            quarter = quarterly_rows(warehouse, month)
        except duckdb.CatalogException as exc:
            raise click.ClickException(f"{warehouse} has no quarterly breakdowns; run `make build`") from exc
        if not quarter:
            raise click.ClickException(f"no quarterly breakdowns for the quarter containing {month:%Y-%m}")
        quarter_path = out_dir / f"iapt_quarterly_breakdowns_{quarter[0][0]}_{quarter[0][1]}.csv"
        write_csv(quarter, quarter_path, QUARTERLY_HEADER)
        click.echo(f"wrote {len(quarter):,} rows for {quarter[0][0]} to {quarter[0][1]} to {quarter_path}")
