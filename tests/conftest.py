"""Fixtures shared by more than one test module."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def open_folder() -> Iterator[Path]:
    """A folder that another user may enter (tmp_path's parents may not allow it)."""
    folder = Path(tempfile.mkdtemp(prefix="autus-open-"))
    os.chmod(folder, 0o755)
    try:
        yield folder
    finally:
        for sub in folder.rglob("*"):
            if sub.is_dir():
                os.chmod(sub, 0o755)
        shutil.rmtree(folder)


@pytest.fixture
def release_repo(tmp_path: Path) -> Path:
    """A release repository: tags v0.9.0, v0.9.9, v0.9.10, v1.0.0 (HEAD) and a Makefile
    whose ``deploy-prod`` writes ``deployed.txt`` beside it (``rollback_repo``)."""
    from rollback_repo import make_repo

    return make_repo(tmp_path)


@pytest.fixture
def rollback_db(tmp_path: Path) -> Iterator[Path]:
    """A database path; afterwards no rollback runner or step of the test is left."""
    from rollback_repo import reap_runners

    path = tmp_path / "launch.db"
    yield path
    reap_runners(path)
