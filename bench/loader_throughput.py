"""Loader throughput against the floor: a bare DuckDB read_csv of the same files.

Writes one v2.0 package with ROWS care contacts (plus their referrals and patients, one referral per
five contacts) under build/bench/, then times, each in a fresh process and a fresh database file:
  floor   create table ... as select * from read_csv(file, all_varchar) for every file of the package
  loader  `iapt load PACKAGE --db FILE` (hashing, UTF-8 check, validation, row accounting, commit)
and prints rows/second for both, the ratio, and peak memory (max RSS) of each.

    .venv/bin/python bench/loader_throughput.py --rows 1000000
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from iapt_warehouse import config, contract

ROOT = Path(__file__).resolve().parents[1]


def write_package(folder: Path, rows: int) -> None:
    """A large valid v2.0 package written by DuckDB (fast, deterministic)."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    tables = contract.tables("2.0")
    referrals = max(rows // 5, 1)
    con = duckdb.connect()
    (folder / "IDS000Header.csv").write_text(
        "DatSetVer,OrgIDProv,OrgIDSubmit,PrimSystemInUse,ReportingPeriodStartDate,ReportingPeriodEndDate,"
        "DateTimeDatSetCreate\n2.0,RHA,RHA,BENCH,2021-01-01,2021-01-31,2021-02-03T10:00:00\n"
    )
    select = {
        "IDS001MPI": f"""select 'P' || i as LocalPatientId, 'RHA' as OrgIDLocalPatientId, null as OrgIDResidenceResp,
            '9434765919' as NHSNumber, '01' as NHSNumberStatus, '1980-05-17' as PersonBirthDate,
            'LS1 4AP' as Postcode, '2' as Gender, 'A' as EthnicCategory, null as ExBAFIndicator,
            'en' as LanguageCodePreferred, null as EduEstabTypeIAPT
            from range({referrals}) t(i)""",
        "IDS101Referral": f"""select 'R' || i as ServiceRequestId, 'P' || i as LocalPatientId, '15N' as OrgIDComm,
            '2020-12-0' || (1 + i % 9) as ReferralRequestReceivedDate, 'B1' as SourceOfReferralMH,
            null as OnsetDate, null as PrevDiagCondInd, null as EndCode, null as ServDischDate
            from range({referrals}) t(i)""",
        "IDS201CareContact": f"""select 'C' || i as CareContactId, 'R' || (i // 5) as ServiceRequestId,
            '2021-01-' || lpad(cast(1 + i % 28 as varchar), 2, '0') as CareContDate, '10:30:00' as CareContTime,
            '15N' as OrgIDComm, 'Y' as PlannedCareContIndicator, '5' as AttendOrDNACode, null as Cancellation,
            '60' as ClinContDurOfCareCont, 'N' as IAPTLTCServiceInd, '02' as AppType, '01' as ConsMediumUsed,
            null as IntEnabledTherProg, '1' as CareContPatientTherMode, null as NumGroupTherParticipants,
            null as NumGroupTherFacilitators, '03' as PsychMed, 'A01' as ActLocTypeCode, 'RHA01' as SiteIDOfTreat,
            'en' as LanguageCodeTreat, '4' as InterpreterPresentInd
            from range({rows}) t(i)""",
    }
    for name, sql in select.items():
        assert [c.strip() for c in tables[name].item_names] == [d[0] for d in con.sql(sql).description]
        con.execute(f"copy ({sql}) to '{folder / (name + '.csv')}' (header, delimiter ',')")
    con.close()


_WRAP = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL);"
    " print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def run_timed(args: list[str]) -> tuple[float, int]:
    """Wall seconds and peak memory (max RSS, MB) of one command, measured in its own wrapper process."""
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _WRAP, *args], check=True, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    return elapsed, int(out.stdout.strip().splitlines()[-1]) // 1024


# The floor writes in the storage format the loader writes (IAPT_DUCKDB_STORAGE_VERSION): like for like.
FLOOR = """
import duckdb, sys, pathlib
con = duckdb.connect(sys.argv[1], config={'storage_compatibility_version': sys.argv[3]})
for i, f in enumerate(sorted(pathlib.Path(sys.argv[2]).glob('*.csv'))):
    con.execute(f"create table t{i} as select * from read_csv('{f}', all_varchar=true, header=true)")
con.close()
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="care-contact rows (default 1,000,000)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "bench" / "loader")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best is reported")
    opts = parser.parse_args()
    package = opts.out / "package"
    write_package(package, opts.rows)
    total_rows = sum(f.read_bytes().count(b"\n") - 1 for f in package.glob("*.csv"))
    size_mb = sum(f.stat().st_size for f in package.glob("*.csv")) / 1e6
    iapt = str(Path(sys.executable).with_name("iapt"))
    results: dict[str, list[tuple[float, int]]] = {"floor": [], "loader": []}
    for _ in range(opts.repeat):
        for name in ("floor", "loader"):
            db = opts.out / f"{name}.duckdb"
            db.unlink(missing_ok=True)
            if name == "floor":
                results[name].append(
                    run_timed([sys.executable, "-c", FLOOR, str(db), str(package), config.duckdb_storage_version()])
                )
            else:
                results[name].append(run_timed([iapt, "load", str(package), "--db", str(db), "--quiet"]))
    best = {k: min(v) for k, v in results.items()}
    peak = {k: max(m for _, m in v) for k, v in results.items()}
    report = {
        "rows_total": total_rows,
        "care_contact_rows": opts.rows,
        "csv_megabytes": round(size_mb, 1),
        "floor_seconds": round(best["floor"][0], 2),
        "loader_seconds": round(best["loader"][0], 2),
        "floor_rows_per_second": round(total_rows / best["floor"][0]),
        "loader_rows_per_second": round(total_rows / best["loader"][0]),
        "loader_share_of_floor_throughput": round(best["floor"][0] / best["loader"][0], 2),
        "peak_rss_mb": peak,
    }
    print(json.dumps(report, indent=2))
    shutil.rmtree(opts.out, ignore_errors=True)


if __name__ == "__main__":
    main()
