"""dbt-duckdb plugin: registers the pseudonymisation functions on every dbt connection.

`profiles.yml` loads it (`plugins: - module: iapt_warehouse.dbt_plugin`). SQL then calls
`iapt_person_key(nhs_number, provider, local_patient_id)` and `iapt_pseudo_id(provider, local_id)`
(through the `person_key` and `pseudo_id` macros). The key is read from the environment when a function
is first called, so parsing and compiling work without it and it never appears in SQL.
"""

from __future__ import annotations

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


class Plugin(BasePlugin):
    def configure_connection(self, conn: Any) -> None:
        register(conn)
