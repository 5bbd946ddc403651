"""Incidents in the control room, driven with Pilot on real SQLite files.

Real parts: SQLite files in tmp_path (two ``Store``s on one file for two operators), the
store watcher, the controller's worker threads, a real local webhook (``webhook_sink``)
receiving the notices a ``Notifier`` sends. Time is a ``FixedClock`` the test steps,
calling ``app.tick()`` and ``fire_due`` (the step the recorder runs every second); every
wait is a bounded wait on a condition.

What a person would notice: ``i`` ``enter`` declares the row the metrics suggest; the
strip counts down to the next level and shows it paged once its time came, with one
toast and one bell; acknowledging keeps the ladder running, resolving stops it;
escalating now pages the next level at once; another operator's incident shows within
the watcher's refresh, a simultaneous acknowledge has one winner and the loser is told
who won; hostile severity and situation text shows literally; history on file at
start-up rings no bell.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from conftest import wait_until as wait_briefly
from webhook_sink import WebhookSink

from autus_tui.core.clock import FixedClock
from autus_tui.core.config import Config
from autus_tui.core.escalation import EscalationPolicy
from autus_tui.core.observations import HostSample, PollResult
from autus_tui.core.payload import Health, Reading
from autus_tui.services.escalation_firing import fire_due
from autus_tui.services.notifier import Notifier
from autus_tui.store import Store, incidents, samples
from autus_tui.ui import safe
from autus_tui.ui.app import ControlRoom
from autus_tui.ui.dialogs.confirm import ConfirmDialog
from autus_tui.ui.dialogs.declare import DeclareDialog
from autus_tui.ui.screens.incident_panel import IncidentPanel
from autus_tui.ui.screens.timeline import TimelineScreen
from autus_tui.ui.testing import screen_text

START = datetime(2026, 11, 27, 0, 3, 0, tzinfo=UTC)  # 09:03:00 KST
MIN = timedelta(minutes=1)


async def wait_until(pilot: Any, predicate: Callable[[], bool]) -> bool:
    """A bounded wait, generous: the machine running the tests may be busy."""
    return await wait_briefly(pilot, predicate, timeout=15.0)


class Room(ControlRoom):
    """The control room, counting the bells it rings."""

    bells = 0

    def bell(self) -> None:
        self.bells += 1
        super().bell()


def make_app(store: Store, clock: FixedClock, operator: str = "kim",
             config: Config | None = None) -> Room:
    config = replace(config or Config(), operator=operator)
    return Room(config, clock, rehearsal=True, poll=False,
                host_reader=lambda: HostSample(1.0, 2.0, 0.1, 3.0), store=store)


def toasts(app: ControlRoom) -> list[str]:
    return [str(toast.render()).replace("\n", " ") for toast in app.screen.query("Toast")]


def strip(app: ControlRoom) -> str:
    return app.incident_strip.text


def slow_poll(store: Store, at: datetime) -> None:
    """A poll recorded with Avg Response 6,000 ms: the matrix's 응답 지연 > 5s row."""
    samples.record_polls(store, [PollResult(at, {"avg_response": Reading(6000.0),
                                                 "error_rate": Reading(0.2)},
                                            Health("ok", ""))], 3.0)


async def settle(pilot: Any, app: ControlRoom, store: Store) -> None:
    """Let the watcher catch up with everything committed so far: write a note and wait
    until it is shown (every event before it has been announced by then)."""
    marker = f"settle {app.events_text.count('settle') + 1}"
    store.append_event("test", "note", "", {"text": marker})
    assert await wait_until(pilot, lambda: marker in app.events_text)


async def test_i_enter_declares_the_row_the_metrics_suggest(tmp_path: Path) -> None:
    clock = FixedClock(START)
    store = Store(tmp_path / "day.db", clock)
    slow_poll(store, START - timedelta(seconds=1))
    app = make_app(store, clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("i")
        assert isinstance(app.screen, DeclareDialog)
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: bool(incidents.open_incidents(store)))
        (incident,) = incidents.open_incidents(store)
        assert (incident.severity, incident.situation, incident.response,
                incident.declared_by) == ("경고", "응답 지연 > 5s", "캐시 확인", "kim")
        # L1 paged at once (fire_due after the declare), shown in the strip.
        assert await wait_until(pilot, lambda: "L1 On-call 엔지니어 paged 09:03" in strip(app))
        assert "INCIDENT #1  경고  응답 지연 > 5s · open 0:00:00" in strip(app)
        assert "next L2 in 15:00" in strip(app)
        assert "no ACK (a)" in strip(app)
        assert await wait_until(pilot, lambda: app.bells == 1)
        assert await wait_until(pilot, lambda: any(
            "#1 L1 On-call 엔지니어 paged — 경고 응답 지연 > 5s" in t for t in toasts(app)))
        assert any("#1 declared: 경고 응답 지연 > 5s — next step: 캐시 확인" in t
                   for t in toasts(app))
        assert "INCIDENT #1" in screen_text(app)  # in view at 80x24
        assert "Backend" in screen_text(app) and "Host" in screen_text(app)
        await pilot.click("#incident-strip")  # a click on the strip opens the panel
        assert await wait_until(pilot, lambda: isinstance(app.screen, IncidentPanel))
    store.close()


