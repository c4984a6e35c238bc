"""`iapt report` (`make report`): one static HTML report of the warehouse, readable offline.

Reads the warehouse read-only and writes one HTML file with four Altair (Vega-Lite) charts, the Vega,
Vega-Lite and vega-embed builds inlined from `docs/site_assets/vendor/` (no CDN, no server):

1. funnel plot: each provider's recovery rate (M192) over the last `months` months against the England
   rate, with 95% and 99.8% control limits (exact binomial limits around the England rate for each
   denominator: finished courses minus those not at caseness);
2. waits to first treatment of courses finished in the month: % within 6 weeks (M053) and 18 weeks (M055)
   against the standards (75% and 95%);
3. referrals received (M001), entered treatment (M031) and finished a course (M076) by month;
4. data quality: valid % per provider and item (dq.dq_item_validity, in-use submissions, all months) for
   the items published measures need (dq.dq_item_rules.measures_need) that are below 100% valid somewhere.

Figures are exact (publication.monthly_activity.measure_value), so the report is for internal use; the
publishable figures are those of `iapt publish`.
"""

from __future__ import annotations

import html
import json
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, cast

import altair as alt
import click
import duckdb
from scipy.stats import binom

from iapt_warehouse import config

DEFAULT_VENDOR = Path("docs/site_assets/vendor")
# Vega-Lite and vega-embed as Altair writes its specs for (alt.VEGALITE_VERSION); Vega 6 has no browser build (the
# npm package's build/vega.min.js is the 5.33.1 file, docs/site_assets/vendor/README.md), so Vega 5.33.1 runs it
SCRIPTS = (
    "vega@5.33.1/build/vega.min.js",
    "vega-lite@6.4.1/build/vega-lite.min.js",
    "vega-embed@7.3.0/build/vega-embed.min.js",
)
STANDARD_6_WEEKS = 75.0  # % of finished courses waiting at most 6 weeks for first treatment
STANDARD_18_WEEKS = 95.0
LIMITS = {"95": 0.95, "99_8": 0.998}  # field-name suffix -> coverage (no "." or "%": Vega reads them as paths)
DQ_ITEMS_SHOWN = 40


Spec = alt.TopLevelMixin


def _data(values: list[dict[str, Any]]) -> Any:
    """Inline chart data (altair's Data is untyped)."""
    return alt.Data(values=values)  # type: ignore[no-untyped-call]


class ReportError(Exception):
    """Bad input: no warehouse, an unbuilt one, or no months to report."""


@dataclass(frozen=True)
class ReportData:
    months: list[date]
    funnel: list[dict[str, Any]]
    england_rate: float
    funnel_period: tuple[date, date]
    monthly: list[dict[str, Any]]
    dq: list[dict[str, Any]]
    dq_items_total: int


_MONTHLY = """
select reporting_period_start, measure_id, measure_value
from publication.monthly_activity
where group_type = 'England' and measure_id in ('M001', 'M031', 'M076', 'M053', 'M055', 'M049')
order by reporting_period_start
"""

_FUNNEL = """
select
    org_code1 as provider_code,
    any_value(org_name1) as provider_name,
    sum(measure_value) filter (where measure_id = 'M191') as recovered,
    sum(measure_value) filter (where measure_id = 'M076') - sum(measure_value) filter (where measure_id = 'M179')
        as at_caseness
from publication.monthly_activity
where group_type = 'Provider' and measure_id in ('M191', 'M076', 'M179') and reporting_period_start between ? and ?
group by org_code1
order by org_code1
"""

_DQ = """
with
needed as (
    select distinct table_name, item_name from dq.dq_item_rules where measures_need
),
validity as (
    select
        validity.provider_code,
        validity.table_name || '.' || validity.item_name as item,
        sum(validity.valid_count) * 100.0 / nullif(sum(validity.total_count), 0) as valid_pct,
        sum(validity.total_count) as total_count
    from dq.dq_item_validity as validity
    inner join needed
        on validity.table_name = needed.table_name and validity.item_name = needed.item_name
    where validity.is_in_use
    group by all
)
select * from validity where valid_pct is not null
"""


