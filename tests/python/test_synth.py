"""`iapt synth`: contract-exact, deterministic, realistic and calibrated synthetic submissions."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path

import nhs_number
import pytest
from click.testing import CliRunner

from iapt_warehouse import contract
from iapt_warehouse.cli import cli
from iapt_warehouse.synth import config, defects, generate, report
from synth_packages import integrity, manifest, package_files, parse, tables, tree_digest

# letter-leading codes in four regions
PROVIDERS = ("NDC16", "RRPJ4", "RTQ", "RX3YE", "RV3DG", "AML01")
STRUCTURAL = {defects.DUPLICATE, defects.ORPHAN, defects.BAD_DATE}


def small(defect_rate: float = 0.02, **overrides: object) -> config.SynthConfig:
    """6 providers x 8 months across the version change, small volumes, busy submission process."""
    cfg = config.build(
        None,
        months="2020-05:2020-12",
        referrals_per_month=25,
        defect_rate=defect_rate,
        provider_codes=PROVIDERS,
        burn_in_months=6,
        jobs=1,
    )
    return replace(cfg, **{"refresh_share": 0.35, "resubmission_share": 0.15, "late_share": 0.1, **overrides})


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("synth") / "out"
    generate.generate(small(), path)
    return path


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same configuration and seed without defects."""
    path = tmp_path_factory.mktemp("synth-clean") / "out"
    generate.generate(small(defect_rate=0.0), path)
    return path


# ------------------------------------------------------------------------------------ determinism


def test_same_seed_same_bytes_whatever_the_number_of_workers(out, tmp_path):
    again = tmp_path / "again"
    generate.generate(replace(small(), jobs=2), again)
    assert tree_digest(again) == tree_digest(out)


def test_another_seed_other_data(out, tmp_path):
    other = tmp_path / "other"
    generate.generate(replace(small(), seed=7), other)
    assert tree_digest(other) != tree_digest(out)


def test_no_wall_clock_anywhere(out):
    text = (out / "manifest.json").read_text()
    assert str(date.today().year + 1) not in text  # created timestamps are in the data's own timeline
    for p in manifest(out)["packages"]:
        assert p["created"] < "2021-07"


# --------------------------------------------------------------------------------------- contract


def test_every_file_header_is_the_contract_item_list(out):
    seen = set()
    for p in manifest(out)["packages"]:
        for name, data in package_files(out, p["path"]).items():
            table = contract.tables(p["version"])[name.removesuffix(".csv")]
            header, rows = parse(data)
            assert header == list(table.item_names), (p["path"], name)
            assert data.endswith(b"\n") and not data.startswith(b"\xef\xbb\xbf")
            assert all(len(r) == len(header) for r in rows), (p["path"], name)
            seen.add(table.name)
    # every table of both versions is exercised somewhere
    assert seen == {t.name for t in contract.all_tables()}


def test_headers_versions_dates_and_windows(out):
    packages = manifest(out)["packages"]
    for p in packages:
        version = p["version"]
        month = p["month"]
        assert version == ("2.0" if month >= "2020-09" else "1.5")
        header = tables(out, p["path"])[contract.HEADER_TABLE[version]]
        assert len(header[1]) == 1
        row = dict(zip(header[0], header[1][0], strict=True))
        assert row["DatSetVer"] == version
        assert row[contract.PROVIDER_ITEM[version]] == p["provider"]
        start = date.fromisoformat(month + "-01")
        assert row["ReportingPeriodStartDate"] == start.strftime(contract.DATE_FORMAT[version])
        assert re.fullmatch(contract.DATE_PATTERN[version], row["ReportingPeriodEndDate"])
        assert re.fullmatch(contract.TIMESTAMP_PATTERN, row["DateTimeDatSetCreate"])
        assert row["DateTimeDatSetCreate"] == p["created"]
        created = int(p["created"][:4]) * 12 + int(p["created"][5:7]) - 1
        offset = created - config.month_index(month)
        assert {"primary": offset == 1, "refresh": offset == 2, "late": offset > 2}[p["window"]], p
    assert {p["version"] for p in packages} == {"1.5", "2.0"}


