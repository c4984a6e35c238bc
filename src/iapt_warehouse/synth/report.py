"""Calibration report: the headline national rates recomputed from the packages with the derivation rules.

An independent, compact re-implementation of derivation-rules.md (sections 1-5) in DuckDB SQL over the
CSV files, used to check the generator against the published England figures. It reads only the
packages (not the manifest): headers decide each provider-month's in-use submission (latest Refresh,
else latest Primary; Late never), rows with a duplicated key in their package or without their parent
in the package are dropped (as the loader rejects them), dates are parsed in each version's format.

Rates are over the months after a warm-up (default: half of the months, at most 12): the packages
start mid-stream, so a pathway ending early on lacks the contacts and scores sent before the first
month (its first treatment session, first scores). Waits are the most affected: a 12-month output
with a 6-month warm-up understates the 6- and 18-week shares (pathways longer than six months lose
their first session); a 24-month output with a 12-month warm-up does not.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from iapt_warehouse import contract
from iapt_warehouse.synth import reference
from iapt_warehouse.synth.config import month_index, month_text

V15_SCORE_COLUMNS = {
    "PHQ9_Score": "720433000",
    "GAD7Score": "445455005",
    "AgoraScore": "473355002",
    "SocPhobiaScore": "445552006",
    "PanicScore": "450326007",
    "OCIScore": "450324005",
    "IESRScore": "IES-R",
    "HAIScore": "446793008",
}
PHQ9, GAD7, PCL5, IESR = "720433000", "445455005", "491581000000104", "IES-R"


@dataclass
class Package:
    folder: Path
    version: str
    provider: str
    month: int
    created: str
    window: str


def _find(root: Path) -> list[Path]:
    """Package folders and zips under root (a folder holding .csv files is a package)."""
    found: list[Path] = []
    for path in sorted(root.rglob("*")):
        is_zip = path.is_file() and path.suffix == ".zip"
        if is_zip or (path.is_dir() and any(p.suffix == ".csv" for p in path.iterdir() if p.is_file())):
            found.append(path)
    return found


def _header(folder: Path) -> Package | None:
    for version, name in contract.HEADER_TABLE.items():
        path = folder / f"{name}.csv"
        if path.is_file():
            with open(path, encoding="utf-8-sig", newline="") as handle:
                rows = list(csv.DictReader(handle))
            if len(rows) != 1:
                return None
            row = rows[0]
            start = datetime.strptime(row["ReportingPeriodStartDate"], contract.DATE_FORMAT[version])
            month = start.year * 12 + start.month - 1
            created = row["DateTimeDatSetCreate"]
            created_month = int(created[0:4]) * 12 + int(created[5:7]) - 1
            offset = created_month - month
            window = "invalid" if offset <= 0 else {1: "primary", 2: "refresh"}.get(offset, "late")
            return Package(folder, version, row[contract.PROVIDER_ITEM[version]], month, created, window)
    return None


def in_use_packages(root: Path, workdir: Path) -> tuple[list[Package], int]:
    """The in-use package of every (provider, month), zips extracted under workdir; and how many were found."""
    packages: list[Package] = []
    found = _find(root)
    for i, path in enumerate(found):
        folder = path
        if path.suffix == ".zip":
            folder = workdir / f"zip{i:06d}"
            folder.mkdir()
            with zipfile.ZipFile(path) as archive:
                archive.extractall(folder)
        pkg = _header(folder)
        if pkg is not None:
            packages.append(pkg)
    chosen: dict[tuple[str, int], Package] = {}
    for pkg in packages:
        if pkg.window not in ("primary", "refresh"):
            continue
        key = (pkg.provider, pkg.month)
        rank = (pkg.window == "refresh", pkg.created)
        current = chosen.get(key)
        if current is None or rank > (current.window == "refresh", current.created):
            chosen[key] = pkg
    return sorted(chosen.values(), key=lambda p: (p.provider, p.month)), len(found)


def _load(con: duckdb.DuckDBPyConnection, packages: list[Package]) -> None:
    con.execute("create table pkg (folder varchar, version varchar, prov varchar, m integer, m_start date, m_end date)")
    con.executemany(
        "insert into pkg values (?, ?, ?, ?, ?, last_day(?::date))",
        [
            [
                str(p.folder),
                p.version,
                p.provider,
                p.month,
                f"{month_text(p.month)}-01",
                f"{month_text(p.month)}-01",
            ]
            for p in packages
        ],
    )
    for version in contract.VERSIONS:
        for table in contract.tables(version).values():
            if table.is_header:
                continue
            files = [str(p.folder / table.file_name) for p in packages if p.version == version]
            files = [f for f in files if Path(f).is_file()]
            cols = ", ".join(f"{i} varchar" for i in table.item_names)
            name = table.landing_name
            if not files:
                con.execute(f"create table {name} ({cols}, folder varchar)")
                continue
            spec = "{" + ", ".join(f"'{i}': 'VARCHAR'" for i in table.item_names) + "}"
            con.execute(
                f"create table {name} as select * exclude (filename),"
                " regexp_replace(filename, '/[^/]*$', '') as folder"
                f" from read_csv(?, columns = {spec}, header = true, auto_detect = false, filename = true,"
                " delim = ',', quote = '\"', escape = '\"')",
                [files],
            )


SQL = """
create macro d20(x) as try_strptime(trim(x), '%Y-%m-%d')::date;
create macro d15(x) as try_strptime(trim(x), '%d/%m/%Y')::date;
create macro code_int(x) as try_cast(trim(x) as integer);

