"""The Great Expectations checks, as data: one `Check` per expectation, grouped into one suite per table.

Every check is a GX `UnexpectedRowsExpectation` whose query runs inside DuckDB and returns one row per
(provider, month, item) that breaks the expectation, with the number of offending records:

    select <provider> as provider, <month> as month, <item> as item, count(*) as unexpected_count ...

so the work (and the memory) stays in DuckDB at any scale, and a failure names provider, month, item
and count. `{batch}` is the suite's table; a query may join other warehouse tables by schema.name.

Severity (docs/great-expectations.md): "error" (GX `critical`) for warehouse invariants — something the
loader or the dbt models guarantee, so a breach is a warehouse bug and fails `iapt validate`; "warn"
(GX `warning`) for provider data-quality problems (invalid codes, rejected rows, broken continuity),
which are reported, and are what the synthetic generator's injected defects produce.

Layers: landing (hand-written below), staging (validity and completeness generated from the data
dictionary, `contract/data_dictionary.csv`, plus referential integrity, ranges and continuity written
here), marts and publication (the statements of docs/data-quality.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from iapt_warehouse import contract, staging_yaml

ERROR = "error"
WARN = "warn"
LAYERS = ("landing", "staging", "marts", "publication")


@dataclass(frozen=True)
class Check:
    """One expectation: `query` returns provider, month, item, unexpected_count for each breach."""

    layer: str
    table: str  # schema.table the suite validates ({batch})
    name: str
    severity: str  # error | warn
    description: str
    query: str

    @property
    def suite(self) -> str:
        return self.table.replace(".", "__")


def _q(provider: str, month: str, item: str, rest: str) -> str:
    """The common shape: provider, month, item, unexpected_count grouped by the first three."""
    body = " ".join(rest.split())
    return (
        f"select {provider} as provider, {month} as month, {item} as item, count(*) as unexpected_count "
        f"{body} group by all order by all"
    )


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


# --- landing -------------------------------------------------------------------------------------------------------

_ACCEPTED = "s.status <> 'rejected'"


def _landing_row_union() -> str:
    parts = [
        f"select _submission_id, {_sql_text(t.name)} as table_name, count(*) as n "
        f"from landing.{t.landing_name} group by all"
        for t in contract.all_tables()
    ]
    return " union all ".join(parts)


def landing_checks() -> list[Check]:
    s_cols = "s.org_code_provider", "s.reporting_period_start"
    versions = ", ".join(_sql_text(v) for v in contract.VERSIONS)
    header_tables = ", ".join(f"({_sql_text(v)}, {_sql_text(t)})" for v, t in contract.HEADER_TABLE.items())
    return [
        Check(
            "landing",
            "landing.submission_files",
            "file_rows_accounted_for",
            ERROR,
            "Every row of every file is loaded or rejected: rows_in_file = rows_loaded + rows_rejected.",
            _q(
                *s_cols,
                "f.table_name",
                "from {batch} f join landing.submissions s using (submission_id)"
                " where f.rows_in_file <> f.rows_loaded + f.rows_rejected",
            ),
        ),
        Check(
            "landing",
            "landing.submission_files",
            "loaded_rows_match_the_header_totals",
            ERROR,
            "The per-table totals recorded in the submission header (landing.submissions.rows_per_table) equal"
            " the rows loaded per file and the rows actually in the landing table for that submission.",
            _q(
                *s_cols,
                "f.table_name",
                "from {batch} f join landing.submissions s using (submission_id)"
                f" left join ({_landing_row_union()}) l"
                " on l._submission_id = f.submission_id and l.table_name = f.table_name"
                " where cast(json_extract(s.rows_per_table, '$.\"' || f.table_name || '\"') as bigint)"
                " is distinct from f.rows_loaded or coalesce(l.n, 0) <> f.rows_loaded",
            ),
        ),
        Check(
            "landing",
            "landing.submissions",
            "header_totals_add_up",
            ERROR,
            "An accepted submission's header totals add up: rows_submitted = rows_loaded + rows_rejected, and"
            " rows_loaded is the sum of its files' loaded rows.",
            _q(
                *s_cols,
                "'rows_submitted'",
                "from {batch} s where " + _ACCEPTED + " and (s.rows_submitted <> s.rows_loaded + s.rows_rejected"
                " or s.rows_loaded <> (select coalesce(sum(f.rows_loaded), 0) from landing.submission_files f"
                " where f.submission_id = s.submission_id))",
            ),
        ),
        Check(
            "landing",
            "landing.submissions",
            "header_is_valid",
            ERROR,
            "An accepted submission has a valid header: known data-set version, a provider, a reporting period"
            " of exactly one calendar month, a creation time after the period, a window that matches it.",
            _q(
                "coalesce(s.org_code_provider, '?')",
                "s.reporting_period_start",
                "'header'",
                "from {batch} s where " + _ACCEPTED + f" and (s.dataset_version is null"
                f" or s.dataset_version not in ({versions}) or s.org_code_provider is null"
                " or s.reporting_period_start is null"
                " or s.reporting_period_start <> date_trunc('month', s.reporting_period_start)"
                " or s.reporting_period_end <> last_day(s.reporting_period_start)"
                " or s.created_at is null or s.created_at < s.reporting_period_end + interval 1 day"
                " or s.submission_window is null)",
            ),
        ),
        Check(
            "landing",
            "landing.submissions",
            "header_table_submitted",
            ERROR,
            "Every accepted submission has its header table file (IDS000Header or IAPTDataSetHeader).",
            _q(
                *s_cols,
                "h.table_name",
                f"from {{batch}} s join (values {header_tables}) h(dataset_version, table_name) using (dataset_version)"
                " where " + _ACCEPTED + " and not exists (select 1 from landing.submission_files f"
                " where f.submission_id = s.submission_id and f.table_name = h.table_name)",
            ),
        ),
        Check(
            "landing",
            "landing.submissions",
            "core_tables_submitted",
            WARN,
            "Every accepted submission sends its person and referral tables (IDS001MPI and IDS101Referral, or"
            " IAPTDataSetPerson and IAPTDataSetReferral); the other tables may be omitted when empty.",
            _q(
                *s_cols,
                "t.table_name",
                "from {batch} s join (values ('2.0', 'IDS001MPI'), ('2.0', 'IDS101Referral'),"
                " ('1.5', 'IAPTDataSetPerson'), ('1.5', 'IAPTDataSetReferral')) t(dataset_version, table_name)"
                " using (dataset_version) where " + _ACCEPTED + " and not exists (select 1 from"
                " landing.submission_files f where f.submission_id = s.submission_id and f.table_name = t.table_name"
                " and f.rows_loaded > 0)",
            ),
        ),
        Check(
            "landing",
            "landing.rejections",
            "rows_rejected",
            WARN,
            "Rows the loader rejected (bad date, duplicate key, orphan, missing required item) per table item"
            " and rule; whole packages rejected count once with item 'package'.",
            _q(
                "coalesce(s.org_code_provider, '?')",
                "s.reporting_period_start",
                "coalesce(r.table_name || '.' || coalesce(r.item, '') || ' (' || r.rule || ')',"
                " 'package (' || r.rule || ')')",
                "from {batch} r join landing.submissions s using (submission_id)",
            ),
        ),
    ]


# --- staging -------------------------------------------------------------------------------------------------------

_STG = "org_code_provider", "reporting_period_start"


def _item_case(items: dict[str, list[str]]) -> str:
    """The submitted item name of a row: by data-set version when it differs between versions."""
    names = {v: "/".join(sorted(set(n))) for v, n in items.items()}
    if len(set(names.values())) == 1:
        return _sql_text(next(iter(names.values())))
    whens = " ".join(f"when {_sql_text(v)} then {_sql_text(n)}" for v, n in sorted(names.items()))
    return f"case dataset_version {whens} end"


def _version_filter(versions: set[str], model_versions: set[str]) -> str:
    if model_versions <= versions:
        return ""
    return " and dataset_version in (" + ", ".join(_sql_text(v) for v in sorted(versions)) + ")"


def staging_dictionary_checks(root: Path) -> list[Check]:
    """Completeness and validity of every staging column that is a submitted item, from the dictionary."""
    by_column: dict[tuple[str, str], list[contract.Entry]] = {}
    model_versions: dict[str, set[str]] = {}
    for e in contract.dictionary():
        if not (e.conformed_model and e.conformed_column) or not e.conformed_model.startswith("stg_"):
            continue
        model_versions.setdefault(e.conformed_model, set()).add(e.item.dataset_version)
        if e.describes_column and e.conformance != "header":
            by_column.setdefault((e.conformed_model, e.conformed_column), []).append(e)
    seed_header: dict[str, list[str]] = {}
    checks: list[Check] = []
    for (model, column), entries in sorted(by_column.items()):
        table = f"staging.{model}"
        mv = model_versions[model]
        items: dict[str, list[str]] = {}
        for e in entries:
            items.setdefault(e.item.dataset_version, []).append(f"{e.item.table_name}.{e.item.name}")
        required = {e.item.dataset_version for e in entries if e.item.required}
        if required:
            req_items = {v: n for v, n in items.items() if v in required}
            checks.append(
                Check(
                    "staging",
                    table,
                    f"{column}__required",
                    ERROR,
                    f"{column} is never null: the contract requires it and the loader rejects rows without it.",
                    _q(
                        *_STG,
                        _item_case(req_items),
                        f"from {{batch}} where {column} is null" + _version_filter(required, mv),
                    ),
                )
            )
        seeds: dict[tuple[str, str], set[str]] = {}
        valid: dict[tuple[str, ...], set[str]] = {}
        for e in entries:
            if e.code_list and e.code_list_column:
                if e.code_list_complete:
                    seeds.setdefault((e.code_list, e.code_list_column), set()).add(e.item.dataset_version)
            elif e.valid_values:
                valid.setdefault(e.valid_values, set()).add(e.item.dataset_version)
        for (seed, seed_column), versions in sorted(seeds.items()):
            if seed not in seed_header:
                seed_header[seed] = _Seeds(root).columns(seed)
            if "dataset_version" in seed_header[seed]:
                match = f"c.dataset_version = b.dataset_version and c.{seed_column} = b.{column}"
            else:
                match = f"c.{seed_column} = b.{column}"
            vitems = {v: n for v, n in items.items() if v in versions}
            checks.append(
                Check(
                    "staging",
                    table,
                    f"{column}__in_{seed}" + (_vsuffix(versions) if len(seeds) > 1 else ""),
                    WARN,
                    f"{column} is a code of {seed} (the data dictionary's code list), or null.",
                    _q(
                        "b.org_code_provider",
                        "b.reporting_period_start",
                        _item_case(vitems),
                        f"from {{batch}} b where b.{column} is not null"
                        + _version_filter(versions, mv).replace("dataset_version", "b.dataset_version")
                        + f" and not exists (select 1 from staging.{seed} c where {match})",
                    ),
                )
            )
        for values, versions in sorted(valid.items()):
            vitems = {v: n for v, n in items.items() if v in versions}
            listed = ", ".join(_sql_text(v) for v in values)
            checks.append(
                Check(
                    "staging",
                    table,
                    f"{column}__valid_values" + (_vsuffix(versions) if len(valid) > 1 else ""),
                    WARN,
                    f"{column} is one of {', '.join(values)} (the data dictionary's valid values), or null.",
                    _q(
                        *_STG,
                        _item_case(vitems),
                        f"from {{batch}} where {column} is not null"
                        f" and cast({column} as varchar) not in ({listed})" + _version_filter(versions, mv),
                    ),
                )
            )
    return checks


def _vsuffix(versions: set[str]) -> str:
    return "__v" + "_v".join(v.replace(".", "") for v in sorted(versions))


class _Seeds:
    def __init__(self, root: Path) -> None:
        self.root = root

    def columns(self, seed: str) -> list[str]:
        path = self.root / staging_yaml.SEEDS_DIR / f"{seed}.csv"
        if not path.exists():
            raise staging_yaml.GenerationError(f"code list seed {seed} is not in {staging_yaml.SEEDS_DIR}")
        return path.read_text(encoding="utf-8").splitlines()[0].split(",")


_REFERRAL_ID = (
    "case dataset_version when '1.5' then 'IAPTDataSetReferral.ServiceID' else 'IDS101Referral.ServiceRequestId' end"
)


def staging_checks() -> list[Check]:
    """Referential integrity, ranges, formats and continuity (not per item, so written here)."""
    checks = [
        Check(
            "staging",
            f"staging.{model}",
            "pathway_in_referrals",
            ERROR,
            f"Every {what} belongs to a referral of the same submission (the loader rejects orphans).",
            _q(
                "b.org_code_provider",
                "b.reporting_period_start",
                _sql_text(what),
                "from {batch} b where not exists (select 1 from staging.stg_iapt__referrals r"
                " where r.pathway_key = b.pathway_key and r.submission_id = b.submission_id)",
            ),
        )
        for model, what in (("stg_iapt__care_contacts", "care contact"), ("stg_iapt__coded_scores", "coded score"))
    ]
    checks += [
        Check(
            "staging",
            "staging.stg_iapt__coded_scores",
            "score_in_tool_range",
            WARN,
            "Every score lies in its assessment tool's range (seeds/reference/ref_assessment_tools.csv).",
            _q(*_STG, "source_table || ' ' || coalesce(tool_name, tool_code)", "from {batch} where not is_in_range"),
        ),
        Check(
            "staging",
            "staging.stg_iapt__referrals",
            "commissioner_code_format",
            WARN,
            "The commissioner code has the form of an ODS code: 3 to 5 capital letters and digits.",
            _q(
                *_STG,
                "case dataset_version when '1.5' then 'IAPTDataSetReferral.OrgCodeComm'"
                " else 'IDS101Referral.OrgIDComm' end",
                "from {batch} where org_code_commissioner is not null"
                " and not regexp_full_match(org_code_commissioner, '[A-Z0-9][A-Z0-9][A-Z0-9][A-Z0-9]?[A-Z0-9]?')",
            ),
        ),
        Check(
            "staging",
            "staging.stg_iapt__referrals",
            "referral_dates_in_order",
            WARN,
            "A referral is not discharged before it was received.",
            _q(*_STG, _REFERRAL_ID, "from {batch} where discharge_date < referral_received_date"),
        ),
        Check(
            "staging",
            "staging.stg_iapt__referrals",
            "pathway_continuity",
            WARN,
            "An open referral (no discharge date) in a provider's previous month is sent again in the provider's"
            " next month (NHS rule: open referrals are re-sent until discharged). Counted in the later month.",
            _q(
                "p.org_code_provider",
                "n.reporting_period_start",
                _REFERRAL_ID.replace("dataset_version", "p.dataset_version"),
                "from {batch} p join (select distinct org_code_provider, reporting_period_start"
                " from staging.stg_iapt__referrals) n on n.org_code_provider = p.org_code_provider"
                " and n.reporting_period_start = p.reporting_period_start + interval 1 month"
                " where p.discharge_date is null and not exists (select 1 from staging.stg_iapt__referrals r"
                " where r.org_code_provider = p.org_code_provider and r.pathway_key = p.pathway_key"
                " and r.reporting_period_start = n.reporting_period_start)",
            ),
        ),
    ]
    return checks


# --- marts and publication -----------------------------------------------------------------------------------------

_PUB_ORG = "group_type || ' ' || case when org_code2 <> 'all' then org_code1 || '/' || org_code2 else org_code1 end"


def mart_checks() -> list[Check]:
    flags = [
        "is_assessed_for_outcomes",
        "is_caseness",
        "is_not_caseness",
        "is_recovered",
        "is_reliable_improvement",
        "is_reliable_deterioration",
        "is_no_reliable_change",
        "is_reliable_recovery",
    ]
    any_flag = " or ".join(f"coalesce({f}, false)" for f in flags)
    checks = [
        Check(
            "marts",
            "marts.fct_outcomes",
            "outcomes_only_for_finished_courses",
            ERROR,
            "Every outcome row is a pathway that finished a course of treatment in that month.",
            _q(
                "o.org_code_provider",
                "o.reporting_period_start",
                "'fct_outcomes.pathway_key'",
                "from {batch} o left join marts.fct_referral_months r using (pathway_key, reporting_period_start)"
                " where not coalesce(r.is_finished_course_in_month, false)",
            ),
        ),
        Check(
            "marts",
            "marts.fct_referral_months",
            "outcome_flags_only_for_finished_courses",
            ERROR,
            "An outcome flag (assessed, caseness, recovery, reliable change) is set only on a pathway that"
            " finished a course of treatment in the month.",
            _q(
                *_STG,
                "'outcome flag'",
                f"from {{batch}} where not coalesce(is_finished_course_in_month, false) and ({any_flag})",
            ),
        ),
    ]
    for model in ("fct_referral_months", "fct_waiting_times"):
        for column in ("wait_first_assessment_days", "wait_first_treatment_days"):
            checks.append(
                Check(
                    "marts",
                    f"marts.{model}",
                    f"{column}_not_negative",
                    ERROR,
                    f"{column} is never negative.",
                    _q(*_STG, _sql_text(column), f"from {{batch}} where {column} < 0"),
                )
            )
    checks += [
        Check(
            "publication",
            "publication.monthly_activity",
            "recovery_denominator",
            ERROR,
            "Recovery and reliable recovery rates (M192, M195) use the denominator finished courses (M076)"
            " minus those not at caseness (M179): rate = 100 * count (M191, M193) / (M076 - M179).",
            _q(
                _PUB_ORG,
                "reporting_period_start",
                "rate.measure_id",
                "from {batch} rate"
                " join (values ('M192', 'M191'), ('M195', 'M193')) m(rate_id, count_id) on rate.measure_id = m.rate_id"
                " join publication.monthly_activity c using (reporting_period_start, group_type, org_code1, org_code2)"
                " join publication.monthly_activity f using (reporting_period_start, group_type, org_code1, org_code2)"
                " join publication.monthly_activity n using (reporting_period_start, group_type, org_code1, org_code2)"
                " where c.measure_id = m.count_id and f.measure_id = 'M076' and n.measure_id = 'M179'"
                " and ((f.measure_value - n.measure_value > 0"
                " and abs(rate.measure_value - 100.0 * c.measure_value / (f.measure_value - n.measure_value)) > 1e-6)"
                " or (f.measure_value - n.measure_value <= 0 and rate.measure_value is not null))",
            ),
        ),
    ]
    for table, month in (("monthly_activity", "reporting_period_start"), ("quarterly_breakdowns", "quarter_start")):
        org = _PUB_ORG if table == "monthly_activity" else "group_type || ' ' || org_code"
        checks.append(
            Check(
                "publication",
                f"publication.{table}",
                "disclosure_control_below_england",
                ERROR,
                "Below England every published count is '*' when under 5 and otherwise the value rounded to the"
                " nearest 5; every published percentage is '*' or a whole number (docs/publication.md).",
                _q(
                    org,
                    month,
                    "p.measure_id",
                    "from {batch} p join staging.ref_measure_catalogue m using (measure_id)"
                    " where p.group_type <> 'England' and ("
                    "(m.statistic = 'Count' and p.measure_value is not null and p.measure_value_suppressed"
                    " is distinct from case when p.measure_value < 5 then '*'"
                    " else cast(cast(5 * floor(p.measure_value / 5 + 0.5) as bigint) as varchar) end)"
                    " or (m.statistic = 'Percentage' and p.measure_value_suppressed is not null"
                    " and not regexp_full_match(p.measure_value_suppressed, '\\*|[0-9]+')))",
                ),
            )
        )
    return checks


def _aliased(check: Check) -> Check:
    """GX replaces `{batch}` with `(select ... ) AS subselect`, so an alias needs one more subquery."""
    query = re.sub(r"\{batch\} (?!where\b|group\b)(\w+)", r"(select * from {batch}) \1", check.query)
    return Check(check.layer, check.table, check.name, check.severity, check.description, query)


def all_checks(root: Path) -> list[Check]:
    checks = landing_checks() + staging_dictionary_checks(root) + staging_checks() + mart_checks()
    checks = [_aliased(c) for c in checks]
    names = [(c.suite, c.name) for c in checks]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise staging_yaml.GenerationError(f"expectation names used twice: {duplicates}")
    return checks
