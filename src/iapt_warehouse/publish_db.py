"""`iapt publish-db [--db FILE] -- COMMAND...`: build into a staging copy, publish by atomic rename.

Readers (BI tools, notebooks) open the published file read-only; a build never writes to it. Instead:

1. take the build lock (`<dir>/.building.lock`; a second build waits for none, it stops with exit 2);
2. copy the published file, when there is one, to `<dir>/.building/<name>` (same file name, so the
   catalog name the views use is unchanged; same filesystem, so the rename below is atomic), holding a
   DuckDB read-only connection on the published file meanwhile so no writer can change it mid-copy;
3. run COMMAND with `IAPT_DUCKDB_PATH` set to the staging file (and `{db}` in its arguments replaced
   by it): loading, `dbt build`, validation;
4. only when COMMAND exits 0: checkpoint the staging file (no write-ahead log left), fsync it, and
   `os.replace` it onto the published path, then fsync the directory.

A reader that opened the old file keeps reading the old file (its inode) until it reconnects; a reader
that opens the path gets the old file or the new one, never a mixture. A build that fails or is killed
leaves the published file as it was; the next build starts again from it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import duckdb

from iapt_warehouse import config

STAGING_DIR = ".building"


class PublishError(Exception):
    """The build cannot start or cannot be published (exit code 2)."""


def staging_path(target: Path) -> Path:
    return target.parent / STAGING_DIR / target.name


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


@contextlib.contextmanager
def build_lock(target: Path) -> Iterator[None]:
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f"{STAGING_DIR}.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PublishError(f"another build of {target} is running (lock {handle.name})") from None
        yield  # the lock goes with the process: a killed build never leaves it held


def stage(target: Path) -> Path:
    """A fresh staging copy of `target` (empty when nothing is published yet); returns its path."""
    staging = staging_path(target)
    shutil.rmtree(staging.parent, ignore_errors=True)  # what a failed or killed build left
    staging.parent.mkdir(parents=True)
    if not target.exists():
        return staging
    if _wal(target).exists():
        raise PublishError(
            f"{_wal(target)} exists: something wrote to the published warehouse directly, or is writing to"
            " it now; stop it (or open the file once read-write so DuckDB checkpoints it) and retry"
        )
    try:
        holder = duckdb.connect(str(target), read_only=True)  # no writer can start while we copy
    except duckdb.Error as exc:
        raise PublishError(f"cannot open {target} to copy it: {str(exc).splitlines()[0]}") from None
    try:
        shutil.copyfile(target, staging)
    finally:
        holder.close()
    return staging


def publish(staging: Path, target: Path) -> None:
    """Checkpoint `staging` and rename it onto `target` (atomic on one filesystem)."""
    if not staging.exists():
        raise PublishError(f"the build left no warehouse at {staging}; nothing published")
    try:
        con = duckdb.connect(str(staging))
        con.execute("checkpoint")
        con.execute("select count(*) from information_schema.tables").fetchall()
        con.close()
    except duckdb.Error as exc:
        raise PublishError(f"the built warehouse {staging} cannot be opened: {str(exc).splitlines()[0]}") from None
    if _wal(staging).exists():
        raise PublishError(f"{_wal(staging)} is still there after a checkpoint; nothing published")
    with open(staging, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(staging, target)
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    shutil.rmtree(staging.parent, ignore_errors=True)


def run_atomic(target: Path, command: list[str]) -> int:
    """Run `command` against a staging copy of `target` and publish it when it succeeds; its exit code."""
    with build_lock(target):
        staging = stage(target)
        env = {**os.environ, "IAPT_DUCKDB_PATH": str(staging)}
        argv = [arg.replace("{db}", str(staging)) for arg in command]
        try:
            code = subprocess.run(argv, env=env).returncode
        except OSError as exc:
            raise PublishError(f"cannot run {argv[0]}: {exc.strerror}") from None
        if code != 0:
            click.echo(f"build failed (exit {code}); the published warehouse {target} is unchanged", err=True)
            return code
        publish(staging, target)
        return 0


@click.command(name="publish-db", context_settings={"ignore_unknown_options": True})
@click.option(
    "--db",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Published warehouse file (default: $IAPT_DUCKDB_PATH or warehouse/iapt.duckdb).",
)
@click.argument("command", nargs=-1, required=True, type=click.UNPROCESSED)
def publish_db(db: Path | None, command: tuple[str, ...]) -> None:
    """Run COMMAND on a staging copy of the warehouse; publish it by atomic rename if COMMAND succeeds.

    COMMAND sees IAPT_DUCKDB_PATH set to the staging file, and `{db}` in its arguments replaced by it.
    Example: iapt publish-db --db warehouse/iapt.duckdb -- make build-into DB={db}
    """
    target = config.db_path(db).absolute()
    try:
        code = run_atomic(target, list(command))
    except PublishError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    if code == 0:
        click.echo(f"published {target}")
    sys.exit(code)
