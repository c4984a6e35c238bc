"""Re-derive the generator's small reference CSVs (`synth/data/`) from the project's shared reference.

Run by a maintainer when the published figures are refreshed, never at generation time (the generator
reads only `synth/data/`):

    python -m iapt_warehouse.synth.derive_reference /path/to/shared/reference

It writes `providers.csv`, `sub_icbs.csv`, `descriptors.csv`, `mix.csv` and `published_england.csv`.
`tools.csv` and `therapies.csv` are hand-maintained copies of iapt-domain.md sections 2.7 and 2.9.
Every derived row says where its number came from (`source` column).
"""

from __future__ import annotations

import csv
import sys
import zlib
from collections import defaultdict
from pathlib import Path
from typing import Any

import duckdb

DATA = Path(__file__).resolve().parent / "data"
YEAR = "2023-24"
BREAKDOWNS = "published_annual_measures_england_breakdowns.csv"
TOTALS = "published_annual_measures_totals.csv"
PROVIDERS = "talking_therapies_providers.csv"
SRC_BD = f"{BREAKDOWNS} {YEAR}"

# Problem-descriptor groups of the England breakdown -> ICD-10 codes (weights within a group are
# assumptions: the breakdown publishes groups only) and the ADSM key (tools.csv) for outcomes.
DESCRIPTOR_GROUPS: list[tuple[str, str, str, str]] = [
    # group key, breakdown variable_a|variable_b, codes "code:weight;...", own ADSM key ("" = GAD-7)
    (
        "depression",
        "Depression|NULL",
        "F32.0:8;F32.1:30;F32.2:8;F32.3:1;F32.8:1;F32.9:20;F33.0:6;F33.1:17;F33.2:5;F33.3:1;F33.4:1;F33.8:1;F33.9:3",
        "",
    ),
    ("gad", "Anxiety and stress related disorders|Generalised anxiety disorder", "F41.1:1", ""),
    ("mixed", "Anxiety and stress related disorders|Mixed anxiety and depressive disorder", "F41.2:1", ""),
    ("ptsd", "Anxiety and stress related disorders|Post-traumatic stress disorder", "F43.1:1", "ptsd"),
    ("social_phobia", "Anxiety and stress related disorders|Social phobias", "F40.1:1", "spin"),
    (
        "ocd",
        "Anxiety and stress related disorders|Obsessive-compulsive disorder",
        "F42.0:2;F42.1:1;F42.2:4;F42.8:1;F42.9:2",
        "oci",
    ),
    (
        "panic",
        "Anxiety and stress related disorders|Panic disorder [episodic paroxysmal anxiety]",
        "F41.0:1",
        "pdss",
    ),
    ("health_anxiety", "Anxiety and stress related disorders|Hypochondriacal disorders", "F45.2:1", "hai"),
    ("agoraphobia", "Anxiety and stress related disorders|Agoraphobia", "F40.0:1", "mi_alone"),
    ("specific_phobia", "Anxiety and stress related disorders|Specific (isolated) phobias", "F40.2:1", ""),
    (
        "other_anxiety",
        "Anxiety and stress related disorders|Other anxiety or stress related disorder",
        "F40.8:1;F40.9:1;F41.3:1;F41.8:2;F41.9:3;F43.0:1;F43.2:4;F43.8:1;F43.9:1",
        "",
    ),
    ("other_mh", "Other Mental Health problems|Other", "F45.0:2;F45.4:2;F50.2:2;F50.9:1;F51.0:2;F99:1", ""),
    ("other_recorded", "Other recorded problems|NULL", "Z73.0:3;Z63.0:2;G47.0:2;R45.8:2;Z60.2:1", ""),
    ("not_stated", "Not stated/Not known/Invalid|Not stated/Not known/Invalid", "", ""),
]

