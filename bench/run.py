"""`make bench`: wall time and peak memory of every stage of the warehouse at one scale.

Stages, each run as its own process tree and measured from outside (wall clock; peak RSS is the
largest resident set of any process of the stage, from getrusage(RUSAGE_CHILDREN) in a wrapper):

  generate   iapt synth DATA --scale SCALE --seed 42
  load       iapt load DATA                          (a fresh DuckDB file; every month but the last)
  dbt_models dbt seed && dbt run                     (every model, full build; no tests)
  write_floor bench/write_floor.py DB                (only writing the tables the full build wrote: the floor)
  load_month iapt load LAST-MONTH                    (the held-back last month)
  dbt_incremental dbt run                            (incremental: only the months that changed)
  dbt_tests  dbt test                                (data tests, unit tests, singular guards)
  validate   iapt validate                           (Great Expectations checkpoint; when installed)
  write_floor_month bench/write_floor.py DB --month LAST (the floor of the incremental month's rows)
  publish    iapt publish --month LAST --quarterly   (the NHS CSV files of the last month)
  baselines  bench/baselines (hand-tuned SQL, pandas, bare CSV scan), when present

Results go to bench/results/<scale>.json, and each dbt stage's per-model times (slowest first) to
bench/results/profiles/<scale>-<stage>.json; `--report` rewrites the tables in BENCHMARKS.md from every
results file there.

    .venv/bin/python bench/run.py --scale demo
    .venv/bin/python bench/run.py --report
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results"
BENCHMARKS_MD = ROOT / "BENCHMARKS.md"
SCALES = ("demo", "region", "national")

# Runs the command given as argv[1:], then prints the peak RSS (KiB) of its process tree on stderr's last lines,
# and when it was reached: every half second the wrapper reads the resident set of each process of the tree
# from /proc and keeps the time of the largest (so a dbt stage's peak can be matched to the models running
# then, from run_results.json's timings).
_WRAPPER = """
import os, resource, subprocess, sys, time
proc = subprocess.Popen(sys.argv[1:])
peak_kib, peak_at = 0, 0.0
def tree_rss_kib():
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as f:
                    parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                pass
    tree, largest = {proc.pid}, 0
    for _ in range(8):
        tree |= {pid for pid, parent in parents.items() if parent in tree}
    for pid in tree:
        try:
            with open("/proc/%d/statm" % pid) as f:
                largest = max(largest, int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024)
        except (OSError, ValueError, IndexError):
            pass
    return largest
while proc.poll() is None:
    rss = tree_rss_kib()
    if rss > peak_kib:
        peak_kib, peak_at = rss, time.time()
    time.sleep(0.5)
sys.stderr.write("\\n__PEAK_RSS_KIB__ %d\\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.stderr.write("__PEAK_AT__ %.1f %d\\n" % (peak_at, peak_kib))
sys.exit(proc.returncode)
"""


@dataclass
class Stage:
    name: str
    command: str
    seconds: float
    peak_rss_mb: float
    ok: bool
    note: str = ""
    # when the sampled peak was reached (epoch seconds), and for dbt stages the models running then
    peak_at: float = 0.0
    peak_models: list[str] = field(default_factory=list)


@dataclass
class Run:
    scale: str
    started: str
    machine: str
    data_bytes: int = 0
    rows_landed: int = 0
    referrals: int = 0
    stages: list[Stage] = field(default_factory=list)
    baselines: list[dict[str, Any]] = field(default_factory=list)


def measure(name: str, argv: list[str], env: dict[str, str], log: Path, ok_codes: tuple[int, ...] = (0,)) -> Stage:
    """Run one stage in a wrapper process; its output goes to the log (shown when it fails)."""
    start = time.perf_counter()
    with log.open("w") as out:
        proc = subprocess.run(
            [sys.executable, "-c", _WRAPPER, *argv], env=env, cwd=ROOT, stdout=out, stderr=subprocess.PIPE, text=True
        )
    seconds = time.perf_counter() - start
    peak_kib = 0
    peak_at = 0.0
    kept: list[str] = []
    for line in proc.stderr.splitlines():
        if line.startswith("__PEAK_RSS_KIB__"):
            peak_kib = int(line.split()[1])
        elif line.startswith("__PEAK_AT__"):
            peak_at = float(line.split()[1])
        else:
            kept.append(line)
    with log.open("a") as out:
        out.write("\n".join(kept))
    shown = " ".join(a if " " not in a else repr(a) for a in argv)
    stage = Stage(
        name,
        shown.replace(str(ROOT) + "/", ""),
        round(seconds, 1),
        round(peak_kib / 1024, 0),
        proc.returncode in ok_codes,
        peak_at=peak_at,
    )
    status = "ok" if stage.ok else f"FAILED (exit {proc.returncode}; log {log})"
    print(f"  {name:<11} {stage.seconds:>8.1f} s  {stage.peak_rss_mb:>7.0f} MB  {status}", flush=True)
    return stage


def dir_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def warehouse_facts(db: Path) -> tuple[int, int, str]:
    """Rows landed, distinct referrals in staging, and the last reporting month (YYYY-MM)."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = con.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'landing' and table_type = 'BASE TABLE'"
        ).fetchall()
        rows = 0
        for (table,) in tables:
            count = con.execute(f'select count(*) from landing."{table}"').fetchone()
            rows += int(count[0]) if count else 0
        last = con.execute(
            "select strftime(max(reporting_period_start), '%Y-%m') from publication.monthly_activity"
        ).fetchone()
        received = con.execute(
            "select coalesce(sum(measure_value), 0) from publication.monthly_activity "
            "where group_type = 'England' and measure_id = 'M001'"
        ).fetchone()
        return rows, int(received[0]) if received else 0, str(last[0]) if last and last[0] else ""
    finally:
        con.close()


