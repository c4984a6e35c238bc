"""`iapt report` (`make report`): one offline HTML file with four charts, checked in headless Chromium.

The browser test opens the report of the demo warehouse with no network, checks there is no console error,
that every chart rendered an SVG with marks, and saves a screenshot to build/report/report.png.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner

from iapt_warehouse.cli import cli
from iapt_warehouse.report import build_report, control_limits

REPO = Path(__file__).resolve().parents[2]
SCREENSHOT = REPO / "build/report/report.png"
pytestmark = pytest.mark.xdist_group("demo")


def test_control_limits_are_binomial_around_the_rate() -> None:
    points = {p["denominator"]: p for p in control_limits(0.5, 1000)}
    # n = 100, p = 0.5: the 2.5% and 97.5% binomial quantiles are 40 and 60
    assert points[100]["lower_95"] == 40.0 and points[100]["upper_95"] == 60.0
    for n in (10, 100, 1000):
        p = points[n]
        assert p["lower_99_8"] <= p["lower_95"] <= 50.0 <= p["upper_95"] <= p["upper_99_8"]
    # the funnel narrows as the denominator grows
    width = {n: points[n]["upper_99_8"] - points[n]["lower_99_8"] for n in (100, 1000)}
    assert width[1000] < width[100]


@pytest.fixture(scope="module")
def report(demo: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    out = tmp_path_factory.mktemp("report") / "index.html"
    data = build_report(demo[0], out, months=12, vendor=REPO / "docs/site_assets/vendor")
    return out, data


def test_report_figures_are_the_published_ones(demo: tuple[Path, Path], report: tuple[Path, Any]) -> None:
    _, data = report
    start, end = data.funnel_period
    with duckdb.connect(str(demo[0]), read_only=True) as con:
        row = con.execute(
            "select sum(measure_value) filter (where measure_id = 'M191'),"
            " sum(measure_value) filter (where measure_id = 'M076')"
            " - sum(measure_value) filter (where measure_id = 'M179')"
            " from publication.monthly_activity"
            " where group_type = 'England' and reporting_period_start between ? and ?",
            [start, end],
        ).fetchone()
    assert row and row[1] > 0
    assert data.england_rate == pytest.approx(row[0] / row[1], rel=1e-12)
    assert sum(f["denominator"] for f in data.funnel) == row[1]
    assert len(data.funnel) >= 2 and data.dq and len(data.monthly) == len(data.months)


def test_report_gives_clear_errors(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["report", "--db", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "r.html")]
    )
    assert result.exit_code == 1 and "no warehouse at" in result.output
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    result = CliRunner().invoke(cli, ["report", "--db", str(empty), "--out", str(tmp_path / "r.html")])
    assert result.exit_code == 1 and "not fully built" in result.output


def test_report_renders_offline_in_chromium(report: tuple[Path, Any], browser: Any) -> None:
    out, _ = report
    context = browser.new_context(viewport={"width": 1100, "height": 900}, offline=True)
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(out.as_uri(), wait_until="load")
    page.wait_for_function("window.chartsRendered === 4", timeout=30_000)
    for key in ("funnel", "waits", "activity", "dq"):
        selector = ", ".join(
            f"#chart-{key} svg .mark-{m}" for m in ("symbol path", "line path", "rect path", "rule line")
        )
        marks = page.eval_on_selector_all(selector, "els => els.length")
        assert marks > 0, key
    # the funnel plot: one circle per provider
    circles = page.eval_on_selector_all("#chart-funnel svg .mark-symbol.role-mark path", "els => els.length")
    assert circles == len(report[1].funnel)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    context.close()
    assert [u for u in requests if not u.startswith("file:")] == []
    assert errors == []
