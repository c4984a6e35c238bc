"""What to generate: scales, the provider selection, months, rates of the submission process and defects."""

from __future__ import annotations

import calendar
import re
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

from iapt_warehouse.synth import reference

V20_FIRST_MONTH = 2020 * 12 + 8  # month index (year * 12 + month - 1) of September 2020: v2.0 from here
DEFAULT_MONTHS = "2020-04:2021-03"  # one financial year that crosses the v1.5 -> v2.0 change
DEMO_PROVIDERS = ("NDC16", "RRPJ4", "RTQ", "RX3YE")  # four regions: South East, London, South West, NE&Y
REGION_CODE = "Y63"  # North East and Yorkshire: 22 providers with published 2023-24 volumes


class ConfigError(ValueError):
    """The options do not describe something that can be generated (message for the user)."""


def month_index(text: str) -> int:
    match = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ConfigError(f"{text!r} is not a month; write YYYY-MM")
    return int(match.group(1)) * 12 + int(match.group(2)) - 1


def month_text(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_first_day(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def month_last_day(index: int) -> date:
    year, month = index // 12, index % 12 + 1
    return date(year, month, calendar.monthrange(year, month)[1])


def version_of_month(index: int) -> str:
    return "2.0" if index >= V20_FIRST_MONTH else "1.5"


@dataclass(frozen=True)
class ProviderPlan:
    """One provider to simulate: its reference record and mean referrals received per month."""

    provider: reference.Provider
    monthly_referrals: float


@dataclass(frozen=True)
class SynthConfig:
    """Everything that determines the output (with the generator's code): same config, same bytes."""

    scale: str
    providers: tuple[ProviderPlan, ...]
    first_month: int
    last_month: int
    seed: int = 42
    defect_rate: float = 0.004  # per row of a defect-eligible table, split over the defect classes
    zip_share: float = 0.10  # share of packages written as .zip
    refresh_share: float = 0.30  # provider-months that also get a Refresh package (differing from the Primary)
    resubmission_share: float = 0.06  # provider-months with a second Primary within the Primary window
    late_share: float = 0.03  # provider-months that also get a Late package (created after M+2)
    missed_share: float = 0.005  # provider-months with no Primary/Refresh at all, only a Late package
    burn_in_months: int = 12  # simulated before first_month so that the first month has open referrals
    jobs: int = 2
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def months(self) -> list[int]:
        return list(range(self.first_month, self.last_month + 1))

    def patient_bases(self) -> list[int]:
        """Disjoint blocks of patient numbers per provider (for unique NHS numbers across providers)."""
        bases, total = [], 0
        for plan in self.providers:
            bases.append(total)
            total += self._block(plan)
        return bases

    def patient_capacity(self) -> int:
        return sum(self._block(plan) for plan in self.providers)

    def _block(self, plan: ProviderPlan) -> int:
        return int(plan.monthly_referrals * (len(self.months) + self.burn_in_months) * 1.3) + 500

    def describe(self) -> dict[str, Any]:
        """The configuration as recorded in the manifest."""
        data = asdict(self)
        data["providers"] = [
            {"org_code": p.provider.org_code, "monthly_referrals": round(p.monthly_referrals, 3)}
            for p in self.providers
        ]
        data["first_month"] = month_text(self.first_month)
        data["last_month"] = month_text(self.last_month)
        data.pop("jobs")  # does not change the output
        return data


def _demo_providers() -> list[reference.Provider]:
    """Four real providers in four regions (codes starting with a letter, mid-sized services)."""
    by_code = {p.org_code: p for p in reference.providers()}
    chosen = [by_code[c] for c in DEMO_PROVIDERS if c in by_code]
    if len(chosen) == len(DEMO_PROVIDERS):
        return chosen
    with_volume = [p for p in reference.providers() if p.referrals_2023_24]
    return with_volume[:4]


def _spread(items: list[reference.Provider], n: int) -> list[reference.Provider]:
    """n providers evenly spread over the list (deterministic)."""
    if n >= len(items):
        return items
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


def build(
    scale: str | None,
    providers: int | None = None,
    months: str | None = None,
    referrals_per_month: float | None = None,
    seed: int = 42,
    defect_rate: float | None = None,
    zip_share: float | None = None,
    refresh_share: float | None = None,
    jobs: int = 2,
    burn_in_months: int | None = None,
    provider_codes: tuple[str, ...] | None = None,
) -> SynthConfig:
    """A configuration from a scale preset, overridden by explicit options (or an explicit provider list)."""
    all_providers = reference.providers()
    with_volume = [p for p in all_providers if p.referrals_2023_24]
    name = scale or "custom"
    if name == "demo":
        chosen = _demo_providers()
        volume: float | None = 60.0
    elif name == "region":
        chosen = [p for p in with_volume if p.region_code == REGION_CODE]
        volume = None
    elif name == "national":
        chosen = with_volume
        volume = None
    elif name == "custom":
        if providers is None and provider_codes is None:
            raise ConfigError(
                "give --scale demo|region|national, or --providers N (with --months, --referrals-per-month)"
            )
        chosen = with_volume
        volume = None
    else:
        raise ConfigError(f"unknown scale {scale!r}; use demo, region or national")
    if provider_codes is not None:
        by_code = {p.org_code: p for p in all_providers}
        missing = [c for c in provider_codes if c not in by_code]
        if missing:
            raise ConfigError(f"unknown provider codes: {', '.join(missing)}")
        chosen = [by_code[c] for c in provider_codes]
    elif providers is not None:
        if providers < 1:
            raise ConfigError("--providers must be at least 1")
        pool = chosen if providers <= len(chosen) else with_volume
        chosen = _spread(sorted(pool, key=lambda p: p.org_code), providers)
        if providers > len(chosen):
            raise ConfigError(f"--providers {providers}: only {len(chosen)} providers are known")
    if referrals_per_month is not None:
        if referrals_per_month <= 0:
            raise ConfigError("--referrals-per-month must be positive")
        volume = referrals_per_month
    spec = months or DEFAULT_MONTHS
    if ":" not in spec:
        raise ConfigError(f"--months {months!r}: write FROM:TO, e.g. 2020-04:2021-03")
    first, last = (month_index(x) for x in spec.split(":", 1))
    if last < first:
        raise ConfigError(f"--months {months!r}: TO is before FROM")
    if last - first >= 60:
        raise ConfigError("--months: at most 60 months")
    known = sorted(p.referrals_2023_24 for p in with_volume if p.referrals_2023_24)
    median = float(known[len(known) // 2]) if known else 6000.0  # a provider with no published volume
    plans = tuple(
        ProviderPlan(p, volume if volume is not None else float(p.referrals_2023_24 or median) / 12.0) for p in chosen
    )
    config = SynthConfig(scale=name, providers=plans, first_month=first, last_month=last, seed=seed, jobs=jobs)
    overrides: dict[str, Any] = {}
    if defect_rate is not None:
        overrides["defect_rate"] = defect_rate
    if zip_share is not None:
        overrides["zip_share"] = zip_share
    if refresh_share is not None:
        overrides["refresh_share"] = refresh_share
    if burn_in_months is not None:
        overrides["burn_in_months"] = burn_in_months
    config = replace(config, **overrides)
    for label, value in (
        ("--defect-rate", config.defect_rate),
        ("--zip-share", config.zip_share),
        ("--refresh-share", config.refresh_share),
    ):
        if not 0.0 <= value <= 1.0:
            raise ConfigError(f"{label} must be between 0 and 1")
    if config.defect_rate > 0.2:
        raise ConfigError("--defect-rate above 0.2 would leave little valid data; use at most 0.2")
    return config