def read_data(db: Path, months: int) -> ReportData:
    """Everything the charts show, from the warehouse (read-only)."""
    if not db.is_file():
        raise ReportError(f"no warehouse at {db}; run `make build` first")
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as exc:
        raise ReportError(f"cannot open {db} read-only: {exc}") from exc
    with con:
        try:
            rows = con.execute(_MONTHLY).fetchall()
            by_month: dict[date, dict[str, Any]] = {}
            for month, measure, value in rows:
                by_month.setdefault(month, {"month": month.isoformat()})[measure] = value
            all_months = sorted(by_month)
            if not all_months:
                raise ReportError(f"{db} has no published months; load data and run `make build`")
            start = all_months[max(0, len(all_months) - months)]
            end = all_months[-1]
            funnel_rows = con.execute(_FUNNEL, [start, end]).fetchall()
            dq_rows = con.execute(_DQ).fetchall()
        except duckdb.CatalogException as exc:
            raise ReportError(f"{db} is not fully built ({exc}); run `make build` (or dbt build) first") from exc
    funnel = [
        {"provider_code": code, "provider_name": name, "recovered": int(rec or 0), "denominator": int(den or 0)}
        for code, name, rec, den in funnel_rows
        if den and den > 0
    ]
    total_den = sum(f["denominator"] for f in funnel)
    england_rate = sum(f["recovered"] for f in funnel) / total_den if total_den else 0.0
    for f in funnel:
        f["rate"] = 100.0 * f["recovered"] / f["denominator"]
    dq_all = [{"provider": p, "item": i, "valid_pct": float(v), "records": int(t)} for p, i, v, t in dq_rows]
    worst: dict[str, float] = {}
    for row in dq_all:
        worst[row["item"]] = min(worst.get(row["item"], 100.0), row["valid_pct"])
    shown = sorted((i for i, v in worst.items() if v < 100.0), key=lambda i: (worst[i], i))[:DQ_ITEMS_SHOWN]
    dq = [row for row in dq_all if row["item"] in set(shown)]
    monthly = [by_month[m] for m in all_months]
    return ReportData(all_months, funnel, england_rate, (start, end), monthly, dq, len(worst))


