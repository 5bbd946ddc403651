"""``autus-tui replay`` as a process: one line on stderr for what cannot be replayed (no
file, not a database, an ``--at`` that is not a time, no terminal), and the file is
left as it was."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from replay_day import record_day


def _replay(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "autus_tui.cli", "replay", *args],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)


def test_what_cannot_be_replayed_is_one_line(tmp_path: Path) -> None:
    path = record_day(tmp_path / "day.db")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    cases = [
        ((str(tmp_path / "absent.db"),), 1, "no such database"),
        ((str(path), "--at", "half past nine"), 2, "--at: expected a time HH:MM"),
        ((str(path), "--at", "09:30"), 1, "replay needs a terminal"),
    ]
    for (db, *rest), code, words in cases:
        done = _replay("--db", db, *rest)
        assert done.returncode == code, done.stderr
        assert words in done.stderr and len(done.stderr.splitlines()) == 1, done.stderr
        assert done.stderr.startswith("autus-tui replay: ")
    assert not (tmp_path / "absent.db").exists()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert not Path(f"{path}-wal").exists() and not Path(f"{path}-shm").exists()