create table ref as
with r20 as (
    select *, count(*) over (partition by folder, trim(servicerequestid)) as kc from ids101referral
), r15 as (
    select *, count(*) over (partition by folder, trim(serviceid)) as kc from iaptdatasetreferral
)
select p.folder, p.prov, p.m, p.version, trim(r.servicerequestid) as sr,
       d20(r.referralrequestreceiveddate) as ref_date, d20(r.servdischdate) as disch, null::varchar as provdiag,
       p.m_start, p.m_end
from r20 r join pkg p on p.folder = r.folder
where r.kc = 1 and exists (
    select 1 from ids001mpi i where i.folder = r.folder and trim(i.localpatientid) = trim(r.localpatientid)
)
union all
select p.folder, p.prov, p.m, p.version, trim(r.serviceid), d15(r.refrecdate), d15(r.enddate),
       upper(replace(trim(r.provdiag), '.', '')), p.m_start, p.m_end
from r15 r join pkg p on p.folder = r.folder
where r.kc = 1 and exists (
    select 1 from iaptdatasetperson i where i.folder = r.folder and trim(i.lptid) = trim(r.lptid)
);

create table con as
with c20 as (
    select *, count(*) over (partition by folder, trim(carecontactid)) as kc from ids201carecontact
), c15 as (
    select *, count(*) over (partition by folder, trim(appointmentid)) as kc from iaptdatasetappointment
)
select r.folder, r.prov, r.m, trim(c.carecontactid) as ccid, r.sr, d20(c.carecontdate) as cdate,
       coalesce(code_int(c.attendordnacode) in (5, 6), false)
       or coalesce(upper(trim(c.plannedcarecontindicator)) = 'N', false) as attended,
       code_int(c.apptype) as apptype
from c20 c join ref r on r.folder = c.folder and r.sr = trim(c.servicerequestid)
where c.kc = 1
union all
select r.folder, r.prov, r.m, trim(c.appointmentid), r.sr, d15(c.appointment),
       coalesce(code_int(c.attendance) in (5, 6), false), code_int(c.apptype)
from c15 c join ref r on r.folder = c.folder and r.sr = trim(c.serviceid)
where c.kc = 1;

create table iet as
with l as (
    select *, count(*) over (
        partition by folder, trim(servicerequestid), trim(startdateintenabledtherlog), trim(intenabledtherprog)
    ) as kc from ids205internettherlog
)
select r.prov, r.m, r.sr, d20(l.startdateintenabledtherlog) as sdate, coalesce(trim(l.intenabledtherprog), '') as prog
from l join ref r on r.folder = l.folder and r.sr = trim(l.servicerequestid)
where l.kc = 1;