# Breakdown labels -> submitted codes.
AGE_BANDS = {  # label -> list of (age range "lo-hi", share within the label; assumption for 26-64)
    "Under 18": [("16-17", 1.0)],
    "18 to 25": [("18-25", 1.0)],
    "26 to 64": [("26-35", 0.33), ("36-45", 0.27), ("46-55", 0.23), ("56-64", 0.17)],
    "65 to 74": [("65-74", 1.0)],
    "75 to 89": [("75-89", 1.0)],
    "90 and over": [("90-99", 1.0)],
}
GENDERS = {
    "Female": "2",
    "Male": "1",
    "Indeterminate (unable to be classified as male or female)": "9",
    "Not stated/Not known/Invalid": "X",
}
ETHNIC = {
    "British": "A",
    "Irish": "B",
    "Any other White background": "C",
    "White and Black Caribbean": "D",
    "White and Black African": "E",
    "White and Asian": "F",
    "Any other Mixed background": "G",
    "Indian": "H",
    "Pakistani": "J",
    "Bangladeshi": "K",
    "Any other Asian background": "L",
    "Caribbean": "M",
    "African": "N",
    "Any other Black background": "P",
    "Chinese": "R",
    "Any Other Ethnic Group": "S",
}
RELIGION = {  # label -> (IDS011 SNOMED, v1.5 ReligiousGroup code (assumed A-N list))
    "Baha`i": ("429732005", "A"),
    "Buddhist": ("309687009", "B"),
    "Christian": ("160549006", "C"),
    "Hindu": ("160545000", "D"),
    "Jain": ("429787006", "E"),
    "Jewish": ("160543007", "F"),
    "Muslim": ("309884000", "G"),
    "Pagan": ("205141000000101", "H"),
    "Sikh": ("366740002", "I"),
    "Zoroastrian": ("429790000", "J"),
    "Other": ("62458008", "K"),
    "None": ("160552003", "L"),
}
SEXUAL_ORIENTATION = {  # label -> (IDS011 SNOMED, v1.5 code 1-4/Z (assumed: 1 heterosexual, 2 gay/lesbian, 3 bisexual))
    "Heterosexual": ("20430005", "1"),
    "Gay/Lesbian": ("89217008", "2"),
    "Bi-sexual": ("42035005", "3"),
}
CARE_CLUSTERS = {
    "Common Mental Health Problems (Low Severity)": "01",
    "Common Mental Health Problems (Low Severity with Greater Need)": "02",
    "Non-Psychotic (Moderate Severity)": "03",
    "Non-Psychotic (Severe)": "04",
    "Non-Psychotic Disorders (Very Severe)": "05",
    "Non-Psychotic Disorders": "07",
    "Psychosis": "11",
    "Cognitive impairment or dementia": "18",
    "Other mental health care cluster": "00",
}

# Mixes with no published breakdown in the reference: documented assumptions (source "assumption").
ASSUMED: dict[str, list[tuple[str, float]]] = {
    "source_of_referral": [
        ("B1", 60.0),
        ("A1", 27.0),
        ("A3", 2.0),
        ("H2", 1.5),
        ("G4", 1.0),
        ("M6", 2.0),
        ("I2", 1.0),
        ("P1", 1.0),
        ("M7", 1.0),
        ("C1", 0.5),
        ("D2", 0.5),
        ("N1", 0.5),
        ("B2", 0.5),
        ("A4", 0.5),
        ("M2", 0.5),
        ("H1", 0.5),
    ],
    "employment_status": [
        ("01", 55.0),
        ("02", 11.0),
        ("03", 7.0),
        ("04", 8.0),
        ("05", 4.0),
        ("06", 3.0),
        ("07", 1.0),
        ("08", 6.0),
        ("ZZ", 5.0),
    ],
    "language": [
        ("en", 93.0),
        ("pl", 1.0),
        ("ur", 0.8),
        ("pa", 0.6),
        ("bn", 0.6),
        ("ar", 0.6),
        ("ro", 0.5),
        ("pt", 0.5),
        ("so", 0.4),
        ("tr", 0.4),
        ("gu", 0.4),
        ("fa", 0.3),
        ("ku", 0.3),
        ("lt", 0.3),
        ("ta", 0.2),
        ("zh", 0.2),
    ],
    "ex_forces": [("03", 88.0), ("02", 2.0), ("05", 1.0), ("UU", 4.0), ("ZZ", 5.0)],
    "consultation_medium": [  # 2020-21 (the pandemic year): mostly remote
        ("02", 55.0),
        ("03", 25.0),
        ("01", 12.0),
        ("05", 2.0),
        ("06", 1.0),
        ("08", 3.0),
        ("04", 0.5),
        ("98", 1.5),
    ],
    "psychotropic_medication": [("01", 30.0), ("02", 15.0), ("03", 45.0), ("ZZ", 10.0)],
    "ltc_code": [  # within "has a long-term condition" (v1.5 pilot code, SNOMED)
        ("17:373673007", 22.0),
        ("12:195967001", 18.0),
        ("16:928000", 15.0),
        ("10:73211009", 12.0),
        ("14:56265001", 7.0),
        ("20:53619000", 7.0),
        ("19:95320005", 5.0),
        ("11:13645005", 4.0),
        ("15:363346000", 4.0),
        ("13:50043002", 3.0),
        ("18:84757009", 3.0),
    ],
    "iet_programme": [
        ("SilverCloud", 55.0),
        ("Minddistrict", 12.0),
        ("Beating the Blues", 8.0),
        ("Sleepio", 8.0),
        ("Daylight", 5.0),
        ("iCT", 4.0),
        ("Fear Fighter", 3.0),
        ("OCD-NET", 2.0),
        ("Deprexis", 3.0),
    ],
    "unknown_commissioner": [
        ("7A1", 1.0),
        ("7A2", 1.0),
        ("7A3", 1.0),
        ("7A4", 1.0),
        ("7A5", 1.0),
        ("7A6", 1.0),
    ],
    "primary_system": [("IAPTus", 55.0), ("PCMIS", 30.0), ("SystmOne", 10.0), ("Rio", 5.0)],
}


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    return list(con.execute(sql, params or []).fetchall())