def test_dates_and_times_in_each_version_format(out):
    for p in manifest(out)["packages"][::3]:
        version = p["version"]
        for name, (header, rows) in tables(out, p["path"]).items():
            spec = contract.tables(version)[name]
            injected_bad = sum(
                d["count"] for d in p["defects"] if d["class"] == defects.BAD_DATE and d["table"] == name
            )
            bad = 0
            for item in spec.items:
                pattern = {"date": contract.DATE_PATTERN[version], "time": contract.TIME_PATTERN}.get(item.value_type)
                if pattern is None:
                    continue
                column = header.index(item.name)
                bad += sum(1 for r in rows if r[column] and not re.fullmatch(pattern, r[column]))
            assert bad == injected_bad, (p["path"], name)


def test_submission_process_rates(out):
    m = manifest(out)
    packages = m["packages"]
    provider_months = {(p["provider"], p["month"]) for p in packages}
    assert len(provider_months) == len(PROVIDERS) * 8
    windows = Counter(p["window"] for p in packages)
    resubmitted = sum(1 for p in packages if p["window"] == "primary" and p["sequence"] == 2)
    n = len(provider_months)
    assert 0.2 * n <= windows["refresh"] <= 0.5 * n
    assert 1 <= resubmitted <= 0.3 * n
    assert 1 <= windows["late"] <= 0.25 * n
    zipped = sum(1 for p in packages if p["zip"])
    assert 1 <= zipped <= 0.25 * len(packages)
    assert any((out / p["path"]).suffix == ".zip" for p in packages)
    # one package in use per provider-month that has a Primary or Refresh; a Refresh always differs
    in_use = Counter((p["provider"], p["month"]) for p in packages if p["in_use"])
    assert set(in_use.values()) == {1}
    for p in packages:
        if p["window"] == "refresh":
            primaries = [
                q
                for q in packages
                if q["window"] == "primary" and (q["provider"], q["month"]) == (p["provider"], p["month"])
            ]
            assert primaries and all(package_files(out, q["path"]) != package_files(out, p["path"]) for q in primaries)
            assert p["in_use"]


def test_layout(out):
    for p in manifest(out)["packages"]:
        name = Path(p["path"]).name.removesuffix(".zip")
        suffix = "" if p["sequence"] == 1 else f"_{p['sequence']}"
        assert p["path"].startswith(p["month"] + "/")
        assert name == f"{p['provider']}_{p['month']}_{p['window']}{suffix}"
    assert not list(out.glob("*.csv")) and not list(out.glob("*/*.csv"))  # OUTDIR is not itself a package


# ------------------------------------------------------------------------------ integrity, defects


def test_referential_integrity_and_keys_except_injected(out, clean):
    for folder, expect_defects in ((clean, False), (out, True)):
        for p in manifest(folder)["packages"]:
            orphans, duplicates = integrity(p["version"], tables(folder, p["path"]))
            injected_orphans = Counter()
            injected_dups = Counter()
            for d in p["defects"]:
                if d["class"] == defects.ORPHAN:
                    injected_orphans[d["table"]] += d["count"]
                if d["class"] == defects.DUPLICATE:
                    injected_dups[d["table"]] += d["count"]
            assert orphans == dict(injected_orphans), p["path"]
            assert duplicates == dict(injected_dups), p["path"]
            if not expect_defects:
                assert not orphans and not duplicates


def test_defects_are_exactly_the_manifest(out, clean):
    """Cell-by-cell difference from the defect-free run (same seed) equals the manifest's counts."""
    clean_packages = {p["path"]: p for p in manifest(clean)["packages"]}
    total_defects = 0
    total_eligible = 0
    classes = Counter()
    for p in manifest(out)["packages"]:
        assert p["path"] in clean_packages
        expected_cells = Counter()
        expected_rows = Counter()
        for d in p["defects"]:
            classes[d["class"]] += d["count"]
            total_defects += d["count"]
            if d["class"] in (defects.DUPLICATE, defects.ORPHAN):
                expected_rows[d["table"]] += d["count"]
            else:
                expected_cells[(d["table"], d["item"])] += d["count"]
        total_eligible += p["eligible_rows"]
        dirty = tables(out, p["path"])
        truth = tables(clean, p["path"])
        assert set(dirty) == set(truth)
        cells = Counter()
        rows = Counter()
        for name, (header, truth_rows) in truth.items():
            dirty_rows = dirty[name][1]
            if len(dirty_rows) != len(truth_rows):
                rows[name] = len(dirty_rows) - len(truth_rows)
            for a, b in zip(dirty_rows, truth_rows, strict=False):
                for item, x, y in zip(header, a, b, strict=True):
                    if x != y:
                        cells[(name, item)] += 1
        assert cells == expected_cells, p["path"]
        assert rows == expected_rows, p["path"]
    rate = small().defect_rate
    assert total_eligible > 10_000
    assert 0.7 * rate <= total_defects / total_eligible <= 1.2 * rate
    assert set(classes) == set(defects.CLASSES)


