"""dbt-duckdb plugin: registers the pseudonymisation functions on every dbt connection.

`profiles.yml` loads it (`plugins: - module: iapt_warehouse.dbt_plugin`). SQL then calls
`iapt_person_key(nhs_number, provider, local_patient_id)` and `iapt_pseudo_id(provider, local_id)`
(through the `person_key` and `pseudo_id` macros). The key is read from the environment when a function
is first called, so parsing and compiling work without it and it never appears in SQL.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
from dbt.adapters.duckdb.plugins import BasePlugin

from iapt_warehouse import pseudo


def _person_keys(nhs: Any, provider: Any, local_id: Any) -> Any:
    key = pseudo.key_from_environment()
    return pa.array(
        [
            pseudo.person_key(key, n, p, i)
            for n, p, i in zip(nhs.to_pylist(), provider.to_pylist(), local_id.to_pylist(), strict=True)
        ],
        type=pa.string(),
    )


def _pseudo_ids(provider: Any, local_id: Any) -> Any:
    key = pseudo.key_from_environment()
    return pa.array(
        [pseudo.pseudo_id(key, p, i) for p, i in zip(provider.to_pylist(), local_id.to_pylist(), strict=True)],
        type=pa.string(),
    )


# What the derived tables depend on besides the data: a change here makes an incremental build reprocess
# every month (macros/incremental/months_to_rebuild.sql).
CODE_PATHS = ("models", "macros", "seeds", "dbt_project.yml")


def code_fingerprint(project_dir: Path | None = None) -> str:
    """SHA-256 over the relative path and bytes of every file of the dbt project's models, macros, seeds
    and dbt_project.yml (the project is $DBT_PROJECT_DIR, else the working directory, as for dbt)."""
    root = project_dir or Path(os.environ.get("DBT_PROJECT_DIR") or Path.cwd())
    digest = hashlib.sha256()
    for name in CODE_PATHS:
        path = root / name
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for file in files:
            digest.update(str(file.relative_to(root)).encode("utf-8") + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


def register(conn: Any) -> None:
    """Register the functions on a DuckDB connection (also used by tests and the loader's tools)."""
    conn.create_function(
        "iapt_person_key",
        _person_keys,
        ["VARCHAR", "VARCHAR", "VARCHAR"],
        "VARCHAR",
        type="arrow",
        null_handling="special",
        side_effects=False,
    )
    conn.create_function(
        "iapt_pseudo_id",
        _pseudo_ids,
        ["VARCHAR", "VARCHAR"],
        "VARCHAR",
        type="arrow",
        null_handling="special",
        side_effects=False,
    )
    conn.create_function("iapt_code_fingerprint", lambda: code_fingerprint(), [], "VARCHAR", side_effects=False)


def set_key_pads(conn: Any) -> None:
    """Give a DuckDB connection the HMAC pads of IAPT_PSEUDO_KEY as session variables (bound parameters,
    never SQL text), for the keyed digests computed in SQL (macros/iapt/pseudonymise.sql, rule
    keyed_digests_in_duckdb). Without the key nothing is set: parsing and compiling work, and a model that
    needs a digest fails with the key's error message."""
    try:
        key = pseudo.key_from_environment()
    except pseudo.MissingKeyError:
        return
    inner, outer = pseudo.hmac_pads(key)
    conn.execute("set variable iapt_hmac_inner_pad = ?", [inner])
    conn.execute("set variable iapt_hmac_outer_pad = ?", [outer])


class Plugin(BasePlugin):
    def configure_connection(self, conn: Any) -> None:
        register(conn)
        set_key_pads(conn)

    def configure_cursor(self, cursor: Any) -> None:
        # DuckDB's variables belong to a connection; each dbt thread works on its own cursor
        set_key_pads(cursor)
