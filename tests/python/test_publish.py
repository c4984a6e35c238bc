"""`iapt publish`: the NHS CSV layout and the disclosure rules on the published file."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import duckdb
from click.testing import CliRunner

from iapt_warehouse.cli import cli
from iapt_warehouse.coverage import coverage_markdown
from iapt_warehouse.publish import NHS_HEADER, QUARTERLY_HEADER

REPO = Path(__file__).resolve().parents[2]
WHOLE = re.compile(r"[0-9]+")
ONE_DECIMAL = re.compile(r"-?[0-9]+\.[0-9]")


def _publish(db: Path, out: Path, month: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["publish", "--month", month, "--db", str(db), "--out", str(out)])
    return result.exit_code, result.output


def test_published_file_has_the_nhs_header_and_obeys_disclosure_control(built, tmp_path):
    db, _ = built
    code, output = _publish(db, tmp_path, "2020-10")
    assert code == 0, output
    path = tmp_path / "iapt_monthly_activity_2020-10.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == NHS_HEADER
    body = [dict(zip(NHS_HEADER, row, strict=True)) for row in rows[1:]]
    assert body, "no rows published"
    assert {r["REPORTING_PERIOD_START"] for r in body} == {"2020-10-01"}
    assert {r["GROUP_TYPE"] for r in body} == {
        "England",
        "CommissioningRegion",
        "ICB",
        "SubICB",
        "Provider",
        "SubICB/Provider",
    }
    with duckdb.connect(str(db), read_only=True) as con:
        exact = {
            (r[0], r[1], r[2], r[3]): r[4]
            for r in con.execute(
                "select group_type, org_code1, org_code2, measure_id, measure_value from publication.monthly_activity"
                " where reporting_period_start = date '2020-10-01'"
            ).fetchall()
        }
    assert len(exact) == len(body)
    for row in body:
        value = exact[(row["GROUP_TYPE"], row["ORG_CODE1"], row["ORG_CODE2"], row["MEASURE_ID"])]
        published = row["MEASURE_VALUE_SUPPRESSED"]
        kind = row["MEASURE_NAME"].split("_")[0]
        if row["GROUP_TYPE"] == "England":
            if kind == "Count":
                assert published == str(int(value)), row
            elif value is not None:
                assert ONE_DECIMAL.fullmatch(published), row
        elif kind == "Count":
            if value < 5:
                assert published == "*", row
            else:
                assert int(published) % 5 == 0 and abs(int(published) - value) <= 2.5, row
        elif kind == "Percentage" and published != "*":
            assert WHOLE.fullmatch(published), row
        elif kind in ("Mean", "Median", "Max", "Min") and published not in ("*", ""):
            assert ONE_DECIMAL.fullmatch(published), row
    # the exact figures never appear in the file: no sub-national count under 5 is printed
    small = [r for r in body if r["GROUP_TYPE"] != "England" and r["MEASURE_VALUE_SUPPRESSED"] in {"1", "2", "3", "4"}]
    assert small == []


def test_publish_gives_clear_errors(built, tmp_path):
    db, _ = built
    code, output = _publish(db, tmp_path, "2020-13")
    assert code == 2 and "is not a month" in output
    code, output = _publish(db, tmp_path, "2031-01")
    assert code == 1 and "no published figures for 2031-01" in output
    code, output = _publish(tmp_path / "missing.duckdb", tmp_path, "2020-10")
    assert code == 1 and "no warehouse at" in output
    assert "Traceback" not in output


def test_quarterly_file_has_its_header_and_obeys_disclosure_control(built, tmp_path):
    db, _ = built
    result = CliRunner().invoke(
        cli, ["publish", "--month", "2020-09", "--quarterly", "--db", str(db), "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    path = tmp_path / "iapt_quarterly_breakdowns_2020-07-01_2020-09-30.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == QUARTERLY_HEADER
    body = [dict(zip(QUARTERLY_HEADER, row, strict=True)) for row in rows[1:]]
    assert {r["GROUP_TYPE"] for r in body} == {"England", "Provider", "SubICB"}
    assert {r["VARIABLE_TYPE"] for r in body} >= {"Age Group", "Gender", "Problem Descriptor", "Disability"}
    for row in body:
        published, kind = row["MEASURE_VALUE_SUPPRESSED"], row["MEASURE_NAME"].split("_")[0]
        if row["GROUP_TYPE"] == "England" or published == "*":
            continue
        if kind == "Count":
            assert int(published) >= 5 and int(published) % 5 == 0, row
        else:
            assert WHOLE.fullmatch(published), row


def test_measure_coverage_page_is_up_to_date(built):
    """docs/measure-coverage.md is `iapt coverage --write` on a built warehouse (coverage does not depend
    on the data, only on the catalogue and the measure definitions)."""
    db, _ = built
    expected = coverage_markdown(db)
    committed = (REPO / "docs" / "measure-coverage.md").read_text(encoding="utf-8")
    assert committed == expected, "docs/measure-coverage.md is stale: run `.venv/bin/iapt coverage --write`"
    assert "| M001 | Count_ReferralsReceived | Core | Monthly/Quarterly | yes | referrals |" in expected
