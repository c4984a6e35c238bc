"""Great Expectations 1.24.1 on DuckDB: the one place the project touches GX internals.

GX 1.24 has no first-class DuckDB support. Its SQLAlchemy path (duckdb-engine) runs each metric query
inside `with engine.connect()` and fetches the rows after that connection has closed; duckdb-engine does
not buffer results, so every expectation fails with `MetricResolutionError: list index out of range`
(GX issues #10738, #11579). GX already keeps one persistent connection for SQLite, SQL Server, BigQuery
and Databricks (`_PERSISTED_CONNECTION_DIALECTS`); `patch()` adds DuckDB to that tuple. It is private
API, so the versions are pinned exactly (requirements.lock: great-expectations==1.24.1,
duckdb-engine==0.17.0, sqlalchemy==2.0.54; SQLAlchemy >= 2.0.55 breaks duckdb-engine's reflection) and
`tests/test_gx_engine.py` fails when GX changes the internals this relies on.

Everything runs as SQL inside DuckDB (the warehouse is opened read-only); nothing is read into pandas,
so validation scales with DuckDB, not with memory.
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Any

PINNED = {"great_expectations": "1.24.1", "duckdb_engine": "0.17.0", "sqlalchemy": "2.0.54"}


class _DuckDialect(enum.StrEnum):
    DUCKDB = "duckdb"


def patch() -> None:
    """Make GX keep one open connection for the duckdb dialect (idempotent)."""
    from great_expectations.execution_engine import sqlalchemy_execution_engine as see

    dialects: tuple[Any, ...] = see._PERSISTED_CONNECTION_DIALECTS
    if not any(str(getattr(d, "value", d)) == "duckdb" for d in dialects):
        see._PERSISTED_CONNECTION_DIALECTS = (*dialects, _DuckDialect.DUCKDB)


def installed_versions() -> dict[str, str]:
    """The installed versions of the packages the patch depends on."""
    from importlib.metadata import version

    names = {"great_expectations": "great-expectations", "duckdb_engine": "duckdb-engine", "sqlalchemy": "sqlalchemy"}
    return {key: version(dist) for key, dist in names.items()}


def connection_string(db: Path) -> str:
    """SQLAlchemy URL of the warehouse, opened read-only (never blocks or changes the file)."""
    return f"duckdb:///{db.resolve()}?access_mode=read_only"