create table act as
with a as (select *, count(*) over (partition by folder, trim(careactid)) as kc from ids202careactivity)
select a.folder, trim(a.careactid) as caid, trim(a.carecontactid) as ccid
from a join con c on c.folder = a.folder and c.ccid = trim(a.carecontactid)
where a.kc = 1;

create table score as
with s7 as (
    select *, count(*) over (partition by folder, trim(careactid), trim(codedasstooltype)) as kc
    from ids607codedscoreassessmentact
), s6 as (
    select *, count(*) over (
        partition by folder, trim(servicerequestid), trim(codedasstooltype), trim(asstoolcompdate),
        trim(asstoolcomptime)
    ) as kc from ids606codedscoreassessmentrefer
), v15 as (
    unpivot (select folder, trim(appointmentid) as ccid, {v15_columns} from iaptdatasetappointment)
    on {v15_columns} into name col value value
)
select c.prov, c.m, c.sr, trim(s.codedasstooltype) as tool, try_cast(trim(s.persscore) as double) as value,
       c.cdate as sdate, null::varchar as stime, 'A|' || trim(s.careactid) || '|' || trim(s.codedasstooltype) as rid
from s7 s
join act a on a.folder = s.folder and a.caid = trim(s.careactid)
join con c on c.folder = a.folder and c.ccid = a.ccid
where s.kc = 1
union all
select r.prov, r.m, r.sr, trim(s.codedasstooltype), try_cast(trim(s.persscore) as double),
       d20(s.asstoolcompdate), trim(s.asstoolcomptime),
       'R|' || r.sr || '|' || trim(s.codedasstooltype) || '|' || coalesce(trim(s.asstoolcompdate), '') || '|'
       || coalesce(trim(s.asstoolcomptime), '')
from s6 s join ref r on r.folder = s.folder and r.sr = trim(s.servicerequestid)
where s.kc = 1
union all
select c.prov, c.m, c.sr, t.tool, try_cast(trim(u.value) as double), c.cdate, null, 'V|' || c.ccid || '|' || t.tool
from v15 u
join tools15 t on lower(t.col) = lower(u.col)
join con c on c.folder = u.folder and c.ccid = u.ccid;

create table pc_known as
select r.prov, r.m, r.sr, x.prescomp, x.prescompcodsig, d20(x.prescompdate) as pdate,
       r.sr || '|' || coalesce(trim(x.prescomp), '') || '|' || coalesce(trim(x.prescompcodsig), '') || '|'
       || coalesce(trim(x.prescompdate), '') as rid
from ids603presentingcomplaints x join ref r on r.folder = x.folder and r.sr = trim(x.servicerequestid);
"""


def _sql(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create table tools15 (col varchar, tool varchar)")
    con.executemany("insert into tools15 values (?, ?)", [[k, v] for k, v in V15_SCORE_COLUMNS.items()])
    tools = reference.tools()
    con.execute("create table tool_range (tool varchar, lo double, hi double)")
    con.executemany(
        "insert into tool_range values (?, ?, ?)",
        [[t.snomed or "IES-R", t.lo / t.scale, t.hi / t.scale] for t in tools.values()],
    )
    sql = SQL.replace("{v15_columns}", ", ".join(V15_SCORE_COLUMNS))
    for statement in [s for s in sql.split(";\n") if s.strip()]:
        con.execute(statement)


OUTCOMES = """
create table ended as
select * from ref where disch between m_start and m_end and m between ? and ?;

create table e_con as
select e.prov, e.sr, e.m, c.cdate, c.attended, c.apptype, e.ref_date, e.disch
from ended e join con c on c.prov = e.prov and c.sr = e.sr and c.m <= e.m
qualify row_number() over (partition by e.prov, e.sr, e.m, c.ccid order by c.m desc) = 1;

create table sessions as
select prov, sr, m, cdate as sdate from e_con
where attended and apptype in (2, 3, 5) and cdate between ref_date and disch
union all
select e.prov, e.sr, e.m, l.sdate from ended e
join (select *, row_number() over (partition by prov, sr, sdate, prog order by m desc) as rn from iet) l
  on l.prov = e.prov and l.sr = e.sr and l.m <= e.m and l.rn = 1
