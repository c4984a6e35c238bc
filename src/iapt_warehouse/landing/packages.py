"""Finding submission packages and checking them before any row is loaded.

A package is one provider's data for one reporting month: a directory, or a .zip holding the same files
at its root (submission-format.md "Package"). Everything here is plain Python over file headers and
bytes; the rows themselves are read by DuckDB in `loader.py`.

The checks here decide whether a package is *readable*. A package that is not is rejected whole, with a
reason a provider can act on, and nothing of it is loaded.
"""

from __future__ import annotations

import calendar
import codecs
import csv
import hashlib
import io
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from iapt_warehouse import config, contract
from iapt_warehouse.config import MAX_ZIP_RATIO

# The limits (package size, file count, field size) are read from iapt_warehouse.config at each load,
# so the environment can raise them; README "Limits" documents them.
ITEM_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")
# ODS organisation codes: letters and digits (some real provider codes start with a digit, e.g. 8JX60).
ORG_CODE = re.compile(r"[A-Za-z0-9]{3,12}")
_CHUNK = 1 << 20


class PackageRejected(Exception):
    """The package cannot be loaded at all; the message is the reason given to the provider."""


class UsageError(Exception):
    """The command was given something that is not a package path (exit code 2)."""


@dataclass(frozen=True)
class PackageRef:
    """Where a package was found."""

    path: Path
    is_zip: bool

    @property
    def name(self) -> str:
        return self.path.name


@dataclass
class CsvFile:
    """One table file of a readable package."""

    table: contract.Table
    path: Path  # the file on disk (extracted, for a zip)
    columns: list[str]
    extra_columns: list[str]
    missing_columns: list[str]
    size: int


@dataclass
class Header:
    """What the package's header file says, parsed."""

    dataset_version: str
    org_code_provider: str
    reporting_period_start: date
    reporting_period_end: date
    created_at: datetime
    submission_window: str  # Primary | Refresh | Late | Invalid


@dataclass
class Package:
    """A package opened for loading: its identity, header and table files."""

    ref: PackageRef
    submission_id: str  # SHA-256 of the content (file names and bytes), not of the package's own name
    total_bytes: int
    header: Header | None = None
    files: list[CsvFile] = field(default_factory=list)
    rejection: str | None = None
    workdir: Path | None = None  # temporary extraction folder of a zip

    def cleanup(self) -> None:
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None


# --------------------------------------------------------------------------------------------- discovery


def _is_package_dir(path: Path) -> bool:
    return any(child.is_file() and child.suffix.lower() == ".csv" for child in path.iterdir())


def discover(paths: Iterable[str | os.PathLike[str]]) -> list[PackageRef]:
    """Packages under each path: a .zip file, a directory holding .csv files, or folders of those."""
    found: list[PackageRef] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise UsageError(f"{path}: no such file or directory")
        if path.is_file():
            if path.suffix.lower() != ".zip":
                raise UsageError(f"{path}: not a package (give a package directory, a .zip, or a folder of them)")
            found.append(PackageRef(path, is_zip=True))
            continue
        found.extend(_walk(path))
    seen: set[Path] = set()
    unique = []
    for ref in found:
        key = ref.path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(ref)
    return unique


def _walk(folder: Path) -> Iterator[PackageRef]:
    if _is_package_dir(folder):
        yield PackageRef(folder, is_zip=False)
        return
    for child in sorted(folder.iterdir()):
        if child.is_symlink():
            continue  # never follow links out of the data folder
        if child.is_dir():
            yield from _walk(child)
        elif child.is_file() and child.suffix.lower() == ".zip":
            yield PackageRef(child, is_zip=True)


# --------------------------------------------------------------------------------------------- reading


