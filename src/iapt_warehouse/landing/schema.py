"""DDL of the landing layer (schema `landing`).

Every submitted table of both versions exists from the first load on (empty until a package brings
rows), so dbt sources never point at a missing relation. Submitted items are kept as text, exactly as
sent; lineage columns start with an underscore so they can never clash with an item name.
"""

from __future__ import annotations

from typing import Any

from iapt_warehouse import contract

LINEAGE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("_submission_id", "varchar"),
    ("_source_file", "varchar"),
    ("_line_number", "bigint"),
    ("_loaded_at", "timestamp"),
)

SUBMISSIONS_DDL = """
create table if not exists landing.submissions (
    submission_id varchar not null,          -- SHA-256 of the package content
    package_name varchar not null,           -- the directory or zip name as received
    package_path varchar not null,
    package_format varchar not null,         -- directory | zip
    org_code_provider varchar,
    reporting_period_start date,
    reporting_period_end date,
    dataset_version varchar,                 -- 1.5 | 2.0
    created_at timestamp,                    -- header DateTimeDatSetCreate
    submission_window varchar,               -- Primary | Refresh | Late | Invalid
    status varchar not null,                 -- in_use | superseded | late | rejected
    rejection_reason varchar,
    total_bytes bigint,
    rows_submitted bigint,                   -- null when the package was rejected whole (not read row by row)
    rows_loaded bigint not null,
    rows_rejected bigint,                    -- null when the package was rejected whole
    rows_per_table varchar,                  -- JSON object: table -> rows loaded
    load_seq bigint not null,                -- load order, breaks ties between equal created_at
    loaded_at timestamp not null
)
"""

SUBMISSION_FILES_DDL = """
create table if not exists landing.submission_files (
    submission_id varchar not null,
    source_file varchar not null,
    table_name varchar not null,
    rows_in_file bigint not null,
    rows_loaded bigint not null,
    rows_rejected bigint not null,
    extra_columns varchar,                   -- comma-separated: kept in landing, ignored downstream
    missing_columns varchar                  -- comma-separated optional items the file did not carry
)
"""

REJECTIONS_DDL = """
create table if not exists landing.rejections (
    submission_id varchar not null,
    source_file varchar,                     -- null when the package itself was rejected
    line_number bigint,                      -- CSV record number in the file, header = line 1
    table_name varchar,
    item varchar,
    offending_value varchar,                 -- truncated to 200 characters
    rule varchar not null,                   -- short code of the check that failed
    reason varchar not null,                 -- what the provider should fix
    rejected_at timestamp not null
)
"""


def quote(identifier: str) -> str:
    """A double-quoted SQL identifier (names are validated before they get here; this is defence)."""
    return '"' + identifier.replace('"', '""') + '"'


def table_ddl(table: contract.Table) -> str:
    columns = [f"{quote(i)} varchar" for i in table.item_names]
    columns += [f"{name} {kind}" for name, kind in LINEAGE_COLUMNS]
    return f"create table if not exists landing.{table.landing_name} (\n    " + ",\n    ".join(columns) + "\n)"


def ensure(con: Any) -> None:
    """Create the landing schema and every landing table that is missing."""
    con.execute("create schema if not exists landing")
    con.execute(SUBMISSIONS_DDL)
    con.execute(SUBMISSION_FILES_DDL)
    con.execute(REJECTIONS_DDL)
    for table in contract.all_tables():
        con.execute(table_ddl(table))


def existing_columns(con: Any, landing_name: str) -> set[str]:
    rows = con.execute(
        "select column_name from information_schema.columns where table_schema = 'landing' and table_name = ?",
        [landing_name],
    ).fetchall()
    return {r[0] for r in rows}
