"""Read the `dq` schema (and the measure catalogue) for the data-quality statement pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

TARGET_VALID_PCT = 90.0  # dq_interface: an item is below target when valid_pct < 90

_SUMMARY_COLUMNS = (
    "provider_code, provider_name, reporting_period_start, reporting_period_end, submitted, "
    "submission_window_in_use, submission_id_in_use, tables_submitted, rows_loaded, rows_rejected, "
    "items_checked, items_below_target, worst_item, worst_item_valid_pct, pathway_continuity_pct, "
    "org_code_continuity_pct, person_id_continuity_pct, person_id_valid_pct, dq_status, status_reason, "
    "affected_measure_ids"
)


class DqUnavailable(Exception):
    """The warehouse has no usable dq schema; the message says why and what to run."""


@dataclass
class ProviderMonth:
    """One provider's row of `dq_provider_month_summary` with its items below target."""

    row: dict[str, Any]
    issues: list[dict[str, Any]] = field(default_factory=list)

    @property
    def affected(self) -> list[str]:
        text = self.row.get("affected_measure_ids") or ""
        return [part.strip() for part in str(text).split(",") if part.strip()]


@dataclass
class MonthStatement:
    """Everything one month's data-quality statement shows."""

    month: dt.date
    providers: list[ProviderMonth]
    measure_names: dict[str, str]

    @property
    def slug(self) -> str:
        return self.month.strftime("%Y-%m")

    @property
    def expected(self) -> int:
        return len(self.providers)

    @property
    def submitted(self) -> int:
        return sum(1 for p in self.providers if p.row["submitted"])

    @property
    def rows_loaded(self) -> int:
        return sum(int(p.row["rows_loaded"] or 0) for p in self.providers)

    @property
    def rows_rejected(self) -> int:
        return sum(int(p.row["rows_rejected"] or 0) for p in self.providers)

    def status_count(self, status: str) -> int:
        return sum(1 for p in self.providers if p.row["dq_status"] == status)


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    found = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, table]
    ).fetchone()
    return bool(found and found[0])


def read_statements(db: Path) -> list[MonthStatement]:
    """One statement per reporting month in `dq.dq_provider_month_summary`, newest first."""
    if not db.exists():
        raise DqUnavailable(f"no warehouse at {db}: run `make build` to create it")
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as exc:
        raise DqUnavailable(f"cannot open the warehouse {db}: {exc}") from exc
    with con:
        missing = [t for t in ("dq_provider_month_summary", "dq_item_validity") if not _has_table(con, "dq", t)]
        if missing:
            raise DqUnavailable(
                f"the warehouse {db} has no {', '.join('dq.' + t for t in missing)}: the dq models are not "
                "built (run `make build` with a version that has models/dq/)"
            )
        try:
            summary = _rows(con, f"select {_SUMMARY_COLUMNS} from dq.dq_provider_month_summary")
            issues = _rows(
                con,
                """
                select s.provider_code, s.reporting_period_start, v.table_name, v.item_name, v.total_count,
                       v.valid_pct, v.default_pct, v.invalid_pct, v.missing_pct, v.dq_measure_id
                from dq.dq_provider_month_summary as s
                inner join dq.dq_item_validity as v
                    on v.provider_code = s.provider_code
                    and v.reporting_period_start = s.reporting_period_start
                    and v.submission_id = s.submission_id_in_use
                where v.valid_pct < ?
                order by v.valid_pct, v.table_name, v.item_name
                """,
                [TARGET_VALID_PCT],
            )
            measure_names: dict[str, str] = {}
            if _has_table(con, "staging", "ref_measure_catalogue"):
                measure_names = {
                    r["measure_id"]: r["measure_name"]
                    for r in _rows(con, "select measure_id, measure_name from staging.ref_measure_catalogue")
                }
            inputs: dict[tuple[str, str], list[str]] = {}
            if _has_table(con, "dq", "dq_measure_item_inputs"):
                for r in _rows(con, "select measure_id, table_name, item_name from dq.dq_measure_item_inputs"):
                    inputs.setdefault((r["table_name"], r["item_name"]), []).append(r["measure_id"])
        except duckdb.Error as exc:
            raise DqUnavailable(f"the dq tables in {db} do not match the agreed interface: {exc}") from exc
    by_key: dict[tuple[str, dt.date], ProviderMonth] = {}
    for row in summary:
        by_key[(row["provider_code"], row["reporting_period_start"])] = ProviderMonth(row)
    for issue in issues:
        issue["measures"] = sorted(inputs.get((issue["table_name"], issue["item_name"]), []))
        pm = by_key.get((issue["provider_code"], issue["reporting_period_start"]))
        if pm is not None:
            pm.issues.append(issue)
    months: dict[dt.date, list[ProviderMonth]] = {}
    for (_, month), pm in by_key.items():
        months.setdefault(month, []).append(pm)
    return [
        MonthStatement(month, sorted(pms, key=lambda p: str(p.row["provider_code"])), measure_names)
        for month, pms in sorted(months.items(), reverse=True)
    ]
