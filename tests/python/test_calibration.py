"""Issue 3: the synthetic data's headline rates, computed through the whole warehouse (loader, staging,
derivations, publication), are within 3 points of the published England figures, and agree with the
generator's own report, an independent implementation of the same rules."""

from __future__ import annotations

from pathlib import Path

from conftest import load_and_build_publication
from iapt_warehouse.calibration import warehouse_calibration
from iapt_warehouse.synth import config, generate, report


def test_calibration_through_the_warehouse(tmp_path: Path) -> None:
    cfg = config.build(
        None,
        months="2019-10:2021-09",
        referrals_per_month=110,
        provider_codes=("NDC16", "RRPJ4", "RTQ", "RX3YE", "RV3DG", "AML01", "RJ8", "8JX60"),
        jobs=1,
    )
    packages = tmp_path / "packages"
    generate.generate(cfg, packages)
    db = load_and_build_publication(packages, tmp_path)

    through_warehouse = warehouse_calibration(db, warmup=12)
    assert through_warehouse["counts"]["finished"] > 3000
    for name, diff in through_warehouse["difference_pp"].items():
        assert diff is not None and abs(diff) <= 3.0, (name, through_warehouse["rates"][name])

    from_packages = report.calibration(packages, warmup=12)
    assert through_warehouse["months"] == from_packages["months"]
    for name, rate in through_warehouse["rates"].items():
        assert abs(rate - from_packages["rates"][name]) <= 0.5, (name, rate, from_packages["rates"][name])
