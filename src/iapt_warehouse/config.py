"""Where the warehouse lives and how much of the machine DuckDB may use.

Every value has a default that works on a 2-core, 24 GB machine and can be overridden from the
environment, so `make`, the CLI and dbt (`profiles.yml`) agree on one warehouse file.
"""

from __future__ import annotations

import os
import re
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


# --------------------------------------------------------------------------------------- loader limits
# Documented in README "Limits" and docs/reliability.md; each is enforced by the loader with a message
# that names the limit and the variable that raises it.

MiB = 1024**2


class ConfigError(ValueError):
    """An environment variable holds a value the warehouse cannot use (exit code 2, no traceback)."""


DEFAULT_STORAGE_VERSION = "v1.5.0"


def duckdb_storage_version() -> str:
    """The storage format of a warehouse file the loader or dbt creates (`IAPT_DUCKDB_STORAGE_VERSION`,
    default v1.5.0, DuckDB's `storage_compatibility_version`). Fixed when the file is created: an existing
    file keeps its format. v1.5.0 compresses strings with DICT_FSST: a national table is written about 30%
    faster than in the v1.0.0 format DuckDB otherwise uses (the largest models, query and write, 12% faster),
    and a file in it opens in DuckDB 1.5 or later only (rule storage_format_v1_5, docs/performance.md).
    `v1.0.0` gives files DuckDB 1.0+ opens."""
    value = os.environ.get("IAPT_DUCKDB_STORAGE_VERSION", "").strip() or DEFAULT_STORAGE_VERSION
    if value != "latest" and not re.fullmatch(r"v\d+\.\d+\.\d+", value):
        raise ConfigError(f"IAPT_DUCKDB_STORAGE_VERSION={value[:40]!r} is not a DuckDB version like v1.5.0")
    return value


def _positive_int(variable: str, default: int) -> int:
    raw = os.environ.get(variable, "").strip().replace("_", "")
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{variable}={raw[:40]!r} is not a whole number") from None
    if value <= 0:
        raise ConfigError(f"{variable}={value} must be greater than 0")
    return value


def max_package_bytes() -> int:
    """Largest package, uncompressed (`IAPT_MAX_PACKAGE_BYTES`, default 8 GiB)."""
    return _positive_int("IAPT_MAX_PACKAGE_BYTES", 8 * 1024**3)


def max_files_per_package() -> int:
    """Most files (or zip entries) in one package (`IAPT_MAX_FILES_PER_PACKAGE`, default 64)."""
    return _positive_int("IAPT_MAX_FILES_PER_PACKAGE", 64)


def max_field_bytes() -> int:
    """Longest single field, in UTF-8 bytes (`IAPT_MAX_FIELD_BYTES`, default 64 KiB). No item of either
    version is longer than a few dozen characters; a longer field rejects its row (rule field_too_long)."""
    return _positive_int("IAPT_MAX_FIELD_BYTES", 64 * 1024)


def load_batch_packages() -> int:
    """Most packages loaded in one transaction (`IAPT_LOAD_BATCH_PACKAGES`, default 200): a crash loses at
    most the batch in flight; smaller batches commit more often and load a little slower."""
    return _positive_int("IAPT_LOAD_BATCH_PACKAGES", 200)


def check_limits() -> None:
    """Raise ConfigError when a limit variable is set to something unusable."""
    max_package_bytes()
    max_files_per_package()
    max_field_bytes()
    load_batch_packages()
    duckdb_storage_version()


MAX_RECORD_BYTES = 16 * MiB  # one CSV record (a line, with its quoted fields); longer rejects the file
MAX_ZIP_RATIO = 200  # uncompressed / compressed per zip entry; CSV compresses about 10:1, zip bombs 1000:1
