"""Where the warehouse lives and how much of the machine DuckDB may use.

Every value has a default that works on a 2-core, 24 GB machine and can be overridden from the
environment, so `make`, the CLI and dbt (`profiles.yml`) agree on one warehouse file.
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DB_PATH = "warehouse/iapt.duckdb"


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The DuckDB warehouse file: an explicit path, else `IAPT_DUCKDB_PATH`, else the default."""
    value = explicit or os.environ.get("IAPT_DUCKDB_PATH") or DEFAULT_DB_PATH
    return Path(value)


def duckdb_memory_limit() -> str:
    """DuckDB `memory_limit` (`IAPT_DUCKDB_MEMORY_LIMIT`, default 8GB: leaves room for dbt and GX)."""
    return os.environ.get("IAPT_DUCKDB_MEMORY_LIMIT", "8GB")


def duckdb_threads() -> int:
    """DuckDB `threads` (`IAPT_DUCKDB_THREADS`, default: the machine's cores)."""
    value = os.environ.get("IAPT_DUCKDB_THREADS")
    return int(value) if value else (os.cpu_count() or 2)
