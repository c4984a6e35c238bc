"""The staging models' YAML (`models/staging/iapt/_iapt__models.yml`), generated from the data dictionary.

Two inputs, so nothing is typed twice:

* `contract/data_dictionary.csv` (via `contract.dictionary()`): for every submitted item, its description, code
  list or valid values, data type and the staging column it becomes. A column that *is* an item (conformance
  text, code, date, time, number, header or unpivoted) takes its description and data type from there, and gets
  its tests from there: `not_null` when the item is required, and a warn-level `relationships` test to its code
  list seed when the seed lists every valid code (`relationships_composite` on (dataset_version, code) when the
  seed lists codes per version) or an `accepted_values` test for its valid values. When only some of a model's
  versions have the item, or their code lists differ, each test carries `where: dataset_version ...`.
* `contract/staging_supplement.yml`: what is not about a submitted item: the model list, model descriptions,
  contracts and model-level tests, the column order, and derived columns (keys, pseudonyms, ages, flags). The
  five submission columns every staging model carries are defined once there (`submission_columns`) and
  generated into each model that lists them; `{versions}` in them becomes the model's data-set versions.

The generator refuses to write a file that dbt would not accept or that would hide a gap: an unknown column
name, a column described both ways, an enforced contract without a data type, a code list seed or column that
does not exist, a dictionary column missing from its model.
"""

from __future__ import annotations

import csv
import json
import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from iapt_warehouse import contract

MODELS_PATH = Path("models/staging/iapt/_iapt__models.yml")
SEEDS_DIR = Path("seeds/reference")
SUBMISSION_COLUMNS: tuple[str, ...] = (
    "submission_id",
    "dataset_version",
    "org_code_provider",
    "reporting_period_start",
    "reporting_period_end",
)
_BASE_VERSION = re.compile(r"^base_iapt_v(\d)(\d)__")
_MODEL_KEYS = {"name", "description", "config", "data_tests", "columns", "feeds"}
_COLUMN_KEYS = {"name", "description", "data_type", "data_tests"}
_SHARED_KEYS = {"description", "data_type", "data_tests", "base_data_tests"}


class GenerationError(ValueError):
    """The dictionary and the supplement do not make a valid staging YAML."""


Test = Any  # a dbt data test as YAML data: "not_null" or {"relationships": {...}}


@dataclass
class _Column:
    name: str
    description: str
    data_type: str | None
    data_tests: list[Test]


def load_supplement() -> dict[str, Any]:
    text = resources.files(contract).joinpath("staging_supplement.yml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or not isinstance(data.get("models"), list):
        raise GenerationError("staging_supplement.yml: expected a mapping with a `models` list")
    return data


def _versions_text(versions: list[str]) -> str:
    return " or ".join(f"'{v}'" for v in versions)


def _where(versions: Iterable[str], model_versions: list[str]) -> dict[str, str]:
    """`where` config limiting a test to some data-set versions, or nothing when it covers the model's."""
    wanted = sorted(set(versions))
    if set(model_versions) <= set(wanted):
        return {}
    if len(wanted) == 1:
        return {"where": f"dataset_version = '{wanted[0]}'"}
    return {"where": "dataset_version in (" + ", ".join(f"'{v}'" for v in wanted) + ")"}


def _add_test(tests: list[Test], test: Test) -> None:
    if test not in tests:
        tests.append(test)


def _substitute(value: Any, versions: list[str]) -> Any:
    """`{versions}` in the supplement: a string becomes "'1.5' or '2.0'", a whole value the list of versions."""
    if value == "{versions}":
        return list(versions)
    if isinstance(value, str):
        return value.replace("{versions}", _versions_text(versions))
    if isinstance(value, list):
        return [_substitute(v, versions) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, versions) for k, v in value.items()}
    return value


