"""The store's errors: one sentence naming the database file."""

from __future__ import annotations

from pathlib import Path


class StoreError(Exception):
    """A database problem in one sentence that names the file."""

    def __init__(self, path: str | Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path, self.problem = str(path), problem


class StoreBusy(StoreError):
    """Another process held the database lock for longer than the busy timeout."""


class StoreReplaced(StoreError):
    """The path no longer names the file this process opened: nothing more is written."""
