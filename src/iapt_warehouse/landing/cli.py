"""`iapt load PATH... [--db FILE]`.

Exit codes: 0 every package was accepted (or had been loaded before), 1 at least one package was
rejected whole, 2 usage or system error. Bad input never produces a traceback.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from iapt_warehouse import config
from iapt_warehouse.config import ConfigError
from iapt_warehouse.landing.loader import LoaderError, LoadReport, PackageOutcome
from iapt_warehouse.landing.loader import load as load_packages
from iapt_warehouse.landing.packages import UsageError


@click.command(name="load")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--db",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Warehouse file (default: $IAPT_DUCKDB_PATH or warehouse/iapt.duckdb).",
)
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary.")
def load(paths: tuple[Path, ...], db: Path | None, quiet: bool) -> None:
    """Load the submission packages (directories or .zip files) found under PATHS."""
    console = Console(highlight=False, soft_wrap=True)
    errors = Console(stderr=True, highlight=False, soft_wrap=True)
    target = config.db_path(db)
    progress = Progress(
        TextColumn("loading"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=quiet or not console.is_terminal,
    )
    task = progress.add_task("load", total=None)

    def on_package(outcome: PackageOutcome) -> None:
        if quiet:
            return
        if outcome.result == "loaded":
            extra = f", {outcome.rows_rejected:,} rows rejected" if outcome.rows_rejected else ""
            progress.console.print(
                f"[green]loaded[/] {escape(outcome.name)}: {outcome.org_code_provider} {outcome.reporting_period_start}"
                f" {outcome.submission_window}, {outcome.rows_loaded:,} rows{extra} -> {outcome.status}"
            )
        elif outcome.result == "already_loaded":
            progress.console.print(
                f"[yellow]skipped[/] {escape(outcome.name)}: same content already loaded ({outcome.status})"
            )
        else:
            progress.console.print(f"[red]rejected[/] {escape(outcome.name)}: {escape(outcome.reason or '')}")

    try:
        with progress, _pandas_not_imported():
            report = load_packages(
                list(paths),
                target,
                on_package=on_package,
                on_progress=lambda done, total: progress.update(task, completed=done, total=total),
            )
    except (UsageError, LoaderError, ConfigError) as exc:
        errors.print(f"[red]error:[/] {escape(str(exc))}")
        sys.exit(2)
    _print_summary(console, report, target)
    sys.exit(1 if report.count("rejected") else 0)


@contextlib.contextmanager
def _pandas_not_imported() -> Iterator[None]:
    """Rule loader_does_not_import_pandas (docs/performance.md): DuckDB's Python client imports pandas and numpy,
    about 0.4 s, the first time a statement has parameters, to see whether a value is a DataFrame. The loader
    binds only text, numbers, lists and timestamps, so while it runs the import is blocked (DuckDB then skips
    the check), and unblocked after, so a caller in the same process can still import pandas. A process that
    already holds pandas keeps it."""
    blocked = "pandas" not in sys.modules
    if blocked:
        sys.modules["pandas"] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        if blocked and sys.modules.get("pandas", 0) is None:
            del sys.modules["pandas"]


def _print_summary(console: Console, report: LoadReport, target: Path) -> None:
    if not report.outcomes:
        console.print("no submission packages found")
        return
    table = Table(title=f"Load into {escape(str(target))}", show_edge=False)
    for col in ("packages", "loaded", "already loaded", "rejected whole", "rows loaded", "rows rejected"):
        table.add_column(col, justify="right")
    table.add_row(
        str(len(report.outcomes)),
        str(report.count("loaded")),
        str(report.count("already_loaded")),
        str(report.count("rejected")),
        f"{report.rows_loaded:,}",
        f"{report.rows_rejected:,}",
    )
    console.print(table)
    if report.count("already_loaded") == len(report.outcomes):
        console.print("nothing to do: every package had been loaded before (loading is idempotent)")
    rejected = [o for o in report.outcomes if o.result == "rejected"]
    if rejected:
        console.print(f"[red]{len(rejected)} package(s) rejected whole[/] (details in landing.rejections):")
        for o in rejected:
            console.print(f"  {escape(o.path)}: {escape(o.reason or '')}")
    if report.rows_rejected:
        console.print("row-level rejections, with line numbers and reasons, are in landing.rejections")