class _Dictionary:
    """The dictionary indexed by the staging column each item becomes."""

    def __init__(self, root: Path) -> None:
        problems = contract.dictionary_problems()
        if problems:
            raise GenerationError("data_dictionary.csv: " + "; ".join(problems))
        self.root = root
        self.describing: dict[tuple[str, str], list[contract.Entry]] = {}
        self.model_versions: dict[str, list[str]] = {}
        for entry in contract.dictionary():
            if not (entry.conformed_model and entry.conformed_column):
                continue
            versions = self.model_versions.setdefault(entry.conformed_model, [])
            if entry.item.dataset_version not in versions:
                versions.append(entry.item.dataset_version)
            if entry.describes_column:
                self.describing.setdefault((entry.conformed_model, entry.conformed_column), []).append(entry)
        for versions in self.model_versions.values():
            versions.sort()
        newest_first = list(reversed(contract.VERSIONS))
        for entries in self.describing.values():  # the newest version's item leads the column's description
            entries.sort(key=lambda e: newest_first.index(e.item.dataset_version))
        self._seed_headers: dict[str, list[str]] = {}

    def seed_columns(self, seed: str) -> list[str]:
        if seed not in self._seed_headers:
            path = self.root / SEEDS_DIR / f"{seed}.csv"
            if not path.exists():
                raise GenerationError(f"code list seed {seed} is not in {SEEDS_DIR}")
            with open(path, newline="", encoding="utf-8") as handle:
                self._seed_headers[seed] = next(csv.reader(handle))
        return self._seed_headers[seed]

    def column(self, model: str, column: str) -> _Column:
        entries = self.describing[(model, column)]
        lead = entries[0]
        text = lead.description if lead.description.endswith(".") else lead.description + "."
        if lead.description_source == "nhs_dd":
            text += f" (NHS Data Dictionary: {lead.dd_element}.)"
        by_version: dict[str, dict[str, list[str]]] = {}
        for e in entries:
            by_version.setdefault(e.item.dataset_version, {}).setdefault(e.item.table_name, []).append(e.item.name)
        submitted = "; ".join(
            f"v{version} " + ", ".join(f"{table}.{', '.join(items)}" for table, items in tables.items())
            for version, tables in by_version.items()
        )
        parts = [text, f"Submitted as {submitted}."]
        widths = sorted({e.code_width for e in entries if e.code_width})
        if widths:
            parts.append(f"Code trimmed and zero-padded to width {' or '.join(map(str, widths))}.")
        seeds: dict[tuple[str, bool], list[str]] = {}
        for e in entries:
            if e.code_list:
                seeds.setdefault((e.code_list, e.code_list_complete), []).append(e.item.dataset_version)
        for (seed, complete), versions in seeds.items():
            limited = "" if set(versions) == set(by_version) else f" (v{', v'.join(sorted(set(versions)))})"
            kind = "Code list" if complete else "Codes classified by"
            parts.append(f"{kind}: {seed}{limited}.")
        defaults = list(dict.fromkeys(e.default_codes for e in entries if e.default_codes))
        if defaults:
            parts.append("Default codes: " + "; ".join(defaults) + ".")
        parts += list(dict.fromkeys(e.note for e in entries if e.note))
        needed = list(
            dict.fromkeys(f"v{e.item.dataset_version} {e.item.name}" for e in entries if e.item.measures_need)
        )
        if needed and all(e.item.measures_need for e in entries):
            parts.append("The published measures need it.")
        elif needed:
            parts.append(f"The published measures need {', '.join(needed)}.")
        types = {e.data_type for e in entries}
        return _Column(column, " ".join(parts), types.pop() if len(types) == 1 else None, [])

    def tests(self, model: str, column: str) -> tuple[list[Test], list[Test]]:
        """(column tests, model-level tests) the dictionary implies for a staging model's column."""
        entries = self.describing[(model, column)]
        model_versions = self.model_versions[model]
        column_tests: list[Test] = []
        model_tests: list[Test] = []
        required = [e.item.dataset_version for e in entries if e.item.required and e.conformance != "header"]
        if required:
            where = _where(required, model_versions)
            _add_test(column_tests, {"not_null": {"config": where}} if where else "not_null")
        seeds: dict[tuple[str, str], list[str]] = {}
        valid: dict[tuple[str, ...], list[str]] = {}
        for e in entries:
            if e.code_list and e.code_list_column:
                if e.code_list_complete:  # a seed listing only some valid codes is no validity test
                    seeds.setdefault((e.code_list, e.code_list_column), []).append(e.item.dataset_version)
            elif e.valid_values:
                valid.setdefault(e.valid_values, []).append(e.item.dataset_version)
        for (seed, seed_column), versions in seeds.items():
            header = self.seed_columns(seed)
            if seed_column not in header:
                raise GenerationError(f"code list {seed} has no column {seed_column} ({model}.{column})")
            config = {"severity": "warn", **_where(versions, model_versions)}
            if "dataset_version" in header:  # the seed lists codes per data-set version
                arguments = {
                    "columns": ["dataset_version", column],
                    "to": f"ref('{seed}')",
                    "to_columns": ["dataset_version", seed_column],
                }
                _add_test(model_tests, {"relationships_composite": {"arguments": arguments, "config": config}})
            else:
                arguments = {"to": f"ref('{seed}')", "field": seed_column}
                _add_test(column_tests, {"relationships": {"arguments": arguments, "config": config}})
        for values, versions in valid.items():
            config = {"severity": "warn", **_where(versions, model_versions)}
            _add_test(column_tests, {"accepted_values": {"arguments": {"values": list(values)}, "config": config}})
        return column_tests, model_tests


