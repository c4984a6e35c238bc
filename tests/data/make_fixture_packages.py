"""Write the committed fixture package set (tests/data/packages), deterministically.

Small and hand-shaped: two providers, July to October 2020, crossing the v1.5 -> v2.0 change, with a
Refresh, a resubmission within a window, a Late package, a package rejected whole (invalid window), a
zip package and a few row-level defects. `make test` builds dbt on it; test_fixtures.py checks the
committed files equal this script's output.

    .venv/bin/python tests/data/make_fixture_packages.py [OUTDIR]
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))

from package_builder import PackageSpec, merge, v2_pathway, v15_pathway

DEFAULT_OUT = Path(__file__).resolve().parent / "packages"
GAD7 = "445455005"
PHQ9 = "720433000"


def appointment(
    aid: str, when: str, apptype: str, phq9: str = "", gad7: str = "", attendance: str = "5"
) -> dict[str, str]:
    return {
        "AppointmentID": aid,
        "Appointment": when,
        "Apptype": apptype,
        "Attendance": attendance,
        "StepIntensity": "2",
        "Thertype1": "20" if apptype != "1" else "",
        "PHQ9_Score": phq9,
        "GAD7Score": gad7,
    }


def build(out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    # Provider RHA (v1.5 until August 2020, v2.0 from September).
    jul = merge(
        v15_pathway("1001", "P01", "06/07/2020", [appointment("A1", "13/07/2020", "1", "16", "14")]),
        v15_pathway("1002", "P02", "08/07/2020", [appointment("A2", "20/07/2020", "1", "9", "6")]),
    )
    PackageSpec("1.5", "RHA", "2020-07", "2020-08-04T10:00:00", jul).write(out / "2020-07", "RHA_2020-07_primary")
    aug = merge(
        v15_pathway("1001", "P01", "06/07/2020", [appointment("A3", "10/08/2020", "2", "12", "11")]),
        v15_pathway("1002", "P02", "08/07/2020", [appointment("A4", "03/08/2020", "2", "8", "5")], "24/08/2020", "12"),
        v15_pathway("1003", "P03", "12/08/2020", [appointment("A5", "19/08/2020", "1", "20", "17")]),
    )
    PackageSpec("1.5", "RHA", "2020-08", "2020-09-03T09:00:00", aug).write(out / "2020-08", "RHA_2020-08_primary")
    # The Refresh adds a late-recorded appointment for 1003.
    aug_refresh = merge(
        aug, {"IAPTDataSetAppointment": [{"ServiceID": "1003", **appointment("A6", "26/08/2020", "2", "18", "15")}]}
    )
    PackageSpec("1.5", "RHA", "2020-08", "2020-10-02T09:00:00", aug_refresh).write(
        out / "2020-08", "RHA_2020-08_refresh"
    )
    sep = merge(
        v2_pathway(
            "1001",
            "P01",
            "2020-09",
            "2020-07-06",
            contacts=[("C10", "2020-09-07", "02"), ("C11", "2020-09-21", "02")],
            scores=[("C10", GAD7, "7"), ("C10", PHQ9, "8"), ("C11", GAD7, "5"), ("C11", PHQ9, "6")],
            discharge="2020-09-28",
            end_code="46",
        ),
        v2_pathway(
            "1003",
            "P03",
            "2020-09",
            "2020-08-12",
            contacts=[("C12", "2020-09-09", "02"), ("C13", "2020-09-30", "2020-09-30")],
        ),
        v2_pathway("1004", "P04", "2020-09", "2020-09-15", contacts=[("C14", "2020-09-22", "01")]),
    )
    # C13 above carries an invalid AppType on purpose (a date): it loads; data quality finds it.
    PackageSpec("2.0", "RHA", "2020-09", "2020-10-05T08:00:00", sep).write(out / "2020-09", "RHA_2020-09_primary")
    # A resubmission later in the same Primary window fixes a discharge: it supersedes the first.
    sep_fixed = merge(sep)
    sep_fixed["IDS101Referral"] = [dict(r) for r in sep["IDS101Referral"]]
    sep_fixed["IDS101Referral"][1].update({"ServDischDate": "2020-09-30", "EndCode": "47"})
    PackageSpec("2.0", "RHA", "2020-09", "2020-10-20T08:00:00", sep_fixed).write(
        out / "2020-09", "RHA_2020-09_primary_2"
    )
    octo = merge(
        v2_pathway(
            "1004", "P04", "2020-10", "2020-09-15", contacts=[("C15", "2020-10-06", "02"), ("C16", "2020-10-20", "02")]
        ),
        v2_pathway("1005", "P05", "2020-10", "2020-10-02", contacts=[("C17", "2020-10-31", "01")]),
    )
    # Row-level defects: an invalid date, a contact whose referral is not in the package, a duplicate key.
    octo["IDS201CareContact"] += [
        {"CareContactId": "C18", "ServiceRequestId": "1005", "CareContDate": "2020-10-32", "AppType": "02"},
        {"CareContactId": "C19", "ServiceRequestId": "9999", "CareContDate": "2020-10-12", "AppType": "02"},
    ]
    octo["IDS101Referral"].append(dict(octo["IDS101Referral"][1]))
    PackageSpec("2.0", "RHA", "2020-10", "2020-11-04T08:00:00", octo).write(out / "2020-10", "RHA_2020-10_primary")
    # A Late package for July (created in November): loaded, never in use.
    PackageSpec("1.5", "RHA", "2020-07", "2020-11-10T10:00:00", jul).write(out / "2020-07", "RHA_2020-07_late")

    # Provider RX4: a zip package, and a package rejected whole (created before its month ended).
    rx4_aug = v15_pathway("A-77", "Q1", "03/08/2020", [appointment("B1", "11/08/2020", "1", "14", "12")])
    PackageSpec("1.5", "RX4", "2020-08", "2020-09-08T12:00:00", rx4_aug).write(
        out / "2020-08", "RX4_2020-08_primary", as_zip=True
    )
    rx4_sep = v2_pathway(
        "A-77", "Q1", "2020-09", "2020-08-03", contacts=[("D1", "2020-09-14", "02")], scores=[("D1", GAD7, "10")]
    )
    PackageSpec("2.0", "RX4", "2020-09", "2020-10-06T12:00:00", rx4_sep).write(out / "2020-09", "RX4_2020-09_primary")
    PackageSpec("2.0", "RX4", "2020-10", "2020-10-15T12:00:00", rx4_sep).write(out / "2020-10", "RX4_2020-10_too_early")


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT)