def _hash_and_check_utf8(stream: io.BufferedIOBase, name: str, limit: int) -> tuple[str, int]:
    """SHA-256 of the bytes, checking they are UTF-8 as they stream past; returns (hex digest, size)."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    size = 0
    while chunk := stream.read(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise PackageRejected(
                f"the package is larger than the {config.max_package_bytes():,}-byte limit (reached in {name});"
                " split the month's data or ask for IAPT_MAX_PACKAGE_BYTES to be raised"
            )
        digest.update(chunk)
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            raise PackageRejected(
                f"{name} is not UTF-8 encoded (invalid byte near position {size - len(chunk) + exc.start:,});"
                " save the file as UTF-8 and resubmit"
            ) from None
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise PackageRejected(f"{name} is not UTF-8 encoded (it ends inside a multi-byte character)") from None
    return digest.hexdigest(), size


def _materialise(ref: PackageRef, workroot: Path) -> tuple[Path, Path | None]:
    """The folder holding the package's files: the package itself, or a safe extraction of the zip."""
    if not ref.is_zip:
        return ref.path, None
    try:
        archive = zipfile.ZipFile(ref.path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise PackageRejected(f"{ref.name} is not a readable zip file ({exc})") from None
    workdir = Path(tempfile.mkdtemp(prefix="pkg-", dir=workroot))
    try:
        with archive:
            infos = [i for i in archive.infolist() if not i.is_dir()]
            max_files, max_bytes = config.max_files_per_package(), config.max_package_bytes()
            if len(infos) > max_files:
                raise PackageRejected(
                    f"the zip holds {len(infos)} files; a package holds at most {max_files}"
                    " (limit IAPT_MAX_FILES_PER_PACKAGE)"
                )
            declared = sum(i.file_size for i in infos)
            if declared > max_bytes:
                raise PackageRejected(
                    f"the zip declares {declared:,} bytes uncompressed, over the {max_bytes:,}-byte package limit"
                    " (IAPT_MAX_PACKAGE_BYTES); split the month's data or ask for the limit to be raised"
                )
            names = [i.filename for i in infos]
            twice = sorted({n for n in names if names.count(n) > 1})
            if twice:
                raise PackageRejected(f"the zip holds {twice[0][:200]!r} more than once; send each table file once")
            for info in infos:
                name = info.filename
                if "/" in name or "\\" in name or name in {".", ".."} or name.startswith(".."):
                    raise PackageRejected(
                        f"zip entry {name[:200]!r} is not a file at the zip's root; put the table files at the"
                        " top level of the zip"
                    )
                if (info.external_attr >> 16) & 0o170000 == 0o120000:
                    raise PackageRejected(f"zip entry {name!r} is a symbolic link; a package holds plain files only")
                if info.flag_bits & 0x1:
                    raise PackageRejected(f"zip entry {name!r} is encrypted; submit an unencrypted zip")
                if info.compress_size and info.file_size / info.compress_size > MAX_ZIP_RATIO:
                    raise PackageRejected(
                        f"zip entry {name!r} expands {info.file_size / info.compress_size:,.0f} times; refused as"
                        " a possible zip bomb"
                    )
            budget = max_bytes
            for info in infos:
                target = workdir / info.filename
                with archive.open(info) as src, open(target, "wb") as dst:
                    while chunk := src.read(_CHUNK):
                        budget -= len(chunk)
                        if budget < 0:
                            raise PackageRejected(
                                f"the zip expands past the {max_bytes:,}-byte package limit (IAPT_MAX_PACKAGE_BYTES)"
                                " although its entries declare less; the zip is damaged or crafted"
                            )
                        dst.write(chunk)
    except PackageRejected:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, NotImplementedError) as exc:
        shutil.rmtree(workdir, ignore_errors=True)
        raise PackageRejected(f"{ref.name} could not be unzipped ({exc})") from None
    return workdir, workdir