def test_nhs_numbers_valid_unless_injected(out, clean):
    for folder in (clean, out):
        for p in manifest(folder)["packages"]:
            name = "IDS001MPI" if p["version"] == "2.0" else "IAPTDataSetPerson"
            header, rows = tables(folder, p["path"])[name]
            column = header.index("NHSNumber")
            invalid = sum(1 for r in rows if r[column] and not nhs_number.is_valid(r[column]))
            injected = sum(d["count"] for d in p["defects"] if d["class"] == defects.NHS)
            assert invalid == injected, p["path"]
            assert all(not r[column] or r[column].startswith("9") for r in rows)


def test_defect_targets_name_contract_items():
    defects.check_targets()


def test_the_loader_rejects_only_the_injected_structural_defects(out, tmp_path):
    from iapt_warehouse.landing import loader

    db = tmp_path / "w.duckdb"
    result = loader.load([out], db)
    assert result.count("rejected") == 0
    m = manifest(out)
    assert result.count("loaded") == len(m["packages"])
    expected = Counter()
    for p in m["packages"]:
        for d in p["defects"]:
            if d["class"] in STRUCTURAL:
                rule = {defects.DUPLICATE: "duplicate_key", defects.ORPHAN: "orphan", defects.BAD_DATE: "bad_date"}
                expected[(d["table"], rule[d["class"]])] += d["count"] * (2 if d["class"] == defects.DUPLICATE else 1)
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    found = Counter(
        {
            (t, r): n
            for t, r, n in con.execute(
                "select table_name, rule, count(*) from landing.rejections group by all"
            ).fetchall()
        }
    )
    statuses = Counter(dict(con.execute("select status, count(*) from landing.submissions group by all").fetchall()))
    con.close()
    assert found == expected
    assert statuses["in_use"] == sum(1 for p in m["packages"] if p["in_use"])


# ------------------------------------------------------------------------------------- realism


def test_ids_continue_across_the_version_change(clean):
    packages = {(p["provider"], p["month"]): p for p in manifest(clean)["packages"] if p["in_use"]}
    for provider in PROVIDERS:
        aug = tables(clean, packages[(provider, "2020-08")]["path"])
        sep = tables(clean, packages[(provider, "2020-09")]["path"])
        header, rows = aug["IAPTDataSetReferral"]
        open_aug = {
            (r[header.index("ServiceID")], r[header.index("LPTID")]) for r in rows if not r[header.index("EndDate")]
        }
        header, rows = sep["IDS101Referral"]
        sep_ids = {(r[header.index("ServiceRequestId")], r[header.index("LocalPatientId")]) for r in rows}
        assert open_aug and open_aug <= sep_ids


