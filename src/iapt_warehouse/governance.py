"""Package-free governance checks over the dbt manifest (`iapt governance`, run in `make test`).

Rules (STYLE_GUIDE.md): every model has a description and at least one data test (or, for a model
with an enforced contract, a constraint); every column of every mart is described; `source()` is used
only by staging models; every seed is described.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click


def check_manifest(manifest: dict[str, Any]) -> list[str]:
    """The rule violations in a dbt manifest, one message each."""
    problems: list[str] = []
    nodes: dict[str, dict[str, Any]] = manifest["nodes"]
    tested: set[str] = set()
    for node in nodes.values():
        if node["resource_type"] == "test":
            tested.update(node.get("depends_on", {}).get("nodes", []))
    for uid, node in sorted(nodes.items()):
        kind = node["resource_type"]
        if node.get("package_name") != manifest["metadata"].get("project_name", node.get("package_name")):
            continue
        path = node.get("original_file_path", uid)
        if kind == "seed" and not node.get("description", "").strip():
            problems.append(f"{path}: seed has no description")
        if kind != "model":
            continue
        if not node.get("description", "").strip():
            problems.append(f"{path}: model has no description")
        constrained = node.get("contract", {}).get("enforced") and any(
            c.get("constraints") for c in node.get("columns", {}).values()
        )
        if uid not in tested and not constrained:
            problems.append(f"{path}: model has no data test")
        folder = Path(path).parts[1] if len(Path(path).parts) > 1 else ""
        if node.get("sources") and folder != "staging":
            problems.append(f"{path}: source() used outside models/staging")
        if folder in ("marts", "publication", "nhse"):
            for name, column in node.get("columns", {}).items():
                if not column.get("description", "").strip():
                    problems.append(f"{path}: {folder} column {name} has no description")
    return problems


@click.command(name="governance")
@click.option(
    "--manifest",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("target/manifest.json"),
    show_default=True,
    help="dbt manifest (run `dbt parse` first).",
)
def governance(manifest: Path) -> None:
    """Check that every model is described and tested, and marts fully documented."""
    if not manifest.exists():
        click.echo(f"error: {manifest} not found; run `dbt parse` first", err=True)
        sys.exit(2)
    problems = check_manifest(json.loads(manifest.read_text(encoding="utf-8")))
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        click.echo(f"{len(problems)} governance problem(s)", err=True)
        sys.exit(1)
    click.echo("governance: every model described and tested, every mart column described")
