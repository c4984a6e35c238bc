"""Reading `iapt synth` output in tests: packages (directories or zips) as parsed CSV tables."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

from iapt_warehouse import contract


def manifest(outdir: Path) -> dict[str, Any]:
    return json.loads((outdir / "manifest.json").read_text(encoding="utf-8"))


def package_files(outdir: Path, relative: str) -> dict[str, bytes]:
    """File name -> bytes of one package (directory or zip)."""
    path = outdir / relative
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            return {name: archive.read(name) for name in archive.namelist()}
    return {p.name: p.read_bytes() for p in sorted(path.iterdir())}


def parse(data: bytes) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    return rows[0], rows[1:]


def tables(outdir: Path, relative: str) -> dict[str, tuple[list[str], list[list[str]]]]:
    """Table name -> (header, rows) of one package."""
    return {name.removesuffix(".csv"): parse(data) for name, data in package_files(outdir, relative).items()}


def tree_digest(outdir: Path) -> str:
    """SHA-256 over every file's relative path and bytes."""
    digest = hashlib.sha256()
    for path in sorted(p for p in outdir.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(outdir)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def integrity(version: str, pkg: dict[str, tuple[list[str], list[list[str]]]]) -> tuple[dict[str, int], dict[str, int]]:
    """(orphan rows per table, duplicate-key rows beyond the first per table) of one package.

    Parents and keys follow the contract CSV (`parent_table`/`parent_item`, `key_part`); values are
    compared trimmed, as the loader does.
    """
    specs = contract.tables(version)
    orphans: dict[str, int] = {}
    duplicates: dict[str, int] = {}
    for name, (header, rows) in pkg.items():
        spec = specs[name]
        for ref in spec.parent_refs:
            assert ref.parent_table is not None and ref.parent_item is not None
            parent = pkg.get(ref.parent_table)
            keys: set[str] = set()
            if parent is not None:
                column = parent[0].index(ref.parent_item)
                keys = {r[column].strip() for r in parent[1]}
            column = header.index(ref.name)
            missing = sum(1 for r in rows if r[column].strip() not in keys)
            if missing:
                orphans[name] = orphans.get(name, 0) + missing
        key_columns = [header.index(i.name) for i in spec.key_items]
        if key_columns:
            seen: set[tuple[str, ...]] = set()
            extra = 0
            for r in rows:
                key = tuple(r[c].strip() for c in key_columns)
                if key in seen:
                    extra += 1
                seen.add(key)
            if extra:
                duplicates[name] = extra
    return orphans, duplicates
