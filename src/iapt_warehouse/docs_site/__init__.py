"""`iapt docs-site`: one offline documentation site (dbt docs, GX Data Docs, data-quality statements).

Layout of the output folder:

* `index.html`: the front page (what the warehouse is, its layers, links to the rest, one data-quality
  statement per reporting month, newest first); `site.css`: the site's stylesheet.
* `dbt/`: dbt's `docs generate --static` output (`static_index.html`, self-contained).
* `gx/`: a copy of the GX Data Docs with every CDN URL rewritten to `vendor/` (see `vendor.py`).
* `dq/<YYYY-MM>.html`: the data-quality statement of each month, from the `dq` models.
* `vendor/`: the committed copies of the libraries GX Data Docs load (docs/site_assets/vendor/).

A missing part (no dbt docs, no GX Data Docs, no dq schema) gives a clear message on the front page, not
a failure. The build fails, listing them, when any page or stylesheet would still load from the network.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import click
import jinja2

from iapt_warehouse import config
from iapt_warehouse.docs_site import dq, templates, vendor

DEFAULT_GX_DOCS = Path("expectations/uncommitted/data_docs/local_site")
DEFAULT_ASSETS = Path("docs/site_assets")

LAYERS: list[tuple[str, str]] = [
    ("landing", "Written by iapt load: every submitted column as text, the submissions (in use, superseded, "
     "late, rejected), per-file row accounting and every rejected row with its reason. Identifiers stop here."),
    ("staging", "One typed model per entity, both data-set versions on one shape, only in-use submissions; "
     "the reference code lists."),
    ("intermediate", "One model per derivation rule at pathway x month (scope, sessions, waits, scores, outcomes)."),
    ("marts", "Fact and dimension tables with enforced contracts: referral months, waits, outcomes, activity."),
    ("publication", "The NHS monthly activity measures at six organisation levels, exact and disclosure-controlled; "
     "measure coverage; quarterly breakdowns."),
    ("dq", "Data quality per provider and month: coverage, VODIM item validity, continuity, affected measures."),
    ("nhse", "NHS England-compatible views so NHS analysts' SQL runs unchanged."),
]  # fmt: skip


class SiteError(click.ClickException):
    """The site cannot be built (missing assets, pages that would load from the network)."""


@dataclass
class SiteResult:
    """What a build produced (for the command's summary and the tests)."""

    out: Path
    dbt_ok: bool
    gx_ok: bool
    months: list[str]
    messages: list[str]


def _pct(value: object) -> str:
    if value is None:
        return ""
    try:
        return f"{float(value):.1f}"  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)


def _measure_docs(dbt_target: Path) -> dict[str, str]:
    """Measure id -> its doc block text (the quoted catalogue rule), from dbt's manifest when there."""
    manifest = dbt_target / "manifest.json"
    if not manifest.is_file():
        return {}
    try:
        docs = json.loads(manifest.read_text(encoding="utf-8")).get("docs", {})
    except (OSError, ValueError):
        return {}
    prefix = "measure_"
    return {
        node["name"][len(prefix) :]: node["block_contents"].strip().replace("**", "")
        for node in docs.values()
        if node.get("name", "").startswith(prefix) and node["name"] != "measure_definitions"
    }


def patch_dbt_static(page: str) -> str:
    """Two fixes to dbt's single-file docs page so a browser makes no failing request on file://.

    Its menu icons are `<use xlink:href="{{ getIcon(...) }}">` inside Angular templates: the browser
    fetches the literal `{{ ... }}` before Angular fills it in (1,000+ "unsafe attempt to load URL"
    errors). `ng-attr-xlink:href` sets the attribute only once interpolated. Its favicon link is an
    unrendered `${require(...)}`; it becomes an empty data URL.
    """
    page = page.replace('xlink:href="{{ getIcon(', 'ng-attr-xlink:href="{{ getIcon(')
    return re.sub(r"""href=(["'])\$\{require\([^)]*favicon[^)]*\)\}\1""", 'href="data:,"', page)


