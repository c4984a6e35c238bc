"""Run the dbt project on Spark (`make build TARGET=spark`; README "Scale out: Spark and Databricks").

Two steps, in two environments:

* `iapt spark-export --db DB --out DIR` (the DuckDB environment, .venv): writes every table of the
  landing schema of a loaded DuckDB warehouse to Parquet, one folder per table (DIR/<table>/).
* `iapt spark-build --landing DIR [dbt args]` (the Spark environment, .venv-spark, `make spark-env`):
  starts a local SparkSession, registers the pseudonymisation functions `iapt_person_key` and
  `iapt_pseudo_id` as Spark UDFs (the same Python functions the DuckDB plugin registers, so the keys are
  identical), registers the Parquet folders as tables of a `landing` database, then runs
  `dbt <command> --target spark` in the same process. dbt-spark's `session` method picks up the running
  session (SparkSession.builder.getOrCreate()), so the models see the UDFs and the landing tables.

The catalog is Spark's in-memory one: every run starts from an empty warehouse folder, and the built
tables stay there as Parquet (<warehouse>/<schema>.db/<table>/), readable by DuckDB or any Parquet reader.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import click

from iapt_warehouse import pseudo

_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")

# Spark settings for a small local run; each can be overridden with IAPT_SPARK_CONF="k=v,k=v".
DEFAULT_CONF: dict[str, str] = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.catalogImplementation": "in-memory",
    # 200 shuffle partitions (the default) make every small join 200 tasks; the data here fits in a few.
    "spark.sql.shuffle.partitions": "4",
    "spark.sql.adaptive.enabled": "true",
    "spark.driver.memory": "4g",
    # A Python UDF runs in Python workers: reuse them across tasks.
    "spark.python.worker.reuse": "true",
}


class SparkRunError(click.ClickException):
    """A clear, one-line failure (no traceback)."""


def export_landing(db: Path, out: Path) -> list[str]:
    """Write each landing table of the DuckDB file `db` to out/<table>/data.parquet; the table names."""
    import duckdb

    if not db.is_file():
        raise SparkRunError(f"no warehouse at {db}: run `iapt load` (or `make load`) first")
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables"
                " where table_schema = 'landing' and table_type = 'BASE TABLE' order by table_name"
            ).fetchall()
        ]
        if not tables:
            raise SparkRunError(f"{db} has no landing tables: run `iapt load` first")
        if out.exists():
            shutil.rmtree(out)
        out.mkdir(parents=True)
        for table in tables:
            if not _NAME.match(table):
                raise SparkRunError(f"unexpected landing table name {table!r}")
            (out / table).mkdir()
            target = (out / table / "data.parquet").as_posix().replace("'", "''")
            con.execute(f"copy landing.{table} to '{target}' (format parquet)")
    finally:
        con.close()
    return tables


def _conf() -> dict[str, str]:
    conf = dict(DEFAULT_CONF)
    memory = os.environ.get("IAPT_SPARK_DRIVER_MEMORY")
    if memory:
        conf["spark.driver.memory"] = memory
    for item in filter(None, (part.strip() for part in os.environ.get("IAPT_SPARK_CONF", "").split(","))):
        key, sep, value = item.partition("=")
        if not sep:
            raise SparkRunError(f"IAPT_SPARK_CONF: {item!r} is not key=value")
        conf[key.strip()] = value.strip()
    return conf


def start_session(warehouse: Path) -> Any:
    """A local SparkSession writing to `warehouse`, with the pseudonymisation UDFs registered."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise SparkRunError("Spark needs Java 17 (java on the PATH or JAVA_HOME)")
    try:
        from pyspark.sql import SparkSession
        from pyspark.sql.types import StringType
    except ModuleNotFoundError as exc:
        raise SparkRunError(f"{exc.name} is not installed here: run `make spark-env` and use .venv-spark") from exc

    key = pseudo.key_from_environment()  # fail before starting the JVM when the key is missing
    # Python workers must be this interpreter (it has iapt_warehouse and nhs-number).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = SparkSession.builder.master(os.environ.get("IAPT_SPARK_MASTER", "local[2]")).appName("iapt")
    for name, value in {**_conf(), "spark.sql.warehouse.dir": warehouse.resolve().as_uri()}.items():
        builder = builder.config(name, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel(os.environ.get("IAPT_SPARK_LOG_LEVEL", "FATAL"))

    def person_key(nhs: str | None, provider: str | None, local_id: str | None) -> str | None:
        return pseudo.person_key(key, nhs, provider, local_id)

    def pseudo_id(provider: str | None, local_id: str | None) -> str | None:
        return pseudo.pseudo_id(key, provider, local_id)

    spark.udf.register("iapt_person_key", person_key, StringType())
    spark.udf.register("iapt_pseudo_id", pseudo_id, StringType())
    return spark


def register_landing(spark: Any, landing: Path) -> list[str]:
    """Register each landing/<table>/ Parquet folder as table landing.<table>."""
    folders = sorted(p for p in landing.iterdir() if p.is_dir()) if landing.is_dir() else []
    if not folders:
        raise SparkRunError(f"no landing tables in {landing}: run `iapt spark-export` first")
    spark.sql("create database if not exists landing")
    for folder in folders:
        if not _NAME.match(folder.name):
            raise SparkRunError(f"unexpected landing folder name {folder.name!r}")
        location = folder.resolve().as_uri().replace("'", "\\'")
        spark.sql(f"drop table if exists landing.{folder.name}")
        spark.sql(f"create table landing.{folder.name} using parquet location '{location}'")
    return [folder.name for folder in folders]


def run_dbt(args: list[str]) -> bool:
    """`dbt <args> --target spark` in this process (it reuses the running SparkSession)."""
    from dbt.cli.main import dbtRunner

    if "--target" not in args and "-t" not in args:
        args = [*args, "--target", "spark"]
    result = dbtRunner().invoke(args)
    return bool(result.success)


@click.command("spark-export")
@click.option("--db", "db", type=click.Path(path_type=Path), required=True, help="Loaded DuckDB warehouse.")
@click.option("--out", "out", type=click.Path(path_type=Path), required=True, help="Folder for the Parquet files.")
def spark_export(db: Path, out: Path) -> None:
    """Write the landing schema of a DuckDB warehouse to Parquet for `iapt spark-build`."""
    started = time.perf_counter()
    tables = export_landing(db, out)
    click.echo(f"exported {len(tables)} landing tables to {out} in {time.perf_counter() - started:.1f} s")


@click.command("spark-build", context_settings={"ignore_unknown_options": True})
@click.option("--landing", type=click.Path(path_type=Path), required=True, help="Folder from `iapt spark-export`.")
@click.option(
    "--warehouse",
    type=click.Path(path_type=Path),
    default=Path("build/spark/warehouse"),
    show_default=True,
    help="Spark warehouse folder (emptied first).",
)
@click.argument("dbt_args", nargs=-1, type=click.UNPROCESSED)
def spark_build(landing: Path, warehouse: Path, dbt_args: tuple[str, ...]) -> None:
    """Run dbt on a local SparkSession over the exported landing tables (default: `dbt build`)."""
    started = time.perf_counter()
    if warehouse.exists():
        strays = [p.name for p in warehouse.iterdir() if not (p.is_dir() and p.name.endswith(".db"))]
        if strays:
            raise SparkRunError(f"{warehouse} is not a Spark warehouse folder (it holds {strays[0]}): not emptying it")
        shutil.rmtree(warehouse)
    warehouse.mkdir(parents=True)
    try:
        spark = start_session(warehouse)
    except pseudo.MissingKeyError as exc:
        raise SparkRunError(str(exc)) from exc
    tables = register_landing(spark, landing)
    click.echo(f"spark: session up, {len(tables)} landing tables registered in {time.perf_counter() - started:.1f} s")
    ok = run_dbt(list(dbt_args) or ["build"])
    spark.stop()
    click.echo(f"spark: dbt {'succeeded' if ok else 'FAILED'} in {time.perf_counter() - started:.1f} s")
    if not ok:
        sys.exit(1)