def test_journeys_are_varied(clean):
    """Codes a toy generator would never produce are all there."""
    seen: dict[str, Counter] = {}
    for p in manifest(clean)["packages"]:
        if not p["in_use"]:
            continue
        for name, (header, rows) in tables(clean, p["path"]).items():
            for item in (
                "AttendOrDNACode",
                "AppType",
                "PlannedCareContIndicator",
                "CareContPatientTherMode",
                "EndCode",
                "Attendance",
                "Apptype",
                "StepIntensity",
                "Thertype1",
                "CodedAssToolType",
                "ConsMediumUsed",
                "PresCompCodSig",
                "InterpreterPresentInd",
            ):
                if item in header:
                    column = header.index(item)
                    seen.setdefault(f"{name}.{item}", Counter()).update(r[column] for r in rows)
    contacts = seen["IDS201CareContact.AttendOrDNACode"]
    assert {"2", "3", "4", "5", "6"} <= set(contacts)
    assert {"01", "02", "03", "05", "06"} <= set(seen["IDS201CareContact.AppType"])
    assert "N" in seen["IDS201CareContact.PlannedCareContIndicator"]
    assert {"1", "3"} <= set(seen["IDS201CareContact.CareContPatientTherMode"])
    assert {"01", "02", "03"} <= set(seen["IDS201CareContact.ConsMediumUsed"])
    assert {"2", "3"} <= set(seen["IAPTDataSetAppointment.StepIntensity"])
    assert {"50", "46", "47", "48"} <= set(seen["IDS101Referral.EndCode"])
    assert {"42", "43"} <= set(seen["IAPTDataSetReferral.EndCode"])
    assert {"P", "S"} <= set(seen["IDS603PresentingComplaints.PresCompCodSig"])
    assert {"720433000", "445455005"} <= set(seen["IDS607CodedScoreAssessmentAct.CodedAssToolType"])
    assert {"1", "4"} <= set(seen["IDS201CareContact.InterpreterPresentInd"])
    v15_therapies = {c for c in seen["IAPTDataSetAppointment.Thertype1"] if c}
    assert any(c.startswith("2") for c in v15_therapies) and any(c.startswith(("4", "5")) for c in v15_therapies)


def test_demo_scale(tmp_path):
    cfg = config.build("demo")
    assert len(cfg.providers) == 4
    assert (config.month_text(cfg.first_month), config.month_text(cfg.last_month)) == ("2020-04", "2021-03")
    assert all(40 <= p.monthly_referrals <= 80 for p in cfg.providers)
    assert len({p.provider.region_code for p in cfg.providers}) == 4
    region = config.build("region")
    national = config.build("national")
    assert 15 <= len(region.providers) <= 25
    assert 140 <= len(national.providers) <= 160
    assert 1_700_000 <= sum(p.monthly_referrals for p in national.providers) * 12 <= 1_900_000


# ------------------------------------------------------------------------------------ calibration


def test_calibration_against_the_published_rates(tmp_path):
    """24 months (12 of warm-up), 8 providers: every headline rate within 3 points of England 2023-24."""
    cfg = config.build(
        None,
        months="2019-10:2021-09",
        referrals_per_month=110,
        provider_codes=("NDC16", "RRPJ4", "RTQ", "RX3YE", "RV3DG", "AML01", "RJ8", "NLS"),
        jobs=2,
    )
    generate.generate(cfg, tmp_path / "cal")
    result = report.calibration(tmp_path / "cal", warmup=12)
    assert result["counts"]["finished"] > 3000
    for name, diff in result["difference_pp"].items():
        assert diff is not None and abs(diff) <= 3.0, (name, result["rates"][name], result["published"][name])


# -------------------------------------------------------------------------------------------- CLI


def test_cli_generates_and_reports(tmp_path):
    runner = CliRunner()
    target = tmp_path / "cli"
    args = ["synth", str(target), "--providers", "2", "--months", "2020-08:2020-09", "--referrals-per-month", "10"]
    result = runner.invoke(cli, [*args, "--quiet"])
    assert result.exit_code == 0, result.output
    assert (target / "manifest.json").is_file()
    again = runner.invoke(cli, args)
    assert again.exit_code == 1 and "not empty" in again.output
    forced = runner.invoke(cli, [*args, "--force"])
    assert forced.exit_code == 0 and "wrote" in forced.output
    rep = runner.invoke(cli, ["synth", "--report", str(target), "--warmup", "0"])
    assert rep.exit_code == 0, rep.output
    assert "recovery_pct" in rep.output and (target / "calibration.json").is_file()


@pytest.mark.parametrize(
    "args",
    [
        ["--scale", "huge"],
        ["--months", "2020-13:2021-01", "--providers", "2"],
        ["--months", "2021-01:2020-01", "--providers", "2"],
        ["--providers", "0"],
        ["--scale", "demo", "--defect-rate", "1.5"],
        [],
    ],
)
def test_cli_rejects_bad_options(tmp_path, args):
    result = CliRunner().invoke(cli, ["synth", str(tmp_path / "x"), *args])
    assert result.exit_code == 2, result.output


def test_force_never_deletes_a_foreign_directory(tmp_path):
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    result = CliRunner().invoke(cli, ["synth", str(foreign), "--scale", "demo", "--force"])
    assert result.exit_code == 1 and (foreign / "notes.txt").read_text() == "keep me"