def run_scale(scale: str, work: Path, keep: bool, keep_full_build: bool = False) -> Run:
    run = Run(
        scale=scale,
        started=datetime.now(UTC).isoformat(timespec="seconds"),
        machine=f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}",
    )
    data, db_dir, logs, out = work / "data", work / "db", work / "logs", work / "publish"
    for folder in (data, db_dir, out):
        if folder.exists():
            shutil.rmtree(folder)
    db_dir.mkdir(parents=True)
    logs.mkdir(parents=True, exist_ok=True)
    db = db_dir / "iapt.duckdb"  # views name the catalogue "iapt"
    env = dict(os.environ)
    env.update(
        IAPT_DUCKDB_PATH=str(db),
        DBT_PROFILES_DIR=str(ROOT),
        DBT_TARGET_PATH=str(work / "dbt-target"),
        DBT_LOG_PATH=str(work / "dbt-logs"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    if not env.get("IAPT_PSEUDO_KEY"):
        env["IAPT_PSEUDO_KEY"] = "bench-only-pseudonymisation-key-not-secret"
    iapt, dbt = str(BIN / "iapt"), str(BIN / "dbt")
    print(f"bench {scale}: work folder {work}", flush=True)

    def stage(name: str, argv: list[str], ok_codes: tuple[int, ...] = (0,), summary_prefix: str | None = None) -> Stage:
        """Measure one stage; exit codes outside `ok_codes` stop the bench. With `summary_prefix` (exit 1
        allowed), the log's last line containing it (or its last line) becomes the stage's note."""
        result = measure(name, argv, env, logs / f"{name}.log", ok_codes=ok_codes)
        if summary_prefix is not None:
            lines = [line.strip() for line in (logs / f"{name}.log").read_text(errors="replace").splitlines()]
            summary = [line for line in lines if line and summary_prefix in line]
            if summary and summary_prefix:
                result.note = summary[-1][summary[-1].index(summary_prefix) :]
            elif lines:
                result.note = next((line for line in reversed(lines) if line), "")[:200]
        run.stages.append(result)
        # dbt's per-model timings of the stage, for profiling (the next dbt command overwrites the file)
        run_results = work / "dbt-target" / "run_results.json"
        if name in ("dbt_models", "dbt_incremental") and run_results.exists():
            shutil.copy2(run_results, logs / f"{name}.run_results.json")
            result.peak_models = models_running_at(run_results, result.peak_at)
            write_profile(scale, name, run_results, result.peak_models)
        if not result.ok:
            raise SystemExit(f"bench {scale}: stage {name} failed; see {logs / (name + '.log')}")
        return result

    stage("generate", [iapt, "synth", str(data), "--scale", scale, "--seed", "42", "--quiet"])
    run.data_bytes = dir_bytes(data)
    # The last month is held back: the full build covers the months before it, then the month is loaded
    # and built incrementally (issue 8 item 3), as a monthly production run would.
    months = sorted(p.name for p in data.iterdir() if p.is_dir())
    new_month = work / "new-month"
    shutil.rmtree(new_month, ignore_errors=True)
    new_month.mkdir()
    (data / months[-1]).rename(new_month / months[-1])

    # exit 1 = some packages were rejected whole (the generator injects such defects); 2 = a failure
    stage("load", [iapt, "load", str(data)], ok_codes=(0, 1))
    stage("dbt_models", ["/bin/sh", "-c", f"'{dbt}' seed --quiet && '{dbt}' run --quiet"])
    # The write floor (not part of the pipeline): the same tables copied, finished, into a new file
    floor = [sys.executable, str(ROOT / "bench" / "write_floor.py"), str(db)]
    stage("write_floor", [*floor, "--json", str(logs / "write_floor.json")], summary_prefix="write floor:")
    if keep_full_build:
        # for A/B runs of the incremental month: the warehouse before it, and the month's packages
        # (cp <work>/full-build/iapt.duckdb x/iapt.duckdb; iapt load <work>/full-build/new-month; dbt run)
        kept = work / "full-build"
        shutil.rmtree(kept, ignore_errors=True)
        kept.mkdir()
        shutil.copy2(db, kept / db.name)
        shutil.copytree(new_month, kept / "new-month")
    stage("load_month", [iapt, "load", str(new_month)], ok_codes=(0, 1))
    stage("dbt_incremental", [dbt, "run", "--quiet"])
    (new_month / months[-1]).rename(data / months[-1])
    # Failing data tests or error-severity expectations are findings to report, not a reason to stop measuring
    # (make test is the gate): exit 1 is recorded with the run's summary line as the stage's note.
    stage("dbt_tests", [dbt, "test", "--quiet"], ok_codes=(0, 1), summary_prefix="Done.")
    if _has_command(iapt, "validate"):
        stage("validate", [iapt, "validate", "--db", str(db)], ok_codes=(0, 1), summary_prefix="")
    rows, referrals, last_month = warehouse_facts(db)
    run.rows_landed, run.referrals = rows, referrals
    stage(
        "write_floor_month",
        [*floor, "--month", last_month, "--json", str(logs / "write_floor_month.json")],
        summary_prefix="write floor:",
    )
    stage("publish", [iapt, "publish", "--month", last_month, "--out", str(out), "--db", str(db)])
    stage("publish_q", [iapt, "publish", "--month", last_month, "--quarterly", "--out", str(out), "--db", str(db)])
    baselines = ROOT / "bench" / "baselines" / "runner.py"
    if baselines.exists():
        report = work / "baselines.json"
        model_seconds = next(s.seconds for s in run.stages if s.name == "dbt_models")
        stage(
            "baselines",
            [
                sys.executable, str(baselines), "--db", str(db), "--data", str(data), "--json", str(report),
                "--warehouse-seconds", f"{model_seconds:.3f}",
            ],
        )  # fmt: skip
        run.baselines = json.loads(report.read_text())
    if not keep:
        shutil.rmtree(data, ignore_errors=True)
    return run


def models_running_at(run_results: Path, moment: float) -> list[str]:
    """The models whose execution (run_results.json's `execute` timing) spans `moment` (epoch seconds), give or
    take a second (the memory is sampled every half second)."""
    if not moment:
        return []
    running = []
    for result in json.loads(run_results.read_text())["results"]:
        for timing in result.get("timing", []):
            if timing.get("name") != "execute" or not timing.get("started_at") or not timing.get("completed_at"):
                continue
            started = datetime.fromisoformat(timing["started_at"].replace("Z", "+00:00")).timestamp()
            completed = datetime.fromisoformat(timing["completed_at"].replace("Z", "+00:00")).timestamp()
            if started - 1 <= moment <= completed + 1:
                running.append(result["unique_id"].split(".")[-1])
    return sorted(running)


def write_profile(scale: str, stage: str, run_results: Path, peak_models: list[str] | None = None) -> None:
    """bench/results/profiles/<scale>-<stage>.json: each model's time in the stage, slowest first, and the
    models running when the stage's memory peaked."""
    results = json.loads(run_results.read_text())
    models = sorted(
        ((round(r["execution_time"], 1), r["unique_id"].split(".")[-1]) for r in results["results"]), reverse=True
    )
    profile = {
        "stage": stage,
        "scale": scale,
        "elapsed_time": round(results["elapsed_time"], 1),
        "running_at_peak_memory": peak_models or [],
        "models": [{"model": name, "seconds": seconds} for seconds, name in models],
    }
    (RESULTS / "profiles").mkdir(parents=True, exist_ok=True)
    (RESULTS / "profiles" / f"{scale}-{stage}.json").write_text(json.dumps(profile, indent=1) + "\n")


def _has_command(iapt: str, name: str) -> bool:
    return subprocess.run([iapt, name, "--help"], capture_output=True).returncode == 0


def write_results(run: Run) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{run.scale}.json"
    path.write_text(json.dumps(asdict(run), indent=2) + "\n")
    return path


def report() -> None:
    """Rewrite the generated part of BENCHMARKS.md from bench/results/*.json."""
    runs = []
    for scale in SCALES:
        path = RESULTS / f"{scale}.json"
        if path.exists():
            runs.append(json.loads(path.read_text()))
    lines = ["<!-- generated by `python bench/run.py --report` from bench/results/*.json; do not edit -->", ""]
    for run in runs:
        seconds = {s["name"]: s["seconds"] for s in run["stages"]}
        pipeline = ("load", "load_month", "dbt_models", "dbt_incremental", "dbt_tests", "validate")
        total = sum(seconds.get(name, 0.0) for name in pipeline)
        peak = max((s["peak_rss_mb"] for s in run["stages"] if s["name"] in pipeline), default=0.0)
        incremental = ""
        if seconds.get("dbt_models") and "dbt_incremental" in seconds:
            share = 100 * seconds["dbt_incremental"] / seconds["dbt_models"]
            incremental = (
                f" One month added incrementally: **{seconds['dbt_incremental']:,.1f} s**, "
                f"{share:.0f}% of the full build's {seconds['dbt_models']:,.1f} s (target: at most 10%)."
            )
        floor = ""
        floor_note = next((s.get("note", "") for s in run["stages"] if s["name"] == "write_floor"), "")
        script = next((b["seconds"] for b in run.get("baselines", []) if b["name"] == "duckdb_sql"), None)
        if floor_note and seconds.get("dbt_models"):
            floor_seconds = float(floor_note.split()[2])
            floor = (
                f" Write floor (only writing the tables the full build wrote, `bench/write_floor.py`): "
                f"**{floor_seconds:,.1f} s**; the full `dbt run` is {seconds['dbt_models'] / floor_seconds:.2f}x it"
                + (f", and it is {floor_seconds / script:.1f}x the DuckDB script" if script else "")
                + "."
            )
        month_note = next((s.get("note", "") for s in run["stages"] if s["name"] == "write_floor_month"), "")
        if month_note and seconds.get("dbt_models") and "dbt_incremental" in seconds:
            month_seconds = float(month_note.split()[2])
            floor += (
                f" The incremental month's write floor (its rows of the same tables): **{month_seconds:,.1f} s**, "
                f"{100 * month_seconds / seconds['dbt_models']:.0f}% of the full build; the month's `dbt run` is "
                f"{seconds['dbt_incremental'] / month_seconds:.2f}x it."
            )
        lines += [
            f"### {run['scale']} ({run['started']}, {run['machine']})",
            "",
            f"{run['data_bytes'] / 1e6:,.0f} MB of CSV, {run['rows_landed']:,} rows landed, "
            f"{run['referrals']:,} referrals received (M001, all months). "
            f"Load + dbt build + validation (every stage from load to validate): **{total:,.1f} s**, "
            f"peak memory **{peak:,.0f} MB**.{incremental}{floor}",
            "",
            "| Stage | Wall time (s) | Peak RSS (MB) | Command |",
            "|---|---:|---:|---|",
        ]
        lines += [
            f"| {s['name']} | {s['seconds']:,.1f} | {s['peak_rss_mb']:,.0f} | `{s['command']}`"
            + (f" ({s['note']})" if s.get("note") else "")
            + (f" (running at the memory peak: {', '.join(s['peak_models'])})" if s.get("peak_models") else "")
            + " |"
            for s in run["stages"]
        ]
        if run.get("baselines"):
            lines += [
                "",
                "| Baseline | Wall time (s) | Baseline time / warehouse `dbt_models` time | Equal to warehouse |",
                "|---|---:|---:|---|",
            ]
            lines += [
                f"| {b['name']} | {b['seconds']:,.1f} | {b.get('ratio', '')} | "
                f"{('did not finish: ' + b['error']) if b.get('error') else b.get('equal', '')} |"
                for b in run["baselines"]
            ]
        lines.append("")
    text = BENCHMARKS_MD.read_text() if BENCHMARKS_MD.exists() else "# Benchmarks\n\n## Results\n\n"
    start, end = "<!-- results:start -->", "<!-- results:end -->"
    body = start + "\n" + "\n".join(lines) + end
    if start in text and end in text:
        text = text[: text.index(start)] + body + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + "\n\n" + body + "\n"
    BENCHMARKS_MD.write_text(text)
    print(f"wrote {BENCHMARKS_MD.relative_to(ROOT)} from {len(runs)} results file(s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=SCALES, action="append", help="repeatable; default demo and region")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "bench", help="scratch folder")
    parser.add_argument("--keep-data", action="store_true", help="keep the generated CSV files")
    parser.add_argument(
        "--keep-full-build",
        action="store_true",
        help="copy the warehouse after the full build, and the held-back month, to <work>/<scale>/full-build",
    )
    parser.add_argument("--report", action="store_true", help="only rewrite BENCHMARKS.md from bench/results")
    args = parser.parse_args()
    if not args.report:
        for scale in args.scale or ["demo", "region"]:
            run = run_scale(scale, args.work / scale, args.keep_data, args.keep_full_build)
            print(f"  -> {write_results(run).relative_to(ROOT)}", flush=True)
    report()


if __name__ == "__main__":
    main()
