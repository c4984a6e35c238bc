"""The landing contract as data: internally consistent, and every item staged or listed as not carried."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from iapt_warehouse import contract

REPO = Path(__file__).resolve().parents[2]


def without_comments(sql: str) -> str:
    """SQL without `--` and `{# #}` comments, so an item named only in a comment does not count as read."""
    sql = re.sub(r"\{#.*?#\}", " ", sql, flags=re.S)
    return "\n".join(line.split("--")[0] for line in sql.splitlines())


def staging_sql_by_landing_table() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in (REPO / "models" / "staging").rglob("*.sql"):
        text = without_comments(path.read_text().lower())
        for table in re.findall(r"source\('landing', '([a-z0-9]+)'\)", text):
            found.setdefault(table, []).append(text)
    return found


def not_carried() -> dict[tuple[str, str, str], str]:
    path = REPO / "src/iapt_warehouse/contract/not_carried.csv"
    with open(path, newline="") as handle:
        return {(r["dataset_version"], r["table_name"], r["item_name"]): r["reason"] for r in csv.DictReader(handle)}


def test_every_item_is_staged_or_listed_with_a_reason():
    sql = staging_sql_by_landing_table()
    listed = not_carried()
    unaccounted, listed_but_carried = [], []
    for table in contract.all_tables():
        for item in table.items:
            carried = any(re.search(rf"\b{item.name.lower()}\b", text) for text in sql.get(table.landing_name, []))
            key = (table.dataset_version, table.name, item.name)
            if not carried and not listed.get(key, "").strip():
                unaccounted.append(key)
            if carried and key in listed:
                listed_but_carried.append(key)
    assert unaccounted == []
    assert listed_but_carried == []
    assert set(listed) <= {(t.dataset_version, t.name, i.name) for t in contract.all_tables() for i in t.items}


def test_parents_exist_and_come_before_their_children():
    for version in contract.VERSIONS:
        order = list(contract.tables(version))
        for table in contract.tables(version).values():
            for ref in table.parent_refs:
                assert ref.parent_table in order, (table.name, ref.parent_table)
                assert order.index(ref.parent_table) < order.index(table.name)
                parent = contract.tables(version)[ref.parent_table]
                assert parent.item(ref.parent_item or "").key_part, (table.name, ref.parent_item)


def test_every_table_has_a_key_and_identifiers_are_flagged():
    for table in contract.all_tables():
        if not table.is_header:
            assert table.key_items, table.name
    flagged = {(t.name, i.name) for t in contract.all_tables() for i in t.items if i.identifier}
    for name in ("NHSNumber", "PersonBirthDate", "Postcode"):
        assert ("IDS001MPI", name) in flagged and ("IAPTDataSetPerson", name) in flagged
    assert ("IDS001MPI", "LocalPatientId") in flagged and ("IAPTDataSetPerson", "LPTID") in flagged
