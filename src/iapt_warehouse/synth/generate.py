"""The submission process: which packages each provider sends for each month, written to disk.

Per provider (one worker process at a time, so memory is bounded by the largest provider):
simulate its referrals (journeys.py), plan its packages (Primary in M+1, sometimes a second Primary
within the window, a Refresh in M+2 for a share of months, occasional Late packages after M+2, and
rarely a month sent only late), build each package's tables (tables.py), inject defects (defects.py)
and write it as a directory or a .zip. The manifest (OUTDIR/manifest.json) records every package.
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from iapt_warehouse import contract
from iapt_warehouse.synth import defects, journeys, reference
from iapt_warehouse.synth.arrays import IntA, month_of
from iapt_warehouse.synth.config import V20_FIRST_MONTH, SynthConfig, month_last_day, month_text
from iapt_warehouse.synth.tables import MonthView, ProviderTables

MANIFEST = "manifest.json"
FORMAT_VERSION = 1
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
WINDOW_ORDER = {"primary": 0, "refresh": 1, "late": 2}


class OutputError(Exception):
    """The output directory cannot be used (message for the user)."""


@dataclass(frozen=True)
class PackagePlan:
    month: int
    window: str  # primary | refresh | late
    sequence: int  # 1, 2, ... within the window
    created: str  # YYYY-MM-DDTHH:MM:SS
    content: str  # complete | late_recorded_missing | early_resubmitted
    as_zip: bool

    def name(self, code: str) -> str:
        suffix = f"_{self.sequence}" if self.sequence > 1 else ""
        return f"{code}_{month_text(self.month)}_{self.window}{suffix}"


@dataclass
class ProviderResult:
    org_code: str
    packages: list[dict[str, Any]] = field(default_factory=list)
    referrals_received: int = 0
    referrals_simulated: int = 0
    contacts_simulated: int = 0
    bytes_written: int = 0


def _timestamp(rng: np.random.Generator, month: int, day_lo: int, day_hi: int) -> str:
    last = month_last_day(month).day
    day = int(rng.integers(day_lo, min(day_hi, last) + 1))
    seconds = int(rng.integers(6 * 3600, 21 * 3600))
    return f"{month_text(month)}-{day:02d}T{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def plan_packages(config: SynthConfig, code: str) -> list[PackagePlan]:
    """Every package one provider sends, in month order (its own random stream)."""
    rng = np.random.default_rng(journeys.provider_seed(config, code, 2))
    plans: list[PackagePlan] = []
    for month in config.months:
        u = rng.random(4)
        missed = u[0] < config.missed_share
        refresh = not missed and u[1] < config.refresh_share
        resubmitted = not missed and u[2] < config.resubmission_share
        late = missed or u[3] < config.late_share
        zips = rng.random(4) < config.zip_share
        if not missed:
            first = _timestamp(rng, month + 1, 1, 14)
            final_primary = "late_recorded_missing" if refresh else "complete"
            if resubmitted:
                plans.append(PackagePlan(month, "primary", 1, first, "early_resubmitted", bool(zips[0])))
                day = int(first[8:10])
                second = _timestamp(rng, month + 1, day + 1, day + 10)  # the first is on day 14 at the latest
                plans.append(PackagePlan(month, "primary", 2, second, final_primary, bool(zips[1])))
            else:
                plans.append(PackagePlan(month, "primary", 1, first, final_primary, bool(zips[0])))
        if refresh:
            plans.append(PackagePlan(month, "refresh", 1, _timestamp(rng, month + 2, 1, 25), "complete", bool(zips[2])))
        if late:
            delay = 3 + int(rng.integers(0, 3))
            plans.append(
                PackagePlan(month, "late", 1, _timestamp(rng, month + delay, 1, 28), "complete", bool(zips[3]))
            )
    return plans


def in_use(plans: list[PackagePlan]) -> set[tuple[int, str, int]]:
    """(month, window, sequence) of the package in use per month: latest Refresh, else latest Primary."""
    chosen: dict[int, PackagePlan] = {}
    for p in plans:
        if p.window == "late":
            continue
        current = chosen.get(p.month)
        rank = (p.window == "refresh", p.created)
        if current is None or rank > (current.window == "refresh", current.created):
            chosen[p.month] = p
    return {(p.month, p.window, p.sequence) for p in chosen.values()}


def _view(pt: ProviderTables, plan: PackagePlan, rng: np.random.Generator, refs: IntA, contacts: IntA) -> MonthView:
    data = pt.data
    con = data.contacts
    last_day = int(np.datetime64(month_last_day(plan.month), "D").astype(np.int64))
    hidden = np.zeros(len(contacts), dtype=bool)
    withheld = np.zeros(len(refs), dtype=bool)
    discharged_here = month_of(data.referrals.disch_day[refs]) == plan.month
    if plan.content == "late_recorded_missing":
        hidden = (con.day[contacts] >= last_day - 6) & (rng.random(len(contacts)) < 0.4)
        withheld = discharged_here & (rng.random(len(refs)) < 0.25)
        if not hidden.any() and not withheld.any() and len(contacts):
            hidden[-1] = True
    elif plan.content == "early_resubmitted":
        hidden = rng.random(len(contacts)) < 0.15
        withheld = discharged_here & (rng.random(len(refs)) < 0.10)
    sent = contacts[~hidden]
    if plan.month >= V20_FIRST_MONTH:  # IET sessions go to IDS205 as logs; v1.5 has no such table
        return MonthView(plan.month, refs, sent[~con.iet_log[sent]], sent[con.iet_log[sent]], withheld, plan.created)
    return MonthView(plan.month, refs, sent, sent[:0], withheld, plan.created)


def csv_bytes(tbl: pa.Table) -> bytes:
    """The table as contract CSV: header row of item names, no quoting unless a value needs it."""
    header = (",".join(tbl.column_names) + "\n").encode()
    buf = pa.BufferOutputStream()
    try:
        pacsv.write_csv(tbl, buf, write_options=pacsv.WriteOptions(include_header=False, quoting_style="none"))
    except pa.ArrowInvalid:  # a value with a comma or quote: quote as needed
        buf = pa.BufferOutputStream()
        pacsv.write_csv(tbl, buf, write_options=pacsv.WriteOptions(include_header=False, quoting_style="needed"))
    body: bytes = buf.getvalue().to_pybytes()
    return header + body


def _write(root: Path, relative: str, files: dict[str, bytes], as_zip: bool) -> int:
    if as_zip:
        target = root / (relative + ".zip")
        target.parent.mkdir(parents=True, exist_ok=True)
        stream = io.BytesIO()
        with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
            for name in sorted(files):
                info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, files[name], compresslevel=6)
        data = stream.getvalue()
        target.write_bytes(data)
        return len(data)
    folder = root / relative
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for name in sorted(files):
        (folder / name).write_bytes(files[name])
        total += len(files[name])
    return total


def run_provider(config: SynthConfig, index: int, patient_base: int, outdir: str) -> ProviderResult:
    """Simulate one provider and write all its packages."""
    plan = config.providers[index]
    code = plan.provider.org_code
    data = journeys.simulate(plan, config, patient_base)
    pt = ProviderTables(data)
    result = ProviderResult(code)
    ref_month = month_of(data.referrals.ref_day)
    result.referrals_simulated = len(ref_month)
    result.referrals_received = int(((ref_month >= config.first_month) & (ref_month <= config.last_month)).sum())
    result.contacts_simulated = len(data.contacts.num)
    plans = plan_packages(config, code)
    used = in_use(plans)
    root = Path(outdir)
    cache: dict[int, tuple[IntA, IntA]] = {}
    for p in plans:
        if p.month not in cache:
            cache = {p.month: (pt.referrals_in(p.month), pt.contacts_in(p.month))}
        refs, contacts = cache[p.month]
        window_code = WINDOW_ORDER[p.window]
        rng = np.random.default_rng([*journeys.provider_seed(config, code, 3), p.month, window_code, p.sequence])
        view = _view(pt, p, rng, refs, contacts)
        tables = pt.build(view)
        version = view.version
        header_name = contract.HEADER_TABLE[version]
        body = {k: t for k, t in tables.items() if k != header_name}
        eligible = defects.eligible_rows(version, body)
        drng = np.random.default_rng([*journeys.provider_seed(config, code, 4), p.month, window_code, p.sequence])
        body, injected = defects.inject(drng, version, body, config.defect_rate)
        files = {f"{header_name}.csv": csv_bytes(tables[header_name])}
        rows: dict[str, int] = {header_name: 1}
        for name in sorted(body):
            if body[name].num_rows:
                files[f"{name}.csv"] = csv_bytes(body[name])
                rows[name] = body[name].num_rows
        relative = f"{month_text(p.month)}/{p.name(code)}"
        size = _write(root, relative, files, p.as_zip)
        result.bytes_written += size
        result.packages.append(
            {
                "path": relative + (".zip" if p.as_zip else ""),
                "provider": code,
                "month": month_text(p.month),
                "window": p.window,
                "sequence": p.sequence,
                "created": p.created,
                "version": version,
                "content": p.content,
                "in_use": (p.month, p.window, p.sequence) in used,
                "zip": p.as_zip,
                "bytes": size,
                "rows": rows,
                "eligible_rows": eligible,
                "defects": [d.as_dict() for d in injected],
            }
        )
    return result


def _job(args: tuple[SynthConfig, int, int, str]) -> ProviderResult:
    return run_provider(*args)


def prepare_outdir(outdir: Path, force: bool) -> None:
    if outdir.exists():
        if not outdir.is_dir():
            raise OutputError(f"{outdir} exists and is not a directory")
        if any(outdir.iterdir()):
            if not force:
                raise OutputError(f"{outdir} is not empty; give an empty or new directory, or --force to replace it")
            if not (outdir / MANIFEST).is_file():
                raise OutputError(
                    f"{outdir} is not empty and has no {MANIFEST}: --force only replaces a previous `iapt synth` output"
                )
            shutil.rmtree(outdir)
    outdir.mkdir(parents=True, exist_ok=True)


def generate(
    config: SynthConfig,
    outdir: Path,
    force: bool = False,
    on_provider: Callable[[ProviderResult, float], None] | None = None,
) -> dict[str, Any]:
    """Write every package and the manifest; returns the manifest."""
    prepare_outdir(outdir, force)
    bases = config.patient_bases()
    order = sorted(range(len(config.providers)), key=lambda i: -config.providers[i].monthly_referrals)
    jobs = [(config, i, bases[i], str(outdir)) for i in order]
    results: dict[str, ProviderResult] = {}
    weights = {config.providers[i].provider.org_code: config.providers[i].monthly_referrals for i in order}
    if config.jobs <= 1 or len(jobs) <= 1:
        for job in jobs:
            res = _job(job)
            results[res.org_code] = res
            if on_provider:
                on_provider(res, weights[res.org_code])
    else:
        with ProcessPoolExecutor(max_workers=min(config.jobs, len(jobs))) as pool:
            futures = [pool.submit(_job, job) for job in jobs]
            for future in as_completed(futures):
                res = future.result()
                results[res.org_code] = res
                if on_provider:
                    on_provider(res, weights[res.org_code])
    manifest = _manifest(config, results)
    (outdir / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


def _manifest(config: SynthConfig, results: dict[str, ProviderResult]) -> dict[str, Any]:
    packages = sorted(
        (p for r in results.values() for p in r.packages),
        key=lambda p: (p["month"], p["provider"], WINDOW_ORDER[p["window"]], p["sequence"]),
    )
    rows: dict[str, int] = {}
    defect_totals: dict[str, int] = {}
    by_window: dict[str, int] = {}
    for p in packages:
        by_window[p["window"]] = by_window.get(p["window"], 0) + 1
        for table, n in p["rows"].items():
            rows[table] = rows.get(table, 0) + n
        for d in p["defects"]:
            defect_totals[d["class"]] = defect_totals.get(d["class"], 0) + d["count"]
    providers = []
    for plan in config.providers:
        prov = plan.provider
        res = results[prov.org_code]
        providers.append(
            {
                "org_code": prov.org_code,
                "org_name": prov.org_name,
                "icb_code": prov.icb_code,
                "region_code": prov.region_code,
                "monthly_referrals": round(plan.monthly_referrals, 3),
                "referrals_received": res.referrals_received,
                "referrals_simulated": res.referrals_simulated,
                "contacts_simulated": res.contacts_simulated,
            }
        )
    subs = reference.sub_icbs()
    regions = {p.icb_code: p.region_code for p in reference.providers()}
    return {
        "generator": "iapt synth",
        "format_version": FORMAT_VERSION,
        "config": config.describe(),
        "providers": sorted(providers, key=lambda p: p["org_code"]),
        "commissioners": sorted(
            (
                {"sub_icb_code": c, "icb_code": icb, "region_code": regions.get(icb, "")}
                for icb, m in subs.items()
                for c in m.codes
            ),
            key=lambda x: x["sub_icb_code"],
        ),
        "packages": packages,
        "totals": {
            "packages": len(packages),
            "by_window": dict(sorted(by_window.items())),
            "zip_packages": sum(1 for p in packages if p["zip"]),
            "bytes": sum(r.bytes_written for r in results.values()),
            "rows": dict(sorted(rows.items())),
            "eligible_rows": sum(p["eligible_rows"] for p in packages),
            "defects": dict(sorted(defect_totals.items())),
            "referrals_received": sum(r.referrals_received for r in results.values()),
        },
    }
