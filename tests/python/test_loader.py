"""The landing loader against submission-format.md: windows, in-use choice, idempotency, accounting."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from iapt_warehouse import contract
from iapt_warehouse.landing import loader as loader_module
from iapt_warehouse.landing.schema import quote
from package_builder import PackageSpec, merge, v2_pathway, v15_pathway

REPO = Path(__file__).resolve().parents[2]


def simple_v2(provider: str = "RHA", month: str = "2020-09", created: str = "2020-10-05T09:00:00") -> PackageSpec:
    tables = merge(
        v2_pathway(
            "R1", "P1", month, f"{month}-03", contacts=[("C1", f"{month}-10", "01"), ("C2", f"{month}-17", "02")]
        ),
        v2_pathway("R2", "P2", month, f"{month}-04"),
    )
    return PackageSpec("2.0", provider, month, created, tables)


def submissions(query, order: str = "load_seq") -> list[tuple]:
    return query(
        f"select package_name, submission_window, status, rejection_reason from landing.submissions order by {order}"
    )


# ------------------------------------------------------------------------------------------ windows


@pytest.mark.parametrize(
    ("created", "window", "status"),
    [
        ("2020-10-01T00:00:00", "Primary", "in_use"),  # first moment of M+1
        ("2020-10-31T23:59:59", "Primary", "in_use"),
        ("2020-11-01T00:00:00", "Refresh", "in_use"),  # M+2
        ("2020-12-01T00:00:00", "Late", "late"),  # after M+2: loaded, never in use
        ("2021-06-15T12:00:00", "Late", "late"),
        ("2020-09-30T23:59:59", "Invalid", "rejected"),  # before month M ended
        ("2020-08-15T12:00:00", "Invalid", "rejected"),
    ],
)
def test_each_window_rule(data_dir, run_load, query, created, window, status):
    simple_v2(created=created).write(data_dir, "pkg")
    result = run_load(data_dir)
    assert result.exit_code == (1 if status == "rejected" else 0), result.output
    [(_name, got_window, got_status, reason)] = submissions(query)
    assert (got_window, got_status) == (window, status)
    if status == "rejected":
        assert "before reporting month 2020-09 ended" in reason
        assert query("select count(*) from landing.ids101referral") == [(0,)]


def test_refresh_supersedes_primary_and_late_is_never_in_use(data_dir, run_load, query):
    simple_v2(created="2020-10-05T09:00:00").write(data_dir, "a_primary")
    simple_v2(created="2020-12-02T09:00:00").write(data_dir, "c_late")
    result = run_load(data_dir)
    assert result.exit_code == 0
    assert [(n, s) for n, _, s, _ in submissions(query, "package_name")] == [
        ("a_primary", "in_use"),
        ("c_late", "late"),
    ]
    # The refresh arrives later, in a separate run: the in-use choice is recomputed for the month.
    refresh_dir = data_dir.parent / "later"
    spec = simple_v2(created="2020-11-03T09:00:00")
    spec.tables["IDS201CareContact"].append(
        {"CareContactId": "C3", "ServiceRequestId": "R2", "CareContDate": "2020-09-29", "AppType": "02"}
    )
    spec.write(refresh_dir, "b_refresh")
    assert run_load(refresh_dir).exit_code == 0
    assert [(n, s) for n, _, s, _ in submissions(query, "package_name")] == [
        ("a_primary", "superseded"),
        ("b_refresh", "in_use"),
        ("c_late", "late"),
    ]


def test_resubmission_within_a_window_latest_created_wins(data_dir, run_load, query):
    later = simple_v2(created="2020-10-20T09:00:00")
    later.tables["IDS101Referral"][0]["ServDischDate"] = "2020-09-30"
    later.write(data_dir, "b_second")
    simple_v2(created="2020-10-05T09:00:00").write(data_dir, "a_first")  # loads first (sorted), created earlier
    assert run_load(data_dir).exit_code == 0
    assert [(n, s) for n, _, s, _ in submissions(query, "package_name")] == [
        ("a_first", "superseded"),
        ("b_second", "in_use"),
    ]


def test_same_created_time_later_load_wins(data_dir, run_load, query):
    first = simple_v2(created="2020-10-05T09:00:00")
    second = simple_v2(created="2020-10-05T09:00:00")
    second.tables["IDS101Referral"][1]["EndCode"] = "12"
    first.write(data_dir / "1", "first")
    second.write(data_dir / "2", "second")
    assert run_load(data_dir / "1").exit_code == 0
    assert run_load(data_dir / "2").exit_code == 0
    assert [(n, s) for n, _, s, _ in submissions(query)] == [("first", "superseded"), ("second", "in_use")]


def test_a_rejected_refresh_leaves_the_primary_in_use(data_dir, run_load, query):
    simple_v2(created="2020-10-05T09:00:00").write(data_dir, "a_primary")
    broken = simple_v2(created="2020-11-05T09:00:00")
    broken.header_overrides["DatSetVer"] = "2.1"
    broken.write(data_dir, "b_refresh_bad_version")
    assert run_load(data_dir).exit_code == 1
    rows = submissions(query, "package_name")
    assert [(n, s) for n, _, s, _ in rows] == [("a_primary", "in_use"), ("b_refresh_bad_version", "rejected")]
    assert "DatSetVer '2.1' is not supported" in rows[1][3]


# ------------------------------------------------------------------------------------- idempotency


def test_reloading_the_same_content_is_a_no_op(data_dir, run_load, query):
    simple_v2().write(data_dir, "pkg")
    assert run_load(data_dir).exit_code == 0
    before = query("select count(*) from landing.ids201carecontact"), submissions(query)
    again = run_load(data_dir)
    assert again.exit_code == 0
    assert "nothing to do" in again.output and "already loaded" in again.output
    assert (query("select count(*) from landing.ids201carecontact"), submissions(query)) == before


def test_identity_is_content_not_name_or_zip(data_dir, run_load, query):
    spec = simple_v2()
    spec.write(data_dir / "a", "as_directory")
    spec.write(data_dir / "b", "renamed_and_zipped", as_zip=True)
    result = run_load(data_dir)
    assert result.exit_code == 0
    rows = query("select package_name, package_format from landing.submissions")
    assert rows == [("as_directory", "directory")]
    assert "same content already loaded" in result.output


def test_zip_and_directory_packages_load_the_same_rows(data_dir, run_load, query, tmp_path):
    spec = simple_v2()
    spec.write(data_dir / "dir", "pkg")
    zipped = tmp_path / "zipped"
    spec.write(zipped, "pkg", as_zip=True)
    assert run_load(data_dir).exit_code == 0
    cols = "ServiceRequestId, CareContactId, CareContDate, AppType, _source_file, _line_number"
    from_dir = query(f"select {cols} from landing.ids201carecontact order by all")
    other_db = tmp_path / "other.duckdb"
    from click.testing import CliRunner

    from iapt_warehouse.cli import cli

    assert CliRunner().invoke(cli, ["load", str(zipped / "pkg.zip"), "--db", str(other_db)]).exit_code == 0
    con = duckdb.connect(str(other_db), read_only=True)
    assert con.execute(f"select {cols} from landing.ids201carecontact order by all").fetchall() == from_dir
    assert con.execute("select package_format from landing.submissions").fetchall() == [("zip",)]
    con.close()


# ------------------------------------------------------------------------------------------ v1.5


def test_provider_codes_starting_with_a_digit_load(data_dir, run_load, query):
    """Real ODS codes such as 8JX60 start with a digit; they are organisation codes like any other."""
    simple_v2(provider="8JX60").write(data_dir, "pkg")
    assert run_load(data_dir).exit_code == 0
    assert query("select org_code_provider, status from landing.submissions") == [("8JX60", "in_use")]


def test_v15_dates_are_dd_mm_yyyy(data_dir, run_load, query):
    tables = v15_pathway(
        "S1",
        "L1",
        "03/08/2020",
        [
            {"AppointmentID": "A1", "Appointment": "10/08/2020", "Apptype": "1", "Attendance": "5", "GAD7Score": "14"},
            {"AppointmentID": "A2", "Appointment": "2020-08-17", "Apptype": "2", "Attendance": "5"},  # v2.0 format
            {"AppointmentID": "A3", "Appointment": "31/13/2020", "Apptype": "2", "Attendance": "5"},
        ],
    )
    PackageSpec("1.5", "RX4", "2020-08", "2020-09-04T10:00:00", tables).write(data_dir, "v15")
    assert run_load(data_dir).exit_code == 0
    assert query("select dataset_version, reporting_period_start::varchar from landing.submissions") == [
        ("1.5", "2020-08-01")
    ]
    assert query("select AppointmentID from landing.iaptdatasetappointment") == [("A1",)]
    rejected = query("select offending_value, rule, reason from landing.rejections order by line_number")
    assert [(v, r) for v, r, _ in rejected] == [("2020-08-17", "bad_date"), ("31/13/2020", "bad_date")]
    assert "DD/MM/YYYY" in rejected[0][2]


# ------------------------------------------------------------------------------- whole-package rejection


@pytest.mark.parametrize(
    ("mutate", "reason_part"),
    [
        (lambda p, s: (p / "IDS000Header.csv").unlink(), "no header file"),
        (lambda p, s: (p / "IDS201CareContact.csv").write_bytes(b""), "IDS201CareContact.csv is empty"),
        (
            lambda p, s: (p / "IDS101Referral.csv").write_bytes(b"ServiceRequestId,LocalPatientId\n\xff\xfe,P1\n"),
            "not UTF-8",
        ),
        (lambda p, s: (p / "IDS201CareContacts.csv").write_text("a,b\n"), "IDS201CareContacts.csv is not a table"),
        (lambda p, s: (p / "ids101referral.csv").write_text("a\n"), "names are case-sensitive"),
        (lambda p, s: (p / "notes.txt").write_text("hello"), "notes.txt is not a table"),
        (
            lambda p, s: (p / "IDS201CareContact.csv").write_text("CareContDate,AppType\n2020-09-01,02\n"),
            "has no CareContactId column",
        ),
        (
            lambda p, s: (p / "IDS201CareContact.csv").write_text(
                "CareContactId,ServiceRequestId\nC1,R1\nC2,R1,extra\n"
            ),
            "IDS201CareContact.csv is not valid CSV",
        ),
        (
            lambda p, s: (p / "IDS000Header.csv").write_text(
                "DatSetVer,OrgIDProv,ReportingPeriodStartDate,ReportingPeriodEndDate,DateTimeDatSetCreate\n"
                "2.0,RHA,2020-09-02,2020-09-30,2020-10-05T09:00:00\n"
            ),
            "is not the first day of a month",
        ),
        (
            lambda p, s: (p / "IDS000Header.csv").write_text(
                "DatSetVer,OrgIDProv,ReportingPeriodStartDate,ReportingPeriodEndDate,DateTimeDatSetCreate\n"
                '2.0,"\'); drop table landing.submissions; --",2020-09-01,2020-09-30,2020-10-05T09:00:00\n'
            ),
            "is not an organisation code",
        ),
        (lambda p, s: (p / "IAPTDataSetHeader.csv").write_text("DatSetVer\n1.5\n"), "both a v1.5 and a v2.0 header"),
    ],
    ids=[
        "no-header",
        "empty-file",
        "not-utf8",
        "unknown-table",
        "wrong-case",
        "stray-file",
        "missing-key-column",
        "ragged-csv",
        "bad-period",
        "sql-in-org-code",
        "two-headers",
    ],
)
def test_a_package_rejected_whole_while_its_neighbours_load(data_dir, run_load, query, mutate, reason_part):
    simple_v2(provider="RHA").write(data_dir, "a_good")
    bad = simple_v2(provider="RX4")
    path = bad.write(data_dir, "b_bad")
    mutate(path, bad)
    simple_v2(provider="RY2").write(data_dir, "c_good")
    result = run_load(data_dir)
    assert result.exit_code == 1, result.output
    rows = {n: (s, r) for n, _, s, r in submissions(query)}
    assert rows["a_good"][0] == "in_use" and rows["c_good"][0] == "in_use"
    assert rows["b_bad"][0] == "rejected"
    assert reason_part in rows["b_bad"][1]
    # Nothing of the rejected package is visible anywhere in landing.
    bad_id = query("select submission_id from landing.submissions where package_name = 'b_bad'")[0][0]
    for (table,) in query("select table_name from information_schema.tables where table_schema = 'landing'"):
        if table in {"submissions", "rejections"}:
            continue
        column = "submission_id" if table == "submission_files" else "_submission_id"
        assert query(f"select count(*) from landing.{table} where {column} = ?", [bad_id]) == [(0,)], table
    assert query("select rule from landing.rejections where submission_id = ?", [bad_id]) == [("package_rejected",)]
    assert "rejected whole" in result.output and "Traceback" not in result.output
    assert query("select count(*) from landing.submissions") == [(3,)]  # the SQL-looking value did nothing


def test_bom_crlf_quoted_separators_and_newlines_load(data_dir, run_load, query):
    path = simple_v2().write(data_dir, "pkg")
    (path / "IDS201CareContact.csv").write_bytes(
        b"\xef\xbb\xbfCareContactId,ServiceRequestId,CareContDate,AppType,SiteIDOfTreat\r\n"
        b'C1,R1,2020-09-10,01,"Room 1, ""North"" wing"\r\n'
        b'C2,R1,2020-09-17,02,"line one\nline two"\r\n'
    )
    assert run_load(data_dir).exit_code == 0
    assert query("select CareContactId, SiteIDOfTreat from landing.ids201carecontact order by 1") == [
        ("C1", 'Room 1, "North" wing'),
        ("C2", "line one\nline two"),
    ]


# --------------------------------------------------------------------------------- row accounting


def test_row_accounting_is_exact_and_reasons_are_actionable(data_dir, run_load, query):
    spec = simple_v2()
    contacts = spec.tables["IDS201CareContact"]
    contacts += [
        {"CareContactId": "C3", "ServiceRequestId": "R9", "CareContDate": "2020-09-11", "AppType": "02"},  # orphan
        {"CareContactId": "C4", "ServiceRequestId": "R1", "CareContDate": "2020-02-30", "AppType": "02"},  # bad date
        {"CareContactId": "", "ServiceRequestId": "R1", "CareContDate": "2020-09-12", "AppType": "02"},  # no key
        {"CareContactId": "C5", "ServiceRequestId": "R2", "CareContDate": "2020-09-13", "AppType": "02"},
        {"CareContactId": "C5", "ServiceRequestId": "R2", "CareContDate": "2020-09-14", "AppType": "02"},  # dup
        {"CareContactId": "C6", "ServiceRequestId": "R2", "CareContDate": "2020-09-15", "ClinContDurOfCareCont": "abc"},
    ]
    spec.tables["IDS202CareActivity"] = [
        {"CareActId": "X1", "CareContactId": "C5", "CodeProcAndProcStatus": "304891004"},  # parent rejected (dup)
        {"CareActId": "X2", "CareContactId": "C2", "CodeProcAndProcStatus": "304891004"},
    ]
    spec.tables["IDS607CodedScoreAssessmentAct"] = [
        {"CareActId": "X1", "CodedAssToolType": "445455005", "PersScore": "9"},  # grandparent rejected
        {"CareActId": "X2", "CodedAssToolType": "445455005", "PersScore": "nine"},  # not a number
        {"CareActId": "X2", "CodedAssToolType": "720433000", "PersScore": "40"},  # out of range: loads (DQ later)
    ]
    spec.write(data_dir, "pkg")
    result = run_load(data_dir)
    assert result.exit_code == 0  # row-level rejections do not reject the package
    files = query(
        "select table_name, rows_in_file, rows_loaded, rows_rejected from landing.submission_files order by 1"
    )
    by_table = {t: (n, ok, bad) for t, n, ok, bad in files}
    assert by_table["IDS201CareContact"] == (8, 2, 6)
    assert by_table["IDS202CareActivity"] == (2, 1, 1)
    assert by_table["IDS607CodedScoreAssessmentAct"] == (3, 1, 2)
    for n, ok, bad in by_table.values():
        assert n == ok + bad
    # header 1 + MPI 2 + referrals 2 + contacts 8 + activities 2 + scores 3 = 18 rows; 9 load, 9 rejected
    assert query("select rows_submitted, rows_loaded, rows_rejected from landing.submissions") == [(18, 9, 9)]
    rejections = query(
        "select table_name, line_number, item, offending_value, rule, reason from landing.rejections"
        " order by table_name, line_number"
    )
    got = [(t, line, item, value, rule) for t, line, item, value, rule, _ in rejections]
    assert got == [
        ("IDS201CareContact", 4, "ServiceRequestId", "R9", "orphan"),
        ("IDS201CareContact", 5, "CareContDate", "2020-02-30", "bad_date"),
        ("IDS201CareContact", 6, "CareContactId", None, "missing_item"),
        ("IDS201CareContact", 7, "CareContactId", "C5", "duplicate_key"),
        ("IDS201CareContact", 8, "CareContactId", "C5", "duplicate_key"),
        ("IDS201CareContact", 9, "ClinContDurOfCareCont", "abc", "bad_number"),
        ("IDS202CareActivity", 2, "CareContactId", "C5", "parent_rejected"),
        ("IDS607CodedScoreAssessmentAct", 2, "CareActId", "X1", "parent_rejected"),
        ("IDS607CodedScoreAssessmentAct", 3, "PersScore", "nine", "bad_number"),
    ]
    reasons = {rule: reason for *_, rule, reason in rejections}
    assert reasons["orphan"] == (
        "no IDS101Referral record with this ServiceRequestId in the package; send the parent record in every month"
        " its records are sent"
    )
    assert "every copy is rejected" in reasons["duplicate_key"]
    assert reasons["bad_date"] == "CareContDate is not a valid date in the YYYY-MM-DD format"
    assert reasons["missing_item"] == "CareContactId is empty; every IDS201CareContact record needs it"
    # Line numbers point at the file's own lines (header = line 1).
    lines = (data_dir / "pkg" / "IDS201CareContact.csv").read_text().splitlines()
    assert lines[3].startswith("C3,R9")


def test_keys_and_parents_are_judged_within_each_package_of_a_batch(data_dir, run_load, query):
    """Rules duplicate_keys_hashed_first and parents_joined_by_package_position: in one batch, a key repeated
    in another package is not a duplicate, and a parent in another package is not a parent."""
    contact = {"CareContDate": "2020-09-13", "AppType": "02"}
    first = simple_v2(provider="RHA")
    first.tables["IDS201CareContact"] += [
        {"CareContactId": "C5", "ServiceRequestId": "R2", **contact},
        {"CareContactId": "C5", "ServiceRequestId": "R2", **contact},  # a duplicate in this package
        {"CareContactId": "C7", "ServiceRequestId": "R9", **contact},  # R9 is only in the other package
    ]
    second = simple_v2(provider="RX4")
    second.tables = merge(second.tables, v2_pathway("R9", "P9", "2020-09", "2020-09-05"))
    second.tables["IDS201CareContact"] += [
        {"CareContactId": "C5", "ServiceRequestId": "R2", **contact},  # once here: loads
        {"CareContactId": "C7", "ServiceRequestId": "R9", **contact},  # its parent is in this package
    ]
    first.write(data_dir, "a_first")
    second.write(data_dir, "b_second")
    assert run_load(data_dir).exit_code == 0
    assert query("select count(distinct load_seq), count(distinct loaded_at) from landing.submissions") == [(2, 1)]
    rejected = query(
        "select s.org_code_provider, r.line_number, r.rule from landing.rejections as r"
        " inner join landing.submissions as s using (submission_id) order by 1, 2"
    )
    assert rejected == [("RHA", 4, "duplicate_key"), ("RHA", 5, "duplicate_key"), ("RHA", 6, "orphan")]
    loaded = query(
        "select s.org_code_provider, c.CareContactId, c._line_number from landing.ids201carecontact as c"
        " inner join landing.submissions as s on s.submission_id = c._submission_id"
        " where c.CareContactId in ('C5', 'C7') order by 1, 2"
    )
    assert loaded == [("RX4", "C5", 4), ("RX4", "C7", 5)]


def test_extra_columns_are_kept_in_landing_and_reported(data_dir, run_load, query):
    spec = simple_v2()
    spec.columns["IDS201CareContact"] = ["CareContactId", "ServiceRequestId", "CareContDate", "AppType", "LocalNote"]
    spec.tables["IDS201CareContact"][0]["LocalNote"] = "kept"
    spec.write(data_dir, "pkg")
    assert run_load(data_dir).exit_code == 0
    assert query("select LocalNote from landing.ids201carecontact order by CareContactId") == [("kept",), (None,)]
    extra, missing = query(
        "select extra_columns, missing_columns from landing.submission_files where table_name = 'IDS201CareContact'"
    )[0]
    assert extra == "LocalNote"
    assert "AttendOrDNACode" in missing.split(",")


# ------------------------------------------------------------------------------------ transactions


def test_a_failure_mid_package_leaves_nothing_visible(data_dir, run_load, query, monkeypatch, db):
    simple_v2(provider="RHA").write(data_dir, "a_first")
    assert run_load(data_dir).exit_code == 0
    before = query("select count(*) from landing.ids101referral")
    second = data_dir.parent / "second"
    simple_v2(provider="RX4").write(second, "b_second")
    original = loader_module._find_rejects
    calls = {"n": 0}

    def failing(con, table, checks, submitted):
        calls["n"] += 1
        if table.name == "IDS201CareContact":  # after IDS001 and IDS101 rows were already inserted
            raise RuntimeError("simulated crash")
        return original(con, table, checks, submitted)

    monkeypatch.setattr(loader_module, "_find_rejects", failing)
    with pytest.raises(RuntimeError):
        loader_module.load([second], db)
    assert calls["n"] > 2
    assert query("select count(*) from landing.ids101referral") == before
    assert query("select package_name from landing.submissions") == [("a_first",)]


# ----------------------------------------------------------------------------------- exit codes


def run_cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "IAPT_DEBUG": ""}
    exe = Path(sys.executable).with_name("iapt")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


def test_exit_codes_and_no_traceback(tmp_path):
    db = tmp_path / "w.duckdb"
    missing = run_cli("load", str(tmp_path / "nope"), "--db", str(db))
    assert missing.returncode == 2 and "no such file or directory" in missing.stderr
    not_a_package = tmp_path / "x.csv"
    not_a_package.write_text("a\n")
    assert run_cli("load", str(not_a_package), "--db", str(db)).returncode == 2
    good = tmp_path / "good"
    simple_v2().write(good, "pkg")
    assert run_cli("load", str(good), "--db", str(db)).returncode == 0
    garbage = tmp_path / "garbage"
    garbage.mkdir()
    (garbage / "junk.zip").write_bytes(os.urandom(2048))
    out = run_cli("load", str(garbage), "--db", str(db))
    assert out.returncode == 1 and "not a readable zip file" in out.stdout
    for proc in (missing, out):
        assert "Traceback" not in proc.stdout + proc.stderr


def test_iapt_load_never_imports_pandas(tmp_path):
    """Rule loader_does_not_import_pandas: the import would be about 0.3 s of every load."""
    good = tmp_path / "good"
    simple_v2().write(good, "pkg")
    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}
    exe = Path(sys.executable).with_name("iapt")
    out = subprocess.run(
        [str(exe), "load", str(good), "--db", str(tmp_path / "w.duckdb")], capture_output=True, text=True, env=env
    )
    assert out.returncode == 0, out.stdout + out.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in out.stderr.splitlines() if line.startswith("import time:")}
    assert "duckdb" in imported and "rich" in imported  # the import log is complete
    # a blocked import is still logged, as "pandas" alone; a real one brings pandas' modules and numpy
    assert not {name for name in imported if name.startswith(("pandas.", "numpy"))}


def test_the_pandas_block_is_lifted_after_a_load(tmp_path, monkeypatch):
    """An in-process caller of `iapt load` can import pandas afterwards."""
    from click.testing import CliRunner

    from iapt_warehouse.cli import cli

    good = tmp_path / "good"
    simple_v2().write(good, "pkg")
    held = {name: module for name, module in sys.modules.items() if name == "pandas" or name.startswith("pandas.")}
    for name in held:  # as in a fresh process: pandas not imported yet
        monkeypatch.delitem(sys.modules, name)
    assert CliRunner().invoke(cli, ["load", str(good), "--db", str(tmp_path / "w.duckdb")]).exit_code == 0
    assert "pandas" not in sys.modules  # neither imported nor left blocked


def test_a_locked_warehouse_is_a_clear_error(tmp_path):
    db = tmp_path / "w.duckdb"
    good = tmp_path / "good"
    simple_v2().write(good, "pkg")
    assert run_cli("load", str(good), "--db", str(db)).returncode == 0
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb,time; c=duckdb.connect({str(db)!r}); print('ok', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        out = run_cli("load", str(good), "--db", str(db))
        assert out.returncode == 2
        assert "open in another process" in out.stderr
        assert "Traceback" not in out.stdout + out.stderr
    finally:
        holder.kill()


def _storage_version(db: Path) -> str:
    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute("select tags['storage_version'] from duckdb_databases() where not internal").fetchone()
    assert row is not None
    return str(row[0])


def test_a_new_warehouse_gets_the_configured_storage_format(tmp_path, monkeypatch):
    """Rule storage_format_v1_5 (docs/performance.md): the loader creates the file in the v1.5.0 format by
    default, in the one IAPT_DUCKDB_STORAGE_VERSION names otherwise; an existing file keeps its format, and a
    version DuckDB does not know is a clear error."""
    good = tmp_path / "good"
    simple_v2().write(good, "pkg")
    monkeypatch.delenv("IAPT_DUCKDB_STORAGE_VERSION", raising=False)
    assert run_cli("load", str(good), "--db", str(tmp_path / "new.duckdb")).returncode == 0
    assert _storage_version(tmp_path / "new.duckdb") == "v1.5.0+"
    monkeypatch.setenv("IAPT_DUCKDB_STORAGE_VERSION", "v1.0.0")
    assert run_cli("load", str(good), "--db", str(tmp_path / "old.duckdb")).returncode == 0
    assert _storage_version(tmp_path / "old.duckdb") == "v1.0.0+"
    monkeypatch.delenv("IAPT_DUCKDB_STORAGE_VERSION")
    other = tmp_path / "other"
    simple_v2(provider="RYG").write(other, "pkg2")
    assert run_cli("load", str(other), "--db", str(tmp_path / "old.duckdb")).returncode == 0
    assert _storage_version(tmp_path / "old.duckdb") == "v1.0.0+"
    for bad in ("1.5", "v9.9.9"):
        monkeypatch.setenv("IAPT_DUCKDB_STORAGE_VERSION", bad)
        out = run_cli("load", str(good), "--db", str(tmp_path / f"bad{bad}.duckdb"))
        assert out.returncode == 2, out.stdout + out.stderr
        assert "IAPT_DUCKDB_STORAGE_VERSION" in out.stderr
        assert "Traceback" not in out.stdout + out.stderr


def test_zip_entry_escaping_the_package_is_refused(data_dir, run_load, query, tmp_path):
    import zipfile

    spec = simple_v2()
    path = data_dir / "evil.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in spec.files().items():
            archive.writestr(name, data)
        archive.writestr("../../x.csv", b"a\n1\n")
    assert run_load(data_dir).exit_code == 1
    [(reason,)] = query("select rejection_reason from landing.submissions")
    assert "is not a file at the zip's root" in reason
    assert not (tmp_path / "x.csv").exists()


def test_zip_bomb_is_refused_before_extraction(data_dir, run_load, query):
    import zipfile

    spec = simple_v2()
    path = data_dir / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in spec.files().items():
            archive.writestr(name, data)
        archive.writestr("IDS205InternetTherLog.csv", b"ServiceRequestId\n" + b"0" * 20_000_000)
    assert run_load(data_dir).exit_code == 1
    [(reason,)] = query("select rejection_reason from landing.submissions")
    assert "zip bomb" in reason


def test_symlink_in_a_package_is_refused(data_dir, run_load, query, tmp_path):
    path = simple_v2().write(data_dir, "pkg")
    outside = tmp_path / "secret.csv"
    outside.write_text("CareContactId\nC1\n")
    (path / "IDS201CareContact.csv").unlink()
    (path / "IDS201CareContact.csv").symlink_to(outside)
    assert run_load(data_dir).exit_code == 1
    [(reason,)] = query("select rejection_reason from landing.submissions")
    assert "symbolic link" in reason


def test_fixture_packages_are_reproducible(tmp_path):
    out = tmp_path / "packages"
    subprocess.run([sys.executable, str(REPO / "tests/data/make_fixture_packages.py"), str(out)], check=True)
    committed = REPO / "tests/data/packages"
    diff = subprocess.run(["diff", "-r", str(committed), str(out)], capture_output=True, text=True)
    assert diff.returncode == 0, diff.stdout[:2000]
    shutil.rmtree(out)


def test_generated_yaml_is_up_to_date():
    assert run_cli("codegen", "--check").returncode == 0


# ------------------------------------------------------------------------------- check expressions

# The plain definitions the loader's row checks must agree with. The loader writes them as CASE
# expressions that parse a value in the exact shape once, untrimmed (faster on millions of rows).
PLAIN_DEFINITION = {
    "missing_item": "nullif(trim(v), '') is null",
    "bad_date": (
        "v is not null and trim(v) <> '' and not coalesce(regexp_full_match(trim(v), '{pattern}')"
        " and try_strptime(trim(v), '{fmt}') is not null, false)"
    ),
    "bad_number": "v is not null and trim(v) <> '' and not coalesce(isfinite(try_cast(trim(v) as double)), false)",
}
TRICKY_VALUES = [
    None,
    "",
    " ",
    "   ",
    "\t",
    "2021-01-31",
    " 2021-01-31",
    "2021-01-31 ",
    " 2021-01-31 ",
    "2021-02-30",
    "2021-1-31",
    "31/01/2021",
    " 31/01/2021 ",
    "31/13/2021",
    "29/02/2020",
    "29/02/2021",
    "12:30:00",
    " 12:30:00",
    "24:00:00",
    "12:60:00",
    "2021-01-31T12:30:00",
    " 2021-01-31T12:30:00 ",
    "2021-01-31 12:30:00",
    "12",
    " 12 ",
    "\t12",
    "1e3",
    "nan",
    "inf",
    "-inf",
    "1,5",
    "abc",
    " a ",
    "0x10",
    "+1",
    "1_000",
]


@pytest.mark.parametrize("version", ["1.5", "2.0"])
def test_row_checks_agree_with_their_plain_definitions(version: str) -> None:
    con = duckdb.connect()
    con.execute("create table t (v varchar)")
    con.executemany("insert into t values (?)", [[v] for v in TRICKY_VALUES])
    compared = 0
    for table in contract.tables(version).values():
        checks = loader_module._checks(table, [i.name for i in table.items])
        by_item = {i.name: i for i in table.items}
        for check in checks:
            if check.rule not in PLAIN_DEFINITION or check.item not in by_item:
                continue
            condition = check.condition.replace(quote(check.item), "v")
            plain = PLAIN_DEFINITION[check.rule]
            if check.rule == "bad_date":
                kind = by_item[check.item].value_type
                pattern = {"date": contract.DATE_PATTERN[version], "time": contract.TIME_PATTERN}.get(
                    kind, contract.TIMESTAMP_PATTERN
                )
                fmt = {"date": contract.DATE_FORMAT[version], "time": contract.TIME_FORMAT}.get(
                    kind, contract.TIMESTAMP_FORMAT
                )
                plain = plain.format(pattern=pattern, fmt=fmt)
            rows = con.execute(f"select v, ({condition}) as fast, ({plain}) as plain from t").fetchall()
            assert [(v, fast) for v, fast, _ in rows] == [(v, p) for v, _, p in rows], (check.rule, check.item)
            compared += 1
    assert compared >= 10
