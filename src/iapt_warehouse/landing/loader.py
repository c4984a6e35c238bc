"""Loading readable packages into schema `landing`, row by row accounted for.

Packages are loaded in batches, set-based: for each table, DuckDB's CSV reader reads that table's file of
every package in the batch at once, one SQL statement finds the rows to reject and why, and one statement
inserts the rest. A batch is one transaction, so a package is either wholly visible or not at all; if a
batch fails, its packages are retried one at a time so that one bad package never stops the others.

Row-level rules (structural, as NHS Digital applies on submission; codes and ranges are *not* checked
here, they load and become data-quality findings):
  field_too_long a field is longer than the field size limit (config.max_field_bytes)
  missing_item   a key or required item is empty
  bad_date       a date, time or timestamp is not in its version's format, or is not a real date
  bad_number     a numeric item is not a finite number
  duplicate_key  the record's key repeats within the package (every copy is rejected)
  orphan         the record's parent is absent from the package (contact without referral, ...)
  parent_rejected  the record's parent is in the package but was itself rejected
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from iapt_warehouse import config, contract
from iapt_warehouse.landing import schema
from iapt_warehouse.landing.packages import CsvFile, Package, PackageRef, discover, open_package
from iapt_warehouse.landing.schema import quote

BATCH_MAX_BYTES = 512 * 1024**2
VALUE_WIDTH = 200
CSV_OPTIONS = (
    "auto_detect = false, header = true, delim = ',', quote = '\"', escape = '\"',"
    f" strict_mode = true, max_line_size = {int(config.MAX_RECORD_BYTES)}"
)


class LoaderError(Exception):
    """A system problem (the warehouse file cannot be opened, ...): exit code 2."""


@dataclass
class PackageOutcome:
    """What happened to one package."""

    name: str
    path: str
    submission_id: str
    result: str  # loaded | already_loaded | rejected
    status: str | None = None  # status in landing.submissions after the load
    reason: str | None = None
    org_code_provider: str | None = None
    reporting_period_start: str | None = None
    submission_window: str | None = None
    rows_submitted: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0


@dataclass
class LoadReport:
    outcomes: list[PackageOutcome] = field(default_factory=list)

    def count(self, result: str) -> int:
        return sum(1 for o in self.outcomes if o.result == result)

    @property
    def rows_loaded(self) -> int:
        return sum(o.rows_loaded for o in self.outcomes)

    @property
    def rows_rejected(self) -> int:
        return sum(o.rows_rejected for o in self.outcomes)


@dataclass(frozen=True)
class _Check:
    index: int
    item: str
    rule: str
    reason: str
    condition: str  # SQL over the staged row; true when the row fails
    value: str  # SQL for the offending value


def connect(db: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse with the configured memory limit and threads (a new file in the configured storage
    format); a clear error when it is locked."""
    if not read_only:
        db.parent.mkdir(parents=True, exist_ok=True)
    try:
        options: dict[str, str | bool | int | float | list[str]] = (
            {} if read_only else {"storage_compatibility_version": config.duckdb_storage_version()}
        )
        con = duckdb.connect(str(db), read_only=read_only, config=options)
    except duckdb.IOException as exc:
        message = str(exc)
        if "lock" in message.lower():
            raise LoaderError(
                f"the warehouse {db} is open in another process (a dbt run, a BI tool?); close it and retry"
            ) from None
        raise LoaderError(f"cannot open the warehouse {db}: {message.splitlines()[0]}") from None
    except duckdb.InvalidInputException as exc:  # IAPT_DUCKDB_STORAGE_VERSION is not a DuckDB version
        raise LoaderError(
            f"cannot open the warehouse {db}: IAPT_DUCKDB_STORAGE_VERSION: {str(exc).splitlines()[0]}"
        ) from None
    con.execute(f"set memory_limit = '{config.duckdb_memory_limit()}'")
    con.execute(f"set threads = {int(config.duckdb_threads())}")
    return con


