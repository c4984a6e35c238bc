"""`iapt export`: every marts and publication relation as Parquet (partitioned by month when large) and a
README naming every relation and column; clear errors for bad input."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from iapt_warehouse.cli import cli

pytestmark = pytest.mark.xdist_group("demo")


def _relations(db: Path) -> dict[str, tuple[int, list[str]]]:
    with duckdb.connect(str(db), read_only=True) as con:
        names = con.execute(
            "select schema_name, table_name from duckdb_tables() where schema_name in ('marts', 'publication')"
        ).fetchall()
        out = {}
        for schema, name in names:
            count = con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()
            columns = [r[0] for r in con.execute(f'describe "{schema}"."{name}"').fetchall()]
            out[f"{schema}.{name}"] = (int(count[0]) if count else 0, columns)
    return out


def test_export_writes_every_relation_and_a_readme(demo: tuple[Path, Path], tmp_path: Path) -> None:
    db = demo[0]
    out = tmp_path / "export"
    result = CliRunner().invoke(cli, ["export", "--out", str(out), "--db", str(db), "--partition-rows", "50000"])
    assert result.exit_code == 0, result.output
    expected = _relations(db)
    assert "marts.fct_referral_months" in expected and "publication.monthly_activity" in expected
    readme = (out / "README.md").read_text(encoding="utf-8")
    partitioned = []
    with duckdb.connect() as con:
        for relation, (rows, columns) in expected.items():
            schema, name = relation.split(".")
            single = out / schema / f"{name}.parquet"
            if single.exists():
                source = f"read_parquet('{single}')"
            else:
                assert (out / schema / name).is_dir(), relation
                partitioned.append(relation)
                source = f"read_parquet('{out / schema / name}/*/*.parquet', hive_partitioning = true)"
            count = con.execute(f"select count(*) from {source}").fetchone()
            assert count and count[0] == rows, relation
            read_columns = {r[0] for r in con.execute(f"describe select * from {source}").fetchall()}
            assert read_columns == set(columns), relation
            assert f"## {relation}" in readme
            for column in columns:
                assert f"| `{column}` |" in readme, (relation, column)
        # monthly_activity (far above 50,000 rows on the demo data) is split by month, one folder per month
        assert "publication.monthly_activity" in partitioned
        months = con.execute(
            f"select count(distinct reporting_period_start) from read_parquet("
            f"'{out}/publication/monthly_activity/*/*.parquet', hive_partitioning = true)"
        ).fetchone()
        assert months and months[0] == len(list((out / "publication/monthly_activity").iterdir()))
    # descriptions come from the warehouse's persisted docs
    assert "One row per pathway per reporting month" in readme
    # a second export replaces the first
    again = CliRunner().invoke(cli, ["export", "--out", str(out), "--db", str(db)])
    assert again.exit_code == 0, again.output


def test_export_gives_clear_errors(demo: tuple[Path, Path], tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(cli, ["export", "--out", str(tmp_path / "o"), "--db", str(tmp_path / "none.duckdb")])
    assert missing.exit_code == 1 and "no warehouse at" in missing.output
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    refused = runner.invoke(cli, ["export", "--out", str(busy), "--db", str(demo[0])])
    assert refused.exit_code == 1 and "not empty" in refused.output
    assert (busy / "notes.txt").read_text() == "mine"
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    nothing = runner.invoke(cli, ["export", "--out", str(tmp_path / "o2"), "--db", str(empty)])
    assert nothing.exit_code == 1 and "no marts or publication relations" in nothing.output


def test_the_export_exposure_lists_every_exported_relation(demo: tuple[Path, Path]) -> None:
    """models/_exposures.yml names what `iapt export` writes, so dbt docs shows the export's lineage."""
    import yaml

    exposures = yaml.safe_load((Path(__file__).resolve().parents[2] / "models/_exposures.yml").read_text())
    export = next(e for e in exposures["exposures"] if e["name"] == "parquet_export")
    refs = {ref.removeprefix("ref('").removesuffix("')") for ref in export["depends_on"]}
    assert refs == {name.split(".")[1] for name in _relations(demo[0])}