def build_site(db: Path, dbt_target: Path, gx_docs: Path, out: Path, assets: Path = DEFAULT_ASSETS) -> SiteResult:
    """Build the site into `out` (replaced). Raises SiteError when it would not work offline."""
    vendor_src = assets / "vendor"
    css_src = assets / "site.css"
    if not css_src.is_file() or not vendor_src.is_dir():
        raise SiteError(f"the site assets are missing: expected {css_src} and {vendor_src}/ (run from the repo root)")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shutil.copy2(css_src, out / "site.css")
    shutil.copytree(vendor_src, out / "vendor", ignore=shutil.ignore_patterns("*.sh", "*.md"))
    messages: list[str] = []

    static = dbt_target / "static_index.html"
    dbt_ok = static.is_file()
    dbt_message = ""
    if dbt_ok:
        (out / "dbt").mkdir()
        page = patch_dbt_static(static.read_text(encoding="utf-8"))
        (out / "dbt" / "static_index.html").write_text(page, encoding="utf-8")
    else:
        dbt_message = (
            f"The dbt docs are not built: {static} is missing (run `make docs`, which runs `dbt docs generate`)."
        )
        messages.append(dbt_message)

    gx_ok = (gx_docs / "index.html").is_file()
    gx_message = ""
    gx_rewrites = 0
    if gx_ok:
        shutil.copytree(gx_docs, out / "gx")
        try:
            gx_rewrites = vendor.rewrite_site(out / "gx", out / "vendor")
        except vendor.VendorError as exc:
            raise SiteError(f"GX Data Docs: {exc}") from exc
    else:
        gx_message = (
            f"The Great Expectations Data Docs are not built: {gx_docs}/index.html is missing "
            "(run `iapt validate`, which writes them)."
        )
        messages.append(gx_message)

    statements: list[dq.MonthStatement] = []
    dq_message = ""
    try:
        statements = dq.read_statements(db)
    except dq.DqUnavailable as exc:
        dq_message = f"No data-quality statements: {exc}."
        messages.append(dq_message)
    else:
        if not statements:
            dq_message = f"No data-quality statements: dq.dq_provider_month_summary in {db} has no rows."
            messages.append(dq_message)

    env = jinja2.Environment(
        loader=jinja2.DictLoader({"base": templates.BASE, "index": templates.INDEX, "month": templates.MONTH}),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    common = {"built": dt.datetime.now().strftime("%Y-%m-%d %H:%M"), "db_name": db.name, "pct": _pct}
    (out / "index.html").write_text(
        env.get_template("index").render(
            title="Home", root="", layers=LAYERS, dbt_ok=dbt_ok, dbt_message=dbt_message, gx_ok=gx_ok,
            gx_message=gx_message, gx_rewrites=gx_rewrites, statements=statements, dq_message=dq_message, **common,
        ),
        encoding="utf-8",
    )  # fmt: skip
    if statements:
        (out / "dq").mkdir()
        measure_docs = _measure_docs(dbt_target)
        for statement in statements:
            (out / "dq" / f"{statement.slug}.html").write_text(
                env.get_template("month").render(
                    title=f"Data quality {statement.slug}", root="../", s=statement, dbt="../dbt/static_index.html",
                    target=f"{dq.TARGET_VALID_PCT:g}", measure_docs=measure_docs, **common,
                ),
                encoding="utf-8",
            )  # fmt: skip

    # dbt's single-file page carries an unrendered favicon link the browser ignores; its other checks apply.
    external = vendor.external_references(out, skip_local_check=("dbt",))
    if external:
        listing = "\n".join(f"  {ref.file.relative_to(out)}: <{ref.tag}> {ref.url}" for ref in external[:50])
        raise SiteError(
            f"{len(external)} reference(s) would load from the network or from a missing file; vendor them "
            f"(docs/site_assets/vendor/fetch.sh) and map them in iapt_warehouse/docs_site/vendor.py:\n{listing}"
        )
    return SiteResult(out, dbt_ok, gx_ok, [s.slug for s in statements], messages)


@click.command(name="docs-site")
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False), default=None, help="Warehouse file.")
@click.option(
    "--dbt-target",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="dbt target folder with static_index.html (default: $DBT_TARGET_PATH or target).",
)
@click.option(
    "--gx-docs",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_GX_DOCS,
    show_default=True,
    help="GX Data Docs site folder.",
)
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=Path("site"), show_default=True)
@click.option("--assets", type=click.Path(path_type=Path, file_okay=False), default=DEFAULT_ASSETS, show_default=True)
def docs_site(db: Path | None, dbt_target: Path | None, gx_docs: Path, out: Path, assets: Path) -> None:
    """Build the offline documentation site (dbt docs, GX Data Docs, data-quality statements)."""
    target = dbt_target or Path(os.environ.get("DBT_TARGET_PATH") or "target")
    result = build_site(config.db_path(db), target, gx_docs, out, assets)
    for message in result.messages:
        click.echo(f"note: {message}", err=True)
    months = f"{len(result.months)} month(s), newest {result.months[0]}" if result.months else "no months"
    click.echo(f"wrote {out / 'index.html'} (dbt docs: {'yes' if result.dbt_ok else 'no'}, "
               f"GX Data Docs: {'yes' if result.gx_ok else 'no'}, data-quality statements: {months})")  # fmt: skip
    sys.stdout.flush()
