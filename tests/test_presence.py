"""Presence on real SQLite files: who is attached, gone within 10 s of a death."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autus_tui.store import Store, presence

BEAT_AND_HANG = """
import sys, time
from autus_tui.store import Store, presence
store = Store(sys.argv[1])
me = presence.me("carol", "recorder", time.time())
presence.beat(store, me, time.time())
print(time.time(), flush=True)
time.sleep(60)
"""


def test_two_processes_see_each_other_and_a_clean_exit_leaves(tmp_path: Path) -> None:
    path = tmp_path / "launch.db"
    with Store(path) as a, Store(path) as b:
        alice = presence.me("alice", "ui", 100.0)
        bob = presence.me("bob", "recorder", 100.0)
        presence.beat(a, alice, 100.0)
        presence.beat(b, bob, 101.0)
        seen = presence.attached(a, 102.0)
        assert [(m.operator, m.role, m.pid, m.host) for m in seen] == [
            ("alice", "ui", os.getpid(), socket.gethostname()),
            ("bob", "recorder", os.getpid(), socket.gethostname()),
        ]
        presence.leave(b, bob)
        assert [m.operator for m in presence.attached(a, 102.0)] == ["alice"]
        # Not seen for 6 s: gone (a dead process drops out within 10 s at a 2 s beat).
        assert presence.attached(a, 106.0) == []
        presence.beat(a, alice, 106.0)
        assert [m.operator for m in presence.attached(b, 106.5)] == ["alice"]


def test_a_process_killed_with_9_drops_out_after_six_seconds(tmp_path: Path) -> None:
    path = tmp_path / "launch.db"
    Store(path).close()
    proc = subprocess.Popen([sys.executable, "-c", BEAT_AND_HANG, str(path)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        beat_at = float(proc.stdout.readline())
        proc.kill()
        proc.wait(5)
        with Store(path) as store:
            now = time.time()
            assert [(m.operator, m.pid) for m in presence.attached(store, now)] == [
                ("carol", proc.pid)]
            assert presence.attached(store, beat_at + presence.SEEN_WITHIN + 0.1) == []
    finally:
        proc.kill()
        proc.wait(5)


def test_names_are_cleaned_and_roles_checked() -> None:
    assert presence.me("ev\x1b]0;x\x07il\nname", "ui", 0).operator == "evil name"
    with pytest.raises(ValueError, match="role"):
        presence.me("alice", "admin", 0)