def _model_versions(name: str, target: str, dictionary: _Dictionary) -> list[str]:
    match = _BASE_VERSION.match(name)
    if match:
        return [f"{match.group(1)}.{match.group(2)}"]
    if target not in dictionary.model_versions:
        raise GenerationError(f"{name}: no dictionary item is conformed to {target}, so its versions are unknown")
    return dictionary.model_versions[target]


def _check_keys(where: str, mapping: dict[str, Any], allowed: set[str]) -> None:
    unknown = set(mapping) - allowed
    if unknown:
        raise GenerationError(f"{where}: unknown keys {sorted(unknown)} (allowed: {sorted(allowed)})")


def _shared(supplement: dict[str, Any], section: str) -> dict[str, dict[str, Any]]:
    shared = supplement.get(section) or {}
    for name, spec in shared.items():
        _check_keys(f"{section}.{name}", spec, _SHARED_KEYS)
        if not spec.get("description"):
            raise GenerationError(f"{section}.{name}: needs a description")
    return dict(shared)


def build_models(root: Path) -> list[dict[str, Any]]:
    """The staging models' YAML as data (dbt's `models:` list)."""
    dictionary = _Dictionary(root)
    supplement = load_supplement()
    submission = _shared(supplement, "submission_columns")
    if set(submission) != set(SUBMISSION_COLUMNS):
        raise GenerationError(f"submission_columns must define exactly {', '.join(SUBMISSION_COLUMNS)}")
    shared = _shared(supplement, "columns")
    models: list[dict[str, Any]] = []
    listed: set[tuple[str, str]] = set()
    for spec in supplement["models"]:
        name = spec.get("name", "?")
        _check_keys(f"model {name}", spec, _MODEL_KEYS)
        is_stg = name.startswith("stg_")
        if not (is_stg or name.startswith("base_")) or not spec.get("description"):
            raise GenerationError(f"model {name}: a stg_ or base_ model with a description")
        target = name if is_stg else spec.get("feeds", "")
        if not target.startswith("stg_"):
            raise GenerationError(f"model {name}: a base model names the stg_ model it `feeds`")
        versions = _model_versions(name, target, dictionary)
        enforced = bool((spec.get("config") or {}).get("contract", {}).get("enforced"))
        model_tests: list[Test] = list(spec.get("data_tests") or [])
        columns: list[_Column] = []
        names = [c if isinstance(c, str) else c.get("name") for c in spec.get("columns") or []]
        if len(set(names)) != len(names):
            raise GenerationError(f"model {name}: a column is listed twice")
        for raw in spec.get("columns") or []:
            entry: dict[str, Any] = {"name": raw} if isinstance(raw, str) else dict(raw)
            _check_keys(f"{name}.{entry.get('name')}", entry, _COLUMN_KEYS)
            column_name = entry["name"]
            extra_tests = list(entry.get("data_tests") or [])
            in_dictionary = (target, column_name) in dictionary.describing
            if entry.get("description"):
                if in_dictionary:
                    raise GenerationError(
                        f"{name}.{column_name}: described in the supplement and by the dictionary "
                        f"({target}.{column_name}); describe it in data_dictionary.csv only"
                    )
                column = _Column(column_name, entry["description"], entry.get("data_type"), extra_tests)
            elif in_dictionary:
                column = dictionary.column(target, column_name)
                if entry.get("data_type"):
                    raise GenerationError(f"{name}.{column_name}: its data type comes from the dictionary")
                column.data_tests = extra_tests
                if is_stg:
                    generated, generated_model = dictionary.tests(target, column_name)
                    for test in generated:
                        _add_test(column.data_tests, test)
                    for test in generated_model:
                        _add_test(model_tests, test)
            elif column_name in submission or column_name in shared:
                definition = submission.get(column_name) or shared[column_name]
                tests = definition.get("data_tests" if is_stg else "base_data_tests", definition.get("data_tests"))
                column = _Column(
                    column_name,
                    _substitute(definition["description"], versions),
                    definition.get("data_type"),
                    _substitute(list(tests or []), versions) + extra_tests,
                )
            else:
                raise GenerationError(
                    f"{name}.{column_name}: not in the dictionary ({target}), not a submission or shared column, "
                    "and no description in the supplement"
                )
            if enforced and not column.data_type:
                raise GenerationError(
                    f"{name}.{column_name}: the model's contract is enforced, so it needs a data_type"
                )
            if "{{" in column.description or "{%" in column.description:
                raise GenerationError(f"{name}.{column_name}: a description must not contain Jinja")
            columns.append(column)
            if is_stg:
                listed.add((name, column_name))
        missing = [c for c in SUBMISSION_COLUMNS if c not in names]
        if missing and name != "stg_iapt__submissions":
            raise GenerationError(f"model {name}: lists no {', '.join(missing)} (every staging row carries them)")
        model: dict[str, Any] = {"name": name}
        if spec.get("config"):
            model["config"] = spec["config"]
        model["description"] = spec["description"]
        if model_tests:
            model["data_tests"] = model_tests
        model["columns"] = [_column_yaml(c) for c in columns]
        models.append(model)
    unlisted = sorted(f"{m}.{c}" for m, c in dictionary.describing if (m, c) not in listed)
    if unlisted:
        raise GenerationError(f"dictionary columns missing from staging_supplement.yml: {', '.join(unlisted)}")
    return models


