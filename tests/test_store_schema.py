"""A new file's schema comes from ``store.schema``; it must be what the migrations build.

A new database is created from the SQL in ``store.schema`` rather than by running each
migration through sqlite-utils, whose imports cost a fresh day's start ~35 ms and ~3 MB.
These tests keep the two ways equal: the written schema against the migrations, a new
file against a file upgraded from every earlier version, and the new file's start-up
without sqlite-utils at all.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils

from autus_tui.store import Store, schema
from autus_tui.store.migrations import (
    APPLICATION_ID,
    LATEST_VERSION,
    MIGRATIONS,
    migrated_schema,
    schema_statements,
)

REGENERATE = "run `python scripts/write_schema.py` after adding a migration"


def _normal(statements: list[str] | tuple[str, ...]) -> list[str]:
    """Each statement with its whitespace collapsed: layout is not schema."""
    return [" ".join(statement.split()) for statement in statements]


def _schema_of(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return _normal(schema_statements(conn))
    finally:
        conn.close()


def test_the_written_schema_is_what_the_migrations_build() -> None:
    assert schema.VERSION == LATEST_VERSION, REGENERATE
    assert _normal(schema.STATEMENTS) == _normal(migrated_schema()), REGENERATE


def test_a_new_file_has_the_migrations_schema(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    with Store(path) as store:
        store.mark("pre.infra.db", "done", "alice")
    assert _schema_of(path) == _normal(migrated_schema())
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM events")  # the triggers came along
    finally:
        conn.close()


@pytest.mark.parametrize("version", range(1, LATEST_VERSION))
def test_a_file_of_an_earlier_version_is_upgraded_to_the_same_schema(
    tmp_path: Path, version: int
) -> None:
    path = tmp_path / f"v{version}.db"
    conn = sqlite3.connect(path)
    db = sqlite_utils.Database(conn, execute_plugins=False)
    for migration in MIGRATIONS[:version]:
        migration(db)
    conn.execute("INSERT INTO events (at, operator, kind) VALUES ('2026-12-01T00:00:00Z',"
                 " 'alice', 'note')")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {version}")
    conn.commit()
    conn.close()
    with Store(path) as store:
        assert [event.operator for event in store.events_since(0)] == ["alice"]
    assert _schema_of(path) == _normal(schema.STATEMENTS)


def test_a_new_file_is_created_without_importing_sqlite_utils(tmp_path: Path) -> None:
    # What a fresh day's start pays for; an older file still goes through the migrations.
    code = ("import sys; from pathlib import Path; from autus_tui.store import Store\n"
            "Store(Path(sys.argv[1])).close()\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('sqlite_utils', 'click', 'pluggy', 'dateutil')))")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "fresh.db")],
                          capture_output=True, text=True, timeout=30, check=True)
    assert done.stdout.strip() == "[]"
