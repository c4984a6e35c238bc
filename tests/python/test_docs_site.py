"""`iapt docs-site` (`make docs`): the offline documentation site, checked in headless Chromium.

The site is built from stand-ins for what other parts produce: real dbt docs (`dbt parse` + `dbt docs
generate --static --no-compile` on an empty warehouse), real GX Data Docs (a throwaway file context
validating a small pandas frame, so the pages carry GX's CDN links) and the `dq` tables of the agreed
interface created in a small DuckDB.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner

from iapt_warehouse.cli import cli
from iapt_warehouse.docs_site import SiteError, build_site, vendor
from iapt_warehouse.measure_docs import MEASURE_DOCS_PATH, render_measure_docs

REPO = Path(__file__).resolve().parents[2]
ASSETS = REPO / "docs/site_assets"
# One xdist worker builds the stand-ins once for the whole module (`pytest -n 2 --dist loadgroup`).
pytestmark = pytest.mark.xdist_group("docs_site")

_SUMMARY_DDL = """
create table dq.dq_provider_month_summary (
    provider_code varchar, provider_name varchar, reporting_period_start date, reporting_period_end date,
    submitted boolean, submission_window_in_use varchar, submission_id_in_use varchar, tables_submitted integer,
    rows_loaded bigint, rows_rejected bigint, items_checked integer, items_below_target integer,
    worst_item varchar, worst_item_valid_pct double, pathway_continuity_pct double, org_code_continuity_pct double,
    person_id_continuity_pct double, person_id_valid_pct double, dq_status varchar, status_reason varchar,
    affected_measure_ids varchar
)
"""
_ITEM_DDL = """
create table dq.dq_item_validity (
    provider_code varchar, reporting_period_start date, submission_window varchar, submission_id varchar,
    table_name varchar, item_name varchar, total_count bigint, valid_count bigint, other_count bigint,
    default_count bigint, invalid_count bigint, missing_count bigint, valid_pct double, other_pct double,
    default_pct double, invalid_pct double, missing_pct double, dq_measure_id varchar
)
"""


def make_dq_db(path: Path) -> Path:
    """A warehouse holding only the dq tables of the agreed interface (and the measure catalogue), two months."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema dq")
        con.execute("create schema staging")
        con.execute(_SUMMARY_DDL)
        con.execute(_ITEM_DDL)
        con.execute("create table dq.dq_measure_item_inputs (measure_id varchar, table_name varchar, item_name text)")
        con.execute("create table staging.ref_measure_catalogue (measure_id varchar, measure_name varchar)")
        con.execute(
            "insert into staging.ref_measure_catalogue values "
            "('M002', 'Count_SelfReferrals'), ('M003', 'Count_GPReferrals')"
        )
        con.execute(
            "insert into dq.dq_measure_item_inputs values ('M002', 'IDS101Referral', 'SourceOfReferralMH'), "
            "('M003', 'IDS101Referral', 'SourceOfReferralMH')"
        )
        for month, end in (("2021-02-01", "2021-02-28"), ("2021-03-01", "2021-03-31")):
            con.execute(
                "insert into dq.dq_provider_month_summary values "
                f"('RA1', 'Alpha Trust', '{month}', '{end}', true, 'Refresh', 'S-A-{month}', 9, 1200, 0, 80, 0,"
                " 'IDS101Referral.ReferralRequestReceivedDate', 99.5, 98.0, 100.0, 100.0, 99.0, 'good', 'All checks"
                " passed', ''),"
                f"('RB2', 'Beta Trust', '{month}', '{end}', true, 'Primary', 'S-B-{month}', 9, 800, 12, 80, 1,"
                " 'IDS101Referral.SourceOfReferralMH', 70.0, 91.0, 100.0, 100.0, 95.0, 'warn',"
                " 'IDS101Referral.SourceOfReferralMH is 70.0% valid (target 90%)', 'M002,M003'),"
                f"('RC3', 'Gamma Trust', '{month}', '{end}', false, null, null, 0, 0, 0, 0, 0, null, null, null,"
                " null, null, null, 'error', 'No submission for the month', '')"
            )
            con.execute(
                "insert into dq.dq_item_validity values "
                f"('RB2', '{month}', 'Primary', 'S-B-{month}', 'IDS101Referral', 'SourceOfReferralMH', 100, 70, 0, 0,"
                " 10, 20, 70.0, 0.0, 0.0, 10.0, 20.0, null),"
                f"('RB2', '{month}', 'Primary', 'S-B-{month}', 'IDS101Referral', 'ServiceRequestId', 100, 100, 0, 0,"
                " 0, 0, 100.0, 0.0, 0.0, 0.0, 0.0, null),"
                f"('RA1', '{month}', 'Refresh', 'S-A-{month}', 'IDS101Referral', 'SourceOfReferralMH', 100, 99, 0, 1,"
                " 0, 0, 99.0, 0.0, 1.0, 0.0, 0.0, null)"
            )
    return path


