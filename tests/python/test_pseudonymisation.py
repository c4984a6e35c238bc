"""Direct identifiers never leave landing; the key never appears anywhere; pseudonymous keys behave."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import duckdb
import pytest

from conftest import TEST_KEY
from iapt_warehouse import pseudo

REPO = Path(__file__).resolve().parents[2]

FULL_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2}$")


def relations_outside_landing(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return con.execute(
        "select table_schema, table_name from information_schema.tables"
        " where table_schema not in ('landing', 'information_schema', 'pg_catalog', 'main')"
        " order by all"
    ).fetchall()


def test_no_identifier_past_landing(built):
    db, _ = built
    con = duckdb.connect(str(db), read_only=True)  # a plain reader: no plugin, no key
    birth_dates = {
        r[0]
        for r in con.execute(
            "select PersonBirthDate from landing.ids001mpi union select PersonBirthDate from landing.iaptdatasetperson"
        ).fetchall()
    }
    birth_dates |= {
        "-".join(reversed(d.split("/"))) for d in birth_dates if d and "/" in d
    }  # v1.5 dates in ISO form too
    local_ids = {
        r[0]
        for r in con.execute(
            "select LocalPatientId from landing.ids001mpi union select LPTID from landing.iaptdatasetperson"
        ).fetchall()
    }
    relations = relations_outside_landing(con)
    assert ("staging", "stg_iapt__patients") in relations
    findings = []
    for schema, table in relations:
        columns = con.execute(
            "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchall()
        for (column,) in columns:
            values = {
                str(v[0])
                for v in con.execute(f'select distinct cast("{column}" as varchar) from {schema}.{table}').fetchall()
                if v[0] is not None
            }
            for value in values:
                if pseudo.valid_nhs_number(value):
                    findings.append((schema, table, column, "NHS number"))
                if FULL_POSTCODE.match(value.upper()):
                    findings.append((schema, table, column, "full postcode"))
                if value[:10] in birth_dates and column not in {"referral_received_date", "discharge_date"}:
                    findings.append((schema, table, column, "date of birth"))
                # Seeds (ref_*) are reference data from the repository, not submitted values.
                if value in local_ids and not column.endswith("_key") and not table.startswith("ref_"):
                    findings.append((schema, table, column, "local patient id"))
    assert findings == []
    con.close()


def test_every_relation_is_readable_without_the_key_or_plugin(built):
    db, _ = built
    con = duckdb.connect(str(db), read_only=True)
    for schema, table in relations_outside_landing(con):
        con.execute(f"select count(*) from {schema}.{table}").fetchall()
    con.close()


def test_the_key_appears_nowhere(built):
    db, work = built
    con = duckdb.connect(str(db), read_only=True)
    for schema, table in con.execute(
        "select table_schema, table_name from information_schema.tables"
        " where table_schema not in ('information_schema', 'pg_catalog')"
    ).fetchall():
        for (column,) in con.execute(
            "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchall():
            hits = con.execute(
                f'select count(*) from {schema}.{table} where contains(cast("{column}" as varchar), ?)', [TEST_KEY]
            ).fetchall()[0][0]
            assert hits == 0, (schema, table, column)
    con.close()
    for path in work.rglob("*"):
        if path.is_file() and path.suffix in {".sql", ".json", ".log", ".txt"}:
            assert TEST_KEY not in path.read_text(errors="ignore"), path
    assert TEST_KEY.encode() not in db.read_bytes()


def test_person_and_patient_keys(built):
    db, _ = built
    con = duckdb.connect(str(db), read_only=True)
    # The fixture pathway RHA:1001 runs July (v1.5) to September (v2.0): one patient key throughout.
    keys = con.execute(
        "select distinct p.patient_key from staging.stg_iapt__referrals as r"
        " inner join staging.stg_iapt__patients as p"
        " on p.patient_key = r.patient_key and p.reporting_period_start = r.reporting_period_start"
        " where r.pathway_key = 'RHA:1001'"
    ).fetchall()
    assert len(keys) == 1
    con.close()


def test_person_key_rules():
    key = b"k" * 32
    valid = "9434765919"
    assert pseudo.person_key(key, valid, "RHA", "P1") == pseudo.person_key(key, "943 476 5919", "RX4", "Q9")
    assert pseudo.person_key(key, "9434765918", "RHA", "P1") == pseudo.person_key(key, None, "rha", " P1 ")
    assert pseudo.person_key(key, "9434765918", "RHA", "P1") != pseudo.person_key(key, None, "RHA", "P2")
    assert pseudo.person_key(key, None, "RHA", "") is None
    assert pseudo.person_key(b"other-key-0123456789", valid, "RHA", "P1") != pseudo.person_key(key, valid, "RHA", "P1")
    assert len(pseudo.person_key(key, valid, None, None) or "") == 64
    # an NHS number is ASCII: the same digits in another script are not one (the SQL version agrees)
    assert pseudo.valid_nhs_number("\u0669\u0664\u0663\u0664\u0667\u0666\u0665\u0669\u0661\u0669") is None


def test_hmac_pads_give_the_keyed_digest() -> None:
    # rule keyed_digests_in_duckdb: SQL computes sha256(outer || sha256(inner || message)) from these pads
    for key in (b"k" * 32, b"a-much-longer-key-" * 5):
        inner, outer = pseudo.hmac_pads(key)
        message = b"id:RHA:P1"
        assert hashlib.sha256(outer + hashlib.sha256(inner + message).digest()).hexdigest() == pseudo.pseudo_id(
            key, "RHA", "P1"
        )


def test_missing_key_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("IAPT_PSEUDO_KEY", raising=False)
    with pytest.raises(pseudo.MissingKeyError, match="IAPT_PSEUDO_KEY is not set"):
        pseudo.key_from_environment()


def _valid_nhs_number_by_definition(value: str | None) -> str | None:
    """valid_nhs_number before its ten-digit fast path: the digits, if removing spaces and dashes left them (an
    NHS number is ASCII: rule keyed_digests_in_duckdb)."""
    if not value or not value.isascii():
        return None
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) != 10 or digits != value.replace(" ", "").replace("-", "").strip():
        return None
    return digits if pseudo.nhs_number.is_valid(digits) else None


@pytest.mark.parametrize(
    "value",
    [
        "9434765919", "9434765918", "943 476 5919", "943-476-5919", " 9434765919", "9434765919 ", "0000000000",
        "943476591", "94347659190", "943476591x", "\u0669\u0664\u0663\u0664\u0667\u0666\u0665\u0669\u0661\u0669",
        "\u00b2434765919", "", None, "0101019999",
    ],
)  # fmt: skip
def test_valid_nhs_number_fast_path_agrees_with_its_definition(value: str | None) -> None:
    assert pseudo.valid_nhs_number(value) == _valid_nhs_number_by_definition(value)


def test_pseudo_id_cache_holds_a_national_year_and_person_key_cache_is_small() -> None:
    # rule patient_keys_cached_across_models (docs/performance.md): eight v2.0 models key the same
    # 2.2 million identifiers of a national year through pseudo_id; person_key sees each identifier once
    assert (pseudo.pseudo_id.cache_info().maxsize or 0) >= 2_300_000
    assert (pseudo.person_key.cache_info().maxsize or 0) <= 100_000
