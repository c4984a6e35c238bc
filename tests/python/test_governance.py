"""The governance check finds each kind of violation and passes a clean manifest."""

from __future__ import annotations

from iapt_warehouse.governance import check_manifest


def model(path: str, description: str = "d", columns: dict | None = None, sources: list | None = None, **extra):
    return {
        "resource_type": "model",
        "package_name": "p",
        "original_file_path": path,
        "description": description,
        "columns": columns or {},
        "sources": sources or [],
        **extra,
    }


def manifest(nodes: dict) -> dict:
    return {"metadata": {"project_name": "p"}, "nodes": nodes}


def test_each_violation_is_reported():
    nodes = {
        "model.p.undescribed": model("models/staging/a.sql", description=""),
        "model.p.untested": model("models/staging/b.sql"),
        "model.p.source_in_mart": model("models/marts/c.sql", sources=[["landing", "x"]]),
        "model.p.mart_column": model("models/marts/d.sql", columns={"x": {"description": ""}}),
        "seed.p.s": {"resource_type": "seed", "package_name": "p", "original_file_path": "seeds/s.csv"},
        "test.p.t": {
            "resource_type": "test",
            "package_name": "p",
            "depends_on": {"nodes": ["model.p.undescribed", "model.p.source_in_mart", "model.p.mart_column"]},
        },
    }
    problems = check_manifest(manifest(nodes))
    assert sorted(problems) == [
        "models/marts/c.sql: source() used outside models/staging",
        "models/marts/d.sql: marts column x has no description",
        "models/staging/a.sql: model has no description",
        "models/staging/b.sql: model has no data test",
        "seeds/s.csv: seed has no description",
    ]


def test_a_contract_with_constraints_counts_as_tested():
    contracted = model(
        "models/marts/e.sql",
        columns={"x": {"description": "x", "constraints": [{"type": "not_null"}]}},
        contract={"enforced": True},
    )
    assert check_manifest(manifest({"model.p.e": contracted})) == []