def load(
    paths: Sequence[str | Path],
    db: Path,
    on_package: Callable[[PackageOutcome], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> LoadReport:
    """Load every package found under `paths` into the warehouse file `db`."""
    config.check_limits()  # a bad limit in the environment stops here, before anything is opened
    refs = discover(paths)
    con = connect(db)
    report = LoadReport()
    workroot = Path(tempfile.mkdtemp(prefix="iapt-load-"))
    try:
        schema.ensure(con)
        known = {
            r[0]: (r[1], r[2])
            for r in con.execute("select submission_id, status, rejection_reason from landing.submissions").fetchall()
        }
        batch: list[Package] = []
        batch_bytes = 0
        batch_packages = config.load_batch_packages()

        def flush() -> None:
            nonlocal batch, batch_bytes
            if batch:
                for outcome in _load_batch_safely(con, batch):
                    report.outcomes.append(outcome)
                    if on_package:
                        on_package(outcome)
            batch, batch_bytes = [], 0

        for done, ref in enumerate(refs, 1):
            package = open_package(ref, workroot)
            previous = known.get(package.submission_id)
            if previous is not None or any(p.submission_id == package.submission_id for p in batch):
                package.cleanup()
                status, reason = previous if previous else ("in this run", None)
                outcome = PackageOutcome(
                    name=ref.name,
                    path=str(ref.path),
                    submission_id=package.submission_id,
                    result="already_loaded",
                    status=status,
                    reason=reason,
                )
                report.outcomes.append(outcome)
                if on_package:
                    on_package(outcome)
            else:
                batch.append(package)
                batch_bytes += package.total_bytes
                if batch_bytes >= BATCH_MAX_BYTES or len(batch) >= batch_packages:
                    flush()
            if on_progress:
                on_progress(done, len(refs))
        flush()
        con.execute("checkpoint")
    finally:
        con.close()
        shutil.rmtree(workroot, ignore_errors=True)
    return report


# ----------------------------------------------------------------------------------------------- batches


def _load_batch_safely(con: duckdb.DuckDBPyConnection, batch: list[Package]) -> list[PackageOutcome]:
    try:
        try:
            return _load_batch(con, batch)
        except _FileUnreadable as exc:
            _rollback(con)
            if len(batch) > 1:
                outcomes: list[PackageOutcome] = []
                for package in batch:
                    outcomes.extend(_load_batch_safely(con, [package]))
                return outcomes
            batch[0].rejection = exc.reason
            return _load_batch(con, batch)
    finally:
        for package in batch:
            package.cleanup()


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    with contextlib.suppress(duckdb.Error):
        con.rollback()


class _FileUnreadable(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _load_batch(con: duckdb.DuckDBPyConnection, batch: list[Package]) -> list[PackageOutcome]:
    loaded_at = datetime.now().replace(microsecond=0)
    good = [p for p in batch if p.rejection is None]
    con.begin()
    try:
        seq = int(con.execute("select coalesce(max(load_seq), 0) from landing.submissions").fetchall()[0][0])
        file_counts: dict[tuple[str, str], tuple[int, int]] = {}
        if good:
            for version in contract.VERSIONS:
                members = [p for p in good if p.header is not None and p.header.dataset_version == version]
                if members:
                    file_counts.update(_load_version(con, version, members, loaded_at))
        outcomes = []
        file_rows: list[list[object]] = []
        for package in batch:
            seq += 1
            outcomes.append(_record_submission(con, package, file_counts, seq, loaded_at, file_rows))
        _insert_file_rows(con, file_rows)
        _recompute_status(con, batch)
        con.commit()
    except BaseException:
        _rollback(con)
        raise
    statuses = dict(
        con.execute(
            "select submission_id, status from landing.submissions where submission_id in (select unnest(?))",
            [[o.submission_id for o in outcomes]],
        ).fetchall()
    )
    for outcome in outcomes:
        outcome.status = statuses.get(outcome.submission_id)
    return outcomes


def _load_version(
    con: duckdb.DuckDBPyConnection, version: str, members: list[Package], loaded_at: datetime
) -> dict[tuple[str, str], tuple[int, int]]:
    """Load one version's tables for the batch; returns (submission id, file) -> (rows, rows loaded)."""
    counts: dict[tuple[str, str], tuple[int, int]] = {}
    tables = contract.tables(version)
    parent_tables = {i.parent_table for t in tables.values() for i in t.parent_refs if i.parent_table}
    # the parents whose keys a child file of this batch needs (a parent's key list is built only for them)
    child_parents = {
        i.parent_table
        for t in tables.values()
        for i in t.parent_refs
        if i.parent_table and any(f.table.name == t.name for p in members for f in p.files)
    }
    for name in parent_tables:
        con.execute(f"create or replace temp table {_keys_name(name)} (fi integer, k varchar, accepted boolean)")
    # `_fi` is the package's position in `members`, the same for every table of the batch: a package has at
    # most one file per table, so it names the file within a table, and a child row finds its parent's key
    # by (`_fi`, key) in the parent table's key list (named rule parents_joined_by_package_position).
    position = {id(p): i for i, p in enumerate(members)}
    sids = [p.submission_id for p in members]
    for table in tables.values():
        files = [(p, f) for p in members for f in p.files if f.table.name == table.name]
        for p, f in files:
            counts[(p.submission_id, f.path.name)] = (0, 0)
        if not files:
            continue
        _add_extra_columns(con, table, sorted({c for _, f in files for c in f.extra_columns}))
        submitted = _read_files(con, table, [f for _, f in files], [position[id(p)] for p, _ in files])
        checks = _checks(table, submitted)
        # Per package position `_fi`: submission id, file name and first rowid, bound as lists so each row
        # finds its own by index: no join, and no submitted value ever written into SQL text.
        first_rid = dict(con.execute("select _fi, min(rowid) from _raw group by _fi").fetchall())
        srcs: list[str | None] = [None] * len(members)
        for p, f in files:
            srcs[position[id(p)]] = f.path.name
        firsts = [int(first_rid.get(i, 0)) for i in range(len(members))]
        _find_rejects(con, table, checks, submitted)
        any_bad = bool(con.execute("select count(*) from _bad").fetchall()[0][0])
        line = "r.rowid - (?::bigint[])[r._fi + 1] + 2"
        con.execute(
            f"insert into landing.{table.landing_name} by name select"
            f" {', '.join('r.' + quote(c) for c in submitted)}, (?::varchar[])[r._fi + 1] as _submission_id,"
            f" (?::varchar[])[r._fi + 1] as _source_file, {line} as _line_number, ?::timestamp as _loaded_at"
            " from _raw as r" + (" anti join _bad as x on x.rid = r.rowid" if any_bad else ""),
            [sids, srcs, firsts, loaded_at],
        )
        if any_bad:
            value_sql = "case x.chk " + " ".join(f"when {c.index} then {c.value}" for c in checks) + " end"
            con.execute(
                "create or replace temp table _check_defs (idx integer, item varchar, rule varchar, reason varchar)"
            )
            con.executemany(
                "insert into _check_defs values (?, ?, ?, ?)", [[c.index, c.item, c.rule, c.reason] for c in checks]
            )
            con.execute(
                "insert into landing.rejections select (?::varchar[])[r._fi + 1], (?::varchar[])[r._fi + 1],"
                f" {line}, ?, d.item, left({value_sql}, {VALUE_WIDTH}), d.rule, d.reason, ?::timestamp"
                " from _bad as x inner join _raw as r on r.rowid = x.rid"
                " inner join _check_defs as d on d.idx = x.chk",
                [sids, srcs, firsts, table.name, loaded_at],
            )
        if table.name in child_parents:
            key = next(i.name for t in tables.values() for i in t.parent_refs if i.parent_table == table.name)
            accepted = "bool_or(x.rid is null)" if any_bad else "true"
            con.execute(
                f"insert into {_keys_name(table.name)} select r._fi, trim(r.{quote(key)}), {accepted} from _raw as r"
                + (" left join _bad as x on x.rid = r.rowid" if any_bad else "")
                + " group by all"
            )
        bad_per_file = dict(con.execute("select fi, count(*) from _bad group by all").fetchall())
        rows_per_file = dict(con.execute("select _fi, count(*) from _raw group by all").fetchall())
        for p, f in files:
            n_rows = int(rows_per_file.get(position[id(p)], 0))
            counts[(p.submission_id, f.path.name)] = (n_rows, n_rows - int(bad_per_file.get(position[id(p)], 0)))
        con.execute("drop table _bad")
        con.execute("drop table _raw")
    return counts


def _read_files(
    con: duckdb.DuckDBPyConnection, table: contract.Table, files: list[CsvFile], file_ids: list[int]
) -> list[str]:
    """Read the files into temp table `_raw` (all text, plus `_fi`: `file_ids[i]` for the rows of `files[i]`).

    DuckDB's sniffer is off: files are grouped by their exact header row (parsed and validated in
    Python) and each group is read with those columns, so a malformed file can never make the reader
    guess a different header or skip rows. A file that is not valid CSV fails the read.
    Returns the submitted columns.
    """
    groups: dict[tuple[str, ...], list[int]] = {}
    for position, f in enumerate(files):
        groups.setdefault(tuple(f.columns), []).append(position)
    submitted = list(dict.fromkeys(c for f in files for c in f.columns))
    columns_sql = ", ".join(f"{quote(c)} varchar" for c in submitted)
    con.execute(f"create or replace temp table _raw ({columns_sql}, _fi integer)")
    for columns, positions in groups.items():
        try:
            # The column names (checked against ITEM_NAME in packages.py) are bound, not formatted in.
            con.execute(
                "insert into _raw by name select *, (?::integer[])[cast(file_index as bigint) + 1] as _fi"
                f" from read_csv(?, columns = ?, {CSV_OPTIONS})",
                [
                    [file_ids[i] for i in positions],
                    [str(files[i].path) for i in positions],
                    dict.fromkeys(columns, "VARCHAR"),
                ],
            )
        except (duckdb.InvalidInputException, duckdb.ConversionException) as exc:  # the file, not our SQL
            name = files[positions[0]].path.name if len(positions) == 1 else table.file_name
            raise _FileUnreadable(_csv_error(name, exc)) from None
    return submitted


def _keys_name(table_name: str) -> str:
    return f"_keys_{table_name.lower()}"


def _add_extra_columns(con: duckdb.DuckDBPyConnection, table: contract.Table, extras: list[str]) -> None:
    if not extras:
        return
    present = {c.lower() for c in schema.existing_columns(con, table.landing_name)}
    for column in extras:
        if column.lower() not in present:
            con.execute(f"alter table landing.{table.landing_name} add column {quote(column)} varchar")


def _csv_error(file_name: str, exc: Exception) -> str:
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    detail = lines[0].replace("Invalid Input Error: ", "") if lines else type(exc).__name__
    extra = next((ln for ln in lines if ln.startswith("Expected Number of Columns")), "")
    if "maximum line size" in str(exc).lower():
        return (
            f"{file_name}: {detail.replace('CSV Error on Line:', 'the record on line')} is longer than"
            f" {config.MAX_RECORD_BYTES:,} bytes, the record size limit; look for a quote that is never closed"
        )
    if "unicode" in str(exc).lower():
        return f"{file_name} is not UTF-8 encoded; save it as UTF-8 and resubmit ({detail})"
    return f"{file_name} is not valid CSV: {detail}{'; ' + extra if extra else ''}; check its quoting"


def _checks(table: contract.Table, submitted: list[str]) -> list[_Check]:
    """The row-level checks of a table, in the order a row's first failure is reported."""
    version = table.dataset_version
    checks: list[_Check] = []

    def add(item: str, rule: str, reason: str, condition: str, value: str | None = None) -> None:
        checks.append(_Check(len(checks) + 1, item, rule, reason, condition, value or quote(item)))

    max_field = int(config.max_field_bytes())
    for column in submitted:
        add(
            column,
            "field_too_long",
            f"{column} is longer than {max_field:,} bytes, the field size limit (IAPT_MAX_FIELD_BYTES);"
            " send the item's value only",
            f"strlen({quote(column)}) > {max_field}",
            f"left({quote(column)}, {VALUE_WIDTH})",
        )
    for item in table.required_items:
        col = quote(item.name)
        add(
            item.name,
            "missing_item",
            f"{item.name} is empty; every {table.name} record needs it",
            # blank: null, empty or only spaces; only a value that starts with a space is trimmed
            f"case when {col} is null then true when starts_with({col}, ' ') then trim({col}) = '' else {col} = '' end",
            "null",
        )
    formats = {
        "date": (
            contract.DATE_PATTERN[version],
            contract.DATE_FORMAT[version],
            "DD/MM/YYYY" if version == "1.5" else "YYYY-MM-DD",
        ),
        "time": (contract.TIME_PATTERN, contract.TIME_FORMAT, "HH:MM:SS"),
        "timestamp": (contract.TIMESTAMP_PATTERN, contract.TIMESTAMP_FORMAT, "YYYY-MM-DDTHH:MM:SS"),
    }
    for item in table.items:
        if item.name not in submitted:
            continue
        col = quote(item.name)
        if item.value_type in formats:
            pattern, fmt, shape = formats[item.value_type]
            add(
                item.name,
                "bad_date",
                f"{item.name} is not a valid {item.value_type} in the {shape} format",
                # a value in the exact shape (no spaces to trim: most of them) is parsed once, untrimmed
                f"case when {col} is null then false when regexp_full_match({col}, '{pattern}')"
                f" then try_strptime({col}, '{fmt}') is null when trim({col}) = '' then false"
                f" else not coalesce(regexp_full_match(trim({col}), '{pattern}')"
                f" and try_strptime(trim({col}), '{fmt}') is not null, false) end",
            )
        elif item.value_type == "number":
            add(
                item.name,
                "bad_number",
                f"{item.name} is not a number",
                # DuckDB's cast ignores surrounding spaces, so a value that casts untrimmed is a number
                f"case when {col} is null then false when isfinite(try_cast({col} as double)) then false"
                f" when trim({col}) = '' then false"
                f" else not coalesce(isfinite(try_cast(trim({col}) as double)), false) end",
            )
    keys = [i.name for i in table.key_items]
    if keys:
        shown = ", ".join(keys)
        add(
            shown,
            "duplicate_key",
            f"duplicate record: another {table.name} row in this package has the same {shown};"
            " every copy is rejected, send each record once",
            "_keycount > 1",
            "concat_ws('|', " + ", ".join(f"coalesce({quote(k)}, '')" for k in keys if k in submitted) + ")",
        )
    for ref in table.parent_refs:
        add(
            ref.name,
            "orphan",
            f"no {ref.parent_table} record with this {ref.parent_item} in the package; send the parent record"
            " in every month its records are sent",
            "_parent_k is null",
        )
        add(
            ref.name,
            "parent_rejected",
            f"its {ref.parent_table} record was itself rejected (see that file's rejections)",
            "not _parent_ok",
        )
    return checks


def _find_rejects(
    con: duckdb.DuckDBPyConnection, table: contract.Table, checks: list[_Check], submitted: list[str]
) -> None:
    """Build temp table `_bad` (rid, chk, fi): the rejected rows of `_raw` and the first check each fails.

    Each package has one file per table, so "within the package" is "within the file" (`_fi`).
    Duplicate keys (named rule duplicate_keys_hashed_first): a duplicate needs two rows of one file with one
    key, so the rows whose hash of (file, key) another row shares are found first with one `group by` of a
    number, and only those are counted by file and key; a hash collision only adds a candidate, which the
    count clears. Grouping every row by its file and key texts was a third of the loader's checks.
    """
    row_rules = {"field_too_long", "missing_item", "bad_date", "bad_number"}
    row_checks = [c for c in checks if c.rule in row_rules]
    later = [c for c in checks if c.rule not in row_rules]
    row_case = "case " + " ".join(f"when {c.condition} then {c.index}" for c in row_checks) + " else 0 end"
    if not row_checks:
        row_case = "0"
    keys = [quote(i.name) for i in table.key_items if i.name in submitted]
    key_cols = "".join(f", trim(r.{k}) as _k{n}" for n, k in enumerate(keys))
    key_list = ", ".join(["_fi"] + [f"_k{n}" for n in range(len(keys))])
    duplicates = ""
    keycount = "1"
    if keys:
        duplicates = f"""
        shared_hashes as (
            select hash({key_list}) as _h from c0 group by hash({key_list}) having count(*) > 1
        ),
        duplicate_rows as (
            select _rid from (
                select _rid, count(*) over (partition by {key_list}) as _n
                from c0 where hash({key_list}) in (select _h from shared_hashes)
            ) where _n > 1
        ),"""
        keycount = "case when d._rid is null then 1 else 2 end"
    parent = table.parent_refs[0] if table.parent_refs else None
    join = ""
    parent_cols = "null::varchar as _parent_k, true as _parent_ok"
    if parent and parent.parent_table:
        # rule parents_joined_by_package_position: the parent's keys are listed by package position
        join = f"left join {_keys_name(parent.parent_table)} as kp on kp.fi = c._fi and kp.k = c._parent_ref"
        parent_cols = "kp.k as _parent_k, coalesce(kp.accepted, false) as _parent_ok"
    parent_ref = f"trim(r.{quote(parent.name)})" if parent else "null::varchar"
    later_case = " ".join(f"when {c.condition} then {c.index}" for c in later)
    dup_join = "left join duplicate_rows as d on d._rid = c0._rid" if keys else ""
    con.execute(
        f"""
        create or replace temp table _bad as
        with c0 as (
            -- the row checks first, so that what follows carries these few columns, not the row
            select r.rowid as _rid, r._fi, {parent_ref} as _parent_ref, {row_case} as _rowcheck{key_cols}
            from _raw as r
        ),{duplicates}
        c as (
            select c0._rid, c0._fi, c0._parent_ref, c0._rowcheck, {keycount} as _keycount from c0 {dup_join}
        ),
        p as (
            select c.*, {parent_cols} from c {join}
        ),
        judged as (
            select _rid, _fi, case when _rowcheck > 0 then _rowcheck {later_case} else 0 end as chk from p
        )
        select _rid as rid, chk, _fi as fi from judged where chk > 0
        """
    )


# ----------------------------------------------------------------------------------------- submissions


def _record_submission(
    con: duckdb.DuckDBPyConnection,
    package: Package,
    counts: dict[tuple[str, str], tuple[int, int]],
    seq: int,
    loaded_at: datetime,
    file_rows: list[list[object]],
) -> PackageOutcome:
    """Record the package in landing.submissions; its rows of landing.submission_files go to `file_rows`."""
    header = package.header
    ref: PackageRef = package.ref
    outcome = PackageOutcome(
        name=ref.name,
        path=str(ref.path),
        submission_id=package.submission_id,
        result="rejected" if package.rejection else "loaded",
        reason=package.rejection,
        org_code_provider=header.org_code_provider if header else None,
        reporting_period_start=header.reporting_period_start.isoformat() if header else None,
        submission_window=header.submission_window if header else None,
    )
    per_table: dict[str, int] = {}
    if package.rejection is None:
        for f in package.files:
            rows, ok = counts.get((package.submission_id, f.path.name), (0, 0))
            per_table[f.table.name] = ok
            outcome.rows_submitted += rows
            outcome.rows_loaded += ok
            outcome.rows_rejected += rows - ok
            file_rows.append(
                [
                    package.submission_id,
                    f.path.name,
                    f.table.name,
                    rows,
                    ok,
                    rows - ok,
                    ",".join(f.extra_columns) or None,
                    ",".join(f.missing_columns) or None,
                ]
            )
        status = "late" if header and header.submission_window == "Late" else "superseded"
    else:
        status = "rejected"
        con.execute(
            "insert into landing.rejections values (?, null, null, null, null, null, 'package_rejected', ?, ?)",
            [package.submission_id, package.rejection, loaded_at],
        )
    con.execute(
        "insert into landing.submissions values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            package.submission_id,
            ref.name,
            str(ref.path),
            "zip" if ref.is_zip else "directory",
            outcome.org_code_provider,
            header.reporting_period_start if header else None,
            header.reporting_period_end if header else None,
            header.dataset_version if header else None,
            header.created_at if header else None,
            header.submission_window if header else None,
            status,
            package.rejection,
            package.total_bytes,
            outcome.rows_submitted if package.rejection is None else None,
            outcome.rows_loaded,
            outcome.rows_rejected if package.rejection is None else None,
            json.dumps(per_table, sort_keys=True) if package.rejection is None else None,
            seq,
            loaded_at,
        ],
    )
    return outcome


def _insert_file_rows(con: duckdb.DuckDBPyConnection, file_rows: list[list[object]]) -> None:
    """The batch's landing.submission_files rows in one statement (a statement per row costs a few ms)."""
    if not file_rows:
        return
    columns = [list(c) for c in zip(*file_rows, strict=True)]
    types = ["varchar", "varchar", "varchar", "bigint", "bigint", "bigint", "varchar", "varchar"]
    con.execute(
        "insert into landing.submission_files select " + ", ".join(f"unnest(?::{t}[])" for t in types),
        columns,
    )


def _recompute_status(con: duckdb.DuckDBPyConnection, batch: list[Package]) -> None:
    """In use per (provider, month): the latest Refresh if any, else the latest Primary."""
    keys = sorted(
        {
            (p.header.org_code_provider, p.header.reporting_period_start)
            for p in batch
            if p.header is not None and p.rejection is None
        }
    )
    if not keys:
        return
    con.execute("create or replace temp table _affected (org varchar, period date)")
    con.executemany("insert into _affected values (?, ?)", [list(k) for k in keys])
    con.execute(
        """
        update landing.submissions as s
        set status = r.new_status
        from (
            select submission_id,
                   case when row_number() over (
                            partition by org_code_provider, reporting_period_start
                            order by (submission_window = 'Refresh') desc, created_at desc, load_seq desc
                        ) = 1 then 'in_use' else 'superseded' end as new_status
            from landing.submissions
            where status in ('in_use', 'superseded')
              and exists (
                  select 1 from _affected as a
                  where a.org = org_code_provider and a.period = reporting_period_start
              )
        ) as r
        where s.submission_id = r.submission_id and s.status <> r.new_status
        """
    )


def summary_rows(con: Any) -> list[tuple[Any, ...]]:
    """Submissions by status, for printing."""
    return list(con.execute("select status, count(*) from landing.submissions group by all order by all").fetchall())