def _write(name: str, header: list[str], rows: list[list[Any]]) -> None:
    with open(DATA / name, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    print(f"wrote {DATA / name} ({len(rows)} rows)")


def derive(reference: Path) -> None:
    con = duckdb.connect()
    con.execute("create table p as select * from read_csv(?, all_varchar = true)", [str(reference / PROVIDERS)])
    con.execute("create table t as select * from read_csv(?, all_varchar = true)", [str(reference / TOTALS)])
    con.execute("create table b as select * from read_csv(?, all_varchar = true)", [str(reference / BREAKDOWNS)])

    # providers: active, with an ICB and region; 2023-24 published referrals where the provider reported
    providers = _rows(
        con,
        """
        select p.org_code, p.org_name, p.icb_code, p.icb_name, p.region_code, p.region_name, p.postcode,
               try_cast(t.value as bigint) as referrals
        from p
        left join t on t.org_code = p.org_code and t.org_type = 'Provider' and t.reporting_period = ?
             and t.measure_name = 'referrals_received'
        where p.status = 'Active' and p.icb_code is not null
        order by p.org_code
        """,
        [YEAR],
    )
    _write(
        "providers.csv",
        [
            "org_code",
            "org_name",
            "icb_code",
            "icb_name",
            "region_code",
            "region_name",
            "postcode",
            "referrals_2023_24",
        ],
        [[*r[:7], "" if r[7] is None else r[7]] for r in providers],
    )

    # synthetic Sub-ICB codes: 2-6 per ICB (by the ICB's provider count), "NNL" shaped like the real ones
    by_icb: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for r in providers:
        by_icb[str(r[2])].append(r)
    letters = "ABCDEFGHJKLMNPQRTVWXY"
    used: set[str] = set()
    sub_rows: list[list[Any]] = []
    for icb in sorted(by_icb):
        members = by_icb[icb]
        count = min(6, 2 + len(members) // 3)
        state = zlib.crc32(icb.encode())
        for i in range(count):
            while True:
                state = (state * 1103515245 + 12345) % (1 << 31)
                code = f"{(state >> 8) % 100:02d}{letters[(state >> 16) % len(letters)]}"
                if code not in used and not code.startswith("7A"):
                    used.add(code)
                    break
            share = round(1.0 / (i + 1.5), 4)  # a dominant Sub-ICB and smaller ones
            sub_rows.append([code, f"{members[0][3]} - Sub-ICB {i + 1} (synthetic)", icb, members[0][4], share])
    _write("sub_icbs.csv", ["sub_icb_code", "sub_icb_name", "icb_code", "region_code", "share"], sub_rows)

    # problem descriptors with the published finished-treatment outcomes per group
    pivot = {
        (r[0], r[1]): r[2]
        for r in _rows(
            con,
            "select variable_a || '|' || variable_b, measure_name || '_' || measure_statistic, value from b"
            " where reporting_period = ? and variable_type = 'Presenting Complaint'",
            [YEAR],
        )
    }
    desc_rows = []
    for key, label, codes, own in DESCRIPTOR_GROUPS:

        def val(measure: str, label: str = label) -> str:
            return str(pivot[(label, measure)])

        desc_rows.append(
            [
                key,
                codes,
                own,
                val("finished_course_treatment_count"),
                val("not_at_caseness_count"),
                val("at_caseness_count"),
                val("recovery_percentage"),
                val("reliable_recovery_percentage"),
                val("improvement_percentage"),
                val("deterioration_percentage"),
                f"{SRC_BD}: Presenting Complaint {label}",
            ]
        )
    _write(
        "descriptors.csv",
        [
            "descriptor_group",
            "icd10_codes",
            "own_adsm",
            "finished",
            "not_at_caseness",
            "at_caseness",
            "recovery_pct",
            "reliable_recovery_pct",
            "improvement_pct",
            "deterioration_pct",
            "source",
        ],
        desc_rows,
    )

    # demographic mixes: referrals received by breakdown
    def breakdown(variable_type: str) -> list[tuple[str, str, int]]:
        return [
            (str(r[0]), str(r[1]), int(r[2]))
            for r in _rows(
                con,
                "select variable_a, variable_b, try_cast(value as bigint) from b where reporting_period = ?"
                " and variable_type = ? and measure_name = 'referrals_received' and value <> 'NULL'"
                " order by 1, 2",
                [YEAR, variable_type],
            )
        ]

    mix: list[list[Any]] = []
    for a, _, n in breakdown("Age Group"):
        for band, share in AGE_BANDS[a]:
            source = f"{SRC_BD}: Age Group {a}" + (" (split within the band: assumption)" if share < 1 else "")
            mix.append(["age_band", band, round(n * share), source])
    for a, _, n in breakdown("Gender"):
        mix.append(["gender", GENDERS[a], n, f"{SRC_BD}: Gender {a}"])
    for a, bb, n in breakdown("Ethnic Group"):
        if bb in ETHNIC:
            mix.append(["ethnicity", ETHNIC[bb], n, f"{SRC_BD}: Ethnic Group {a}/{bb}"])
        elif a.startswith("Not stated"):
            mix.append(
                [
                    "ethnicity",
                    "Z",
                    round(n * 0.6),
                    f"{SRC_BD}: Ethnic Group not stated (Z/99 split: assumption)",
                ]
            )
            mix.append(
                [
                    "ethnicity",
                    "99",
                    round(n * 0.4),
                    f"{SRC_BD}: Ethnic Group not stated (Z/99 split: assumption)",
                ]
            )
    for a, _, n in breakdown("Religion"):
        if a in RELIGION:
            snomed, v15 = RELIGION[a]
            mix.append(["religion", f"{snomed}:{v15}", n, f"{SRC_BD}: Religion {a}"])
        else:
            src = f"{SRC_BD}: Religion not stated (stated-as-declined / no record split: assumption)"
            mix.append(["religion", "763896000:M", round(n * 0.2), src])
            mix.append(["religion", ":", round(n * 0.8), src])
    for a, _, n in breakdown("Sexual Orientation Type"):
        if a in SEXUAL_ORIENTATION:
            snomed, v15 = SEXUAL_ORIENTATION[a]
            mix.append(["sexual_orientation", f"{snomed}:{v15}", n, f"{SRC_BD}: Sexual Orientation {a}"])
        else:
            mix.append(["sexual_orientation", ":Z", n, f"{SRC_BD}: Sexual Orientation {a} (no IDS011 record)"])
    for a, _, n in breakdown("Disability Type"):
        code = a.split(" ")[0]
        if a == "No Code Recorded":
            code = ""
        elif a == "Invalid Code":
            continue  # invalid codes come from the defect injector
        mix.append(["disability", code, n, f"{SRC_BD}: Disability Type {a}"])
    for a, _, n in breakdown("Long Term Condition Status"):
        code = {"Long term condition": "ltc", "No long term condition": "none"}.get(a, "")
        mix.append(["ltc_status", code, n, f"{SRC_BD}: Long Term Condition Status {a}"])
    for a, _, n in breakdown("Mental Health Care Cluster"):
        mix.append(["care_cluster", CARE_CLUSTERS.get(a, ""), n, f"{SRC_BD}: Mental Health Care Cluster {a}"])
    for variable, values in ASSUMED.items():
        for code, weight in values:
            mix.append([variable, code, weight, "assumption (no published breakdown in the reference)"])
    _write("mix.csv", ["variable", "code", "weight", "source"], mix)

    # the published England headline figures the calibration report compares with
    total = {
        str(r[0]): r[1]
        for r in _rows(
            con,
            "select measure_name || '_' || measure_statistic, value from t where org_type = 'England'"
            " and reporting_period = ?",
            [YEAR],
        )
    }
    referrals = int(total["referrals_received_count"])
    finished = int(total["finished_course_treatment_count"])
    not_case = int(total["not_at_caseness_count"])
    src = f"{TOTALS} England {YEAR}"
    published = [
        ["referrals_received", referrals, src],
        ["finished_course_treatment", finished, src],
        ["recovery_pct", total["recovery_percentage"], src],
        ["reliable_improvement_pct", total["improvement_percentage"], src],
        ["deterioration_pct", total["deterioration_percentage"], src],
        ["reliable_recovery_pct", total["reliable_recovery_percentage"], src],
        ["not_at_caseness_pct", round(100 * not_case / finished, 1), f"{src} (not_at_caseness / finished)"],
        [
            "finished_share_pct",
            round(100 * finished / referrals, 1),
            f"{src} (finished / referrals received)",
        ],
        [
            "first_treatment_6_weeks_pct",
            89.0,
            "issue target (2017-18 to 2021-22 England breakdowns: 87.4-91.1)",
        ],
        [
            "first_treatment_18_weeks_pct",
            98.0,
            "issue target (2017-18 to 2021-22 England breakdowns: 98.0-99.0)",
        ],
    ]
    _write("published_england.csv", ["measure", "value", "source"], published)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m iapt_warehouse.synth.derive_reference REFERENCE_DIR", file=sys.stderr)
        return 2
    derive(Path(argv[0]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
