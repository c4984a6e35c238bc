"""Great Expectations: the DuckDB patch, the generated project, and `iapt validate` on good and broken warehouses."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from iapt_warehouse.gx import engine, project

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _validate(db: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "iapt"), "validate", "--db", str(db), "--no-docs", *extra],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "IAPT_DUCKDB_PATH": str(db)},
    )


def test_pins_match_what_the_patch_was_written_for() -> None:
    assert engine.installed_versions() == engine.PINNED


def test_gx_on_duckdb_needs_and_takes_the_persisted_connection_patch(tmp_path: Path) -> None:
    """Fails when GX's internals change: the private tuple, or the patch no longer making SQL metrics work."""
    from great_expectations.execution_engine import sqlalchemy_execution_engine as see

    assert isinstance(see._PERSISTED_CONNECTION_DIALECTS, tuple)
    db = tmp_path / "smoke.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create table t as select * from (values ('A', 1), ('A', -1), ('B', -2), ('B', 3)) v(p, x)")
    engine.patch()
    engine.patch()  # idempotent
    assert sum(str(getattr(d, "value", d)) == "duckdb" for d in see._PERSISTED_CONNECTION_DIALECTS) == 1

    import great_expectations as gx
    import great_expectations.expectations as gxe

    context = gx.get_context(mode="ephemeral")
    source = context.data_sources.add_sql(name="w", connection_string=engine.connection_string(db))
    batch = source.add_table_asset(name="t", table_name="t").add_batch_definition_whole_table("all").get_batch()
    rows = batch.validate(
        gxe.UnexpectedRowsExpectation(
            unexpected_rows_query="select p, count(*) as n from {batch} where x < 0 group by all order by all"
        ),
        result_format="COMPLETE",
    )
    assert not rows.success
    assert rows.result["details"]["unexpected_rows"] == [{"p": "A", "n": 1}, {"p": "B", "n": 1}]
    between = batch.validate(gxe.ExpectColumnValuesToBeBetween(column="x", min_value=0))
    assert between.result["unexpected_count"] == 2


def test_committed_project_is_what_codegen_generates() -> None:
    for rel, render in project.generated_files(REPO).items():
        assert (REPO / rel).read_text(encoding="utf-8") == render(REPO), f"{rel} is stale: run `iapt codegen`"


def test_validate_gives_clear_errors(tmp_path: Path) -> None:
    result = _validate(tmp_path / "none.duckdb")
    assert result.returncode == 2 and "does not exist" in result.stderr
    empty = tmp_path / "iapt.duckdb"
    duckdb.connect(str(empty)).close()
    result = _validate(empty)
    assert result.returncode == 2 and "run `dbt build` before `iapt validate`" in result.stderr
    result = _validate(empty, "--suite", "nonsense")
    assert result.returncode == 2 and "unknown suite nonsense" in result.stderr


def test_built_warehouse_passes_and_a_broken_invariant_fails_naming_provider_month_item_count(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    db, _ = built
    ok = _validate(db)
    assert ok.returncode == 0, ok.stdout[-3000:] + ok.stderr[-3000:]
    assert "0 failed (error)" in ok.stdout

    broken = tmp_path / db.name  # same file name: the views name their catalog after it
    shutil.copy(db, broken)
    with duckdb.connect(str(broken)) as con:
        org, month, measure = con.execute(
            "select org_code1, reporting_period_start, measure_id from publication.monthly_activity"
            " join staging.ref_measure_catalogue using (measure_id)"
            " where group_type = 'Provider' and statistic = 'Count' order by all limit 1"
        ).fetchone()
        con.execute(
            "update publication.monthly_activity set measure_value = 3, measure_value_suppressed = '3'"
            " where group_type = 'Provider' and org_code1 = ? and reporting_period_start = ? and measure_id = ?",
            [org, month, measure],
        )
        pathway, provider, pmonth = con.execute(
            "select pathway_key, org_code_provider, reporting_period_start from marts.fct_referral_months"
            " where not is_finished_course_in_month order by all limit 1"
        ).fetchone()
        con.execute(
            "update marts.fct_referral_months set is_recovered = true"
            " where pathway_key = ? and reporting_period_start = ?",
            [pathway, pmonth],
        )
    bad = _validate(broken)
    assert bad.returncode == 1, bad.stdout[-3000:] + bad.stderr[-3000:]
    assert (
        f"ERROR publication__monthly_activity disclosure_control_below_england: provider Provider {org},"
        f" month {month:%Y-%m}, item {measure}: 1 unexpected"
    ) in bad.stdout
    assert (
        f"ERROR marts__fct_referral_months outcome_flags_only_for_finished_courses: provider {provider},"
        f" month {pmonth:%Y-%m}, item outcome flag: 1 unexpected"
    ) in bad.stdout
    assert "2 failed (error)" in bad.stdout


def test_demo_data_passes_with_warnings_naming_the_injected_defects(demo: tuple[Path, Path]) -> None:
    db, data = demo
    result = _validate(db, "--max-lines", "100000")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    lines = result.stdout.splitlines()
    manifest = json.loads((data / "manifest.json").read_text(encoding="utf-8"))
    expected = 0
    for package in manifest["packages"]:
        for defect in package["defects"]:
            where = f"provider {package['provider']}, month {package['month']}"
            if defect["class"] in ("duplicate_key", "orphan_row", "bad_date_format"):
                wanted = f"rows_rejected: {where}, item {defect['table']}."
            elif defect["class"] == "out_of_range_score" and package["in_use"]:
                wanted = f"score_in_tool_range: {where}, item "
            else:
                continue
            expected += 1
            assert any(wanted in line and line.startswith("WARN") for line in lines), wanted
    assert expected > 0
    assert not [line for line in lines if line.startswith("ERROR")]
