"""The outbox delivered to a real webhook on 127.0.0.1: down then up delivers every notice
once, 500s and a 10 s hang are retried with back-off without blocking the ladder, rehearsal
notices never reach the live channel, errors name the host only."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from webhook_sink import SECRET_PATH, WebhookSink

from autus_tui.core.clock import FixedClock
from autus_tui.core.config import Config
from autus_tui.core.escalation import EscalationPolicy
from autus_tui.services.escalation_firing import fire_due
from autus_tui.services.notifier import Notifier
from autus_tui.sources.net_errors import where as host_of
from autus_tui.store import Store, incidents, outbox

T0 = datetime(2026, 11, 27, 0, 30, tzinfo=UTC)
MIN = timedelta(minutes=1)


class Real:
    """Real epoch seconds that move only when told (the outbox's back-off clock)."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def three_notices(store: Store, clock: FixedClock, rehearsal: bool = False) -> int:
    """An incident whose three levels fired: three notices waiting."""
    result = incidents.declare(store, "alice", severity="심각", situation="서버 다운",
                               policy=EscalationPolicy(), rehearsal=rehearsal)
    for minute in (0, 15, 30):
        clock.moment = T0 + minute * MIN
        fire_due(store, clock)
    assert outbox.pending_count(store) == 3
    return result.incident.id


async def drain(notifier: Notifier, limit: int = 50) -> int:
    handled = 0
    while handled < limit and await notifier.step():
        handled += 1
    return handled


def no_secrets(store: Store) -> None:
    for event in store.timeline(kind_prefix="notify."):
        assert SECRET_PATH not in str(event.detail) and "hush" not in str(event.detail)
    for notice in outbox.notices(store):
        assert SECRET_PATH not in (notice.last_error or "") and "hush" not in notice.text


async def test_webhook_down_then_up_delivers_every_notice_once(tmp_path: Path) -> None:
    sink = WebhookSink()
    await sink.start()
    await sink.stop()  # the port is known, nobody listens: the channel is down
    clock, real = FixedClock(T0), Real()
    with Store(tmp_path / "launch.db", clock) as store:
        three_notices(store, clock)
        config = replace(Config(), webhook_url=sink.url)
        notifier = Notifier(store, config, "me", timeout=1.0, real=real)
        assert await drain(notifier) == 3  # each tried once, none due again yet
        assert await notifier.step() is False
        pending = outbox.notices(store)
        assert all(n.state == "pending" and n.attempts == 1 for n in pending)
        assert all(n.next_try == real.now + 5 for n in pending)  # back-off 5 s first
        assert pending[0].last_error == f"127.0.0.1:{sink.port}: could not connect " \
                                        "(connection refused)"
        real.now += 5
        assert await drain(notifier) == 3
        assert {n.next_try for n in outbox.notices(store)} == {real.now + 10}  # doubled
        await sink.start(sink.port)  # the channel is back
        try:
            real.now += 10
            assert await drain(notifier) == 3
            real.now += 600
            assert await drain(notifier) == 0
        finally:
            await notifier.aclose()
            await sink.stop()
        assert len(sink.texts) == 3 and len(set(sink.texts)) == 3
        assert [n.state for n in outbox.notices(store)] == ["sent"] * 3
        kinds = [e.kind for e in store.timeline(kind_prefix="notify.")]
        assert kinds.count("notify.retry") == 6 and kinds.count("notify.sent") == 3
        no_secrets(store)


async def test_500s_are_retried_with_back_off_then_delivered(tmp_path: Path) -> None:
    clock, real = FixedClock(T0), Real()
    async with WebhookSink() as sink:
        sink.fail_next = 2
        with Store(tmp_path / "launch.db", clock) as store:
            incidents.declare(store, "alice", severity="주의", situation="메모리 경고",
                              policy=EscalationPolicy())
            fire_due(store, clock)
            notifier = Notifier(store, replace(Config(), webhook_url=sink.url), "me",
                                first_backoff=5, max_backoff=8, real=real)
            try:
                assert await notifier.step()
                notice = outbox.notices(store)[0]
                assert notice.last_error == f"127.0.0.1:{sink.port}: HTTP 500"
                assert notice.next_try == real.now + 5
                assert await notifier.step() is False  # not before its time
                real.now += 5
                assert await notifier.step()
                assert outbox.notices(store)[0].next_try == real.now + 8  # capped
                real.now += 8
                assert await notifier.step()
            finally:
                await notifier.aclose()
            assert outbox.notices(store)[0].state == "sent" and sink.requests == 3
            assert len(sink.texts) == 1
            no_secrets(store)


async def test_a_hanging_webhook_times_out_without_blocking_the_ladder(tmp_path: Path) -> None:
    clock, real = FixedClock(T0), Real()
    async with WebhookSink() as sink:
        sink.hang_next = 1  # the first request waits 10 s
        with Store(tmp_path / "launch.db", clock) as store:
            incident = incidents.declare(store, "alice", severity="심각",
                                         situation="서버 다운", policy=EscalationPolicy())
            fire_due(store, clock)
            notifier = Notifier(store, replace(Config(), webhook_url=sink.url), "me",
                                timeout=0.5, real=real)
            try:
                started = time.monotonic()
                sending = asyncio.create_task(notifier.step())
                for _ in range(400):  # until the webhook holds the request
                    if sink.requests:
                        break
                    await asyncio.sleep(0.01)
                assert sink.requests == 1 and not sending.done()
                # Meanwhile the ladder goes on: L2 fires while the notice hangs.
                clock.moment = T0 + 15 * MIN
                fired = await asyncio.to_thread(fire_due, store, clock)
                assert [f.firing.level for f in fired] == [1]
                view = incidents.view(store, incident.incident.id, clock.now())
                assert view is not None and view.ladder.current is not None
                assert await sending
                assert time.monotonic() - started < 5  # one timeout, not the 10 s hang
                first = outbox.notices(store)[-1]
                assert first.last_error == f"127.0.0.1:{sink.port}: timed out after 0.5 s"
                assert await notifier.step()  # L2's notice goes out at once
                real.now += 5
                assert await notifier.step()  # L1's retried
            finally:
                await notifier.aclose()
            assert [n.state for n in outbox.notices(store)] == ["sent", "sent"]
            assert len(sink.texts) == 2


async def test_rehearsal_notices_go_only_to_the_rehearsal_channel(tmp_path: Path) -> None:
    clock = FixedClock(T0)
    async with WebhookSink() as live, WebhookSink() as rehearsal:
        with Store(tmp_path / "rehearsal.db", clock) as store:
            three_notices(store, clock, rehearsal=True)
            only_live = Notifier(store, replace(Config(), webhook_url=live.url), "me")
            try:
                assert await drain(only_live) == 3
            finally:
                await only_live.aclose()
            assert live.requests == 0
            assert {n.state for n in outbox.notices(store)} == {"skipped"}
            assert outbox.notices(store)[0].last_error == \
                "no webhook configured (AUTUS_REHEARSAL_WEBHOOK_URL unset)"
            assert [e.kind for e in store.timeline(kind_prefix="notify.")] == \
                ["notify.skipped"] * 3

            incidents.declare(store, "bob", severity="경고", situation="부분 Gate 오류",
                              policy=EscalationPolicy(), rehearsal=True)
            fire_due(store, clock)
            both = Notifier(store, replace(Config(), webhook_url=live.url,
                                           rehearsal_webhook_url=rehearsal.url), "me")
            try:
                assert await drain(both) == 1
            finally:
                await both.aclose()
            assert live.requests == 0 and len(rehearsal.texts) == 1
            assert rehearsal.texts[0].startswith("[rehearsal] AUTUS incident #2")


async def test_a_4xx_is_not_retried_and_names_the_host_only(tmp_path: Path) -> None:
    clock = FixedClock(T0)
    async with WebhookSink() as sink:
        wrong = sink.url.replace(SECRET_PATH, "/services/revoked/s3cr3t")  # answers 404
        with Store(tmp_path / "launch.db", clock) as store:
            incidents.declare(store, "alice", severity="심각", situation="서버 다운",
                              policy=EscalationPolicy())
            fire_due(store, clock)
            notifier = Notifier(store, replace(Config(), webhook_url=wrong), "me")
            try:
                assert await drain(notifier) == 1
            finally:
                await notifier.aclose()
            notice = outbox.notices(store)[0]
            assert notice.state == "failed"
            assert notice.last_error == f"127.0.0.1:{sink.port}: HTTP 404 (not retried)"
            event = store.timeline(kinds=["notify.failed"])[0]
            assert "revoked" not in str(event.detail) and "s3cr3t" not in str(event.detail)
    assert host_of("https://user:pw@hooks.example.com/x/y?z=1") == "hooks.example.com"


def test_a_claimed_notice_is_not_sent_by_another_process(tmp_path: Path) -> None:
    clock = FixedClock(T0)
    path = tmp_path / "launch.db"
    with Store(path, clock) as a, Store(path, clock) as b:
        incidents.declare(a, "alice", severity="심각", situation="서버 다운",
                          policy=EscalationPolicy())
        fire_due(a, clock)
        mine = outbox.claim(a, "a", 1000.0, ttl=30)
        assert mine is not None
        assert outbox.claim(b, "b", 1010.0, ttl=30) is None  # a is sending it
        theirs = outbox.claim(b, "b", 1031.0, ttl=30)  # a's claim ran out (a hung or died)
        assert theirs is not None and theirs.id == mine.id and theirs.attempts == 2
        assert outbox.finish(a, mine, "a", "sent") is False  # a no longer holds it
        assert outbox.finish(b, theirs, "b", "sent") is True
        assert [e.kind for e in b.timeline(kind_prefix="notify.")] == ["notify.sent"]