def make_gx_docs(root: Path) -> Path:
    """Real GX Data Docs from a throwaway file context (in a subprocess: GX keeps global state)."""
    script = """
import sys
import great_expectations as gx
import pandas as pd
ctx = gx.get_context(mode="file", project_root_dir=sys.argv[1])
asset = ctx.data_sources.add_pandas("frames").add_dataframe_asset("providers")
suite = ctx.suites.add(gx.ExpectationSuite(name="providers_suite"))
suite.add_expectation(gx.expectations.ExpectColumnValuesToNotBeNull(column="provider_code"))
suite.add_expectation(gx.expectations.ExpectColumnValuesToBeBetween(column="rows", min_value=0, max_value=10))
vd = ctx.validation_definitions.add(
    gx.ValidationDefinition(name="vd", data=asset.add_batch_definition_whole_dataframe("all"), suite=suite)
)
cp = ctx.checkpoints.add(
    gx.Checkpoint(name="cp", validation_definitions=[vd], actions=[gx.checkpoint.UpdateDataDocsAction(name="docs")])
)
cp.run(batch_parameters={"dataframe": pd.DataFrame({"provider_code": ["RA1", None], "rows": [1, 12]})})
"""
    env = {**os.environ, "GX_ANALYTICS_ENABLED": "false"}
    run = subprocess.run([sys.executable, "-c", script, str(root)], capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr[-3000:]
    site = root / "gx/uncommitted/data_docs/local_site"
    assert (site / "index.html").is_file()
    return site


def make_dbt_docs(work: Path) -> Path:
    """dbt's static docs page for this project, on an empty warehouse (parse, then generate without compiling)."""
    target = work / "target"
    env = {
        **os.environ,
        "IAPT_DUCKDB_PATH": str(work / "empty" / "iapt.duckdb"),
        "IAPT_PSEUDO_KEY": "docs-site-test-key-0123456789",
        "DBT_PROFILES_DIR": str(REPO),
    }
    (work / "empty").mkdir()
    dbt = str(Path(sys.executable).parent / "dbt")
    common = ["--target-path", str(target), "--log-path", str(work / "logs")]
    for args in (["parse", *common], ["docs", "generate", "--static", "--no-compile", *common]):
        run = subprocess.run([dbt, *args], env=env, cwd=REPO, capture_output=True, text=True)
        assert run.returncode == 0, run.stdout[-3000:]
    return target


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    work = tmp_path_factory.mktemp("docs-site")
    return {
        "db": make_dq_db(work / "iapt.duckdb"),
        "gx": make_gx_docs(work / "gx-project"),
        "target": make_dbt_docs(work),
        "work": work,
    }


@pytest.fixture(scope="module")
def site(parts: dict[str, Path]) -> Path:
    out = parts["work"] / "site"
    result = build_site(parts["db"], parts["target"], parts["gx"], out, ASSETS)
    assert result.dbt_ok and result.gx_ok and result.months == ["2021-03", "2021-02"], result
    return out


def test_measure_doc_blocks_quote_the_catalogue_rule() -> None:
    text = (REPO / MEASURE_DOCS_PATH).read_text(encoding="utf-8")
    assert text == render_measure_docs(REPO), "run `iapt codegen`"
    block = re.search(r"\{% docs measure_M002 %\}(.*?)\{% enddocs %\}", text, re.S)
    assert block is not None
    assert "Count_SelfReferrals" in block[1]
    assert "IDS101Referral.SourceOfReferralMH" in block[1]  # the construction rule, quoted
    catalogue = (REPO / "seeds/publication/ref_measure_catalogue.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert len(re.findall(r"\{% docs measure_M\d+ %\}", text)) == len(catalogue)


def test_gx_cdn_links_are_rewritten_and_checked(site: Path) -> None:
    pages = list((site / "gx").rglob("*.html"))
    assert len(pages) >= 3
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"(src|href)=[\"']?(https?:)?//", re.sub(r"<a\b[^>]*>", "", text)), page
        assert "vendor/bootstrap@4.3.1/dist/css/bootstrap.min.css" in text
        assert "great-expectations-web-assets" not in text
    assert vendor.external_references(site, skip_local_check=("dbt",)) == []
    assert "great-expectations-web-assets" not in (site / "gx/static/styles/data_docs_default_styles.css").read_text()


def test_dq_statement_content(site: Path) -> None:
    page = (site / "dq/2021-03.html").read_text(encoding="utf-8")
    assert "2 / 3" in page  # providers submitted / expected
    assert "2,000" in page and "12" in page  # rows loaded, rejected
    assert "IDS101Referral.SourceOfReferralMH" in page and "70.0" in page
    assert "Count_SelfReferrals" in page and "Count_GPReferrals" in page
    assert "ReferralRequestReceivedDate is in the period" in page  # M002's rule, from the dbt doc block
    assert "#!/model/model.iapt_warehouse.dq_provider_month_summary" in page
    assert "No submission for the month" in page
    index = (site / "index.html").read_text(encoding="utf-8")
    assert index.index("dq/2021-03.html") < index.index("dq/2021-02.html")  # newest first


def test_missing_parts_are_explained_not_fatal(tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = CliRunner().invoke(
        cli,
        ["docs-site", "--db", str(tmp_path / "none.duckdb"), "--dbt-target", str(tmp_path / "t"),
         "--gx-docs", str(tmp_path / "gx"), "--out", str(out), "--assets", str(ASSETS)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "The dbt docs are not built" in index
    assert "Great Expectations Data Docs are not built" in index
    assert "No data-quality statements: no warehouse at" in index
    # a warehouse without the dq schema (main before the dq models merge)
    empty = tmp_path / "empty" / "iapt.duckdb"
    empty.parent.mkdir()
    duckdb.connect(str(empty)).close()
    result = build_site(empty, tmp_path / "t", tmp_path / "gx", out, ASSETS)
    assert "dq models are not built" in (out / "index.html").read_text(encoding="utf-8"), result


def test_dq_tables_off_interface_are_explained(tmp_path: Path) -> None:
    db = make_dq_db(tmp_path / "iapt.duckdb")
    with duckdb.connect(str(db)) as con:
        con.execute("alter table dq.dq_provider_month_summary drop column affected_measure_ids")
    build_site(db, tmp_path / "t", tmp_path / "gx", tmp_path / "site", ASSETS)
    assert "do not match the agreed interface" in (tmp_path / "site/index.html").read_text(encoding="utf-8")
    (tmp_path / "empty").mkdir()
    empty = make_dq_db(tmp_path / "empty" / "iapt.duckdb")
    with duckdb.connect(str(empty)) as con:
        con.execute("delete from dq.dq_provider_month_summary")
    build_site(empty, tmp_path / "t", tmp_path / "gx", tmp_path / "site", ASSETS)
    assert "has no rows" in (tmp_path / "site/index.html").read_text(encoding="utf-8")


def test_an_unvendored_cdn_url_fails_the_build(parts: dict[str, Path], tmp_path: Path) -> None:
    gx = tmp_path / "gx"
    shutil.copytree(parts["gx"], gx)
    index = gx / "index.html"
    index.write_text(
        index.read_text().replace("</head>", '<script src="https://cdn.example.org/lib.js"></script></head>')
    )
    with pytest.raises(SiteError, match=r"https://cdn\.example\.org/lib\.js"):
        build_site(parts["db"], parts["target"], gx, tmp_path / "site", ASSETS)
    result = CliRunner().invoke(
        cli,
        ["docs-site", "--db", str(parts["db"]), "--dbt-target", str(parts["target"]), "--gx-docs", str(gx),
         "--out", str(tmp_path / "site2"), "--assets", str(ASSETS)],
    )  # fmt: skip
    assert result.exit_code == 1 and "cdn.example.org/lib.js" in result.output
    assert "Traceback" not in result.output


def test_a_vendored_file_that_is_not_the_one_asked_for_fails_the_build(parts: dict[str, Path], tmp_path: Path) -> None:
    assets = tmp_path / "assets"
    shutil.copytree(ASSETS, assets)
    popper = assets / "vendor/popper.js@1.12.9/dist/umd/popper.min.js"
    popper.write_text(popper.read_text() + "\n/* changed */\n")
    with pytest.raises(SiteError, match="does not match the integrity hash"):
        build_site(parts["db"], parts["target"], parts["gx"], tmp_path / "site", assets)


class _Watch:
    """Every request, failed request, HTTP error and console error of one page."""

    def __init__(self, page: Any) -> None:
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url}: {r.failure}"))
        page.on("console", lambda m: self.errors.append(f"{m.text} {m.location}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def assert_offline_and_clean(self) -> None:
        assert self.requests, "the page made no request at all"
        assert [u for u in self.requests if not u.startswith("file:")] == []
        assert self.failed == []
        assert self.errors == []


def _style(page: Any, selector: str, prop: str) -> str:
    return str(page.eval_on_selector(selector, f"e => getComputedStyle(e).getPropertyValue('{prop}')"))


def test_site_renders_offline_in_chromium(site: Path, browser: Any) -> None:
    context = browser.new_context()
    page = context.new_page()
    watch = _Watch(page)

    page.goto((site / "index.html").as_uri(), wait_until="load")
    # the site's own stylesheet: the header's NHS blue (a bare <header> is transparent)
    assert _style(page, ".site-header", "background-color") == "rgb(0, 94, 184)"
    page.click("a.dq-month >> nth=0")  # the newest month is the first link
    page.wait_for_load_state("load")
    assert page.url.endswith("/dq/2021-03.html")
    assert "March 2021" in page.inner_text("h1")
    assert _style(page, "main", "max-width") != "none"  # styled there too

    for gx_page in ["gx/index.html", *sorted(str(p.relative_to(site)) for p in (site / "gx").rglob("*.html"))[:4]]:
        page.goto((site / gx_page).as_uri(), wait_until="load")
        page.wait_for_load_state("networkidle")
    page.goto((site / "gx/index.html").as_uri(), wait_until="load")
    # Bootstrap 4.3.1's .btn-primary (a bare <a> has no background and is inline)
    assert _style(page, "a.btn.btn-primary", "background-color") == "rgb(0, 123, 255)"
    assert _style(page, "a.btn.btn-primary", "padding-left") == "12px"
    assert _style(page, "nav.navbar", "display") == "flex"
    assert page.evaluate("typeof jQuery === 'function' && typeof jQuery.fn.bootstrapTable === 'function'")
    assert page.evaluate("typeof vegaEmbed === 'function'")

    page.goto((site / "dbt/static_index.html").as_uri(), wait_until="load")
    page.wait_for_selector("text=IAPT (NHS Talking Therapies) warehouse", timeout=30_000)  # the __overview__ page
    context.close()
    watch.assert_offline_and_clean()