def _read_header_row(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        try:
            return next(csv.reader(handle))
        except StopIteration:
            raise PackageRejected(f"{path.name} is empty: it needs at least the header row of item names") from None
        except csv.Error as exc:
            raise PackageRejected(f"{path.name}: the first row is not valid CSV ({exc})") from None


def _read_header_file(path: Path) -> dict[str, str]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        try:
            rows = list(csv.reader(handle))
        except csv.Error as exc:
            raise PackageRejected(f"{path.name} is not valid CSV ({exc})") from None
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if len(rows) != 2:
        raise PackageRejected(
            f"{path.name} must hold exactly one header record under its row of item names; it holds"
            f" {max(len(rows) - 1, 0)}"
        )
    names, values = rows
    if len(values) != len(names):
        raise PackageRejected(f"{path.name}: the record has {len(values)} fields but {len(names)} item names")
    return {n.strip(): v.strip() for n, v in zip(names, values, strict=True)}


def _parse(value: str, fmt: str, pattern: str, item: str, file_name: str, shape: str) -> datetime:
    if not re.fullmatch(pattern, value):
        raise PackageRejected(f"{file_name}: {item} {value[:40]!r} is not in the {shape} format")
    try:
        return datetime.strptime(value, fmt)
    except ValueError:
        raise PackageRejected(f"{file_name}: {item} {value[:40]!r} is not a real date") from None


def add_months(d: date, months: int) -> date:
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def submission_window(period_start: date, created_at: datetime) -> str:
    """Primary (created in M+1), Refresh (M+2), Late (after M+2), Invalid (before M ends)."""
    created_month = date(created_at.year, created_at.month, 1)
    if created_month <= period_start:
        return "Invalid"
    if created_month == add_months(period_start, 1):
        return "Primary"
    if created_month == add_months(period_start, 2):
        return "Refresh"
    return "Late"


def parse_header(values: dict[str, str], header_file: str) -> Header:
    version = {v: k for k, v in contract.HEADER_TABLE.items()}[header_file.removesuffix(".csv")]
    table = contract.tables(version)[contract.HEADER_TABLE[version]]
    for item in table.required_items:
        if not values.get(item.name):
            raise PackageRejected(f"{header_file}: {item.name} is missing or empty")
    declared = values["DatSetVer"]
    if declared != version:
        known = ", ".join(f"{v} in {h}.csv" for v, h in contract.HEADER_TABLE.items())
        raise PackageRejected(
            f"{header_file}: DatSetVer {declared[:20]!r} is not supported here (this warehouse loads {known})"
        )
    date_shape = "DD/MM/YYYY" if version == "1.5" else "YYYY-MM-DD"
    start = _parse(
        values["ReportingPeriodStartDate"],
        contract.DATE_FORMAT[version],
        contract.DATE_PATTERN[version],
        "ReportingPeriodStartDate",
        header_file,
        date_shape,
    ).date()
    end = _parse(
        values["ReportingPeriodEndDate"],
        contract.DATE_FORMAT[version],
        contract.DATE_PATTERN[version],
        "ReportingPeriodEndDate",
        header_file,
        date_shape,
    ).date()
    created = _parse(
        values["DateTimeDatSetCreate"],
        contract.TIMESTAMP_FORMAT,
        contract.TIMESTAMP_PATTERN,
        "DateTimeDatSetCreate",
        header_file,
        "YYYY-MM-DDTHH:MM:SS",
    )
    if start.day != 1:
        raise PackageRejected(f"{header_file}: ReportingPeriodStartDate {start} is not the first day of a month")
    last_day = date(start.year, start.month, calendar.monthrange(start.year, start.month)[1])
    if end != last_day:
        raise PackageRejected(
            f"{header_file}: ReportingPeriodEndDate {end} should be {last_day}, the last day of the month"
            f" that starts {start}"
        )
    provider = values[contract.PROVIDER_ITEM[version]]
    if not ORG_CODE.fullmatch(provider):
        raise PackageRejected(
            f"{header_file}: {contract.PROVIDER_ITEM[version]} {provider[:40]!r} is not an organisation code"
        )
    return Header(version, provider.upper(), start, end, created, submission_window(start, created))


def open_package(ref: PackageRef, workroot: Path) -> Package:
    """Identity, header and table files of a package; `rejection` is set when it cannot be loaded."""
    package = Package(ref=ref, submission_id="", total_bytes=0)
    try:
        folder, package.workdir = _materialise(ref, workroot)
        _identify(package, folder)
        _check_structure(package, folder)
    except PackageRejected as exc:
        package.rejection = str(exc)
        if not package.submission_id:
            package.submission_id = _fallback_id(ref)
    return package


def _fallback_id(ref: PackageRef) -> str:
    """Identity of a package whose content could not be read: its bytes on disk, or its path."""
    digest = hashlib.sha256(b"unreadable-package\0")
    if ref.path.is_file():
        with open(ref.path, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    else:
        digest.update(str(ref.path.resolve()).encode())
    return digest.hexdigest()


def _identify(package: Package, folder: Path) -> None:
    entries = sorted(folder.iterdir(), key=lambda p: p.name)
    max_files = config.max_files_per_package()
    if len(entries) > max_files:
        raise PackageRejected(
            f"the package holds {len(entries)} files; at most {max_files} allowed (limit IAPT_MAX_FILES_PER_PACKAGE)"
        )
    digest = hashlib.sha256()
    remaining = config.max_package_bytes()
    for entry in entries:
        if entry.is_symlink():
            raise PackageRejected(f"{entry.name} is a symbolic link; a package holds plain files only")
        if entry.is_dir():
            raise PackageRejected(f"{entry.name} is a folder; a package holds its table files at its top level")
        if entry.suffix.lower() != ".csv":
            raise PackageRejected(
                f"{entry.name[:200]} is not a table of the data set; a package holds only <Table>.csv files"
            )
        with open(entry, "rb") as handle:
            file_digest, size = _hash_and_check_utf8(handle, entry.name, remaining)
        remaining -= size
        package.total_bytes += size
        digest.update(entry.name.encode("utf-8", "surrogateescape") + b"\0" + file_digest.encode() + b"\n")
    package.submission_id = digest.hexdigest()


def _check_structure(package: Package, folder: Path) -> None:
    names = sorted(p.name for p in folder.iterdir())
    header_files = [f"{h}.csv" for h in contract.HEADER_TABLE.values() if f"{h}.csv" in names]
    if not header_files:
        raise PackageRejected(
            "no header file: a v2.0 package needs IDS000Header.csv and a v1.5 package IAPTDataSetHeader.csv"
        )
    if len(header_files) > 1:
        raise PackageRejected("the package holds both a v1.5 and a v2.0 header file; send one version per package")
    header_name = header_files[0]
    header = package.header = parse_header(_read_header_file(folder / header_name), header_name)
    if header.submission_window == "Invalid":
        raise PackageRejected(
            f"{header_name}: created {header.created_at:%Y-%m-%d %H:%M:%S}, before reporting month"
            f" {header.reporting_period_start:%Y-%m} ended; a month's data can be submitted from the first day of"
            " the next month (Invalid window)"
        )
    version = header.dataset_version
    expected = contract.tables(version)
    for name in names:
        stem, suffix = os.path.splitext(name)
        if suffix != ".csv" or stem not in expected:
            hint = ""
            lowered = {t.lower(): t for t in expected}
            if stem.lower() in lowered:
                hint = f" (did you mean {lowered[stem.lower()]}.csv? names are case-sensitive)"
            raise PackageRejected(
                f"{name[:200]} is not a table of the v{version} data set{hint}; expected files named like"
                f" {', '.join(t + '.csv' for t in list(expected)[:3])}, ..."
            )
        table = expected[stem]
        path = folder / name
        columns = [c.lstrip("\ufeff") for c in _read_header_row(path)]
        bad = [c for c in columns if not ITEM_NAME.fullmatch(c)]
        if bad:
            raise PackageRejected(f"{name}: column name {bad[0][:60]!r} is not a valid item name")
        dupes = sorted({c for c in columns if columns.count(c) > 1})
        if dupes:
            raise PackageRejected(f"{name}: column {dupes[0]} appears more than once in the header row")
        missing_required = [i.name for i in table.required_items if i.name not in columns]
        if missing_required:
            raise PackageRejected(
                f"{name} has no {missing_required[0]} column; every {table.name} record needs it"
                " (item names are case-sensitive)"
            )
        package.files.append(
            CsvFile(
                table=table,
                path=path,
                columns=columns,
                extra_columns=[c for c in columns if c not in table.item_names],
                missing_columns=[i for i in table.item_names if i not in columns],
                size=path.stat().st_size,
            )
        )
