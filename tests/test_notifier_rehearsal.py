"""A rehearsal database's notices never reach the live webhook (AUTUS_WEBHOOK_URL):
incidents, rollbacks and any notice at all, even one whose own rehearsal flag is wrong.
Real webhooks on 127.0.0.1, a real file marked rehearsal (``store.mode``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from webhook_sink import WebhookSink

from autus_tui.core.clock import FixedClock
from autus_tui.core.config import Config
from autus_tui.core.escalation import EscalationPolicy
from autus_tui.services.escalation_firing import fire_due
from autus_tui.services.notifier import Notifier
from autus_tui.store import Store, incidents, outbox
from autus_tui.store.mode import claim_mode

T0 = datetime(2026, 11, 27, 0, 30, tzinfo=UTC)


async def drain(notifier: Notifier) -> int:
    handled = 0
    while handled < 20 and await notifier.step():
        handled += 1
    return handled


async def test_no_notice_of_a_rehearsal_database_reaches_the_live_webhook(
        tmp_path: Path) -> None:
    clock = FixedClock(T0)
    async with WebhookSink() as live, WebhookSink() as rehearsal:
        with Store(tmp_path / "rehearsal.db", clock) as store:
            claim_mode(store, rehearsal=True)
            incidents.declare(store, "kim", severity="심각", situation="서버 다운",
                              policy=EscalationPolicy(), rehearsal=True)
            fire_due(store, clock)
            with store.write() as tx:  # written as if its writer forgot the flag
                outbox.enqueue(tx, text="v1.0.0 → v0.9.10 롤백 succeeded", rehearsal=False,
                               dedupe="rollback:1", subject="1")
                outbox.enqueue(tx, text="a notice without the flag", rehearsal=False)
            config = replace(Config(), webhook_url=live.url,
                             rehearsal_webhook_url=rehearsal.url)
            notifier = Notifier(store, config, "me")
            try:
                assert await drain(notifier) == 3
            finally:
                await notifier.aclose()
            assert live.requests == 0
            assert len(rehearsal.texts) == 3
            assert {n.state for n in outbox.notices(store)} == {"sent"}

            only_live = Notifier(store, replace(Config(), webhook_url=live.url), "me")
            with store.write() as tx:
                outbox.enqueue(tx, text="one more without the flag", rehearsal=False)
            try:
                assert await drain(only_live) == 1
            finally:
                await only_live.aclose()
            assert live.requests == 0
            [last] = [n for n in outbox.notices(store) if n.text == "one more without the flag"]
            assert last.state == "skipped"
            assert last.last_error == "no webhook configured (AUTUS_REHEARSAL_WEBHOOK_URL unset)"


async def test_a_live_database_still_notifies_the_live_webhook(tmp_path: Path) -> None:
    clock = FixedClock(T0)
    async with WebhookSink() as live, WebhookSink() as rehearsal:
        with Store(tmp_path / "launch.db", clock) as store:
            claim_mode(store, rehearsal=False)
            incidents.declare(store, "kim", severity="심각", situation="서버 다운",
                              policy=EscalationPolicy())
            fire_due(store, clock)
            notifier = Notifier(store, replace(Config(), webhook_url=live.url,
                                               rehearsal_webhook_url=rehearsal.url), "me")
            try:
                assert await drain(notifier) == 1
            finally:
                await notifier.aclose()
            assert len(live.texts) == 1 and rehearsal.requests == 0