def control_limits(rate: float, max_n: int) -> list[dict[str, Any]]:
    """Exact binomial control limits (%) around `rate` for denominators 1..max_n (a sparse grid above 200)."""
    ns = sorted({*range(1, min(max_n, 200) + 1), *range(200, max_n + 1, max(1, max_n // 400)), max_n})
    points = []
    for n in ns:
        point: dict[str, Any] = {"denominator": n}
        for label, level in LIMITS.items():
            tail = (1 - level) / 2
            point[f"lower_{label}"] = 100.0 * float(binom.ppf(tail, n, rate)) / n
            point[f"upper_{label}"] = 100.0 * float(binom.ppf(1 - tail, n, rate)) / n
        points.append(point)
    return points


def funnel_chart(data: ReportData) -> Spec:
    max_n = max([f["denominator"] for f in data.funnel] + [10])
    limits = _data(control_limits(data.england_rate, int(max_n * 1.1) + 1))
    base = (
        alt.Chart(limits)
        .transform_fold([f"{side}_{key}" for key in LIMITS for side in ("lower", "upper")], as_=["limit", "rate"])
        .transform_calculate(limits="indexof(datum.limit, '99_8') >= 0 ? '99.8% limits' : '95% limits'")
    )
    lines = base.mark_line(strokeDash=[4, 3]).encode(
        x=alt.X("denominator:Q", title="Finished courses at caseness (denominator)"),
        y=alt.Y("rate:Q", title="Recovery rate (%)", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color(
            "limits:N",
            title="Control limits",
            scale=alt.Scale(domain=["95% limits", "99.8% limits"], range=["#e6a23c", "#c0392b"]),
        ),
        detail="limit:N",
    )
    england = (
        alt.Chart(_data([{"rate": 100.0 * data.england_rate}]))
        .mark_rule(color="#333")
        .encode(y="rate:Q", tooltip=[alt.Tooltip("rate:Q", title="England rate (%)", format=".1f")])
    )
    points = (
        alt.Chart(_data(data.funnel))
        .mark_circle(size=90, color="#005eb8", opacity=0.9)
        .encode(
            x="denominator:Q",
            y="rate:Q",
            tooltip=[
                alt.Tooltip("provider_code:N", title="Provider"),
                alt.Tooltip("provider_name:N", title="Name"),
                alt.Tooltip("recovered:Q", title="Recovered"),
                alt.Tooltip("denominator:Q", title="Denominator"),
                alt.Tooltip("rate:Q", title="Recovery rate (%)", format=".1f"),
            ],
        )
    )
    start, end = data.funnel_period
    title = f"Recovery rate by provider, {start:%b %Y} to {end:%b %Y}, England {100 * data.england_rate:.1f}%"
    return cast(Spec, alt.layer(lines, england, points).properties(width=640, height=360, title=title))


def waits_chart(data: ReportData) -> Spec:
    values = [
        {"month": row["month"], "standard": label, "percent": row.get(measure)}
        for row in data.monthly
        for label, measure in (("within 6 weeks", "M053"), ("within 18 weeks", "M055"))
        if row.get(measure) is not None
    ]
    colours = alt.Scale(domain=["within 6 weeks", "within 18 weeks"], range=["#005eb8", "#41b6e6"])
    lines = (
        alt.Chart(_data(values))
        .mark_line(point=True)
        .encode(
            x=alt.X("month:T", title="Reporting month", axis=alt.Axis(format="%b %y")),
            y=alt.Y("percent:Q", title="Finished courses (%)", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color("standard:N", title="Waited for first treatment", scale=colours),
            tooltip=[alt.Tooltip("month:T", format="%b %Y"), "standard:N", alt.Tooltip("percent:Q", format=".1f")],
        )
    )
    standards = [
        {"standard": "within 6 weeks", "percent": STANDARD_6_WEEKS},
        {"standard": "within 18 weeks", "percent": STANDARD_18_WEEKS},
    ]
    rules = (
        alt.Chart(_data(standards))
        .mark_rule(strokeDash=[6, 4])
        .encode(y="percent:Q", color=alt.Color("standard:N", scale=colours))
    )
    title = "Waits to first treatment, courses finished in the month (dashed: the 75% and 95% standards)"
    return cast(Spec, alt.layer(lines, rules).properties(width=640, height=280, title=title))


def activity_chart(data: ReportData) -> Spec:
    names = {"M001": "Referrals received", "M031": "Entered treatment", "M076": "Finished a course"}
    values = [
        {"month": row["month"], "measure": name, "count": row.get(measure)}
        for row in data.monthly
        for measure, name in names.items()
        if row.get(measure) is not None
    ]
    chart = (
        alt.Chart(_data(values))
        .mark_line(point=True)
        .encode(
            x=alt.X("month:T", title="Reporting month", axis=alt.Axis(format="%b %y")),
            y=alt.Y("count:Q", title="Pathways"),
            color=alt.Color("measure:N", title=None, sort=list(names.values())),
            tooltip=[alt.Tooltip("month:T", format="%b %Y"), "measure:N", "count:Q"],
        )
        .properties(width=640, height=280, title="Referrals, entering treatment and finishing a course (England)")
    )
    return cast(Spec, chart)


def dq_chart(data: ReportData) -> Spec:
    shown = len({row["item"] for row in data.dq})
    title = (
        f"Valid % by provider, items the measures need: the {shown} of {data.dq_items_total}"
        " below 100% somewhere, worst first"
    )
    chart = (
        alt.Chart(_data(data.dq))
        .mark_rect()
        .encode(
            x=alt.X("provider:N", title="Provider"),
            y=alt.Y("item:N", title=None, sort=alt.EncodingSortField(field="valid_pct", op="min", order="ascending")),
            color=alt.Color(
                "valid_pct:Q", title="Valid %", scale=alt.Scale(scheme="redyellowgreen", domain=[0, 100], clamp=True)
            ),
            tooltip=["provider:N", "item:N", alt.Tooltip("valid_pct:Q", format=".1f"), "records:Q"],
        )
        .properties(width=max(160, 60 * len({row["provider"] for row in data.dq})), title=title)
    )
    return cast(Spec, chart)


def render_html(data: ReportData, db: Path, vendor: Path = DEFAULT_VENDOR) -> str:
    """The report page: the inlined Vega builds, the chart specs and a short text around them."""
    charts = [
        ("funnel", "Recovery rate funnel plot", funnel_chart(data)),
        ("waits", "Waits to first treatment", waits_chart(data)),
        ("activity", "Activity by month", activity_chart(data)),
    ]
    if data.dq:
        charts.append(("dq", "Data quality", dq_chart(data)))
    scripts = "\n".join(
        f"<script>/* {name} */\n{(vendor / name).read_text(encoding='utf-8')}\n</script>" for name in SCRIPTS
    )
    sections = "\n".join(
        f'<section><h2>{html.escape(heading)}</h2><div id="chart-{key}" class="chart"></div></section>'
        for key, heading, _ in charts
    )
    specs = {key: chart.to_dict() for key, _, chart in charts}
    first, last = data.months[0], data.months[-1]
    no_dq = "" if data.dq else "<p>No item below 100% valid in the in-use submissions.</p>"
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>IAPT warehouse report</title>
<style>
body {{ font-family: Arial, Helvetica, sans-serif; margin: 2em auto; max-width: 960px; color: #212b32; }}
h1 {{ color: #005eb8; }} section {{ margin: 2em 0; }} .note {{ color: #4c6272; font-size: 0.9em; }}
</style>
{scripts}
</head>
<body>
<h1>IAPT (NHS Talking Therapies) warehouse report</h1>
<p>{len(data.months)} reporting months, {first:%B %Y} to {last:%B %Y}, from <code>{html.escape(db.name)}</code>.
England figures from <code>publication.monthly_activity</code>; provider figures exact, not disclosure-controlled:
for internal use (publish with <code>iapt publish</code>).</p>
<p class="note">Funnel limits: exact binomial quantiles around the England rate for each denominator (finished
courses minus those not at caseness). Waiting standards: 75% within 6 weeks, 95% within 18 weeks of referral.</p>
{sections}
{no_dq}
<script>
const specs = {json.dumps(specs, default=str)};
window.chartsRendered = 0;
for (const [key, spec] of Object.entries(specs)) {{
  // compiled here and embedded as Vega, so vega-embed does not compare the compiled spec's Vega version
  const compiled = vegaLite.compile(spec).spec;
  delete compiled.$schema;
  vegaEmbed("#chart-" + key, compiled, {{mode: "vega", renderer: "svg", actions: false}})
    .then(() => {{ window.chartsRendered += 1; }})
    .catch((err) => console.error("chart " + key + ": " + err));
}}
</script>
</body>
</html>
"""


def build_report(db: Path, out: Path, months: int = 12, vendor: Path = DEFAULT_VENDOR) -> ReportData:
    """Read the warehouse and write the report to `out`; returns the data shown."""
    missing = [name for name in SCRIPTS if not (vendor / name).is_file()]
    if missing:
        raise ReportError(
            f"vendored Vega builds missing under {vendor}: {', '.join(missing)} (run from the repository)"
        )
    data = read_data(db, months)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_html(data, db, vendor), encoding="utf-8")
    return data


@click.command(name="report")
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("build/report/index.html"),
    show_default=True,
    help="HTML file to write.",
)
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False), default=None, help="Warehouse file.")
@click.option(
    "--months", type=click.IntRange(min=1), default=12, show_default=True, help="Months the funnel plot covers."
)
@click.option(
    "--vendor",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_VENDOR,
    show_default=True,
    help="Folder of the vendored Vega builds.",
)
def report(out: Path, db: Path | None, months: int, vendor: Path) -> None:
    """Write the static HTML report (funnel plot, waits, activity, data quality)."""
    started = time.perf_counter()
    try:
        data = build_report(config.db_path(db), out, months, vendor)
    except ReportError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    click.echo(
        f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB; {len(data.months)} months, {len(data.funnel)} providers)"
        f" in {time.perf_counter() - started:.1f} s"
    )