def _column_yaml(column: _Column) -> dict[str, Any]:
    out: dict[str, Any] = {"name": column.name}
    if column.data_type:
        out["data_type"] = column.data_type
    out["description"] = column.description
    if column.data_tests:
        out["data_tests"] = column.data_tests
    return out


# --- YAML text ------------------------------------------------------------------------------------------------------
# Written by hand rather than by yaml.dump so the file reads like the hand-written YAML it replaces: block mappings,
# short scalar lists in flow style, long descriptions folded at 100 characters.

_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_YAML_WORDS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n"}


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, dict | list)


def _emit(value: Any, indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "description" and isinstance(item, str) and len(item) > 90:
                lines.append(f"{pad}{key}: >-")
                lines += [f"{pad}  {line}" for line in textwrap.wrap(item, 100, break_on_hyphens=False)]
            elif isinstance(item, list) and all(_is_scalar(i) for i in item):
                lines.append(f"{pad}{key}: [{', '.join(_scalar(i) for i in item)}]")
            elif _is_scalar(item):
                lines.append(f"{pad}{key}: {_scalar(item)}")
            else:
                lines.append(f"{pad}{key}:")
                lines += _emit(item, indent + 2)
    elif isinstance(value, list):
        for item in value:
            if _is_scalar(item):
                lines.append(f"{pad}- {_scalar(item)}")
                continue
            inner = _emit(item, indent + 2)
            lines.append(f"{pad}- {inner[0].lstrip()}")
            lines += inner[1:]
    else:
        lines.append(f"{pad}{_scalar(value)}")
    return lines


def render_models(root: Path) -> str:
    header = [
        "# GENERATED by `iapt codegen` from src/iapt_warehouse/contract/data_dictionary.csv and",
        "# src/iapt_warehouse/contract/staging_supplement.yml. Do not edit: change those and run `iapt codegen`",
        "# (docs/data-dictionary.md).",
        "version: 2",
        "",
        "models:",
    ]
    body: list[str] = []
    for model in build_models(root):
        if body:
            body.append("")
        body += _emit([model], 2)
    return "\n".join(header + body) + "\n"
