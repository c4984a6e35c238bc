"""Parity: the same demo data built on DuckDB and on Spark gives the same results (`make test-spark`).

Builds the publication and the marts on a local SparkSession (`iapt spark-build` in .venv-spark) from the
landing tables of the DuckDB demo warehouse that `make test-dbt-demo` built, then compares, in DuckDB,
the Spark tables (Parquet in the Spark warehouse folder) with the DuckDB ones:

* publication.monthly_activity: every row, every value exactly (EXCEPT ALL both ways);
* every mart: the same row count, and the same rows (the pseudonymous keys included, so the Spark UDFs
  give the same keys as the DuckDB plugin).

Runs only with `-m spark` (the Spark build takes minutes and needs .venv-spark and Java).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.spark

ROOT = Path(__file__).resolve().parents[2]
SPARK_PYTHON = ROOT / ".venv-spark" / "bin" / "python"
# The models the parity compares, and what they need; the dq schema is not built on Spark here.
SPARK_SELECTION = ["+publication.monthly_activity", "+marts"]


def _demo_db() -> Path:
    db = Path(os.environ.get("IAPT_TEST_DEMO_DB", ROOT / "build" / "test" / "demo.duckdb"))
    if not db.is_file():
        pytest.fail(f"no demo warehouse at {db}: run `make test-dbt-demo` first")
    return db


@pytest.fixture(scope="module")
def spark_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not SPARK_PYTHON.is_file():
        pytest.fail("no .venv-spark: run `make spark-env`")
    work = tmp_path_factory.mktemp("spark")
    landing, warehouse = work / "landing", work / "warehouse"
    iapt = [sys.executable, "-c", "from iapt_warehouse.cli import main; main()"]
    subprocess.run([*iapt, "spark-export", "--db", str(_demo_db()), "--out", str(landing)], check=True, cwd=ROOT)
    env = {
        **os.environ,
        "DBT_TARGET_PATH": str(work / "target"),
        "DBT_LOG_PATH": str(work / "logs"),
        "DBT_PROFILES_DIR": str(ROOT),
    }
    spark_iapt = [str(SPARK_PYTHON), "-c", "from iapt_warehouse.cli import main; main()"]
    command = ["spark-build", "--landing", str(landing), "--warehouse", str(warehouse)]
    dbt = ["build", "--resource-type", "seed", "--resource-type", "model", "--select", *SPARK_SELECTION]
    result = subprocess.run([*spark_iapt, *command, *dbt], cwd=ROOT, env=env, text=True, capture_output=True)
    if result.returncode != 0:
        pytest.fail(f"the Spark build failed:\n{result.stdout[-6000:]}\n{result.stderr[-3000:]}")
    return warehouse


def _spark_table(warehouse: Path, schema: str, table: str) -> str:
    folder = warehouse / f"{schema}.db" / table
    assert folder.is_dir(), f"Spark did not build {schema}.{table}"
    return f"read_parquet('{folder.as_posix()}/*.parquet')"


def _differences(con: duckdb.DuckDBPyConnection, duck: str, spark: str, columns: list[str]) -> tuple[int, int]:
    cols = ", ".join(f'"{c}"' for c in columns)
    only_duck = con.execute(f"select count(*) from (select {cols} from {duck} except all select {cols} from {spark})")
    only_duck_count = only_duck.fetchone()[0]  # type: ignore[index]
    only_spark = con.execute(f"select count(*) from (select {cols} from {spark} except all select {cols} from {duck})")
    return only_duck_count, only_spark.fetchone()[0]  # type: ignore[index]


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    rows = con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ?"
        " order by ordinal_position",
        [schema, table],
    ).fetchall()
    return [r[0] for r in rows]


@pytest.mark.slow
def test_monthly_activity_identical(spark_warehouse: Path) -> None:
    con = duckdb.connect(str(_demo_db()), read_only=True)
    duck, spark = "publication.monthly_activity", _spark_table(spark_warehouse, "publication", "monthly_activity")
    duck_rows = con.execute(f"select count(*) from {duck}").fetchone()[0]  # type: ignore[index]
    spark_rows = con.execute(f"select count(*) from {spark}").fetchone()[0]  # type: ignore[index]
    assert duck_rows > 0
    assert spark_rows == duck_rows
    columns = _columns(con, "publication", "monthly_activity")
    assert _differences(con, duck, spark, columns) == (0, 0)


@pytest.mark.slow
def test_every_mart_identical(spark_warehouse: Path) -> None:
    con = duckdb.connect(str(_demo_db()), read_only=True)
    marts = [r[0] for r in con.execute("select table_name from duckdb_tables() where schema_name = 'marts'").fetchall()]
    assert marts
    mismatches = {}
    for table in sorted(marts):
        spark = _spark_table(spark_warehouse, "marts", table)
        counts = con.execute(f"select (select count(*) from marts.{table}), (select count(*) from {spark})").fetchone()
        differences = _differences(con, f"marts.{table}", spark, _columns(con, "marts", table))
        if counts is None or counts[0] != counts[1] or differences != (0, 0):
            mismatches[table] = {"rows (duckdb, spark)": counts, "rows only in (duckdb, spark)": differences}
    assert not mismatches, mismatches
