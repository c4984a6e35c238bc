"""One provider-month's submission as contract tables (pyarrow string columns, contract item order).

`MonthView` says what the provider sends for a reporting month in one package: the referrals present
(open in the month, or with activity in it), the care contacts dated in the month (minus any recorded
late, for an incomplete Primary), and which discharges are not yet recorded. `ProviderTables.build`
turns a view into every table of the month's data-set version, each column built from the simulation
arrays with vectorised lookups (`take`), so a package is a few dozen array operations.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from iapt_warehouse import contract
from iapt_warehouse.synth import reference
from iapt_warehouse.synth.arrays import NA, BoolA, FloatA, IntA, day_of, month_of
from iapt_warehouse.synth.config import month_first_day, month_last_day, version_of_month
from iapt_warehouse.synth.journeys import (
    DESCRIPTOR_CODES,
    EDU_CODES,
    END_CODE_LIST,
    FINISHED,
    HIGH,
    LOW,
    NHS_STATUS,
    OVERSEAS_CODES,
    THERAPIES,
    TOOL_KEYS,
    ProviderData,
)

DAY0 = day_of(1900, 1, 1)
DAY1 = day_of(2045, 12, 31)
NO_LTC = "748031000000103"
ES_SNOMED = "1098051000000103"
SCHEME_ICD10 = "02"  # FindSchemeInUse for ICD-10 (assumed Data Dictionary value)
SCHEME_SNOMED = "06"  # FindSchemeInUse for SNOMED CT (assumed)
V15_MEDIUM = {"01": "1", "02": "2", "03": "3", "04": "4", "05": "5", "06": "6", "08": "5", "98": "6"}
V15_LTC = {"ltc": "Y", "none": "N", "": "Z"}


@dataclass
class MonthView:
    """What one package of a provider-month holds."""

    month: int
    refs: IntA  # referral indices, ascending
    contacts: IntA  # contact indices dated in the month and sent (IET logs excluded in v2.0 months)
    logs: IntA  # contact indices sent as IDS205 logs (v2.0 months)
    open_refs: BoolA  # per referral in refs: discharge withheld (not yet recorded in this package)
    created: str  # DateTimeDatSetCreate

    @property
    def version(self) -> str:
        return version_of_month(self.month)


# ------------------------------------------------------------------------------------------- lookups


@cache
def _date_lookup(version: str) -> pa.Array:
    days = np.arange(DAY0, DAY1 + 1).astype("datetime64[D]")
    iso = np.datetime_as_string(days, unit="D")
    if version == "2.0":
        return pa.array(iso)
    return pa.array([f"{s[8:10]}/{s[5:7]}/{s[0:4]}" for s in iso.tolist()])


@cache
def _time_lookup() -> pa.Array:
    return pa.array([f"{m // 60:02d}:{m % 60:02d}:00" for m in range(24 * 60)])


def take(lookup: pa.Array | list[str] | tuple[str, ...], idx: IntA) -> pa.Array:
    """lookup[idx] as a string array; negative indices (NA) give nulls."""
    if not isinstance(lookup, pa.Array):
        lookup = pa.array(list(lookup), type=pa.string())
    idx = np.asarray(idx, dtype=np.int64)
    mask = idx < 0
    return lookup.take(pa.array(np.where(mask, 0, idx), mask=mask))


def dates(version: str, days: IntA) -> pa.Array:
    days = np.asarray(days, dtype=np.int64)
    return take(_date_lookup(version), np.where(days == NA, -1, days - DAY0))


def times(minutes: IntA) -> pa.Array:
    return take(_time_lookup(), minutes)


def ids(prefix: str, nums: IntA, width: int) -> pa.Array:
    text = pc.utf8_lpad(pc.cast(pa.array(np.asarray(nums, dtype=np.int64)), pa.string()), width, "0")
    return pc.binary_join_element_wise(prefix, text, "")


def numbers(values: IntA) -> pa.Array:
    values = np.asarray(values, dtype=np.int64)
    return pc.cast(pa.array(values, mask=values == NA), pa.string())


def const(value: str | None, n: int) -> pa.Array:
    if value is None:
        return pa.nulls(n, pa.string())
    return take((value,), np.zeros(n, dtype=np.int64))


def where(mask: BoolA, yes: str | None, no: str | None) -> pa.Array:
    """yes where mask, else no (None gives null)."""
    flags = np.asarray(mask, dtype=bool)
    idx = np.where(flags, 0 if yes is not None else NA, 1 if no is not None else NA)
    return take((yes or "", no or ""), idx)


def hash01(*parts: IntA) -> FloatA:
    """Deterministic uniform [0, 1) from integers (splitmix64): stable across months and packages."""
    x = np.zeros(len(parts[0]), dtype=np.uint64)
    for i, part in enumerate(parts):
        x ^= np.asarray(part, dtype=np.int64).astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15 * (i + 1) % 2**64)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        x = x ^ (x >> np.uint64(31))
    return (x >> np.uint64(11)).astype(np.float64) / float(2**53)


def table(dataset_version: str, name: str, n: int, columns: dict[str, pa.Array]) -> pa.Table:
    """A contract table: every item in contract order, items not given are null."""
    spec = contract.tables(dataset_version)[name]
    unknown = set(columns) - set(spec.item_names)
    if unknown:
        raise KeyError(f"{name} has no items {sorted(unknown)}")
    arrays = [columns.get(item, pa.nulls(n, pa.string())) for item in spec.item_names]
    for item, array in zip(spec.item_names, arrays, strict=True):
        if len(array) != n:
            raise ValueError(f"{name}.{item}: {len(array)} values for {n} rows")
    return pa.Table.from_arrays(arrays, names=list(spec.item_names))


# ------------------------------------------------------------------------------------------ builder


class ProviderTables:
    """Per-provider lookups, and the tables of any month view."""

    def __init__(self, data: ProviderData) -> None:
        self.data = data
        self.code = data.plan.provider.org_code
        ref, con, sco, pat = data.referrals, data.contacts, data.scores, data.patients
        self.contact_month = month_of(con.day)
        order = np.argsort(self.contact_month, kind="stable")
        self._contact_order = order
        self._contact_month_sorted = self.contact_month[order]
        self.score_month = self.contact_month[sco.contact]
        sorder = np.argsort(self.score_month, kind="stable")
        self._score_order = sorder
        self._score_month_sorted = self.score_month[sorder]
        self.ref_month = month_of(ref.ref_day)
        self.disch_month = month_of(ref.disch_day)
        self.fu_month = np.where(ref.fu_day == NA, NA, month_of(np.where(ref.fu_day == NA, 0, ref.fu_day)))
        # first and last attended contact per referral (v1.5 employment status on the appointment row)
        attended = (con.attend == 5) | (con.attend == 6) | ~con.planned
        att = np.flatnonzero(attended & (con.app_type != 6))
        big = np.iinfo(np.int64).max
        self.first_att = np.full(len(ref.num), big, dtype=np.int64)
        np.minimum.at(self.first_att, con.ref[att], att)
        self.first_att[self.first_att == big] = NA
        self.last_att = np.full(len(ref.num), NA, dtype=np.int64)
        np.maximum.at(self.last_att, con.ref[att], att)
        self.attended = attended
        # string lookups
        self.postcodes = pa.array(pat.postcode)
        self.practices = pa.array(pat.gp_practice)
        self.gp_codes = pa.array(pat.gp_code)
        self.nhs = pc.cast(pa.array(pat.nhs), pa.string())
        self.comm = pa.array(list(data.comm_codes))
        self.other_orgs = pa.array(list(data.other_orgs))
        self.dotted = bool(hash01(np.array([len(self.code), ord(self.code[0])]))[0] < 0.6)
        codes = [c if self.dotted else c.replace(".", "") for c in DESCRIPTOR_CODES]
        self.descriptors = pa.array(codes)
        self.tool_snomed = pa.array([reference.tools()[k].snomed or None for k in TOOL_KEYS])
        scale = np.array([reference.tools()[k].scale for k in TOOL_KEYS])
        self.score_scale = scale
        self.therapy_snomed = pa.array([t.snomed for t in THERAPIES])
        self.therapy_v15 = pa.array([t.v15_code for t in THERAPIES])
        mixes = reference.mixes()
        self.mix = {name: pa.array(list(m.codes)) for name, m in mixes.items()}
        self.religion_snomed = pa.array([c.split(":")[0] or None for c in mixes["religion"].codes])
        self.religion_v15 = pa.array([c.split(":")[1] or None for c in mixes["religion"].codes])
        self.sexor_snomed = pa.array([c.split(":")[0] or None for c in mixes["sexual_orientation"].codes])
        self.sexor_v15 = pa.array([c.split(":")[1] or None for c in mixes["sexual_orientation"].codes])
        self.ltc_snomed = pa.array([c.split(":")[1] for c in mixes["ltc_code"].codes])
        self.cluster_codes = pa.array([c or None for c in mixes["care_cluster"].codes])
        self.disab_codes = pa.array([c or None for c in mixes["disability"].codes])
        st = data.staff
        trainee = st.awarded_day == NA
        role = np.where(st.qual1 >= 30, 50, np.where(trainee, 10, 40) + np.clip(st.qual1 - 10, 0, 7))
        self.staff_role = numbers(role)
        self.ea_staff = np.flatnonzero(st.step == 3)

    # ------------------------------------------------------------------------------------ slicing
    def referrals_in(self, month: int) -> IntA:
        """Referrals sent for the month: open in it, or with a follow-up contact in it."""
        ref = self.data.referrals
        present = ((self.ref_month <= month) & (self.disch_month >= month)) | (self.fu_month == month)
        present &= ref.ref_day <= int(np.datetime64(month_last_day(month), "D").astype(np.int64))
        return np.flatnonzero(present)

    def contacts_in(self, month: int) -> IntA:
        lo, hi = np.searchsorted(self._contact_month_sorted, [month, month + 1])
        return np.sort(self._contact_order[lo:hi])

    def scores_in(self, month: int) -> IntA:
        lo, hi = np.searchsorted(self._score_month_sorted, [month, month + 1])
        return np.sort(self._score_order[lo:hi])

    # ------------------------------------------------------------------------------------ building
    def build(self, view: MonthView) -> dict[str, pa.Table]:
        if view.version == "2.0":
            return self._build_v20(view)
        return self._build_v15(view)

    def _bounds(self, month: int) -> tuple[int, int]:
        first = int(np.datetime64(month_first_day(month), "D").astype(np.int64))
        last = int(np.datetime64(month_last_day(month), "D").astype(np.int64))
        return first, last

    def _patients(self, view: MonthView) -> IntA:
        return np.unique(self.data.referrals.patient[view.refs])

    def _discharged(self, view: MonthView, end: int) -> BoolA:
        ref = self.data.referrals
        return (ref.disch_day[view.refs] <= end) & ~view.open_refs

    def _provdiag(self, view: MonthView, end: int) -> IntA:
        ref = self.data.referrals
        r = view.refs
        d2 = (ref.desc2[r] != NA) & (ref.desc2_day[r] <= end)
        d1 = (ref.desc1[r] != NA) & (ref.desc1_day[r] <= end)
        return np.where(d2, ref.desc2[r], np.where(d1, ref.desc1[r], NA))

    def _employment_records(self, view: MonthView, end: int) -> tuple[IntA, IntA, IntA]:
        """(patient, recorded day, status index) of the month's referrals, one per (patient, day)."""
        ref = self.data.referrals
        r = view.refs
        pats = ref.patient[r]
        start_status = self.data.patients.employment[pats]
        p = np.concatenate([pats, pats])
        d = np.concatenate([ref.ref_day[r], np.where(ref.category[r] == FINISHED, ref.disch_day[r], NA)])
        s = np.concatenate([start_status, np.where(ref.employ_end[r] == NA, start_status, ref.employ_end[r])])
        keep = (d != NA) & (d <= end)
        p, d, s = p[keep], d[keep], s[keep]
        order = np.lexsort((d, p))
        p, d, s = p[order], d[order], s[order]
        first = np.ones(len(p), dtype=bool)
        first[1:] = (p[1:] != p[:-1]) | (d[1:] != d[:-1])
        return p[first], d[first], s[first]

    def _header(self, view: MonthView) -> dict[str, pa.Table]:
        v = view.version
        first, last = self._bounds(view.month)
        cols = {
            "DatSetVer": const(v, 1),
            contract.PROVIDER_ITEM[v]: const(self.code, 1),
            "ReportingPeriodStartDate": dates(v, np.array([first])),
            "ReportingPeriodEndDate": dates(v, np.array([last])),
            "DateTimeDatSetCreate": const(view.created, 1),
        }
        if v == "2.0":
            cols["OrgIDSubmit"] = const(self.code, 1)
            cols["PrimSystemInUse"] = const(self.data.primary_system, 1)
        name = contract.HEADER_TABLE[v]
        return {name: table(v, name, 1, cols)}

    def _build_v20(self, view: MonthView) -> dict[str, pa.Table]:
        v = "2.0"
        d = self.data
        ref, con, pat, sco, st = d.referrals, d.contacts, d.patients, d.scores, d.staff
        _, end = self._bounds(view.month)
        out = self._header(view)
        r = view.refs
        n_r = len(r)
        pats = self._patients(view)
        n_p = len(pats)
        pid = ids("P", pat.num[pats], 8)
        out["IDS001MPI"] = table(
            v,
            "IDS001MPI",
            n_p,
            {
                "LocalPatientId": pid,
                "OrgIDLocalPatientId": const(self.code, n_p),
                "OrgIDResidenceResp": take(self.comm, pat.sub_icb[pats]),
                "NHSNumber": self.nhs.take(pa.array(pats)),
                "NHSNumberStatus": take(NHS_STATUS, pat.nhs_status[pats]),
                "PersonBirthDate": dates(v, pat.birth_day[pats]),
                "Postcode": self.postcodes.take(pa.array(pats)),
                "Gender": take(self.mix["gender"], pat.gender[pats]),
                "EthnicCategory": take(self.mix["ethnicity"], pat.ethnicity[pats]),
                "ExBAFIndicator": take(self.mix["ex_forces"], pat.ex_forces[pats]),
                "LanguageCodePreferred": take(self.mix["language"], pat.language[pats]),
                "EduEstabTypeIAPT": take(EDU_CODES, pat.edu[pats]),
            },
        )
        out["IDS002GP"] = table(
            v,
            "IDS002GP",
            n_p,
            {
                "LocalPatientId": pid,
                "GMPCodeReg": self.gp_codes.take(pa.array(pats)),
                "StartDateGMPRegistration": dates(v, pat.gp_start_day[pats]),
                "OrgIDGPPrac": self.practices.take(pa.array(pats)),
            },
        )
        ep, ed, es = self._employment_records(view, end)
        emp_codes = np.asarray(reference.mix("employment_status").codes)[es]
        employed = emp_codes == "01"
        h = hash01(pat.num[ep], ed)
        sick = employed & (h < 0.15)
        benefits = np.isin(emp_codes, ["02", "04"]) & (h < 0.8)
        n_e = len(ep)
        out["IDS004EmpStatus"] = table(
            v,
            "IDS004EmpStatus",
            n_e,
            {
                "LocalPatientId": ids("P", pat.num[ep], 8),
                "EmployStatus": take(self.mix["employment_status"], es),
                "EmployStatusRecDate": dates(v, ed),
                "WeekHoursWorked": take(
                    ("01", "02", "03", "04", "98"), np.where(employed, (h * 40).astype(np.int64) % 4, 4)
                ),
                "SelfEmployInd": take(("Y", "N", "8"), np.where(employed, np.where(h > 0.9, 0, 1), 2)),
                "SickAbsenceInd": take(("Y", "N", "8"), np.where(employed, np.where(sick, 0, 1), 2)),
                "SSPInd": where(sick & (h < 0.1), "Y", "N"),
                "BenefitRecInd": where(benefits, "Y", "N"),
                "JSAInd": where(benefits & (emp_codes == "02") & (h < 0.2), "Y", "N"),
                "ESAInd": where(benefits & (emp_codes == "04") & (h < 0.5), "Y", "N"),
                "UCInd": where(benefits & (h < 0.6), "Y", "N"),
                "PIPInd": where(benefits & (emp_codes == "04") & (h < 0.3), "Y", "N"),
                "OtherBenefitInd": where(h > 0.97, "Y", "N"),
                "EmpSupportInd": where(h > 0.95, "Y", "N"),
                "EmpSupportReferral": where(h > 0.97, "Y", "N"),
            },
        )
        d2 = pat.disability2[pats]
        dis_p = np.concatenate([pats, pats[d2 != NA]])
        dis_c = np.concatenate([pat.disability1[pats], d2[d2 != NA]])
        dis_codes = np.asarray(reference.mix("disability").codes)[dis_c]
        keep = dis_codes != ""
        dis_p, dis_c = dis_p[keep], dis_c[keep]
        order = np.lexsort((dis_c, dis_p))
        dis_p, dis_c = dis_p[order], dis_c[order]
        out["IDS007DisabilityType"] = table(
            v,
            "IDS007DisabilityType",
            len(dis_p),
            {"LocalPatientId": ids("P", pat.num[dis_p], 8), "DisabCode": take(self.disab_codes, dis_c)},
        )
        rel_has = np.asarray([c.split(":")[0] != "" for c in reference.mix("religion").codes])[pat.religion[pats]]
        sex_has = np.asarray([c.split(":")[0] != "" for c in reference.mix("sexual_orientation").codes])[
            pat.sexual_orientation[pats]
        ]
        soc_p = np.concatenate([pats[rel_has], pats[sex_has]])
        soc_code = pa.concat_arrays(
            [
                take(self.religion_snomed, pat.religion[pats[rel_has]]),
                take(self.sexor_snomed, pat.sexual_orientation[pats[sex_has]]),
            ]
        )
        order = np.argsort(soc_p, kind="stable")
        soc_p = soc_p[order]
        out["IDS011SocPerCircumstances"] = table(
            v,
            "IDS011SocPerCircumstances",
            len(soc_p),
            {
                "LocalPatientId": ids("P", pat.num[soc_p], 8),
                "SocPerCircumstance": soc_code.take(pa.array(order)),
                "SocPerCircumstanceRecDate": dates(v, pat.first_day[soc_p]),
            },
        )
        ovs = pats[pat.overseas[pats] != NA]
        out["IDS012OverseasVisitorChargCat"] = table(
            v,
            "IDS012OverseasVisitorChargCat",
            len(ovs),
            {
                "LocalPatientId": ids("P", pat.num[ovs], 8),
                "OvsVisChCat": take(OVERSEAS_CODES, pat.overseas[ovs]),
                "OvsVisChCatAppDate": dates(v, pat.first_day[ovs]),
            },
        )
        clu_has = np.asarray([c != "" for c in reference.mix("care_cluster").codes])[pat.cluster[pats]]
        clu = pats[clu_has]
        out["IDS803CareCluster"] = table(
            v,
            "IDS803CareCluster",
            len(clu),
            {
                "LocalPatientId": ids("P", pat.num[clu], 8),
                "AMHCareClustCodeFin": take(self.cluster_codes, pat.cluster[clu]),
                "StartDateCareClust": dates(v, pat.first_day[clu]),
                "StartTimeCareClust": times((hash01(pat.num[clu]) * 40).astype(np.int64) * 15 + 8 * 60),
            },
        )

        # referrals
        discharged = self._discharged(view, end)
        srid = ids("R", ref.num[r], 8)
        out["IDS101Referral"] = table(
            v,
            "IDS101Referral",
            n_r,
            {
                "ServiceRequestId": srid,
                "LocalPatientId": ids("P", pat.num[ref.patient[r]], 8),
                "OrgIDComm": take(self.comm, ref.comm[r]),
                "ReferralRequestReceivedDate": dates(v, ref.ref_day[r]),
                "SourceOfReferralMH": take(self.mix["source_of_referral"], ref.source[r]),
                "OnsetDate": dates(v, ref.onset_day[r]),
                "PrevDiagCondInd": take(("N", "Y"), ref.prev_diag[r]),
                "EndCode": take(END_CODE_LIST, np.where(discharged, ref.end_v20[r], NA)),
                "ServDischDate": dates(v, np.where(discharged, ref.disch_day[r], NA)),
            },
        )
        onward = r[(ref.onward_day[r] != NA) & (ref.onward_day[r] <= end)]
        out["IDS105OnwardReferral"] = table(
            v,
            "IDS105OnwardReferral",
            len(onward),
            {
                "ServiceRequestId": ids("R", ref.num[onward], 8),
                "OnwardReferDate": dates(v, ref.onward_day[onward]),
                "OnwardReferTime": times((hash01(ref.num[onward]) * 40).astype(np.int64) * 15 + 8 * 60),
                "OnwardReferReason": take(("01", "02", "03", "04"), ref.onward_reason[onward] - 1),
                "OrgIDReceiving": self.other_orgs.take(pa.array(ref.onward_org[onward])),
            },
        )
        paused = r[(ref.pause_start[r] != NA) & (ref.pause_start[r] <= end)]
        pause_end = ref.pause_end[paused]
        out["IDS108WaitingTimePauses"] = table(
            v,
            "IDS108WaitingTimePauses",
            len(paused),
            {
                "PauseID": ids("W", ref.num[paused], 8),
                "ServiceRequestId": ids("R", ref.num[paused], 8),
                "PauseStartDate": dates(v, ref.pause_start[paused]),
                "PauseEndDate": dates(v, np.where(pause_end <= end, pause_end, NA)),
                "PauseReason": take(("01", "02", "03"), ref.pause_reason[paused] - 1),
            },
        )

        # contacts, activities
        c = view.contacts
        n_c = len(c)
        cref = con.ref[c]
        in_person = np.asarray(reference.mix("consultation_medium").codes)[con.medium[c]] == "01"
        prog = ref.iet_prog[cref]
        lang = pat.language[ref.patient[cref]]
        interp = con.interpreter[c]
        out["IDS201CareContact"] = table(
            v,
            "IDS201CareContact",
            n_c,
            {
                "CareContactId": ids("C", con.num[c], 9),
                "ServiceRequestId": ids("R", ref.num[cref], 8),
                "CareContDate": dates(v, con.day[c]),
                "CareContTime": times(con.minute[c]),
                "OrgIDComm": take(self.comm, ref.comm[cref]),
                "PlannedCareContIndicator": where(con.planned[c], "Y", "N"),
                "AttendOrDNACode": numbers(con.attend[c]),
                "ClinContDurOfCareCont": numbers(con.duration[c]),
                "IAPTLTCServiceInd": where(ref.ltc_service[cref], "Y", "N"),
                "AppType": take(("", "01", "02", "03", "04", "05", "06"), con.app_type[c]),
                "ConsMediumUsed": take(self.mix["consultation_medium"], con.medium[c]),
                "IntEnabledTherProg": take(self.mix["iet_programme"], np.where(con.step[c] == LOW, prog, NA)),
                "CareContPatientTherMode": numbers(con.mode[c]),
                "NumGroupTherParticipants": numbers(con.participants[c]),
                "NumGroupTherFacilitators": numbers(con.facilitators[c]),
                "PsychMed": take(
                    self.mix["psychotropic_medication"],
                    np.where(
                        np.asarray(reference.mix("psychotropic_medication").codes)[ref.psych_med[cref]] == "ZZ",
                        NA,
                        ref.psych_med[cref],
                    ),
                ),
                "SiteIDOfTreat": take((self.code + "01",), np.where(in_person, 0, NA)),
                "LanguageCodeTreat": take(
                    self.mix["language"],
                    np.where(interp == NA, NA, np.where(np.isin(interp, [1, 2, 3]), lang, 0)),
                ),
                "InterpreterPresentInd": numbers(interp),
            },
        )
        act_c = c[self.attended[c]]
        es = act_c[con.es_activity[act_c]]
        a_num = np.concatenate([con.num[act_c] * 2, con.num[es] * 2 + 1])
        a_contact = np.concatenate([act_c, es])
        a_is_es = np.concatenate([np.zeros(len(act_c), dtype=bool), np.ones(len(es), dtype=bool)])
        order = np.argsort(a_num, kind="stable")
        a_num, a_contact, a_is_es = a_num[order], a_contact[order], a_is_es[order]
        ea_staff = (
            self.ea_staff[(con.num[a_contact] % max(len(self.ea_staff), 1))]
            if len(self.ea_staff)
            else con.staff[a_contact]
        )
        a_staff = np.where(a_is_es, ea_staff, con.staff[a_contact])
        therapy = take(self.therapy_snomed, con.therapy[a_contact])
        therapy = pc.if_else(pa.array(a_is_es), pa.scalar(ES_SNOMED), therapy)
        n_a = len(a_num)
        out["IDS202CareActivity"] = table(
            v,
            "IDS202CareActivity",
            n_a,
            {
                "CareActId": ids("A", a_num, 10),
                "CareContactId": ids("C", con.num[a_contact], 9),
                "CarePersLocalId": ids("S", st.num[a_staff], 5),
                "ClinContactDurOfCareAct": numbers(np.where(a_is_es, 15, con.duration[a_contact])),
                "CodeProcAndProcStatus": therapy,
            },
        )
        lg = view.logs
        lref = con.ref[lg]
        out["IDS205InternetTherLog"] = table(
            v,
            "IDS205InternetTherLog",
            len(lg),
            {
                "ServiceRequestId": ids("R", ref.num[lref], 8),
                "StartDateIntEnabledTherLog": dates(v, con.day[lg]),
                "EndDateIntEnabledTherLog": dates(v, con.day[lg] + 6),
                "IntEnabledTherProg": take(self.mix["iet_programme"], ref.iet_prog[lref]),
                "DurationIntEnabledTher": numbers(15 + (hash01(con.num[lg]) * 75).astype(np.int64)),
                "CarePersLocalId": ids("S", st.num[con.staff[lg]], 5),
                "IntegratedSoftwareInd": where(hash01(ref.num[lref]) < 0.7, "Y", "N"),
            },
        )

        # referral-level clinical records
        ltc_status = np.asarray(reference.mix("ltc_status").codes)[pat.ltc_status[ref.patient[r]]]
        l1 = pat.ltc1[ref.patient[r]]
        l2 = pat.ltc2[ref.patient[r]]
        lt_r = np.concatenate([r[l1 != NA], r[l2 != NA], r[ltc_status == "none"]])
        lt_code = pa.concat_arrays(
            [
                take(self.ltc_snomed, l1[l1 != NA]),
                take(self.ltc_snomed, l2[l2 != NA]),
                const(NO_LTC, int((ltc_status == "none").sum())),
            ]
        )
        order = np.argsort(lt_r, kind="stable")
        out["IDS602LongTermCondition"] = table(
            v,
            "IDS602LongTermCondition",
            len(lt_r),
            {
                "ServiceRequestId": ids("R", ref.num[lt_r[order]], 8),
                "FindSchemeInUse": const(SCHEME_SNOMED, len(lt_r)),
                "LongTermCondition": lt_code.take(pa.array(order)),
            },
        )
        p1 = (ref.desc1[r] != NA) & (ref.desc1_day[r] <= end)
        p2 = (ref.desc2[r] != NA) & (ref.desc2_day[r] <= end)
        ps = (ref.desc_sec[r] != NA) & (ref.desc1_day[r] <= end)
        pc_r = np.concatenate([r[p1], r[p2], r[ps]])
        pc_code = np.concatenate([ref.desc1[r[p1]], ref.desc2[r[p2]], ref.desc_sec[r[ps]]])
        pc_sig = np.concatenate([np.zeros(int(p1.sum())), np.zeros(int(p2.sum())), np.ones(int(ps.sum()))]).astype(
            np.int64
        )
        pc_day = np.concatenate([ref.desc1_day[r[p1]], ref.desc2_day[r[p2]], ref.desc1_day[r[ps]]])
        order = np.lexsort((pc_day, pc_sig, pc_r))
        pc_r, pc_code, pc_sig, pc_day = pc_r[order], pc_code[order], pc_sig[order], pc_day[order]
        out["IDS603PresentingComplaints"] = table(
            v,
            "IDS603PresentingComplaints",
            len(pc_r),
            {
                "ServiceRequestId": ids("R", ref.num[pc_r], 8),
                "FindSchemeInUse": const(SCHEME_ICD10, len(pc_r)),
                "PresComp": take(self.descriptors, pc_code),
                "PresCompCodSig": take(("P", "S"), pc_sig),
                "PresCompDate": dates(v, pc_day),
            },
        )

        # scores
        s = self.scores_in(view.month)
        sent = np.zeros(len(con.num), dtype=bool)
        sent[c] = True
        s = s[sent[sco.contact[s]]]
        s_ref_level = sco.referral_level[s]
        s606 = s[s_ref_level]
        s607 = s[~s_ref_level]
        c606 = sco.contact[s606]
        out["IDS606CodedScoreAssessmentRefer"] = table(
            v,
            "IDS606CodedScoreAssessmentRefer",
            len(s606),
            {
                "ServiceRequestId": ids("R", ref.num[con.ref[c606]], 8),
                "CodedAssToolType": take(self.tool_snomed, sco.tool[s606]),
                "PersScore": self._score_text(sco.value[s606], sco.tool[s606]),
                "AssToolCompDate": dates(v, con.day[c606]),
                "AssToolCompTime": times(con.minute[c606]),
            },
        )
        out["IDS607CodedScoreAssessmentAct"] = table(
            v,
            "IDS607CodedScoreAssessmentAct",
            len(s607),
            {
                "CareActId": ids("A", con.num[sco.contact[s607]] * 2, 10),
                "CodedAssToolType": take(self.tool_snomed, sco.tool[s607]),
                "PersScore": self._score_text(sco.value[s607], sco.tool[s607]),
            },
        )
        q_staff = np.concatenate([np.arange(len(st.num)), np.flatnonzero(st.qual2 != NA)])
        q_code = np.concatenate([st.qual1, st.qual2[st.qual2 != NA]])
        order = np.lexsort((q_code, q_staff))
        q_staff, q_code = q_staff[order], q_code[order]
        out["IDS902CarePersQual"] = table(
            v,
            "IDS902CarePersQual",
            len(q_staff),
            {
                "CarePersLocalId": ids("S", st.num[q_staff], 5),
                "QualAttainLevelIAPT": numbers(q_code),
                "QualAwardedDate": dates(
                    v,
                    np.where(
                        (q_code == st.qual1[q_staff]) | (st.awarded_day[q_staff] == NA),
                        st.awarded_day[q_staff],
                        st.awarded_day[q_staff] + 700,
                    ),
                ),
                "QualPlannedCompletionDate": dates(v, st.planned_day[q_staff]),
            },
        )
        return out

    def _score_text(self, values: IntA, tool: IntA) -> pa.Array:
        scale = self.score_scale[tool]
        whole = numbers(values)
        if not (scale > 1).any():
            return whole
        hundredths = pa.array([f"{x / 100:.2f}" for x in values[scale > 1].tolist()])
        positions = np.flatnonzero(scale > 1)
        mask = np.zeros(len(values), dtype=bool)
        mask[positions] = True
        return pc.replace_with_mask(whole, pa.array(mask), hundredths)

    def _build_v15(self, view: MonthView) -> dict[str, pa.Table]:
        v = "1.5"
        d = self.data
        ref, con, pat, sco = d.referrals, d.contacts, d.patients, d.scores
        _, end = self._bounds(view.month)
        out = self._header(view)
        r = view.refs
        n_r = len(r)
        pats = self._patients(view)
        n_p = len(pats)
        ltc = np.asarray(reference.mix("ltc_status").codes)[pat.ltc_status[pats]]
        ltc_flag = np.asarray([V15_LTC[x] for x in ltc.tolist()]) if n_p else np.array([], dtype=str)
        out["IAPTDataSetPerson"] = table(
            v,
            "IAPTDataSetPerson",
            n_p,
            {
                "LPTID": ids("P", pat.num[pats], 8),
                "NHSNumber": self.nhs.take(pa.array(pats)),
                "PersonBirthDate": dates(v, pat.birth_day[pats]),
                "Postcode": self.postcodes.take(pa.array(pats)),
                "GMPC": self.practices.take(pa.array(pats)),
                "Gender": take(self.mix["gender"], pat.gender[pats]),
                "Ethnicity": take(self.mix["ethnicity"], pat.ethnicity[pats]),
                "SexualOrientation": take(self.sexor_v15, pat.sexual_orientation[pats]),
                "LTCondition": pa.array(ltc_flag.tolist(), type=pa.string()),
                "ReligiousGroup": take(self.religion_v15, pat.religion[pats]),
                "BAFIndicator": take(self.mix["ex_forces"], pat.ex_forces[pats]),
            },
        )
        discharged = self._discharged(view, end)
        seen = ref.category[r] > 0
        self_ref = np.asarray(reference.mix("source_of_referral").codes)[ref.source[r]] == "B1"
        out["IAPTDataSetReferral"] = table(
            v,
            "IAPTDataSetReferral",
            n_r,
            {
                "LPTID": ids("P", pat.num[ref.patient[r]], 8),
                "ServiceID": ids("R", ref.num[r], 8),
                "RefRecDate": dates(v, ref.ref_day[r]),
                "SourceReferral": take(self.mix["source_of_referral"], ref.source[r]),
                "ProvDiag": take(self.descriptors, self._provdiag(view, end)),
                "OnsetDate": dates(v, ref.onset_day[r]),
                "RecurInd": take(("N", "Y", "U", "Z"), ref.recur[r]),
                "EndCode": take(END_CODE_LIST, np.where(discharged, ref.end_v15[r], NA)),
                "EndDate": dates(v, np.where(discharged, ref.disch_day[r], NA)),
                "OptInDate": dates(v, np.where(self_ref, ref.ref_day[r], NA)),
                "ServReqAccInd": where(seen, "Y", "N"),
                "OrgCodeComm": take(self.comm, ref.comm[r]),
                "OrgCodeProvidStepTo": take(
                    self.other_orgs, np.where(discharged & (ref.step_to_org[r] != NA), ref.step_to_org[r], NA)
                ),
                "CareCluster": take(self.cluster_codes, pat.cluster[ref.patient[r]]),
            },
        )
        c = view.contacts
        n_c = len(c)
        cref = con.ref[c]
        attended = self.attended[c]
        treat = attended & (con.step[c] > 0) & np.isin(con.app_type[c], [2, 3, 5])
        es = treat & con.es_activity[c]
        first_or_last = (self.first_att[cref] == c) | (self.last_att[cref] == c)
        is_last = self.last_att[cref] == c
        status = np.where(
            is_last & (ref.employ_end[cref] != NA), ref.employ_end[cref], pat.employment[ref.patient[cref]]
        )
        emp = np.where(first_or_last, status, NA)
        employed = np.asarray(reference.mix("employment_status").codes)[np.maximum(emp, 0)] == "01"
        sick = employed & (emp != NA) & (hash01(pat.num[ref.patient[cref]], con.day[c]) < 0.15)
        medium_v20 = np.asarray(reference.mix("consultation_medium").codes)[con.medium[c]]
        medium_v15 = [V15_MEDIUM[x] for x in medium_v20.tolist()]
        step_code = np.where(con.step[c] == LOW, 0, np.where(con.step[c] == HIGH, 1, NA))
        cols: dict[str, pa.Array] = {
            "AppointmentID": ids("C", con.num[c], 9),
            "ServiceID": ids("R", ref.num[cref], 8),
            "Appointment": dates(v, con.day[c]),
            "AppointmentTime": times(con.minute[c]),
            "StepIntensity": take(("2", "3"), step_code),
            "PrimaryRole": self.staff_role.take(pa.array(con.staff[c])),
            "Attendance": numbers(con.attend[c]),
            "Apptype": numbers(con.app_type[c]),
            "Consmedium": pa.array(medium_v15, type=pa.string()),
            "Thertype1": take(self.therapy_v15, np.where(treat, con.therapy[c], NA)),
            "Thertype2": take(("29", "49"), np.where(es, np.where(con.step[c] == HIGH, 1, 0), NA)),
            "EmpStatus": take(self.mix["employment_status"], emp),
            "PsychMed": take(self.mix["psychotropic_medication"], np.where(first_or_last, ref.psych_med[cref], NA)),
            "SickPay": take(("Y", "N"), np.where(emp == NA, NA, np.where(employed, np.where(sick, 0, 1), NA))),
        }
        # scores onto the appointment row's columns
        s = self.scores_in(view.month)
        position = np.full(len(con.num), NA, dtype=np.int64)
        position[c] = np.arange(n_c)
        s = s[position[sco.contact[s]] != NA]
        tools = reference.tools()
        for t_index, key in enumerate(TOOL_KEYS):
            column = tools[key].v15_column
            if not column:
                continue
            rows = s[sco.tool[s] == t_index]
            idx = np.full(n_c, NA, dtype=np.int64)
            idx[position[sco.contact[rows]]] = np.arange(len(rows))
            values = self._score_text(sco.value[rows], sco.tool[rows])
            cols[column] = (
                values.take(pa.array(np.where(idx == NA, 0, idx), mask=idx == NA)) if len(rows) else const(None, n_c)
            )
        out["IAPTDataSetAppointment"] = table(v, "IAPTDataSetAppointment", n_c, cols)
        return out