where l.sdate between e.ref_date and e.disch;

create table treat as
select prov, sr, m, count(*) as n_treat, min(sdate) as first_treat from sessions group by all;

create table e_score as
select e.prov, e.sr, e.m, s.tool, s.value, s.sdate, s.stime, s.rid
from ended e join score s on s.prov = e.prov and s.sr = e.sr and s.m <= e.m
join tool_range r on r.tool = s.tool
where s.sdate between e.ref_date and e.disch and s.value between r.lo and r.hi
qualify row_number() over (partition by e.prov, e.sr, e.m, s.rid order by s.m desc) = 1;

create table firstlast as
select prov, sr, m, tool, count(*) as n,
       arg_min(value, (sdate, coalesce(stime, ''), rid)) as first_v,
       arg_max(value, (sdate, coalesce(stime, ''), rid)) as last_v
from e_score group by all;

create table descriptor as
select e.prov, e.sr, e.m, e.version, case when e.version = '1.5' then e.provdiag else d.code end as code
from ended e
left join (
    select e.prov, e.sr, e.m, upper(replace(trim(pc.prescomp), '.', '')) as code
    from ended e join pc_known pc on pc.prov = e.prov and pc.sr = e.sr and pc.m <= e.m
    qualify row_number() over (
        partition by e.prov, e.sr, e.m
        order by (upper(trim(pc.prescompcodsig)) = 'P') desc, pc.pdate desc nulls last, pc.rid desc
    ) = 1
) d using (prov, sr, m);

create table adsm as
select d.prov, d.sr, d.m,
       case
           when d.code = 'F400' then '473355002'
           when d.code = 'F401' then '445552006'
           when d.code = 'F410' then '450326007'
           when d.code = 'F431' then case when d.version = '1.5' then 'IES-R' else '491581000000104' end
           when d.code like 'F42%' then '450324005'
           when d.code = 'F452' then '446793008'
       end as own
from descriptor d;

create table flags as
select e.prov, e.sr, e.m,
       coalesce(t.n_treat, 0) >= 2 as finished,
       t.first_treat - e.ref_date as wait,
       p.first_v as p1, p.last_v as p2, p.n as pn,
       coalesce(case when o.n >= 2 then o.first_v end, case when g.n >= 2 then g.first_v end) as a1,
       coalesce(case when o.n >= 2 then o.last_v end, case when g.n >= 2 then g.last_v end) as a2,
       coalesce(case when o.n >= 2 then o.tool end, case when g.n >= 2 then g.tool end) as atool
from ended e
left join treat t using (prov, sr, m)
left join adsm a using (prov, sr, m)
left join firstlast p on p.prov = e.prov and p.sr = e.sr and p.m = e.m and p.tool = '720433000'
left join firstlast g on g.prov = e.prov and g.sr = e.sr and g.m = e.m and g.tool = '445455005'
left join firstlast o on o.prov = e.prov and o.sr = e.sr and o.m = e.m and o.tool = a.own;

create table assessed as
select f.*, x.caseness_op, x.caseness, x.rc,
       p1 >= 10 as p1c, p2 >= 10 as p2c,
       case when x.caseness_op = '>' then a1 > x.caseness else a1 >= x.caseness end as a1c,
       case when x.caseness_op = '>' then a2 > x.caseness else a2 >= x.caseness end as a2c,
       p1 - p2 >= 6 as p_imp, p2 - p1 >= 6 as p_det,
       a1 - a2 >= x.rc as a_imp, a2 - a1 >= x.rc as a_det
