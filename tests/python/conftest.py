from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner, Result

sys.path.insert(0, str(Path(__file__).resolve().parent))

from iapt_warehouse.cli import cli

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
TEST_KEY = "test-key-for-pseudonymisation-0123456789abcdef"
# Debian's Chromium for the browser tests (docs site, report); `make test` installs it when missing.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def landing_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The landing tables of a warehouse, by name."""
    return [
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'landing' order by 1"
        ).fetchall()
    ]


def landing_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """The columns of one landing table, in table order."""
    return [
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns where table_schema = 'landing'"
            " and table_name = ? order by ordinal_position",
            [table],
        ).fetchall()
    ]


def load_and_build_publication(packages: Path, work: Path) -> Path:
    """Load `packages` into work/warehouse/iapt.duckdb and build the models up to the publication (no
    tests); returns the warehouse file."""
    db = work / "warehouse" / "iapt.duckdb"
    db.parent.mkdir()
    env = {**os.environ, "IAPT_DUCKDB_PATH": str(db), "IAPT_PSEUDO_KEY": TEST_KEY, "DBT_PROFILES_DIR": str(REPO)}
    bin_dir = Path(sys.executable).parent
    load = subprocess.run([str(bin_dir / "iapt"), "load", str(packages)], env=env, cwd=REPO, capture_output=True)
    assert load.returncode in (0, 1), load.stdout[-2000:]
    dbt = subprocess.run(
        [
            str(bin_dir / "dbt"),
            "build",
            "--select",
            "+monthly_activity",
            "--exclude",
            "resource_type:test",
            "resource_type:unit_test",
            "--target-path",
            str(work / "target"),
            "--log-path",
            str(work / "logs"),
        ],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert dbt.returncode == 0, dbt.stdout[-3000:]
    return db


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The fixture packages loaded and built by dbt into a private warehouse; returns (db, dbt target dir)."""
    work = tmp_path_factory.mktemp("pseudo")
    db, target = work / "w.duckdb", work / "target"
    env = {**os.environ, "IAPT_DUCKDB_PATH": str(db), "IAPT_PSEUDO_KEY": TEST_KEY, "DBT_PROFILES_DIR": str(REPO)}
    bin_dir = Path(sys.executable).parent
    load = subprocess.run([str(bin_dir / "iapt"), "load", str(REPO / "tests/data/packages")], env=env, cwd=REPO)
    assert load.returncode in (0, 1)
    dbt = subprocess.run(
        [str(bin_dir / "dbt"), "build", "--target-path", str(target), "--log-path", str(work / "logs")],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert dbt.returncode == 0, dbt.stdout[-3000:]
    return db, work


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(warehouse, synthetic data dir) of the demo data: `make test` passes the one it built, else build one."""
    db_env, data_env = os.environ.get("IAPT_TEST_DEMO_DB"), os.environ.get("IAPT_TEST_DEMO_DATA")
    if db_env and data_env and Path(db_env).is_file():
        return Path(db_env), Path(data_env)
    work = tmp_path_factory.mktemp("gxdemo")
    db, data = work / "iapt.duckdb", work / "data"
    env = {**os.environ, "IAPT_DUCKDB_PATH": str(db), "DBT_PROFILES_DIR": str(REPO)}
    env.setdefault("IAPT_PSEUDO_KEY", "test-key-for-pseudonymisation-0123456789abcdef")
    subprocess.run(
        [str(BIN / "iapt"), "synth", str(data), "--scale", "demo", "--seed", "42"],
        env=env,
        check=True,
    )
    assert subprocess.run([str(BIN / "iapt"), "load", str(data)], env=env, capture_output=True).returncode in (0, 1)
    dbt = [
        str(BIN / "dbt"),
        "build",
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
    ]
    built = subprocess.run(dbt, env=env, cwd=REPO, capture_output=True, text=True)
    assert built.returncode == 0, built.stdout[-3000:]
    return db, data


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "warehouse" / "test.duckdb"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def run_load(db: Path) -> Callable[..., Result]:
    """Run `iapt load PATHS --db db` in-process; returns click's Result (exit_code, output)."""

    def run(*paths: Path, extra: tuple[str, ...] = ()) -> Result:
        runner = CliRunner()
        return runner.invoke(cli, ["load", *map(str, paths), "--db", str(db), *extra], catch_exceptions=False)

    return run


@pytest.fixture
def query(db: Path) -> Callable[..., list[tuple[Any, ...]]]:
    def run(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        con = duckdb.connect(str(db), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    return run


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium through Playwright; skips without it, fails when CI=true."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is not installed (apt-get install chromium; `make test` installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
