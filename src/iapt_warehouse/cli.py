"""The `iapt` command line.

Subcommands live in their own modules and are imported only when run, so `iapt --help` stays fast and
a broken optional dependency of one command never stops the others.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

# name -> (module, attribute, one-line help)
_COMMANDS: dict[str, tuple[str, str, str]] = {
    "calibrate": ("iapt_warehouse.calibration", "calibrate", "Compare England rates with the published ones."),
    "coverage": ("iapt_warehouse.coverage", "coverage", "Print or write the measure coverage page."),
    "docs-site": ("iapt_warehouse.docs_site", "docs_site", "Build the offline documentation site (make docs)."),
    "export": ("iapt_warehouse.export", "export", "Write every mart and publication table as Parquet."),
    "governance": ("iapt_warehouse.governance", "governance", "Check models are described and tested."),
    "load": ("iapt_warehouse.landing.cli", "load", "Load submission packages into the landing layer."),
    "codegen": ("iapt_warehouse.codegen", "codegen", "Generate dbt YAML from the contract and data dictionary."),
    "publish": ("iapt_warehouse.publish", "publish", "Write a month's NHS monthly activity file."),
    "publish-db": (
        "iapt_warehouse.publish_db",
        "publish_db",
        "Build into a staging copy of the warehouse; publish it by atomic rename.",
    ),
    "report": ("iapt_warehouse.report", "report", "Write the static HTML report (make report)."),
    "spark-build": ("iapt_warehouse.spark", "spark_build", "Run dbt on a local SparkSession (.venv-spark)."),
    "spark-export": ("iapt_warehouse.spark", "spark_export", "Write the landing tables to Parquet for Spark."),
    "synth": ("iapt_warehouse.synth.cli", "synth", "Write synthetic submission packages."),
    "validate": ("iapt_warehouse.gx.cli", "validate", "Run the Great Expectations suites on the warehouse."),
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in _COMMANDS:
            return None
        module_name, attr, _ = _COMMANDS[cmd_name]
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:  # a command whose module is not there yet
            if exc.name and module_name.startswith(exc.name):
                return None
            raise
        command: Any = getattr(module, attr)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, help_) for name, (_, _, help_) in sorted(_COMMANDS.items())]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="iapt-warehouse")
def cli() -> None:
    """IAPT (NHS Talking Therapies) warehouse tools."""


def main() -> None:
    """Entry point: an unexpected failure prints one line (set IAPT_DEBUG=1 for the traceback), exit 2."""
    try:
        cli(standalone_mode=True)
    except Exception as exc:  # last resort: bad input is handled inside each command
        if os.environ.get("IAPT_DEBUG"):
            raise
        click.echo(f"error: unexpected {type(exc).__name__}: {exc} (set IAPT_DEBUG=1 to see where)", err=True)
        sys.exit(2)
