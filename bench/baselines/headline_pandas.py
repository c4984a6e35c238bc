"""Baseline (b): the headline measures with plain pandas, straight from the raw CSV packages.

What a local analyst would write: read every package's CSV files with `pandas.read_csv`, keep the
in-use submission of each provider-month, drop the rows the landing contract rejects, and derive the
measures of /work/shared/spec/derivation-rules.md with merges and group-bys. It shares no code with
the warehouse; it reads only the landing contract's item list (which items are keys, dates, numbers,
required, and each record's parent) from `iapt_warehouse/contract/submission_items.csv`, because the
contract decides which rows a provider's package really delivers.

Output: a DataFrame (provider_code, reporting_period_start, measure_id, measure_value), one row per
measure for every provider-month with an in-use submission.

    python bench/baselines/headline_pandas.py DATA_DIR [OUT.csv]
"""

from __future__ import annotations

import io
import sys
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

DATE_FORMAT = {"1.5": "%d/%m/%Y", "2.0": "%Y-%m-%d"}
PATTERNS = {
    ("date", "1.5"): (r"\d{2}/\d{2}/\d{4}", "%d/%m/%Y"),
    ("date", "2.0"): (r"\d{4}-\d{2}-\d{2}", "%Y-%m-%d"),
    ("time", ""): (r"\d{2}:\d{2}:\d{2}", "%H:%M:%S"),
    ("timestamp", ""): (r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", "%Y-%m-%dT%H:%M:%S"),
}
HEADER = {"2.0": "IDS000Header", "1.5": "IAPTDataSetHeader"}
# The tables the headline measures read, parents before children (the contract's order).
TABLES = {
    "2.0": [
        "IDS001MPI",
        "IDS101Referral",
        "IDS201CareContact",
        "IDS202CareActivity",
        "IDS205InternetTherLog",
        "IDS603PresentingComplaints",
        "IDS606CodedScoreAssessmentRefer",
        "IDS607CodedScoreAssessmentAct",
    ],
    "1.5": ["IAPTDataSetPerson", "IAPTDataSetReferral", "IAPTDataSetAppointment"],
}
PHQ9, GAD7 = "720433000", "445455005"
# tool: (min, max, caseness operator, caseness threshold, reliable change); 'IESR' is v1.5 only
TOOLS: dict[str, tuple[float, float, str, float, float]] = {
    PHQ9: (0, 27, ">=", 10, 6),
    GAD7: (0, 21, ">=", 8, 4),
    "473355002": (1, 5, ">", 2.3, 0.73),
    "445552006": (0, 68, ">=", 19, 10),
    "450326007": (0, 28, ">=", 8, 6),
    "491581000000104": (0, 80, ">=", 32, 10),
    "IESR": (0, 88, ">=", 33, 9),
    "450324005": (0, 168, ">=", 40, 32),
    "446793008": (0, 54, ">=", 18, 4),
}
V15_SCORE_COLUMNS = {
    "PHQ9_Score": PHQ9,
    "GAD7Score": GAD7,
    "AgoraScore": "473355002",
    "SocPhobiaScore": "445552006",
    "PanicScore": "450326007",
    "OCIScore": "450324005",
    "IESRScore": "IESR",
    "HAIScore": "446793008",
}
OWN_TOOL = {"F400": "473355002", "F401": "445552006", "F410": "450326007", "F452": "446793008"}
MEASURES = ["M001", "M031", "M056", "M076", "M052", "M053", "M054", "M055", "M179", "M185", "M189", "M191", "M192"]


@dataclass
class TableRules:
    keys: list[str] = field(default_factory=list)
    required: list[str] = field(default_factory=list)
    typed: dict[str, str] = field(default_factory=dict)  # item -> date | time | timestamp | number
    parent: tuple[str, str, str] | None = None  # (item, parent table, parent item)


def contract_rules() -> dict[tuple[str, str], TableRules]:
    items = pd.read_csv(
        io.StringIO(resources.files("iapt_warehouse.contract").joinpath("submission_items.csv").read_text("utf-8")),
        dtype=str,
        keep_default_na=False,
    )
    rules: dict[tuple[str, str], TableRules] = {}
    for row in items.itertuples(index=False):
        r = rules.setdefault((str(row.dataset_version), str(row.table_name)), TableRules())
        if row.key_part == "Y":
            r.keys.append(str(row.item_name))
        if row.required == "Y":
            r.required.append(str(row.item_name))
        if row.value_type in ("date", "time", "timestamp", "number"):
            r.typed[str(row.item_name)] = str(row.value_type)
        if row.parent_table and r.parent is None:
            r.parent = (str(row.item_name), str(row.parent_table), str(row.parent_item))
    return rules


class Package:
    """One package (a directory or a .zip) and its header."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.names = self._names()
        self.version = "2.0" if "IDS000Header.csv" in self.names else "1.5"
        header = self.read(HEADER[self.version]).iloc[0]
        self.provider = str(header["OrgIDProv" if self.version == "2.0" else "OrgCodeProvider"]).strip()
        fmt = DATE_FORMAT[self.version]
        self.start = datetime.strptime(str(header["ReportingPeriodStartDate"]).strip(), fmt).date()
        self.end = datetime.strptime(str(header["ReportingPeriodEndDate"]).strip(), fmt).date()
        self.created = datetime.strptime(str(header["DateTimeDatSetCreate"]).strip(), "%Y-%m-%dT%H:%M:%S")
        months = (self.created.year - self.start.year) * 12 + self.created.month - self.start.month
        self.window = {1: 1, 2: 2}.get(months, 0)  # 1 Primary, 2 Refresh, 0 Late or invalid: never in use

    def _names(self) -> set[str]:
        if self.path.suffix.lower() == ".zip":
            with zipfile.ZipFile(self.path) as z:
                return {Path(n).name for n in z.namelist()}
        return {p.name for p in self.path.iterdir()}

    def read(self, table: str) -> pd.DataFrame:
        name = f"{table}.csv"
        if name not in self.names:
            return pd.DataFrame()
        if self.path.suffix.lower() == ".zip":
            with zipfile.ZipFile(self.path) as z:
                data = z.read(next(n for n in z.namelist() if Path(n).name == name))
            frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")
        else:
            frame = pd.read_csv(self.path / name, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        return frame.apply(lambda s: s.str.strip()).replace("", np.nan)


def discover(data_dir: Path) -> list[Path]:
    found: list[Path] = []
    for child in sorted(data_dir.iterdir()):
        if child.is_dir() and ((child / "IDS000Header.csv").exists() or (child / "IAPTDataSetHeader.csv").exists()):
            found.append(child)
        elif child.is_dir():
            found.extend(discover(child))
        elif child.suffix.lower() == ".zip":
            found.append(child)
    return found


def accepted_rows(
    frame: pd.DataFrame, rules: TableRules, version: str, parent_keys: dict[str, tuple[set[str], set[str]]]
) -> pd.DataFrame:
    """The rows the landing contract accepts (missing item, bad date or number, duplicate key, orphan)."""
    if frame.empty:
        return frame
    bad = pd.Series(False, index=frame.index)
    for item in rules.required:
        if item in frame:
            bad |= frame[item].isna()
    for item, kind in rules.typed.items():
        if item not in frame:
            continue
        values = frame[item]
        if kind == "number":
            numbers = pd.to_numeric(values, errors="coerce")
            bad |= values.notna() & ~np.isfinite(numbers.fillna(np.inf))
        else:
            pattern, fmt = PATTERNS[(kind, version if kind == "date" else "")]
            shaped = values.str.fullmatch(pattern).fillna(False).astype(bool)
            parsed = pd.to_datetime(values.where(shaped), format=fmt, errors="coerce")
            bad |= values.notna() & parsed.isna()
    keys = [k for k in rules.keys if k in frame]
    if keys:
        bad |= frame.duplicated(subset=keys, keep=False)
    if rules.parent is not None and rules.parent[0] in frame:
        present, ok = parent_keys.get(rules.parent[1], (set(), set()))
        ref = frame[rules.parent[0]]
        bad |= ~ref.isin(present) | ~ref.isin(ok)
    return frame[~bad]


def open_packages(data_dir: Path) -> list[Package]:
    """Every package whose header can be read (the others are rejected whole by the contract)."""
    packages = []
    for path in discover(data_dir):
        try:
            packages.append(Package(path))
        except (
            OSError,
            ValueError,
            KeyError,
            IndexError,
            UnicodeDecodeError,
            zipfile.BadZipFile,
            pd.errors.ParserError,
        ):
            continue
    return packages


def read_package(pkg: Package, rules: dict[tuple[str, str], TableRules]) -> dict[str, pd.DataFrame]:
    """The needed tables of one package, rows accepted by the contract, with the month's columns."""
    tables: dict[str, pd.DataFrame] = {}
    parent_keys: dict[str, tuple[set[str], set[str]]] = {}
    for table in TABLES[pkg.version]:
        raw = pkg.read(table)
        kept = accepted_rows(raw, rules[(pkg.version, table)], pkg.version, parent_keys)
        child_item = next((r.parent[2] for r in rules.values() if r.parent is not None and r.parent[1] == table), None)
        if child_item is not None and child_item in raw:
            parent_keys[table] = (set(raw[child_item].dropna()), set(kept[child_item].dropna()))
        kept = kept.assign(prov=pkg.provider, rps=pd.Timestamp(pkg.start), rpe=pd.Timestamp(pkg.end))
        tables[table] = kept.assign(ver=pkg.version)
    return tables


def read_in_use(data_dir: Path) -> dict[str, pd.DataFrame]:
    """Each needed table of the in-use packages (rule 1.1): per provider-month, the latest Refresh, else
    the latest Primary (ties: the later found), skipping a package that turns out to be unreadable."""
    rules = contract_rules()
    candidates: dict[tuple[str, date], list[tuple[tuple[int, datetime, int], Package]]] = {}
    for order, pkg in enumerate(open_packages(data_dir)):
        if pkg.window != 0:
            candidates.setdefault((pkg.provider, pkg.start), []).append(((pkg.window, pkg.created, order), pkg))
    parts: dict[str, list[pd.DataFrame]] = {}
    for ranked in candidates.values():
        for _, pkg in sorted(ranked, key=lambda c: c[0], reverse=True):
            try:
                tables = read_package(pkg, rules)
            except (OSError, ValueError, UnicodeDecodeError, zipfile.BadZipFile, pd.errors.ParserError):
                continue
            for table, frame in tables.items():
                parts.setdefault(table, []).append(frame)
            break
    return {t: pd.concat(frames, ignore_index=True) for t, frames in parts.items()}


def col(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name] if name in frame else pd.Series(np.nan, index=frame.index, dtype=object)


def as_date(values: pd.Series, version: str) -> pd.Series:
    return pd.to_datetime(values, format=DATE_FORMAT[version], errors="coerce")


def code_in(values: pd.Series, codes: set[int]) -> pd.Series:
    return pd.to_numeric(values.where(values.str.fullmatch(r"[0-9]+").fillna(False).astype(bool)), "coerce").isin(codes)


def frames(t: dict[str, pd.DataFrame], *names: str) -> list[pd.DataFrame]:
    return [t[n] for n in names if n in t and not t[n].empty]


def in_force(pathways: pd.DataFrame, versions: pd.DataFrame, record: list[str]) -> pd.DataFrame:
    """Rule 1.5: for each pathway-month, the version of each of its records from the latest month up to M."""
    versions = versions.sort_values("vm")
    versions["superseded_from"] = versions.groupby(record, dropna=False)["vm"].shift(-1)
    joined = pathways.merge(versions, on=["prov", "srid"])
    keep = (joined["vm"] <= joined["rps"]) & (
        joined["superseded_from"].isna() | (joined["rps"] < joined["superseded_from"])
    )
    return joined[keep]


def headline(data_dir: Path) -> pd.DataFrame:
    t = read_in_use(data_dir)
    # pathways of month M (rules 1.2-1.4)
    refs = []
    for f in frames(t, "IDS101Referral"):
        refs.append(
            pd.DataFrame(
                {
                    "prov": f["prov"],
                    "rps": f["rps"],
                    "rpe": f["rpe"],
                    "ver": f["ver"],
                    "srid": f["ServiceRequestId"],
                    "ref_date": as_date(col(f, "ReferralRequestReceivedDate"), "2.0"),
                    "disch": as_date(col(f, "ServDischDate"), "2.0"),
                }
            )
        )
    for f in frames(t, "IAPTDataSetReferral"):
        refs.append(
            pd.DataFrame(
                {
                    "prov": f["prov"],
                    "rps": f["rps"],
                    "rpe": f["rpe"],
                    "ver": f["ver"],
                    "srid": f["ServiceID"],
                    "ref_date": as_date(col(f, "RefRecDate"), "1.5"),
                    "disch": as_date(col(f, "EndDate"), "1.5"),
                }
            )
        )
    p = pd.concat(refs, ignore_index=True)
    p["discharged"] = p["disch"] <= p["rpe"]
    p["ended"] = (p["disch"] >= p["rps"]) & (p["disch"] <= p["rpe"])
    p["range_end"] = p["disch"].where(p["discharged"], p["rpe"])
    key = ["prov", "rps", "srid"]
    pathways = p[[*key, "ref_date", "range_end"]]

    # treatment sessions (rules 2.1, 2.2): attended treatment contacts and IET logs in the range
    contacts = []
    for f in frames(t, "IDS201CareContact"):
        attended = code_in(col(f, "AttendOrDNACode"), {5, 6}) | (col(f, "PlannedCareContIndicator").str.upper() == "N")
        f = f[attended & code_in(col(f, "AppType"), {2, 3, 5})]
        contacts.append(
            pd.DataFrame(
                {
                    "prov": f["prov"],
                    "vm": f["rps"],
                    "record": "C" + f["CareContactId"],
                    "srid": f["ServiceRequestId"],
                    "session_date": as_date(f["CareContDate"], "2.0"),
                }
            )
        )
    for f in frames(t, "IAPTDataSetAppointment"):
        f = f[code_in(col(f, "Attendance"), {5, 6}) & code_in(col(f, "Apptype"), {2, 3, 5})]
        contacts.append(
            pd.DataFrame(
                {
                    "prov": f["prov"],
                    "vm": f["rps"],
                    "record": "A" + f["AppointmentID"],
                    "srid": f["ServiceID"],
                    "session_date": as_date(f["Appointment"], "1.5"),
                }
            )
        )
    for f in frames(t, "IDS205InternetTherLog"):
        record = "I" + f["ServiceRequestId"] + "|" + f["StartDateIntEnabledTherLog"].fillna("") + "|"
        record = record + col(f, "IntEnabledTherProg").fillna("")
        contacts.append(
            pd.DataFrame(
                {
                    "prov": f["prov"],
                    "vm": f["rps"],
                    "record": record,
                    "srid": f["ServiceRequestId"],
                    "session_date": as_date(f["StartDateIntEnabledTherLog"], "2.0"),
                }
            )
        )
    s = in_force(pathways, pd.concat(contacts, ignore_index=True), ["prov", "record"])
    s = s[(s["session_date"] >= s["ref_date"]) & (s["session_date"] <= s["range_end"])]
    sessions = s.groupby(key).agg(n_sessions=("session_date", "size"), first_session=("session_date", "min"))
    p = p.merge(sessions.reset_index(), on=key, how="left")
    p["finished"] = p["ended"] & (p["n_sessions"] >= 2)
    p["wait"] = (p["first_session"] - p["ref_date"]).dt.days

    # scores (rules 3.1-3.3)
    scores = []
    if frames(t, "IDS607CodedScoreAssessmentAct"):
        act = t["IDS607CodedScoreAssessmentAct"][["prov", "rps", "CareActId", "CodedAssToolType", "PersScore"]]
        link = t["IDS202CareActivity"][["prov", "rps", "CareActId", "CareContactId"]]
        cc = t["IDS201CareContact"]
        cc = cc.assign(CareContTime=col(cc, "CareContTime"))[
            ["prov", "rps", "CareContactId", "ServiceRequestId", "CareContDate", "CareContTime"]
        ]
        f = act.merge(link, on=["prov", "rps", "CareActId"]).merge(cc, on=["prov", "rps", "CareContactId"])
        scores.append(
            pd.DataFrame(
                {
                    "prov": f["prov"],
                    "vm": f["rps"],
                    "src": "IDS607",
                    "record_id": f["CareActId"],
                    "tool": f["CodedAssToolType"],
                    "score": f["PersScore"],
                    "srid": f["ServiceRequestId"],
                    "score_date": as_date(f["CareContDate"], "2.0"),
                    "score_time": f["CareContTime"],
                }
            )
        )
    for f in frames(t, "IDS606CodedScoreAssessmentRefer"):
        time = col(f, "AssToolCompTime")
        record = f["ServiceRequestId"] + "|" + f["CodedAssToolType"] + "|" + f["AssToolCompDate"].fillna("")
        scores.append(
            pd.DataFrame(
                {
                    "prov": f["prov"],
                    "vm": f["rps"],
                    "src": "IDS606",
                    "record_id": record + "|" + time.fillna(""),
                    "tool": f["CodedAssToolType"],
                    "score": f["PersScore"],
                    "srid": f["ServiceRequestId"],
                    "score_date": as_date(f["AssToolCompDate"], "2.0"),
                    "score_time": time,
                }
            )
        )
    for f in frames(t, "IAPTDataSetAppointment"):
        for column, tool in V15_SCORE_COLUMNS.items():
            g = f[col(f, column).notna()]
            scores.append(
                pd.DataFrame(
                    {
                        "prov": g["prov"],
                        "vm": g["rps"],
                        "src": "IAPTDataSetAppointment",
                        "record_id": g["AppointmentID"],
                        "tool": tool,
                        "score": g[column],
                        "srid": g["ServiceID"],
                        "score_date": as_date(g["Appointment"], "1.5"),
                        "score_time": col(g, "AppointmentTime"),
                    }
                )
            )
    sv = pd.concat(scores, ignore_index=True)
    sv = sv[sv["tool"].isin(list(TOOLS))]
    sv["score"] = pd.to_numeric(sv["score"], errors="coerce")
    sc = in_force(pathways, sv, ["prov", "src", "record_id", "tool"])
    limits = sc["tool"].map(lambda x: TOOLS[x][0]), sc["tool"].map(lambda x: TOOLS[x][1])
    sc = sc[
        (sc["score_date"] >= sc["ref_date"])
        & (sc["score_date"] <= sc["range_end"])
        & (sc["score"] >= limits[0])
        & (sc["score"] <= limits[1])
    ]
    sc = sc.assign(time_order=sc["score_time"].fillna("")).sort_values(
        [*key, "tool", "score_date", "time_order", "record_id", "src"]
    )
    grouped = sc.groupby([*key, "tool"])
    paired = grouped.agg(n=("score", "size"), first=("score", "first"), last=("score", "last")).reset_index()
    paired = paired[paired["n"] >= 2]

    # problem descriptor (rule 3.4)
    complaints = []
    for f in frames(t, "IDS603PresentingComplaints"):
        record = f["ServiceRequestId"] + "|" + f["PresComp"].fillna("") + "|" + f["PresCompCodSig"].fillna("")
        complaints.append(
            pd.DataFrame(
                {
                    "prov": f["prov"],
                    "vm": f["rps"],
                    "srid": f["ServiceRequestId"],
                    "record_id": record + "|" + f["PresCompDate"].fillna(""),
                    "code": f["PresComp"].str.replace(".", "", regex=False).str.upper(),
                    "primary": f["PresCompCodSig"].str.upper() == "P",
                    "complaint_date": as_date(f["PresCompDate"], "2.0"),
                }
            )
        )
    for f in frames(t, "IAPTDataSetReferral"):
        f = f[col(f, "ProvDiag").notna()]
        complaints.append(
            pd.DataFrame(
                {
                    "prov": f["prov"],
                    "vm": f["rps"],
                    "srid": f["ServiceID"],
                    "record_id": f["ServiceID"] + "|ProvDiag",
                    "code": f["ProvDiag"].str.replace(".", "", regex=False).str.upper(),
                    "primary": True,
                    "complaint_date": f["rpe"],
                }
            )
        )
    pc = in_force(p[[*key, "ver"]], pd.concat(complaints, ignore_index=True), ["prov", "record_id"])
    pc = pc[(pc["ver"] == "2.0") | (pc["vm"] == pc["rps"])]
    pc = pc.sort_values(["primary", "complaint_date", "record_id"], ascending=False, na_position="last")
    desc = pc.drop_duplicates(key)
    own = desc["code"].map(OWN_TOOL)
    own = own.mask(desc["code"].str.fullmatch(r"F42.").fillna(False).astype(bool), "450324005")
    own = own.mask(desc["code"] == "F431", np.where(desc["ver"] == "1.5", "IESR", "491581000000104"))
    p = p.merge(desc[key].assign(own_tool=own), on=key, how="left")

    # ADSM and outcomes (rules 3.5, 4)
    pair_cols = ["first", "last"]
    phq = paired[paired["tool"] == PHQ9].set_index(key)[pair_cols].add_prefix("phq_")
    gad = paired[paired["tool"] == GAD7].set_index(key)[["tool", *pair_cols]].add_prefix("gad_")
    own_pair = paired.rename(columns={"tool": "own_tool"}).set_index([*key, "own_tool"])[pair_cols].add_prefix("own_")
    p = p.join(phq, on=key).join(gad, on=key).join(own_pair, on=[*key, "own_tool"])
    has_own = p["own_first"].notna()
    p["adsm_tool"] = p["own_tool"].where(has_own, p["gad_tool"])
    p["adsm_first"] = p["own_first"].where(has_own, p["gad_first"])
    p["adsm_last"] = p["own_last"].where(has_own, p["gad_last"])
    assessed = p["finished"] & p["phq_first"].notna() & p["adsm_tool"].notna()
    a = p[assessed].copy()
    rule = a["adsm_tool"].map(TOOLS)
    op, threshold, rci = rule.str[2], rule.str[3].astype(float), rule.str[4].astype(float)

    def case(score: pd.Series) -> pd.Series:
        return (score > threshold).where(op == ">", score >= threshold)

    first_case = (a["phq_first"] >= 10) | case(a["adsm_first"])
    improved = ((a["phq_first"] - a["phq_last"]).round(6) >= 6) | ((a["adsm_first"] - a["adsm_last"]).round(6) >= rci)
    worse = ((a["phq_last"] - a["phq_first"]).round(6) >= 6) | ((a["adsm_last"] - a["adsm_first"]).round(6) >= rci)
    a["not_caseness"] = ~first_case
    a["recovered"] = first_case & (a["phq_last"] < 10) & ~case(a["adsm_last"])
    a["improved"] = improved & ~worse
    a["deteriorated"] = worse & ~improved
    p = p.join(a[["not_caseness", "recovered", "improved", "deteriorated"]])
    p[["not_caseness", "recovered", "improved", "deteriorated"]] = (
        p[["not_caseness", "recovered", "improved", "deteriorated"]].fillna(False).astype(bool)
    )

    # measures (rule 5)
    p["M001"] = (p["ref_date"] >= p["rps"]) & (p["ref_date"] <= p["rpe"])
    p["M031"] = (p["first_session"] >= p["rps"]) & (p["first_session"] <= p["rpe"])
    p["M056"] = p["ended"]
    p["M076"] = p["finished"]
    p["M052"] = p["finished"] & (p["wait"] <= 42)
    p["M054"] = p["finished"] & (p["wait"] <= 126)
    p["M179"], p["M185"], p["M189"], p["M191"] = p["not_caseness"], p["improved"], p["deteriorated"], p["recovered"]
    counts = ["M001", "M031", "M056", "M076", "M052", "M054", "M179", "M185", "M189", "M191"]
    m = p.groupby(["prov", "rps"])[counts].sum().astype(float)
    m["M053"] = m["M052"] / m["M076"].replace(0, np.nan) * 100
    m["M055"] = m["M054"] / m["M076"].replace(0, np.nan) * 100
    m["M192"] = m["M191"] / (m["M076"] - m["M179"]).replace(0, np.nan) * 100
    out = m[MEASURES].rename_axis(columns="measure_id").stack(future_stack=True).rename("measure_value").reset_index()
    out = out.rename(columns={"prov": "provider_code", "rps": "reporting_period_start"})
    out["reporting_period_start"] = out["reporting_period_start"].dt.date
    return out.sort_values(["provider_code", "reporting_period_start", "measure_id"], ignore_index=True)


def main(argv: list[str]) -> int:
    if len(argv) not in (1, 2) or not Path(argv[0]).is_dir():
        print("usage: headline_pandas.py DATA_DIR [OUT.csv]", file=sys.stderr)
        return 2
    result = headline(Path(argv[0]))
    if len(argv) == 2:
        result.to_csv(argv[1], index=False)
    else:
        print(result.to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
