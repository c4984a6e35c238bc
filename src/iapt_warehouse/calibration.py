"""`iapt calibrate`: the synthetic data's headline rates computed *through the warehouse*.

`iapt synth --report` computes the headline rates straight from the packages; this command reads them
from `publication.monthly_activity` (England rows, summed over the months), so the comparison with the
published England figures runs through the loader, staging, the derivation models and the publication
layer. The two are independent implementations of derivation-rules.md and should agree.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import duckdb

from iapt_warehouse import config
from iapt_warehouse.synth import reference, report

# measure ids summed over the months at England level
_MEASURES = {
    "referrals_received": "M001",
    "finished": "M076",
    "not_at_caseness": "M179",
    "reliable_improvement": "M185",
    "deterioration": "M189",
    "recovered": "M191",
    "reliable_recovery": "M193",
    "within_6_weeks": "M052",
    "within_18_weeks": "M054",
}


def warehouse_calibration(db: Path, warmup: int = 12) -> dict[str, Any]:
    """England headline rates over the warehouse's months after `warmup` months, with the published ones."""
    with duckdb.connect(str(db), read_only=True) as con:
        months = [
            r[0]
            for r in con.execute(
                "select distinct reporting_period_start from publication.monthly_activity order by 1"
            ).fetchall()
        ]
        if not months:
            raise click.ClickException(f"{db} has no published months; run `make build` first")
        warmup = max(0, min(warmup, len(months) - 1))
        used = months[warmup:]
        rows = con.execute(
            "select measure_id, sum(measure_value) from publication.monthly_activity"
            " where group_type = 'England' and reporting_period_start >= ? and measure_id in ?"
            " group by measure_id",
            [used[0], list(_MEASURES.values())],
        ).fetchall()
    by_id = {measure_id: float(value or 0) for measure_id, value in rows}
    counts = {name: int(by_id.get(measure_id, 0)) for name, measure_id in _MEASURES.items()}
    rates = report.headline_rates(counts)
    published = reference.published()
    return {
        "months": [m.isoformat()[:7] for m in used],
        "warmup_months": warmup,
        "counts": counts,
        "rates": rates,
        "published": {k: published[k] for k in rates},
        "difference_pp": {k: (round(v - published[k], 2) if v is not None else None) for k, v in rates.items()},
    }


@click.command(name="calibrate")
@click.option("--db", "db", type=click.Path(path_type=Path, dir_okay=False), default=None, help="Warehouse file.")
@click.option("--warmup", type=int, default=12, show_default=True, help="Leading months left out of the rates.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def calibrate(db: Path | None, warmup: int, as_json: bool) -> None:
    """Compare the warehouse's England headline rates with the published England figures."""
    warehouse = config.db_path(db)
    if not warehouse.exists():
        raise click.ClickException(f"no warehouse at {warehouse}; run `make build` first")
    try:
        result = warehouse_calibration(warehouse, warmup)
    except duckdb.CatalogException as exc:
        raise click.ClickException(f"{warehouse} has no publication.monthly_activity; run `make build`") from exc
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    months = result["months"]
    click.echo(f"England, {months[0]} to {months[-1]} ({len(months)} months, {result['warmup_months']} left out)")
    click.echo(f"{'measure':32} {'warehouse':>10} {'published':>10} {'diff pp':>8}")
    for name, value in result["rates"].items():
        diff = result["difference_pp"][name]
        shown = "-" if value is None else f"{value:.1f}"
        click.echo(f"{name:32} {shown:>10} {result['published'][name]:>10.1f} {'' if diff is None else diff:>8}")
