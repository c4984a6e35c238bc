"""Build small submission packages for tests, in the exact contract layout.

Tables are given as lists of dicts keyed by item name; every file's header row is the table's full item
list from the contract (missing items are empty), unless `columns` overrides it to test bad headers.
"""

from __future__ import annotations

import calendar
import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from iapt_warehouse import contract


def month_end(month: str) -> date:
    y, m = (int(x) for x in month.split("-"))
    return date(y, m, calendar.monthrange(y, m)[1])


def fmt_date(d: date, version: str) -> str:
    return d.strftime(contract.DATE_FORMAT[version])


@dataclass
class PackageSpec:
    """One package: version, provider, reporting month ('YYYY-MM'), creation timestamp, table rows."""

    version: str
    provider: str
    month: str
    created: str  # YYYY-MM-DDTHH:MM:SS
    tables: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    columns: dict[str, list[str]] = field(default_factory=dict)  # override a file's header row
    raw_files: dict[str, bytes] = field(default_factory=dict)  # write these bytes as-is
    header_overrides: dict[str, str] = field(default_factory=dict)

    def header_row(self) -> dict[str, str]:
        start = date.fromisoformat(self.month + "-01")
        row = {
            "DatSetVer": self.version,
            contract.PROVIDER_ITEM[self.version]: self.provider,
            "ReportingPeriodStartDate": fmt_date(start, self.version),
            "ReportingPeriodEndDate": fmt_date(month_end(self.month), self.version),
            "DateTimeDatSetCreate": self.created,
        }
        row.update(self.header_overrides)
        return row

    def files(self) -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        tables = contract.tables(self.version)
        all_rows = {contract.HEADER_TABLE[self.version]: [self.header_row()], **self.tables}
        for name, rows in all_rows.items():
            cols = self.columns.get(name) or list(tables[name].item_names)
            buf = io.StringIO()
            writer = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
            writer.writeheader()
            for row in rows:
                writer.writerow({c: row.get(c, "") for c in cols})
            out[f"{name}.csv"] = buf.getvalue().encode("utf-8")
        out.update(self.raw_files)
        return out

    def write(self, root: Path, name: str | None = None, as_zip: bool = False) -> Path:
        name = name or f"{self.provider}_{self.month}_{self.created[:10]}"
        files = self.files()
        if as_zip:
            path = root / f"{name}.zip"
            path.parent.mkdir(parents=True, exist_ok=True)
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
                for fname, data in sorted(files.items()):
                    info = zipfile.ZipInfo(fname, date_time=(2020, 1, 1, 0, 0, 0))  # same bytes every run
                    info.compress_type = zipfile.ZIP_DEFLATED
                    archive.writestr(info, data)
            return path
        path = root / name
        path.mkdir(parents=True, exist_ok=True)
        for fname, data in files.items():
            (path / fname).write_bytes(data)
        return path


def v2_pathway(
    ref: str,
    patient: str,
    month: str,
    referral_date: str,
    contacts: list[tuple[str, str, str]] | None = None,
    discharge: str = "",
    end_code: str = "",
    scores: list[tuple[str, str, str]] | None = None,
    commissioner: str = "15N",
) -> dict[str, list[dict[str, str]]]:
    """A v2.0 pathway's rows for one month: patient, referral, contacts (id, date, apptype), scores
    (contact id, tool, score) attached to the contact through one care activity each."""
    tables: dict[str, list[dict[str, str]]] = {
        "IDS001MPI": [
            {
                "LocalPatientId": patient,
                "NHSNumber": "9434765919",
                "PersonBirthDate": "1980-05-17",
                "Postcode": "LS1 4AP",
                "Gender": "2",
                "EthnicCategory": "A",
            }
        ],
        "IDS101Referral": [
            {
                "ServiceRequestId": ref,
                "LocalPatientId": patient,
                "OrgIDComm": commissioner,
                "ReferralRequestReceivedDate": referral_date,
                "SourceOfReferralMH": "B1",
                "EndCode": end_code,
                "ServDischDate": discharge,
            }
        ],
        "IDS201CareContact": [],
        "IDS202CareActivity": [],
        "IDS607CodedScoreAssessmentAct": [],
    }
    for contact_id, when, app_type in contacts or []:
        tables["IDS201CareContact"].append(
            {
                "CareContactId": contact_id,
                "ServiceRequestId": ref,
                "CareContDate": when,
                "PlannedCareContIndicator": "Y",
                "AttendOrDNACode": "5",
                "AppType": app_type,
                "ConsMediumUsed": "01",
            }
        )
    for n, (contact_id, tool, score) in enumerate(scores or [], 1):
        act = f"{contact_id}-A{n}"
        tables["IDS202CareActivity"].append(
            {
                "CareActId": act,
                "CareContactId": contact_id,
                "CarePersLocalId": "P1",
                "CodeProcAndProcStatus": "304891004",
            }
        )
        tables["IDS607CodedScoreAssessmentAct"].append({"CareActId": act, "CodedAssToolType": tool, "PersScore": score})
    return {k: v for k, v in tables.items() if v}


def merge(*parts: dict[str, list[dict[str, str]]]) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for part in parts:
        for table, rows in part.items():
            out.setdefault(table, []).extend(rows)
    return out


def v15_pathway(
    service_id: str,
    patient: str,
    referral_date: str,
    appointments: list[dict[str, str]] | None = None,
    end_date: str = "",
    end_code: str = "",
    prov_diag: str = "F411",
    commissioner: str = "15N",
) -> dict[str, list[dict[str, str]]]:
    """A v1.5 pathway's rows for one month (dates DD/MM/YYYY)."""
    tables: dict[str, list[dict[str, str]]] = {
        "IAPTDataSetPerson": [
            {
                "LPTID": patient,
                "NHSNumber": "9434765919",
                "PersonBirthDate": "17/05/1980",
                "Postcode": "LS1 4AP",
                "Gender": "2",
                "Ethnicity": "A",
            }
        ],
        "IAPTDataSetReferral": [
            {
                "LPTID": patient,
                "ServiceID": service_id,
                "RefRecDate": referral_date,
                "SourceReferral": "B1",
                "ProvDiag": prov_diag,
                "EndCode": end_code,
                "EndDate": end_date,
                "OrgCodeComm": commissioner,
            }
        ],
    }
    if appointments:
        tables["IAPTDataSetAppointment"] = [{"ServiceID": service_id, **a} for a in appointments]
    return tables
