"""`iapt synth`: write synthetic submission packages, or report their calibration (`--report`)."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import click

from iapt_warehouse.synth import config as synth_config
from iapt_warehouse.synth.config import ConfigError

EPILOG = """
\b
Examples:
  iapt synth build/demo-data --scale demo
  iapt synth build/region --scale region --seed 7
  iapt synth build/small --providers 6 --months 2020-06:2021-05 --referrals-per-month 80
  iapt synth --report build/region
"""


def _default_jobs() -> int:
    return max(1, min(2, os.cpu_count() or 1))


@click.command(epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--scale", type=click.Choice(["demo", "region", "national"]), help="A preset (options below override it)."
)
@click.option("--providers", type=int, help="Number of providers (real codes, spread over the provider list).")
@click.option("--months", metavar="FROM:TO", help="Reporting months, e.g. 2020-04:2021-03 (the default).")
@click.option("--referrals-per-month", type=float, help="Mean referrals per provider-month (default: real volumes).")
@click.option("--seed", type=int, default=42, show_default=True, help="Same seed and options, same bytes.")
@click.option("--defect-rate", type=float, help="Share of rows given a data-quality defect (default 0.004).")
@click.option("--zip-share", type=float, help="Share of packages written as .zip (default 0.10).")
@click.option("--refresh-share", type=float, help="Share of provider-months with a Refresh package (default 0.30).")
@click.option("--jobs", type=int, default=_default_jobs, show_default="min(2, cores)", help="Worker processes.")
@click.option("--force", is_flag=True, help="Replace OUTDIR if it holds a previous `iapt synth` output.")
@click.option("--report", "report_only", is_flag=True, help="Do not generate: report the calibration of OUTDIR.")
@click.option("--warmup", type=int, help="--report: months at the start left out of the rates (default min(12, half)).")
@click.option("--json", "as_json", is_flag=True, help="--report: print the report as JSON.")
@click.option("--quiet", is_flag=True, help="No progress bar or summary.")
def synth(
    outdir: Path,
    scale: str | None,
    providers: int | None,
    months: str | None,
    referrals_per_month: float | None,
    seed: int,
    defect_rate: float | None,
    zip_share: float | None,
    refresh_share: float | None,
    jobs: int,
    force: bool,
    report_only: bool,
    warmup: int | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """Write synthetic IAPT submission packages (v1.5 and v2.0) to OUTDIR, with OUTDIR/manifest.json.

    With --report, read the packages under OUTDIR instead and print the headline rates (recovery,
    reliable improvement and deterioration, share of referrals finishing a course, waits) computed
    with the derivation rules, next to the published England figures; also written to
    OUTDIR/calibration.json.
    """
    if report_only:
        _report(outdir, warmup, as_json, quiet)
        return
    try:
        cfg = synth_config.build(
            scale,
            providers=providers,
            months=months,
            referrals_per_month=referrals_per_month,
            seed=seed,
            defect_rate=defect_rate,
            zip_share=zip_share,
            refresh_share=refresh_share,
            jobs=max(1, jobs),
        )
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    from iapt_warehouse.synth import generate

    started = time.monotonic()
    total_weight = sum(p.monthly_referrals for p in cfg.providers) or 1.0
    show = not quiet and sys.stderr.isatty()
    progress: Any = None
    task: Any = None
    if show:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        progress = Progress(
            TextColumn("synth"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            MofNCompleteColumn(),
            TextColumn("providers"),
            TimeElapsedColumn(),
            transient=True,
        )
        task = progress.add_task("providers", total=len(cfg.providers))
        progress.start()

    def on_provider(result: generate.ProviderResult, weight: float) -> None:
        if progress is not None:
            progress.update(task, advance=1, description=f"{result.org_code} ({weight / total_weight:.0%})")

    try:
        manifest = generate.generate(cfg, outdir, force=force, on_provider=on_provider)
    except generate.OutputError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        if progress is not None:
            progress.stop()
    if quiet:
        return
    totals = manifest["totals"]
    rows = totals["rows"]
    contacts = rows.get("IDS201CareContact", 0) + rows.get("IAPTDataSetAppointment", 0)
    scores = rows.get("IDS607CodedScoreAssessmentAct", 0) + rows.get("IDS606CodedScoreAssessmentRefer", 0)
    windows = ", ".join(f"{n} {w}" for w, n in totals["by_window"].items())
    defects = sum(totals["defects"].values())
    click.echo(
        f"wrote {totals['packages']} packages ({windows}; {totals['zip_packages']} zipped) for"
        f" {len(cfg.providers)} providers, {synth_config.month_text(cfg.first_month)} to"
        f" {synth_config.month_text(cfg.last_month)}, to {outdir}"
    )
    click.echo(
        f"  {totals['referrals_received']:,} referrals received, {sum(rows.values()):,} rows"
        f" ({contacts:,} contacts, {scores:,} coded scores), {totals['bytes'] / 1e6:,.1f} MB,"
        f" {defects:,} defects injected; {time.monotonic() - started:.1f} s"
    )
    click.echo(f"  manifest: {outdir / generate.MANIFEST}")


def _report(outdir: Path, warmup: int | None, as_json: bool, quiet: bool) -> None:
    from iapt_warehouse.synth import report

    if not outdir.is_dir():
        raise click.UsageError(f"{outdir} is not a directory of packages")
    try:
        result = report.calibration(outdir, warmup=warmup)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    (outdir / "calibration.json").write_text(json.dumps(result, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    if as_json:
        click.echo(json.dumps(result, indent=1, sort_keys=True))
        return
    if quiet:
        return
    months = result["months"]
    click.echo(
        f"calibration of {outdir}: {result['packages_in_use']} in-use packages of {result['packages_found']};"
        f" rates over {months[0]} to {months[-1]} (first {result['warmup_months']} months left out as warm-up)"
    )
    counts = result["counts"]
    click.echo(
        f"  {counts['referrals_received']:,} referrals received, {counts['ended']:,} ended,"
        f" {counts['finished']:,} finished a course of treatment"
    )
    click.echo(f"  {'measure':32} {'synthetic':>9} {'published':>9} {'diff (pp)':>9}")
    for name, value in result["rates"].items():
        shown = "-" if value is None else f"{value:9.1f}"
        diff = result["difference_pp"][name]
        click.echo(
            f"  {name:32} {shown:>9} {result['published'][name]:9.1f} {'-' if diff is None else f'{diff:+9.1f}':>9}"
        )
