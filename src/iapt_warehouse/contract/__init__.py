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


# --- The data dictionary -------------------------------------------------------------------------------------------
# `data_dictionary.csv` describes every item of `submission_items.csv` (same key: dataset_version, table_name,
# item_name): what it means, its code list, valid and default values, the staging column it becomes and how.
# `not_carried.csv` gives the reason for every item no staging model reads. docs/data-dictionary.md explains both.

# How an item becomes its conformed column. The first group describes the column (the column is the item, typed and
# normalised); the second feeds a derived column (a key, a pseudonym, an age) that the staging supplement describes.
DESCRIBING_CONFORMANCES: frozenset[str] = frozenset({"text", "code", "date", "time", "number", "header", "unpivoted"})
DERIVING_CONFORMANCES: frozenset[str] = frozenset({"key", "pseudonymised"})
DESCRIPTION_SOURCES: frozenset[str] = frozenset({"nhs_dd", "project"})
# Column types of the conformed (staging) columns, as dbt contracts spell them for DuckDB.
DATA_TYPES: frozenset[str] = frozenset({"varchar", "date", "timestamp", "integer", "bigint", "double", "boolean"})


@dataclass(frozen=True)
class Entry:
    """The data dictionary entry of one submitted item (joined to its contract item)."""

    item: Item
    description: str
    description_source: str  # nhs_dd: wording from the NHS Data Dictionary page dd_url; project: the project's own
    dd_element: str | None  # NHS Data Dictionary element (or attribute) name, when identified
    dd_url: str | None
    data_type: str | None  # type of the conformed column
    code_list: str | None  # seed in seeds/reference that lists the item's codes
    code_list_column: str | None  # the seed's column holding the code
    code_list_complete: bool  # the seed lists every valid code (so codes outside it are reported by a test)
    code_width: int | None  # codes are trimmed and zero-padded to this width in staging (macro normalise_code)
    valid_values: tuple[str, ...]  # valid values when there is no seed (after normalisation)
    default_codes: str | None  # default ("not known", "not stated") codes, as text
    conformance: str | None  # see DESCRIBING_CONFORMANCES / DERIVING_CONFORMANCES; None when not carried
    conformed_model: str | None  # the staging model and column the item becomes
    conformed_column: str | None
    also_conformed: tuple[tuple[str, str], ...]  # further (model, column) the item feeds: keys, copies
    note: str | None  # project wording: how staging conforms or uses it

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.item.dataset_version, self.item.table_name, self.item.name)

    @property
    def carried(self) -> bool:
        return self.conformed_model is not None

    @property
    def describes_column(self) -> bool:
        """The conformed column is this item itself, so the item's description is the column's."""
        return self.conformance in DESCRIBING_CONFORMANCES


def _read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _model_column(text: str) -> tuple[str, str]:
    model, _, column = text.strip().partition(".")
    if not model or not column:
        raise ValueError(f"data_dictionary.csv: {text!r} is not model.column")
    return model, column


@cache
def dictionary() -> tuple[Entry, ...]:
    """Every item of both versions with its dictionary entry, in contract order (v2.0 first)."""
    items = {(t.dataset_version, t.name, i.name): i for t in all_tables() for i in t.items}
    entries: dict[tuple[str, str, str], Entry] = {}
    for row in _read_csv("data_dictionary.csv"):
        key = (row["dataset_version"], row["table_name"], row["item_name"])
        if key not in items:
            raise ValueError(f"data_dictionary.csv: {'.'.join(key)} is not an item of submission_items.csv")
        if key in entries:
            raise ValueError(f"data_dictionary.csv: {'.'.join(key)} is listed twice")
        also = tuple(_model_column(p) for p in row["also_conformed"].split(";") if p.strip())
        entries[key] = Entry(
            item=items[key],
            description=row["description"].strip(),
            description_source=row["description_source"],
            dd_element=row["dd_element"] or None,
            dd_url=row["dd_url"] or None,
            data_type=row["data_type"] or None,
            code_list=row["code_list"] or None,
            code_list_column=row["code_list_column"] or None,
            code_list_complete=row["code_list_complete"] == "Y",
            code_width=int(row["code_width"]) if row["code_width"] else None,
            valid_values=tuple(v for v in row["valid_values"].split("|") if v),
            default_codes=row["default_codes"] or None,
            conformance=row["conformance"] or None,
            conformed_model=row["conformed_model"] or None,
            conformed_column=row["conformed_column"] or None,
            also_conformed=also,
            note=row["note"].strip() or None,
        )
    missing = [".".join(k) for k in items if k not in entries]
    if missing:
        raise ValueError(f"data_dictionary.csv has no entry for {', '.join(missing)}")
    return tuple(entries[k] for t in all_tables() for k in [(t.dataset_version, t.name, i.name) for i in t.items])


@cache
def not_carried() -> dict[tuple[str, str, str], str]:
    """Items no staging model reads from landing, with the reason (`not_carried.csv`)."""
    return {(r["dataset_version"], r["table_name"], r["item_name"]): r["reason"] for r in _read_csv("not_carried.csv")}


def dictionary_problems() -> list[str]:
    """Internal inconsistencies of the dictionary (the generator refuses to run while there are any)."""
    problems: list[str] = []
    listed = not_carried()
    column_types: dict[tuple[str, str], set[str]] = {}
    for e in dictionary():
        name = ".".join(e.key)
        if not e.description:
            problems.append(f"{name}: no description")
        if e.description_source not in DESCRIPTION_SOURCES:
            problems.append(f"{name}: description_source must be one of {sorted(DESCRIPTION_SOURCES)}")
        if e.description_source == "nhs_dd" and not (e.dd_element and e.dd_url):
            problems.append(f"{name}: NHS Data Dictionary wording needs dd_element and dd_url")
        if e.carried:
            if not (e.conformed_column and e.conformance and e.data_type):
                problems.append(f"{name}: a carried item needs conformance, conformed_column and data_type")
            if e.conformance not in DESCRIBING_CONFORMANCES | DERIVING_CONFORMANCES:
                problems.append(f"{name}: unknown conformance {e.conformance!r}")
            if e.data_type not in DATA_TYPES:
                problems.append(f"{name}: unknown data_type {e.data_type!r}")
            if e.describes_column and e.conformed_model and e.conformed_column and e.data_type:
                column_types.setdefault((e.conformed_model, e.conformed_column), set()).add(e.data_type)
        elif e.key not in listed:
            problems.append(f"{name}: neither a conformed column nor a reason in not_carried.csv")
        elif any((e.conformance, e.conformed_column, e.data_type, e.also_conformed)):
            problems.append(f"{name}: not carried, so no conformance, conformed column or data_type")
        if e.key in listed and e.carried and e.conformance != "header":
            problems.append(f"{name}: has a conformed column but is listed in not_carried.csv")
        if bool(e.code_list) != bool(e.code_list_column):
            problems.append(f"{name}: code_list and code_list_column go together")
        if e.code_list_complete and not e.code_list:
            problems.append(f"{name}: code_list_complete without a code_list")
        if e.conformance == "code" and e.code_width is None:
            problems.append(f"{name}: conformance 'code' needs the code_width staging pads to")
        if e.code_width is not None and e.conformance not in ("code", "unpivoted"):
            problems.append(f"{name}: code_width applies to codes only")
        if e.code_list and e.valid_values:
            problems.append(f"{name}: valid values come from the code list seed, not valid_values")
    for (model, column), types in sorted(column_types.items()):
        if len(types) > 1:
            problems.append(f"{model}.{column}: items disagree on the data type ({', '.join(sorted(types))})")
    return problems