from flags f join thresholds x on x.tool = f.atool
where f.finished and f.pn >= 2;
"""


def _pct(num: int, den: int) -> float | None:
    return round(100.0 * num / den, 2) if den else None


def headline_rates(counts: dict[str, int]) -> dict[str, float | None]:
    """The headline rates the calibration compares, from counts of referrals received, finished courses,
    not at caseness, recovered, reliable improvement, deterioration, reliable recovery and the finishers
    who started treatment within 6 and 18 weeks (also used by `iapt calibrate` on the warehouse)."""
    finished = counts["finished"]
    base = finished - counts["not_at_caseness"]
    return {
        "recovery_pct": _pct(counts["recovered"], base),
        "reliable_improvement_pct": _pct(counts["reliable_improvement"], finished),
        "deterioration_pct": _pct(counts["deterioration"], finished),
        "reliable_recovery_pct": _pct(counts["reliable_recovery"], base),
        "not_at_caseness_pct": _pct(counts["not_at_caseness"], finished),
        "finished_share_pct": _pct(finished, counts["referrals_received"]),
        "first_treatment_6_weeks_pct": _pct(counts["within_6_weeks"], finished),
        "first_treatment_18_weeks_pct": _pct(counts["within_18_weeks"], finished),
    }


def calibration(outdir: Path, warmup: int | None = None, memory_limit: str = "6GB") -> dict[str, Any]:
    """Headline rates of the packages under outdir, with the published England figures."""
    workdir = Path(tempfile.mkdtemp(prefix="iapt-synth-report-"))
    try:
        packages, found = in_use_packages(outdir, workdir)
        if not packages:
            raise ValueError(f"no packages under {outdir}")
        months = sorted({p.month for p in packages})
        first, last = months[0], months[-1]
        if warmup is None:
            warmup = min(12, (last - first + 1) // 2)
        warmup = max(0, min(warmup, last - first))
        m0 = first + warmup
        con = duckdb.connect(config={"threads": 2, "memory_limit": memory_limit, "preserve_insertion_order": False})
        con.execute("set temp_directory = ?", [str(workdir / "duckdb")])
        _load(con, packages)
        _sql(con)
        con.execute("create table thresholds (tool varchar, caseness_op varchar, caseness double, rc double)")
        con.executemany(
            "insert into thresholds values (?, ?, ?, ?)",
            [
                [
                    t.snomed or "IES-R",
                    ">" if t.scale > 1 else ">=",
                    (t.case_units - (1 if t.scale > 1 else 0)) / t.scale,
                    t.rc_units / t.scale,
                ]
                for t in reference.tools().values()
                if t.case_units is not None and t.rc_units is not None
            ],
        )
        statements = [s for s in OUTCOMES.split(";\n") if s.strip()]
        con.execute(statements[0], [m0, last])
        for statement in statements[1:]:
            con.execute(statement)
        counts = dict(
            zip(
                [
                    "referrals_received",
                    "ended",
                    "finished",
                    "within_6_weeks",
                    "within_18_weeks",
                ],
                con.execute(
                    """
                    select (select count(distinct (prov, sr)) from ref
                            where ref_date between m_start and m_end and m between ? and ?),
                           count(*), count(*) filter (where finished),
                           count(*) filter (where finished and wait <= 42),
                           count(*) filter (where finished and wait <= 126)
                    from flags
                    """,
                    [m0, last],
                ).fetchall()[0],
                strict=True,
            )
        )
        outcome = con.execute(
            """
            select count(*),
                   count(*) filter (where not (p1c or a1c)),
                   count(*) filter (where (p1c or a1c) and not p2c and not a2c),
                   count(*) filter (where (p_imp or a_imp) and not (p_det or a_det)),
                   count(*) filter (where (p_det or a_det) and not (p_imp or a_imp)),
                   count(*) filter (where (p1c or a1c) and not p2c and not a2c and (p_imp or a_imp)
                                    and not (p_det or a_det))
            from assessed
            """
        ).fetchall()[0]
        con.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    names = [
        "assessed",
        "not_at_caseness",
        "recovered",
        "reliable_improvement",
        "deterioration",
        "reliable_recovery",
    ]
    counts.update(dict(zip(names, (int(x) for x in outcome), strict=True)))
    rates = headline_rates(counts)
    published = reference.published()
    return {
        "packages_found": found,
        "packages_in_use": len(packages),
        "months": [month_text(m) for m in range(m0, last + 1)],
        "warmup_months": warmup,
        "counts": counts,
        "rates": rates,
        "published": {k: published[k] for k in rates},
        "difference_pp": {k: (round(v - published[k], 2) if v is not None else None) for k, v in rates.items()},
    }


def parse_month(text: str) -> int:
    return month_index(text)
