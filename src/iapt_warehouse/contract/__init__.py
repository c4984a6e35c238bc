"""The landing contract (shared/spec/submission-format.md) as data.

`submission_items.csv` lists every table and item of both data-set versions with its value type, whether
it is part of the record key, whether it is required, whether the measures need it, the parent record it
references, and whether it is a direct identifier. The loader, the synthetic generator and the tests all
read it from here, so the contract is written down once.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

VERSIONS: tuple[str, ...] = ("1.5", "2.0")
HEADER_TABLE: dict[str, str] = {"1.5": "IAPTDataSetHeader", "2.0": "IDS000Header"}
PROVIDER_ITEM: dict[str, str] = {"1.5": "OrgCodeProvider", "2.0": "OrgIDProv"}
# strptime formats per version (submission-format.md "Dates").
DATE_FORMAT: dict[str, str] = {"1.5": "%d/%m/%Y", "2.0": "%Y-%m-%d"}
DATE_PATTERN: dict[str, str] = {"1.5": r"\d{2}/\d{2}/\d{4}", "2.0": r"\d{4}-\d{2}-\d{2}"}
TIME_FORMAT = "%H:%M:%S"
TIME_PATTERN = r"\d{2}:\d{2}:\d{2}"
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S"
TIMESTAMP_PATTERN = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}"


@dataclass(frozen=True)
class Item:
    """One submitted item (column) of one table."""

    dataset_version: str
    table_name: str
    name: str
    order: int
    value_type: str  # text | date | time | timestamp | number
    key_part: bool  # part of the record's identity within a package
    required: bool  # a row without it is rejected
    measures_need: bool  # bold in the contract
    parent_table: str | None
    parent_item: str | None
    identifier: bool  # direct identifier: never leaves the landing layer


@dataclass(frozen=True)
class Table:
    """One submitted table (one CSV file per package)."""

    dataset_version: str
    name: str
    items: tuple[Item, ...]

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"

    @property
    def landing_name(self) -> str:
        """Relation name in schema `landing`: the table name lowercased."""
        return self.name.lower()

    @property
    def is_header(self) -> bool:
        return HEADER_TABLE[self.dataset_version] == self.name

    @property
    def item_names(self) -> tuple[str, ...]:
        return tuple(i.name for i in self.items)

    @property
    def key_items(self) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.key_part)

    @property
    def required_items(self) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.required)

    @property
    def parent_refs(self) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.parent_table)

    def item(self, name: str) -> Item:
        for i in self.items:
            if i.name == name:
                return i
        raise KeyError(f"{self.name} has no item {name}")


@cache
def tables(dataset_version: str) -> dict[str, Table]:
    """Tables of one data-set version, keyed by table name, in contract order."""
    if dataset_version not in VERSIONS:
        raise KeyError(f"unknown data-set version {dataset_version!r}")
    grouped: dict[str, list[Item]] = {}
    text = resources.files(__package__).joinpath("submission_items.csv").read_text(encoding="utf-8")
    for row in csv.DictReader(text.splitlines()):
        if row["dataset_version"] != dataset_version:
            continue
        grouped.setdefault(row["table_name"], []).append(
            Item(
                dataset_version=row["dataset_version"],
                table_name=row["table_name"],
                name=row["item_name"],
                order=int(row["item_order"]),
                value_type=row["value_type"],
                key_part=row["key_part"] == "Y",
                required=row["required"] == "Y",
                measures_need=row["measures_need"] == "Y",
                parent_table=row["parent_table"] or None,
                parent_item=row["parent_item"] or None,
                identifier=row["identifier"] == "Y",
            )
        )
    return {
        name: Table(dataset_version, name, tuple(sorted(items, key=lambda i: i.order)))
        for name, items in grouped.items()
    }


def all_tables() -> list[Table]:
    """Every table of every version."""
    return [t for v in VERSIONS for t in tables(v).values()]
