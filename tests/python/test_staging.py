"""The conformed staging model on the fixture packages: one pathway across the v1.5 -> v2.0 change."""

from __future__ import annotations

import duckdb

GAD7 = "445455005"


def test_a_pathway_across_the_version_change_is_one_pathway_whose_gad7_scores_pair(built):
    db, _ = built
    con = duckdb.connect(str(db), read_only=True)
    months = con.execute(
        "select dataset_version, reporting_period_start::varchar from staging.stg_iapt__referrals"
        " where pathway_key = 'RHA:1001' order by 2"
    ).fetchall()
    assert months == [("1.5", "2020-07-01"), ("1.5", "2020-08-01"), ("2.0", "2020-09-01")]
    contacts = con.execute(
        "select dataset_version, count(*) from marts.fct_care_contacts"
        " where pathway_key = 'RHA:1001' group by 1 order by 1"
    ).fetchall()
    assert contacts == [("1.5", 2), ("2.0", 2)]
    gad7 = con.execute(
        "select dataset_version, score from staging.stg_iapt__coded_scores"
        " where pathway_key = 'RHA:1001' and tool_code = ? and is_in_range order by score_date",
        [GAD7],
    ).fetchall()
    # First (v1.5, July) and last (v2.0, September) GAD-7 are the same tool: the pathway is paired.
    assert gad7 == [("1.5", 14.0), ("1.5", 11.0), ("2.0", 7.0), ("2.0", 5.0)]
    con.close()


def test_v15_scores_map_to_v20_tool_codes(built):
    db, _ = built
    con = duckdb.connect(str(db), read_only=True)
    tools = con.execute(
        "select distinct tool_code from staging.stg_iapt__coded_scores where dataset_version = '1.5' order by 1"
    ).fetchall()
    assert tools == [(GAD7,), ("720433000",)]  # the fixtures' v1.5 appointments carry PHQ-9 and GAD-7
    con.close()
