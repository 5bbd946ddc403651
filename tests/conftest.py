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