async def test_without_a_suggestion_enter_declares_the_first_row(tmp_path: Path) -> None:
    clock = FixedClock(START)
    store = Store(tmp_path / "day.db", clock)
    app = make_app(store, clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("i")
        assert await wait_until(pilot, lambda: "The metrics suggest nothing now."
                                in screen_text(app))
        assert "Next step 즉시 재시작" in screen_text(app)
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: bool(incidents.open_incidents(store)))
        incident = incidents.open_incidents(store)[0]
        assert (incident.severity, incident.situation) == ("심각", "서버 다운")
    store.close()


async def test_declaring_the_same_again_says_who_declared_it(tmp_path: Path) -> None:
    clock = FixedClock(START)
    store = Store(tmp_path / "day.db", clock)
    app = make_app(store, clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("i", "enter")
        assert await wait_until(pilot, lambda: "INCIDENT #1" in strip(app))
        clock.advance(MIN)
        await pilot.press("i", "enter")
        assert await wait_until(pilot, lambda: any(
            "not declared: already declared as #1 by kim at 09:03" in t for t in toasts(app)))
        assert len(incidents.all_incidents(store)) == 1
    store.close()


async def test_the_ladder_climbs_on_the_clock_once_and_notices_are_delivered(
        tmp_path: Path) -> None:
    clock = FixedClock(START)
    store = Store(tmp_path / "day.db", clock)
    async with WebhookSink() as sink:
        config = Config(rehearsal_webhook_url=sink.url)
        app = make_app(store, clock, config=config)
        notifier = Notifier(store, config, "test-notifier", timeout=2.0)
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await pilot.press("i", "enter")
            assert await wait_until(pilot, lambda: "L1 On-call 엔지니어 paged" in strip(app))
            assert await wait_until(pilot, lambda: app.bells == 1)
            clock.advance(14 * MIN)
            app.tick()
            assert "next L2 in 01:00" in strip(app)
            assert "open 0:14:00" in strip(app)
            clock.advance(MIN)
            fired = fire_due(store, clock)  # the recorder's step
            assert [f.firing.level for f in fired] == [1]
            app.tick()
            assert await wait_until(pilot, lambda: "L2 백엔드 리드 paged 09:18" in strip(app))
            assert "next L3 in 15:00" in strip(app)
            assert await wait_until(pilot, lambda: app.bells == 2)
            assert await wait_until(pilot, lambda: any(
                "#1 L2 백엔드 리드 paged" in t for t in toasts(app)))
            # Once: more steps and ticks fire nothing more, ring nothing more.
            assert fire_due(store, clock) == []
            app.tick()
            await settle(pilot, app, store)
            assert app.bells == 2
            assert app.events_text.count("#1 L2 백엔드 리드 paged") == 1
            # Delivery: every notice reaches the channel once; the timeline says so.
            while await notifier.step():
                pass
            await notifier.aclose()
            assert len(sink.texts) == 2
            assert "#1" in sink.texts[1] and "L2 백엔드 리드 paged" in sink.texts[1]
            host = f"127.0.0.1:{sink.port}"
            assert await wait_until(pilot, lambda: app.events_text.count(
                f"notice for #1 sent ({host})") == 2)
            assert "s3cr3t" not in app.events_text and "hush" not in app.events_text
            await pilot.press("I")
            assert isinstance(app.screen, IncidentPanel)
            panel = app.screen
            assert await wait_until(pilot, lambda: "fired | timer | sent" in panel.text)
            rows = [line for line in panel.text.splitlines() if line.startswith("L")]
            assert rows[0].startswith("L1 | On-call 엔지니어 | 09:03:00 | +00:00")
            assert rows[1].startswith("L2 | 백엔드 리드 | 09:18:00 | +15:00")
            assert rows[1].endswith("fired | timer | sent")
            assert rows[2] == "L3 | CTO / 최종 의사결정자 | 09:33:00 | +30:00 | 15:00 | " \
                              "pending |  | "
    store.close()


async def test_acknowledging_keeps_the_ladder_and_resolving_stops_it(tmp_path: Path) -> None:
    clock = FixedClock(START)
    store = Store(tmp_path / "day.db", clock)
    app = make_app(store, clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("i", "enter")
        assert await wait_until(pilot, lambda: "L1 On-call 엔지니어 paged" in strip(app))
        clock.advance(2 * MIN)
        await pilot.press("a")
        assert isinstance(app.screen, ConfirmDialog)
        asked = app.screen.question.plain + " " + (app.screen.detail or safe.plain("")).plain
        assert asked.startswith("Acknowledge #1  심각  서버 다운  (the open incident)")
        assert "You (kim) own it. The escalation ladder keeps running: L2 백엔드 리드 in " \
               "13:00 — only resolving (r) stops it." in asked
        await pilot.press("y")
        assert await wait_until(pilot, lambda: "ACK kim, ladder runs"
                                in strip(app))
        assert incidents.open_incidents(store)[0].acknowledged_by == "kim"
        clock.advance(13 * MIN)
        assert [f.firing.level for f in fire_due(store, clock)] == [1]  # still climbing
        app.tick()
        assert await wait_until(pilot, lambda: "L2 백엔드 리드 paged 09:18" in strip(app))

        await pilot.press("r")
        assert await wait_until(pilot, lambda: "Stops the escalation ladder" in screen_text(app))
        await pilot.press("enter")  # blank: refused in words, nothing written
        assert await wait_until(pilot, lambda: "A short resolution is required."
                                in screen_text(app))
        await pilot.press(*"캐시 재시작 후 정상", "enter")
        assert await wait_until(pilot, lambda: not incidents.open_incidents(store))
        assert await wait_until(pilot, lambda: strip(app) == "")
        assert not app.incident_strip.has_class("-shown")
        clock.advance(30 * MIN)
        assert fire_due(store, clock) == []  # the ladder stopped
        (incident,) = incidents.all_incidents(store)
        assert [f.level for f in incident.firings] == [0, 1]
        assert (incident.resolved_by, incident.resolution) == ("kim", "캐시 재시작 후 정상")
        assert await wait_until(pilot, lambda: "kim resolved #1: 캐시 재시작 후 정상"
                                in app.events_text)
    store.close()


async def test_escalate_now_pages_the_next_level_at_once(tmp_path: Path) -> None:
    clock = FixedClock(START)
    store = Store(tmp_path / "day.db", clock)
    app = make_app(store, clock)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("i", "enter")
        assert await wait_until(pilot, lambda: app.bells == 1)
        await pilot.press("e")
        assert await wait_until(pilot, lambda: "Fires L2 백엔드 리드 now" in screen_text(app))
        await pilot.press(*"DB 복구 지연", "enter")
        assert await wait_until(pilot, lambda: "L2 백엔드 리드 paged 09:03" in strip(app))
        assert await wait_until(pilot, lambda: app.bells == 2)
        assert "kim escalated #1 to L2 백엔드 리드: DB 복구 지연" in app.events_text
        await pilot.press("I")
        panel = app.screen
        assert isinstance(panel, IncidentPanel)
        assert await wait_until(pilot, lambda: "by kim: DB 복구 지연" in panel.text)
        # Resolved, it can be reopened from the panel and goes on from L2.
        await pilot.press("r", *"fixed", "enter")
        assert await wait_until(pilot, lambda: "RESOLVED 09:03 by kim: fixed" in panel.text)
        await pilot.press("o", *"again", "enter")
        assert await wait_until(pilot, lambda: bool(incidents.open_incidents(store)))
        assert await wait_until(pilot, lambda: "#1 reopened" in panel.status.text)
        assert incidents.open_incidents(store)[0].reopened_by == "kim"
    store.close()


async def test_two_operators_one_incident_one_acknowledgement(tmp_path: Path) -> None:
    clock = FixedClock(START)
    db = tmp_path / "pair.db"
    alice_store, bob_store = Store(db, clock), Store(db, clock)
    alice, bob = make_app(alice_store, clock, "alice"), make_app(bob_store, clock, "bob")
    async with alice.run_test(size=(80, 24), notifications=True) as pa, \
            bob.run_test(size=(80, 24), notifications=True) as pb:
        await pa.press("i", "enter")
        assert await wait_until(pb, lambda: "INCIDENT #1" in strip(bob))
        assert await wait_until(pb, lambda: "L1 On-call 엔지니어 paged" in strip(bob))
        # Both rang once: alice's firing, announced in bob's UI from the database.
        assert await wait_until(pb, lambda: alice.bells == 1 and bob.bells == 1)
        await pa.press("a")
        await pb.press("a")
        await asyncio.gather(pa.press("y"), pb.press("y"))
        assert await wait_until(pa, lambda: incidents.open_incidents(alice_store)[0]
                                .acknowledged_by is not None)
        winner = incidents.open_incidents(alice_store)[0].acknowledged_by
        loser_app, loser_pilot = (bob, pb) if winner == "alice" else (alice, pa)
        told = f"#1 already acknowledged by {winner} at 09:03"
        assert await wait_until(loser_pilot, lambda: any(told in t for t in toasts(loser_app)))
        shown = f"ACK {winner}, ladder runs"
        assert await wait_until(pa, lambda: shown in strip(alice))
        assert await wait_until(pb, lambda: shown in strip(bob))
        acks = [e for e in alice_store.timeline(kinds=["incident.acknowledge"])]
        assert len(acks) == 2 and sum(bool(e.detail.get("already")) for e in acks) == 1
    alice_store.close()
    bob_store.close()


HOSTILE_SEVERITY = "[@click=app.quit]"
HOSTILE_SITUATION = "x[/]y \x1b]0;pwn\x07\x1b[31m빨강\u202e"


async def test_hostile_severity_and_situation_show_literally(tmp_path: Path) -> None:
    clock = FixedClock(START)
    store = Store(tmp_path / "day.db", clock)
    app = make_app(store, clock)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        # Another process declares with hostile text; the screen shows it as typed.
        incidents.declare(store, "[b]mallory[/b]", severity=HOSTILE_SEVERITY,
                          situation=HOSTILE_SITUATION, policy=EscalationPolicy())
        fire_due(store, clock)
        assert await wait_until(pilot, lambda: "x[/]y 빨강" in strip(app))
        assert "[@click=app" in strip(app)
        assert await wait_until(pilot, lambda: "[b]mallory[/b] declared #1 [@click=app.quit] "
                                "x[/]y 빨강" in app.events_text)
        # Typed into the dialog: kept exactly, shown literally.
        await pilot.press("i", "tab")  # the situation list → the typed field
        await pilot.press(*"[@click=app.quit] a[/]b", "enter")
        assert await wait_until(pilot, lambda: len(incidents.open_incidents(store)) == 2)
        typed = incidents.open_incidents(store)[1]
        assert typed.situation == "[@click=app.quit] a[/]b" and typed.response == ""
        assert await wait_until(pilot, lambda: "[@click=app.quit] a[/]b" in strip(app))
        await pilot.press("I")
        assert isinstance(app.screen, IncidentPanel)
        panel = app.screen
        assert await wait_until(pilot, lambda: "x[/]y 빨강" in panel.text)
        text = screen_text(app)
        assert "\x1b" not in text and "\u202e" not in text and "pwn" not in text
        await pilot.press("escape", "t")
        assert isinstance(app.screen, TimelineScreen)
        await pilot.press("f")  # incident.* first
        assert "kind incident.* (f)" in screen_text(app)
        rows = app.screen.rows_text
        assert rows and all(" | incident." in row for row in rows)
        assert any("| #1 |" in row and "x[/]y 빨강" in row for row in rows)
        assert app.is_running
    store.close()


async def test_history_on_file_at_start_up_rings_nothing(tmp_path: Path) -> None:
    clock = FixedClock(START)
    store = Store(tmp_path / "day.db", clock)
    incidents.declare(store, "alice", severity="심각", situation="서버 다운",
                      response="즉시 재시작", policy=EscalationPolicy())
    fire_due(store, clock)
    clock.advance(15 * MIN)
    fire_due(store, clock)
    app = make_app(store, clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        assert await wait_until(pilot, lambda: "L2 백엔드 리드 paged 09:18" in strip(app))
        await settle(pilot, app, store)
        assert app.bells == 0
        assert not any("paged" in t for t in toasts(app))
        assert "paged" not in app.events_text
    store.close()


async def test_the_outage_condition_shows_once_met(tmp_path: Path) -> None:
    clock = FixedClock(START)
    store = Store(tmp_path / "day.db", clock)
    down = [PollResult(START - timedelta(minutes=31) + n * timedelta(seconds=30), {},
                       Health("down", "all pods crashlooping")) for n in range(63)]
    samples.record_polls(store, down, 3.0)
    app = make_app(store, clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        assert await wait_until(pilot, lambda: "ROLLBACK CONDITION MET" in strip(app))
        assert "전체 서비스 30분 이상 중단 · down since 08:32:00, 0:31:00" in strip(app)
        assert "SUGGESTED  심각  서버 다운 → 즉시 재시작" in strip(app)  # declared by nobody
    store.close()
