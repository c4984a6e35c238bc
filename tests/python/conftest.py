from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner, Result

sys.path.insert(0, str(Path(__file__).resolve().parent))

from iapt_warehouse.cli import cli

REPO = Path(__file__).resolve().parents[2]


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
