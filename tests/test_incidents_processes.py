"""Two real ``autus-tui record`` processes on one rehearsal database climb one incident's
ladder: each level fires once, counted by a real webhook on 127.0.0.1."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from webhook_sink import WebhookSink

from autus_tui.core.escalation import EscalationPolicy
from autus_tui.store import Store, incidents, load_or_start_rehearsal_clock, outbox

START = datetime(2026, 11, 27, 0, 30, tzinfo=UTC)
SPEED = 300.0  # a 30-minute ladder in 6 s; one recorder step (1 s) is 5 simulated minutes


async def _record(db: Path, operator: str, webhook: str) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTUS_")}
    env["AUTUS_REHEARSAL_WEBHOOK_URL"] = webhook
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "autus_tui.cli", "record", "--rehearsal", "--db", str(db),
        "--backend", "http://127.0.0.1:9", "--operator", operator,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
        start_new_session=True)


async def _until(check: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        await asyncio.sleep(0.05)
    return False


async def test_two_record_processes_fire_each_level_once(tmp_path: Path) -> None:
    path = tmp_path / "rehearsal.db"
    with Store(path) as store:
        clock = load_or_start_rehearsal_clock(store, START, SPEED, operator="test")
    async with WebhookSink() as sink:
        procs = [await _record(path, name, sink.url) for name in ("carol", "dave")]
        try:
            for proc in procs:
                assert proc.stdout is not None
                line = await asyncio.wait_for(proc.stdout.readline(), 15)
                assert b"recording to" in line
            with Store(path, clock) as store:
                declared = incidents.declare(
                    store, "alice", severity="심각", situation="서버 다운",
                    response="즉시 재시작", policy=EscalationPolicy(), rehearsal=True)
                assert declared.done
                at = declared.incident.declared_at
                assert await _until(lambda: len(sink.texts) >= 3, 30)
                # Let both go on stepping well past the top level: nothing more may fire.
                assert await _until(lambda: clock.now() > at + timedelta(minutes=50), 30)
                for proc in procs:
                    proc.send_signal(signal.SIGTERM)
                for proc in procs:
                    assert await asyncio.wait_for(proc.wait(), 15) == 0
                incident = incidents.get(store, declared.incident.id)
                assert incident is not None
                assert [(f.level, f.seq) for f in incident.firings] == [(0, 0), (1, 0), (2, 0)]
                assert not any(f.late for f in incident.firings)
                assert [f.at - at < timedelta(minutes=f.level * 15 + 6)
                        for f in incident.firings] == [True] * 3
                assert len(store.timeline(kinds=["incident.level"])) == 3
                assert [n.state for n in outbox.notices(store)] == ["sent"] * 3
                senders = {e.detail["holder"] for e in store.timeline(kinds=["notify.sent"])}
                assert senders and all(":carol" in s or ":dave" in s for s in senders)
        finally:
            for proc in procs:
                if proc.returncode is None:
                    proc.kill()
                    await proc.wait()
        head = "[rehearsal] AUTUS incident #1 심각 · 서버 다운 — "
        assert sorted(text.removeprefix(head)[:2] for text in sink.texts) == ["L1", "L2", "L3"]
        assert all(text.startswith(head) for text in sink.texts)
