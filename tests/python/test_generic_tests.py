"""The in-house generic dbt tests (tests/generic/), run on DuckDB outside dbt: each finds what it must."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import jinja2

GENERIC = Path(__file__).resolve().parents[1] / "generic"


def _render_test(name: str, **kwargs: object) -> str:
    """The SQL of generic test `name` for the given arguments (the body of its `{% test %}` block)."""
    text = (GENERIC / f"{name}.sql").read_text()
    body = re.search(r"{%\s*test\s+" + name + r"\(.*?\)\s*%}(.*?){%\s*endtest\s*%}", text, re.S)
    assert body is not None
    return jinja2.Environment().from_string(body.group(1)).render(**kwargs)


def _failures(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[object, ...]]:
    return sorted(con.execute(sql).fetchall(), key=repr)


def test_unique_combination_of_columns_finds_every_duplicate() -> None:
    con = duckdb.connect()
    con.execute(
        "create table t as select * from (values"
        " ('a', 1, 'x'), ('a', 1, 'y'), ('a', 2, 'x'),"  # unique combinations
        " ('b', 1, 'x'), ('b', 1, 'x'), ('b', 1, 'x'),"  # three copies of one
        " (null, 1, null), (null, 1, null),"  # nulls compare equal for uniqueness
        " ('c', null, 'z')) as v(k, n, s)"
    )
    sql = _render_test("unique_combination_of_columns", model="t", combination_of_columns=["k", "n", "s"])
    assert _failures(con, sql) == sorted([("b", 1, "x", 3), (None, 1, None, 2)], key=repr)
    # a wide table of distinct rows (many hashes, sorted) has none; one copy added is found
    con.execute("create table w as select i % 1000 as a, i // 1000 as b from range(200000) as r(i)")
    sql = _render_test("unique_combination_of_columns", model="w", combination_of_columns=["a", "b"])
    assert _failures(con, sql) == []
    con.execute("insert into w values (999, 199)")
    assert _failures(con, sql) == [(999, 199, 2)]


def test_a_hash_collision_is_not_a_duplicate() -> None:
    """Rows whose hashes are equal but whose values differ are cleared by the exact check."""
    con = duckdb.connect()
    con.execute("create table t as select * from (values (1, 'p'), (2, 'q'), (3, 'r')) as v(a, b)")
    sql = _render_test("unique_combination_of_columns", model="t", combination_of_columns=["a", "b"])
    collided = sql.replace("hash(a, b)", "hash(a > 0)")  # every row gets one hash: all are candidates
    assert collided != sql
    assert _failures(con, collided) == []
