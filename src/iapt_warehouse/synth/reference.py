"""The generator's reference data (`synth/data/*.csv`), read once per process.

Derived from the project's shared reference by `derive_reference.py` (providers, Sub-ICB codes,
problem-descriptor outcomes, demographic mixes, published England figures) or hand-maintained copies of
the domain reference (tools, therapies). Nothing outside the package is read at generation time.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import numpy.typing as npt


def _read(name: str) -> list[dict[str, str]]:
    text = resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@dataclass(frozen=True)
class Provider:
    org_code: str
    org_name: str
    icb_code: str
    icb_name: str
    region_code: str
    region_name: str
    postcode: str
    referrals_2023_24: int | None


@dataclass(frozen=True)
class Mix:
    """A categorical distribution: codes and probabilities (summing to 1)."""

    codes: tuple[str, ...]
    p: npt.NDArray[np.float64]

    def index(self, code: str) -> int:
        return self.codes.index(code)


@dataclass(frozen=True)
class Tool:
    key: str
    name: str
    snomed: str  # "" for the v1.5-only IES-R
    v15_column: str  # "" for the v2.0-only PCL-5
    lo: int  # in units (hundredths for the Mobility Inventory)
    hi: int
    scale: int
    case_units: int | None  # score >= this (in units) is at caseness
    rc_units: int | None  # reliable change in units
    intake_mean_units: int


@dataclass(frozen=True)
class Therapy:
    key: str
    name: str
    step: str  # li | hi | es
    v15_code: str
    snomed: str
    weight: float


@dataclass(frozen=True)
class DescriptorGroup:
    key: str
    codes: tuple[str, ...]  # ICD-10 with the dot
    code_p: npt.NDArray[np.float64]
    own_adsm: str  # tool key, "ptsd" (PCL-5 or IES-R by version), or "" (GAD-7)
    finished: int
    not_at_caseness: int
    at_caseness: int
    recovery_pct: float
    reliable_recovery_pct: float
    improvement_pct: float
    deterioration_pct: float


@cache
def providers() -> tuple[Provider, ...]:
    return tuple(
        Provider(
            org_code=r["org_code"],
            org_name=r["org_name"],
            icb_code=r["icb_code"],
            icb_name=r["icb_name"],
            region_code=r["region_code"],
            region_name=r["region_name"],
            postcode=r["postcode"],
            referrals_2023_24=int(r["referrals_2023_24"]) if r["referrals_2023_24"] else None,
        )
        for r in _read("providers.csv")
    )


@cache
def sub_icbs() -> dict[str, Mix]:
    """ICB code -> its (synthetic) Sub-ICB codes with their shares of the ICB's residents."""
    grouped: dict[str, list[tuple[str, float]]] = {}
    for r in _read("sub_icbs.csv"):
        grouped.setdefault(r["icb_code"], []).append((r["sub_icb_code"], float(r["share"])))
    return {icb: _mix(items) for icb, items in grouped.items()}


def _mix(items: list[tuple[str, float]]) -> Mix:
    weights = np.array([w for _, w in items], dtype=np.float64)
    return Mix(tuple(c for c, _ in items), weights / weights.sum())


@cache
def mixes() -> dict[str, Mix]:
    grouped: dict[str, list[tuple[str, float]]] = {}
    for r in _read("mix.csv"):
        grouped.setdefault(r["variable"], []).append((r["code"], float(r["weight"])))
    return {name: _mix(items) for name, items in grouped.items()}


def mix(variable: str) -> Mix:
    return mixes()[variable]


@cache
def tools() -> dict[str, Tool]:
    out: dict[str, Tool] = {}
    for r in _read("tools.csv"):
        scale = int(r["scale"])
        out[r["tool"]] = Tool(
            key=r["tool"],
            name=r["name"],
            snomed=r["snomed"],
            v15_column=r["v15_column"],
            lo=int(r["min_score"]) * scale,
            hi=int(r["max_score"]) * scale,
            scale=scale,
            case_units=int(r["caseness_units"]) if r["caseness_units"] else None,
            rc_units=int(r["reliable_change_units"]) if r["reliable_change_units"] else None,
            intake_mean_units=int(r["intake_mean_units"]),
        )
    return out


@cache
def therapies() -> tuple[Therapy, ...]:
    return tuple(
        Therapy(r["therapy"], r["name"], r["step"], r["v15_code"], r["snomed"], float(r["weight"]))
        for r in _read("therapies.csv")
    )


@cache
def descriptor_groups() -> tuple[DescriptorGroup, ...]:
    out = []
    for r in _read("descriptors.csv"):
        items = [part.split(":") for part in r["icd10_codes"].split(";") if part]
        weights = np.array([float(w) for _, w in items], dtype=np.float64)
        out.append(
            DescriptorGroup(
                key=r["descriptor_group"],
                codes=tuple(c for c, _ in items),
                code_p=weights / weights.sum() if len(items) else weights,
                own_adsm=r["own_adsm"],
                finished=int(r["finished"]),
                not_at_caseness=int(r["not_at_caseness"]),
                at_caseness=int(r["at_caseness"]),
                recovery_pct=float(r["recovery_pct"]),
                reliable_recovery_pct=float(r["reliable_recovery_pct"]),
                improvement_pct=float(r["improvement_pct"]),
                deterioration_pct=float(r["deterioration_pct"]),
            )
        )
    return tuple(out)


@cache
def published() -> dict[str, float]:
    """Published England headline figures (2023-24) the calibration report compares with."""
    return {r["measure"]: float(r["value"]) for r in _read("published_england.csv")}
