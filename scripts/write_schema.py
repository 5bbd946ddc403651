"""Write ``autus_tui/store/schema.py``: the schema the migrations build, as SQL.

Run after adding a migration (``tests/test_store_schema.py`` fails until it is run):

    python scripts/write_schema.py
"""

from __future__ import annotations

from pathlib import Path

from autus_tui.store.migrations import LATEST_VERSION, migrated_schema

TARGET = Path(__file__).resolve().parent.parent / "autus_tui" / "store" / "schema.py"

HEADER = '''"""The latest schema as SQL: what a new database file is created from (``migrations``).

Written by ``scripts/write_schema.py`` from the migrations; do not edit by hand.
``tests/test_store_schema.py`` checks that it still equals what the migrations build.
"""

'''


def tidy(statement: str) -> str:
    """One statement laid out to read: its own indentation is the migrations' code's."""
    first, *rest = [line.strip() for line in statement.splitlines()]
    inner = [line if line.startswith(")") or line == "END" else f"    {line}" for line in rest]
    return "\n".join([first, *inner])


def source(statements: list[str]) -> str:
    body = "".join(f'    """{tidy(statement)}""",\n' for statement in statements)
    return f"{HEADER}VERSION = {LATEST_VERSION}\nSTATEMENTS = (\n{body})\n"


if __name__ == "__main__":
    TARGET.write_text(source(migrated_schema()), encoding="utf-8")
    print(f"wrote {TARGET}")
