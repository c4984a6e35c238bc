"""The data-quality (VODIM) item rules, generated from the data dictionary so nothing is typed twice.

`iapt codegen` writes two files from `contract/submission_items.csv` and `contract/data_dictionary.csv`:

* `seeds/dq/dq_item_rules.csv`: one row per submitted item of both versions: how the VODIM models judge a
  value (`check`), its code list seed or valid values, the width codes are padded to, the default codes, and
  whether it is a direct identifier. The models join every submitted value to this seed (set-based).
* `macros/dq/dq_landing_layout.sql`: the landing tables and their item columns, and the code-list seeds the
  rules name, as Jinja data, so `stg_iapt__item_value_counts` can unpivot every landing table in one scan
  each without reading the database at compile time.

`check` is one of: code_list (the normalised value must be in the seed column), values (in valid_values),
nhs_number (modulus-11 check), score (within the assessment tools' range, ref_assessment_tools), date,
time, timestamp, number (the version's format), text (any non-empty value). docs/data-quality.md explains
how each class (valid, other, default, invalid, missing) follows.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path

from iapt_warehouse import contract

RULES_PATH = Path("seeds/dq/dq_item_rules.csv")
LAYOUT_PATH = Path("macros/dq/dq_landing_layout.sql")
REFERENCE_SEEDS = Path("seeds/reference")

RULE_COLUMNS: tuple[str, ...] = (
    "dataset_version",
    "table_name",
    "landing_table",
    "item_name",
    "column_name",
    "item_order",
    "value_type",
    "check_kind",
    "code_list",
    "code_list_column",
    "code_list_complete",
    "code_width",
    "valid_values",
    "default_codes",
    "format_pattern",
    "key_part",
    "required",
    "measures_need",
    "identifier",
    "conformed_model",
    "conformed_column",
)
_CODE = re.compile(r"^[A-Za-z0-9]+$")


class RulesError(ValueError):
    """The dictionary cannot be turned into rules (an unreadable default code, ...)."""


def default_codes(text: str | None, name: str) -> list[str]:
    """The codes of a dictionary `default_codes` text: "99 (Not known); Z = Not stated" -> ["99", "Z"]."""
    if not text:
        return []
    codes = []
    for part in re.split(r"[;,]", re.sub(r"\([^)]*\)", "", text)):
        if not part.strip():
            continue
        code = part.split()[0].strip()
        if not _CODE.match(code):
            raise RulesError(f"{name}: cannot read a default code from {text!r}")
        codes.append(code)
    return codes


def _check(entry: contract.Entry) -> str:
    item = entry.item
    if item.name == "NHSNumber":
        return "nhs_number"
    if entry.code_list:
        return "code_list"
    if entry.valid_values:
        return "values"
    if entry.conformed_model == "stg_iapt__coded_scores" and entry.conformed_column == "score":
        return "score"
    if item.value_type in ("date", "time", "timestamp", "number"):
        return item.value_type
    return "text"


def _pattern(item: contract.Item) -> str:
    """The regular expression a date, time or timestamp must match in full (submission-format.md)."""
    if item.value_type == "date":
        return contract.DATE_PATTERN[item.dataset_version]
    if item.value_type == "time":
        return contract.TIME_PATTERN
    if item.value_type == "timestamp":
        return contract.TIMESTAMP_PATTERN
    return ""


def _flag(value: bool) -> str:
    return "true" if value else "false"


def render_rules(root: Path) -> str:
    del root
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(RULE_COLUMNS)
    for entry in contract.dictionary():
        item = entry.item
        table = contract.tables(item.dataset_version)[item.table_name]
        name = ".".join(entry.key)
        writer.writerow(
            [
                item.dataset_version,
                item.table_name,
                table.landing_name,
                item.name,
                item.name.lower(),
                item.order,
                item.value_type,
                _check(entry),
                entry.code_list or "",
                entry.code_list_column or "",
                _flag(entry.code_list_complete),
                entry.code_width if entry.code_width is not None else "",
                "|".join(entry.valid_values),
                "|".join(default_codes(entry.default_codes, name)),
                _pattern(item),
                _flag(item.key_part),
                _flag(item.required),
                _flag(item.measures_need),
                _flag(item.identifier),
                entry.conformed_model or "",
                entry.conformed_column or "",
            ]
        )
    return out.getvalue()


def _seed_columns(root: Path, seed: str) -> list[str]:
    path = root / REFERENCE_SEEDS / f"{seed}.csv"
    if not path.exists():
        raise RulesError(f"code list seed {path} does not exist")
    with path.open(encoding="utf-8") as handle:
        return next(csv.reader(handle))


def _presence_only(entry: contract.Entry) -> bool:
    """A free-text item with no default codes: every present value is valid, so VODIM only counts presence."""
    return _check(entry) == "text" and not default_codes(entry.default_codes, ".".join(entry.key))


def _quoted_names(items: Sequence[contract.Item]) -> str:
    return ", ".join(f"'{i.name.lower()}'" for i in items)


def render_layout(root: Path) -> str:
    presence_only = {
        (e.item.dataset_version, e.item.table_name, e.item.name) for e in contract.dictionary() if _presence_only(e)
    }
    tables = []
    for table in contract.all_tables():
        text = [i for i in table.items if (table.dataset_version, table.name, i.name) in presence_only]
        judged = [i for i in table.items if i not in text]
        tables.append(
            f"        {{'dataset_version': '{table.dataset_version}', 'table_name': '{table.name}',"
            f" 'landing_table': '{table.landing_name}', 'columns': [{_quoted_names(table.items)}],"
            f" 'judged_columns': [{_quoted_names(judged)}], 'text_columns': [{_quoted_names(text)}]}}"
        )
    lists = sorted({(e.code_list, e.code_list_column) for e in contract.dictionary() if e.code_list})
    code_lists = []
    for seed, column in lists:
        assert seed is not None and column is not None
        header = _seed_columns(root, seed)
        if column not in header:
            raise RulesError(f"code list seed {seed} has no column {column}")
        versioned = "true" if "dataset_version" in header else "false"
        code_lists.append(f"        {{'seed': '{seed}', 'column': '{column}', 'versioned': {versioned}}}")
    return (
        "{# GENERATED by `iapt codegen` from src/iapt_warehouse/contract/ (submission_items.csv,"
        " data_dictionary.csv). Do not edit. #}\n"
        "{#\n"
        "    The landing tables with their item columns, and the code-list seeds the DQ item rules name\n"
        "    (seeds/dq/dq_item_rules.csv): the layout stg_dq__item_value_counts reads. `judged_columns` are\n"
        "    unpivoted and each value judged by its rule; `text_columns` (free text without default codes,\n"
        "    check_kind text: every present value is valid) are only counted, per column.\n"
        "#}\n"
        "{% macro dq_landing_tables() %}\n"
        "    {{ return([\n" + ",\n".join(tables) + "\n    ]) }}\n"
        "{% endmacro %}\n\n"
        "{% macro dq_code_lists() %}\n"
        "    {{ return([\n" + ",\n".join(code_lists) + "\n    ]) }}\n"
        "{% endmacro %}\n"
    )
