"""The MetricFlow semantic layer (models/marts/semantic/): `mf validate-configs` passes and `mf query` returns
the exact values of publication.monthly_activity for every headline metric, at England, provider and ICB level
for every month of the demo warehouse.

Each metric names the NHS measure it reproduces in `meta.measure_id`. `mf` reads the semantic manifest from
`<project>/target/` and opens the warehouse read-write through the dbt profile, so the test runs it in a scratch
project (symlinks to the repository's dbt files) against a copy of the demo warehouse.
"""

from __future__ import annotations

import csv
import json
import math
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
TEST_KEY = "test-key-for-pseudonymisation-0123456789abcdef"
pytestmark = pytest.mark.xdist_group("demo")
_PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests", "analyses")


class Mf:
    """`mf` and `dbt` in a scratch project over a private copy of a warehouse."""

    def __init__(self, project: Path, db: Path) -> None:
        self.project, self.db = project, db
        self.env = {
            **os.environ,
            "IAPT_DUCKDB_PATH": str(db),
            "IAPT_PSEUDO_KEY": os.environ.get("IAPT_PSEUDO_KEY", TEST_KEY),
            "DBT_PROFILES_DIR": str(project),
            "DBT_TARGET_PATH": str(project / "target"),
            "DBT_LOG_PATH": str(project / "logs"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(list(args), cwd=self.project, env=self.env, capture_output=True, text=True)

    def query(self, metrics: list[str], group_by: list[str]) -> list[dict[str, str]]:
        out = self.project / f"q{abs(hash((tuple(metrics), tuple(group_by))))}.csv"
        result = self.run(
            str(BIN / "mf"), "query", "--metrics", ",".join(metrics), "--group-by", ",".join(group_by),
            "--csv", str(out),
        )  # fmt: skip
        assert result.returncode == 0 and out.exists(), result.stdout[-3000:] + result.stderr[-3000:]
        with out.open(newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def mf(demo: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mf]:
    work = tmp_path_factory.mktemp("mf")
    project = work / "project"
    project.mkdir()
    for name in _PROJECT_FILES:
        (project / name).symlink_to(REPO / name)
    db = work / "db" / "iapt.duckdb"  # the views name the catalog "iapt"
    db.parent.mkdir()
    shutil.copyfile(demo[0], db)
    runner = Mf(project, db)
    parsed = runner.run(str(BIN / "dbt"), "parse", "--quiet")
    assert parsed.returncode == 0, parsed.stdout[-3000:]
    assert (project / "target" / "semantic_manifest.json").exists()
    yield runner


def _measure_ids(mf: Mf) -> dict[str, str]:
    manifest = json.loads((mf.project / "target" / "manifest.json").read_text(encoding="utf-8"))
    return {m["name"]: m["config"]["meta"]["measure_id"] for m in manifest["metrics"].values()}


def _published(db: Path, group_type: str) -> dict[tuple[date, str, str], float | None]:
    """(month, org code, measure id) -> exact value of publication.monthly_activity at one level."""
    org = "org_code1" if group_type != "SubICB/Provider" else "org_code2"
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            f"select reporting_period_start, {org}, measure_id, measure_value from publication.monthly_activity"
            " where group_type = ?",
            [group_type],
        ).fetchall()
    return {(month, code, measure): value for month, code, measure, value in rows}


def _compare(
    rows: list[dict[str, str]], org_column: str | None, published: dict[tuple[date, str, str], float | None],
    ids: dict[str, str],
) -> int:  # fmt: skip
    """Asserts every metric value of `rows` equals its published measure; returns the number compared."""
    compared = 0
    mismatches = []
    for row in rows:
        month = date.fromisoformat(row["metric_time__month"][:10])
        org = row[org_column] if org_column else "all"
        for metric, measure in ids.items():
            key = (month, org, measure)
            if key not in published:
                mismatches.append(f"{key}: not in publication.monthly_activity")
                continue
            expected = published[key]
            got = float(row[metric]) if row[metric] not in ("", None) else None
            if expected is None or got is None:
                ok = expected is None and got is None
            else:
                ok = math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-9)
            if not ok:
                mismatches.append(f"{key} {metric}: mf {got} != published {expected}")
            compared += 1
    assert not mismatches, "\n".join(mismatches[:20])
    return compared


def test_mf_validate_configs_passes(mf: Mf) -> None:
    result = mf.run(str(BIN / "mf"), "validate-configs")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "ERRORS: 0" in result.stdout and "ERRORS: 1" not in result.stdout


def test_every_metric_names_a_published_measure(mf: Mf) -> None:
    ids = _measure_ids(mf)
    assert len(ids) >= 20
    with duckdb.connect(str(mf.db), read_only=True) as con:
        published = {
            r[0] for r in con.execute("select distinct measure_id from publication.monthly_activity").fetchall()
        }
    assert set(ids.values()) <= published


def test_mf_query_equals_monthly_activity_at_england_provider_and_icb(mf: Mf) -> None:
    ids = _measure_ids(mf)
    metrics = sorted(ids)
    england = mf.query(metrics, ["metric_time__month"])
    months = {row["metric_time__month"] for row in england}
    assert len(months) >= 12
    compared = _compare(england, None, _published(mf.db, "England"), ids)
    # provider: the submitting provider; ICB: the commissioner's ICB (the publication's hierarchy)
    providers = mf.query(metrics, ["metric_time__month", "provider"])
    compared += _compare(providers, "provider", _published(mf.db, "Provider"), ids)
    icbs = mf.query(metrics, ["metric_time__month", "commissioner__icb_code"])
    compared += _compare(icbs, "commissioner__icb_code", _published(mf.db, "ICB"), ids)
    # every published organisation-month is there (no provider or ICB lost by the joins)
    for rows, column, level in ((providers, "provider", "Provider"), (icbs, "commissioner__icb_code", "ICB")):
        got = {(date.fromisoformat(r["metric_time__month"][:10]), r[column]) for r in rows}
        want = {(month, org) for month, org, measure in _published(mf.db, level) if measure == "M001"}
        assert got == want, level
    assert compared > 1000
