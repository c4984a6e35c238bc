"""No direct identifier leaves landing: the demo warehouse and what is exported from it, scanned.

The scanner looks at every column of every relation outside `landing` for NHS-number-shaped values that
pass modulus 11, full postcodes and the submitted dates of birth; and at the exported files (`iapt
publish` CSVs, the docs site built from the warehouse, the Great Expectations Data Docs when `make test`
made them) for any submitted NHS number, full postcode or date of birth. The scanner is first shown to
find planted values, so a clean result means something. The pseudonymisation key is looked for in the
repository, the logs, the docs and the warehouse file.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from conftest import TEST_KEY
from iapt_warehouse import pseudo
from iapt_warehouse.cli import cli

REPO = Path(__file__).resolve().parents[2]
NHS_SHAPE = r"^\s*[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}\s*$"
POSTCODE = r"^\s*[A-Za-z]{1,2}[0-9][0-9A-Za-z]? ?[0-9][A-Za-z]{2}\s*$"
DATE = r"^\s*([0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{2}/[0-9]{2}/[0-9]{4})"
SKIP_SCHEMAS = ("landing", "information_schema", "pg_catalog")


@dataclass(frozen=True)
class Finding:
    where: str
    column: str
    kind: str
    value: str


@dataclass(frozen=True)
class Submitted:
    """The direct identifiers submitted (read from landing), in every form they could be written."""

    nhs_numbers: frozenset[str]
    postcodes: frozenset[str]
    birth_dates: frozenset[str]


def submitted_identifiers(con: duckdb.DuckDBPyConnection) -> Submitted:
    rows = con.execute(
        "select NHSNumber, Postcode, PersonBirthDate from landing.ids001mpi"
        " union all select NHSNumber, Postcode, PersonBirthDate from landing.iaptdatasetperson"
    ).fetchall()
    nhs = {d for d in (pseudo.valid_nhs_number(r[0]) for r in rows) if d}
    postcodes = {r[1].strip().upper() for r in rows if r[1] and re.match(POSTCODE, r[1])}
    dates = set()
    for _, _, born in rows:
        if born and re.fullmatch(r"[0-9]{2}/[0-9]{2}/[0-9]{4}", born.strip()):
            d, m, y = born.strip().split("/")
            dates |= {born.strip(), f"{y}-{m}-{d}"}
        elif born and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", born.strip()):
            y, m, d = born.strip().split("-")
            dates |= {born.strip(), f"{d}/{m}/{y}"}
    return Submitted(frozenset(nhs), frozenset(postcodes), frozenset(dates))


def classify(value: str) -> str | None:
    if re.match(NHS_SHAPE, value) and pseudo.valid_nhs_number(value.strip()):
        return "NHS number"
    if re.match(POSTCODE, value):
        return "full postcode"
    return None


DOB_SHARE = 0.5  # a column is a date-of-birth column when at least this share of its dates are birth dates


def scan_warehouse(con: duckdb.DuckDBPyConnection, birth_dates: frozenset[str]) -> list[Finding]:
    """Every column of every relation outside landing: values shaped like an identifier, then judged."""
    findings = []
    relations = con.execute(
        "select table_schema, table_name from information_schema.tables"
        f" where table_schema not in {SKIP_SCHEMAS} order by all"
    ).fetchall()
    shape = f"regexp_matches(v, '{NHS_SHAPE}') or regexp_matches(v, '{POSTCODE}') or regexp_matches(v, '{DATE}')"
    for schema, table in relations:
        n_columns = con.execute(
            "select count(*) from information_schema.columns where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchall()[0][0]
        if not n_columns:
            continue
        rows = con.execute(
            f"""
            select distinct col, v from (
                unpivot (select cast(columns(*) as varchar) from "{schema}"."{table}")
                on columns(*) into name col value v
            ) where {shape}
            """
        ).fetchall()
        dates: dict[str, set[str]] = {}
        for column, value in rows:
            kind = classify(value)
            if kind:
                findings.append(Finding(f"{schema}.{table}", column, kind, value))
            elif re.match(DATE, value):
                dates.setdefault(column, set()).add(value.strip()[:10])
        # Dates of birth: thousands of patients' birth dates cover a good share of all days, so a single
        # date that equals someone's birth date is chance (a GP registration date, a provider's start
        # date). A column is flagged when its name says birth, or when at least half of its dates are.
        for column, values in dates.items():
            born = sorted(values & birth_dates)
            if born and len(born) >= DOB_SHARE * len(values):
                findings.append(Finding(f"{schema}.{table}", column, "date of birth", born[0]))
        for (column,) in con.execute(
            "select column_name from information_schema.columns where table_schema = ? and table_name = ?"
            " and regexp_matches(lower(column_name), '(birth|^dob$|_dob$|^dob_)')"
            " and not regexp_matches(lower(column_name), 'birth_(year|decade)')",
            [schema, table],
        ).fetchall():
            findings.append(Finding(f"{schema}.{table}", column, "date-of-birth column", ""))
    return findings


def scan_files(paths: Iterable[Path], submitted: Submitted) -> list[Finding]:
    """Every token of every text file that is a submitted NHS number, full postcode or date of birth."""
    wanted = {**{n: "NHS number" for n in submitted.nhs_numbers}, **{d: "date of birth" for d in submitted.birth_dates}}
    postcodes = submitted.postcodes
    findings = []
    for path in paths:
        if not path.is_file() or path.stat().st_size > 200 * 1024**2:
            continue
        text = path.read_bytes().decode("utf-8", errors="ignore")
        for token in set(re.findall(r"[0-9]{2}/[0-9]{2}/[0-9]{4}|[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{10}", text)):
            if token in wanted:
                findings.append(Finding(str(path), "", wanted[token], token))
        for pair in set(re.findall(r"\b[A-Za-z]{1,2}[0-9][0-9A-Za-z]? ?[0-9][A-Za-z]{2}\b", text)):
            if pair.upper() in postcodes or pair.upper().replace(" ", "") in {p.replace(" ", "") for p in postcodes}:
                findings.append(Finding(str(path), "", "full postcode", pair))
    return findings


# ------------------------------------------------------------------------------- the scanner can fail


def test_the_scanner_finds_planted_identifiers(tmp_path: Path) -> None:
    db = tmp_path / "planted.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create schema landing; create schema marts")
    con.execute(
        "create table landing.ids001mpi as select '9434765919' as NHSNumber, 'LS1 4AP' as Postcode,"
        " '1980-05-17' as PersonBirthDate"
    )
    con.execute("create table landing.iaptdatasetperson as select * from landing.ids001mpi limit 0")
    con.execute(
        "create table marts.leaky as select * from (values"
        " ('9434765919', 'x', null::date, 1), ('943 476 5919', 'LS1 4AP', date '1980-05-17', 2),"
        " ('9434765918', 'LS1', date '2020-05-17', 3)) as t(nhs, postcode, born, n)"
    )
    con.execute(  # one birth date among many other dates is chance, not a leak; a birth column is a leak
        "create table marts.not_leaky as select date '2020-01-01' + range::int as d, 1 as birth_year"
        " from range(10) union all select date '1980-05-17', 1"
    )
    con.execute("create table marts.renamed as select null::date as person_birth_date")
    submitted = submitted_identifiers(con)
    found = {(f.column, f.kind, f.value) for f in scan_warehouse(con, submitted.birth_dates)}
    con.close()
    assert found == {
        ("nhs", "NHS number", "9434765919"),
        ("nhs", "NHS number", "943 476 5919"),
        ("postcode", "full postcode", "LS1 4AP"),
        ("born", "date of birth", "1980-05-17"),
        ("person_birth_date", "date-of-birth column", ""),
    }  # 9434765918 fails modulus 11; LS1 is a district; 2020-05-17 is no one's birth date
    leaky = tmp_path / "export.csv"
    leaky.write_text("a,b,c\n9434765919,LS1 4AP,17/05/1980\n9434765918,LS1,2020-05-17\n")
    clean = tmp_path / "clean.html"
    clean.write_text("<td>LS1</td><td>1980-05</td><td>94347659</td>")
    kinds = sorted(f.kind for f in scan_files([leaky, clean], submitted))
    assert kinds == ["NHS number", "date of birth", "full postcode"]


# ------------------------------------------------------------------------------- the demo warehouse


@pytest.fixture(scope="module")
def demo_submitted(demo: tuple[Path, Path]) -> tuple[Path, Submitted]:
    db, _ = demo
    con = duckdb.connect(str(db), read_only=True)
    try:
        return db, submitted_identifiers(con)
    finally:
        con.close()


def test_no_identifier_in_any_relation_outside_landing(demo_submitted: tuple[Path, Submitted]) -> None:
    db, submitted = demo_submitted
    assert len(submitted.nhs_numbers) > 100 and submitted.postcodes and submitted.birth_dates
    con = duckdb.connect(str(db), read_only=True)
    try:
        findings = scan_warehouse(con, submitted.birth_dates)
    finally:
        con.close()
    assert findings == [], findings[:10]


def test_no_identifier_in_exported_files(demo_submitted: tuple[Path, Submitted], tmp_path: Path) -> None:
    from iapt_warehouse.docs_site import build_site

    db, submitted = demo_submitted
    con = duckdb.connect(str(db), read_only=True)
    months = [
        r[0]
        for r in con.execute(
            "select distinct strftime(reporting_period_start, '%Y-%m') from publication.monthly_activity order by 1"
        ).fetchall()
    ]
    con.close()
    assert months
    for month in months[-3:]:
        result = CliRunner().invoke(cli, ["publish", "--month", month, "--db", str(db), "--out", str(tmp_path / "pub")])
        assert result.exit_code == 0, result.output
    build_site(db, tmp_path / "no-dbt-target", tmp_path / "no-gx", tmp_path / "site")
    exported = [*(tmp_path / "pub").rglob("*"), *(tmp_path / "site").rglob("*")]
    gx_docs = REPO / "expectations" / "uncommitted" / "data_docs"
    exported += list(gx_docs.rglob("*")) if gx_docs.exists() else []  # made by `make test` (iapt validate)
    assert len([p for p in exported if p.suffix == ".csv"]) == 3
    assert scan_files(exported, submitted) == []


def test_the_key_appears_nowhere(demo_submitted: tuple[Path, Submitted]) -> None:
    db, _ = demo_submitted
    key = os.environ.get("IAPT_PSEUDO_KEY") or TEST_KEY
    needle = key.encode()
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    places = [REPO / p for p in tracked.decode().split("\0") if p and p != ".iapt_pseudo_key"]
    for folder in ("logs", "target", "site", "build/test", "expectations/uncommitted"):
        places += [p for p in (REPO / folder).rglob("*") if p.is_file()] if (REPO / folder).exists() else []
    places.append(db)
    hits = []
    for path in places:
        if path.is_file() and not path.is_symlink() and needle in path.read_bytes():
            hits.append(str(path))
    assert hits == []
