"""Incidents on real SQLite files with a stepped clock: each level fires once however many
Stores step, a missed deadline fires late once, acknowledging does not stop the ladder and
resolving does, a reopen goes on from the highest level, races tell the loser who won; the
notices are counted by a real webhook on 127.0.0.1."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

from webhook_sink import SECRET_PATH, WebhookSink

from autus_tui.core.clock import FixedClock
from autus_tui.core.config import Config
from autus_tui.core.escalation import EscalationPolicy, LadderLevel, RowState
from autus_tui.services.escalation_firing import fire_due
from autus_tui.services.notifier import Notifier
from autus_tui.store import Store, incidents, outbox

SEOUL = ZoneInfo("Asia/Seoul")
T0 = datetime(2026, 11, 27, 0, 30, tzinfo=UTC)  # 09:30 in Seoul
MIN = timedelta(minutes=1)
POLICY = EscalationPolicy()


def declare(store: Store, operator: str = "alice", **kw: object) -> incidents.Incident:
    args: dict[str, object] = {"severity": "심각", "situation": "서버 다운",
                               "response": "즉시 재시작", "policy": POLICY, **kw}
    result = incidents.declare(store, operator, **args)  # type: ignore[arg-type]
    assert result.done
    return result.incident


async def deliver(*stores: Store, config: Config) -> None:
    """Run one notifier per store, taking turns, until the outbox has nothing due."""
    notifiers = [Notifier(store, config, f"holder-{n}", timeout=2.0)
                 for n, store in enumerate(stores)]
    try:
        for _ in range(200):
            if not any([await notifier.step() for notifier in notifiers]):
                return
        raise AssertionError("the outbox never emptied")
    finally:
        for notifier in notifiers:
            await notifier.aclose()


def kinds(store: Store, prefix: str = "incident.") -> list[str]:
    return [event.kind for event in reversed(store.timeline(kind_prefix=prefix))]


async def test_two_stores_stepping_fire_each_level_once(tmp_path: Path) -> None:
    clock = FixedClock(T0)
    path = tmp_path / "launch.db"
    async with WebhookSink() as sink:
        config = replace(Config(), webhook_url=sink.url)
        with Store(path, clock) as a, Store(path, clock) as b:
            incident = declare(a)
            won: list[incidents.Fired] = []
            for minute in range(46):
                clock.moment = T0 + minute * MIN
                steps = await asyncio.gather(asyncio.to_thread(fire_due, a, clock),
                                             asyncio.to_thread(fire_due, b, clock))
                won += [fired for step in steps for fired in step]
            assert [(f.firing.level, f.firing.at) for f in won] == [
                (0, T0), (1, T0 + 15 * MIN), (2, T0 + 30 * MIN)]
            assert not any(f.firing.late for f in won)
            await deliver(a, b, config=config)
            assert kinds(b) == ["incident.declare", "incident.level", "incident.level",
                                "incident.level"]
            assert outbox.pending_count(a) == 0
            view = incidents.view(b, incident.id, clock.now())
            assert view is not None and view.delivery.sent == 3
        assert len(sink.texts) == 3
        for text, level in zip(sink.texts, ("L1 On-call 엔지니어", "L2 백엔드 리드",
                                            "L3 CTO / 최종 의사결정자"), strict=True):
            assert f"AUTUS incident #{incident.id} 심각 · 서버 다운 — {level} paged" in text
            assert "LATE" not in text


async def test_a_restart_after_a_missed_deadline_fires_it_late_once(tmp_path: Path) -> None:
    clock = FixedClock(T0)
    path = tmp_path / "launch.db"
    with Store(path, clock) as first:
        incident = declare(first)
        assert len(fire_due(first, clock)) == 1  # L1 at once
    clock.moment = T0 + 22 * MIN  # nothing ran across L2's +15
    async with WebhookSink() as sink:
        with Store(path, clock) as again, Store(path, clock) as other:
            fired = fire_due(again, clock) + fire_due(other, clock)
            assert [(f.firing.level, f.firing.late) for f in fired] == [(1, True)]
            clock.moment += MIN
            assert fire_due(again, clock) == [] and fire_due(other, clock) == []
            row = incidents.open_views(other, clock.now())[0].ladder.rows[1]
            assert row.state is RowState.LATE and row.fired_at == T0 + 22 * MIN
            assert row.fires_at == T0 + 15 * MIN
            await deliver(again, other, config=replace(Config(), webhook_url=sink.url))
        assert len(sink.texts) == 2
        assert "L2 백엔드 리드 paged" in sink.texts[1]
        assert "LATE: 7 min after its time" in sink.texts[1]
        assert f"#{incident.id}" in sink.texts[1]


def test_acknowledging_keeps_the_ladder_running_and_resolving_stops_it(tmp_path: Path) -> None:
    clock = FixedClock(T0)
    with Store(tmp_path / "launch.db", clock) as store:
        incident = declare(store)
        fire_due(store, clock)
        clock.moment = T0 + 3 * MIN
        acked = incidents.acknowledge(store, incident.id, "bob")
        assert acked.done and acked.incident.acknowledged_by == "bob"
        view = incidents.open_views(store, clock.now())[0]
        assert view.ladder.running and view.ladder.countdown == 12 * MIN
        clock.moment = T0 + 15 * MIN
        assert [f.firing.level for f in fire_due(store, clock)] == [1]  # still climbing
        clock.moment = T0 + 20 * MIN
        resolved = incidents.resolve(store, incident.id, "bob", "풀 재설정 후 정상")
        assert resolved.done and resolved.incident.resolution == "풀 재설정 후 정상"
        for minute in (30, 45, 90):
            clock.moment = T0 + minute * MIN
            assert fire_due(store, clock) == []
        assert incidents.open_views(store, clock.now()) == []
        done = incidents.view(store, incident.id, clock.now())
        assert done is not None and not done.ladder.running
        assert [row.state for row in done.ladder.rows] == [
            RowState.FIRED, RowState.FIRED, RowState.STOPPED]
        assert kinds(store) == ["incident.declare", "incident.level", "incident.acknowledge",
                                "incident.level", "incident.resolve"]
        again = incidents.resolve(store, incident.id, "carol", "also fixed")
        assert again.already_text(SEOUL) == "already resolved by bob at 09:50"
        assert incidents.get(store, incident.id).resolution == "풀 재설정 후 정상"  # type: ignore[union-attr]


def test_a_reopened_incident_goes_on_from_the_highest_level(tmp_path: Path) -> None:
    clock = FixedClock(T0)
    with Store(tmp_path / "launch.db", clock) as store:
        incident = declare(store)
        for minute in (0, 15):
            clock.moment = T0 + minute * MIN
            fire_due(store, clock)
        clock.moment = T0 + 20 * MIN
        incidents.resolve(store, incident.id, "bob", "restarted")
        clock.moment = T0 + 60 * MIN
        reopened = incidents.reopen(store, incident.id, "carol", "down again")
        assert reopened.done and reopened.incident.open
        assert reopened.incident.reopen_from == 1 and reopened.incident.acknowledged_by is None
        assert fire_due(store, clock) == []  # L1 and L2 are not paged as new levels again
        view = incidents.open_views(store, clock.now())[0]
        assert view.ladder.current is not None and view.ladder.current.name == "L2"
        assert view.ladder.next is not None and view.ladder.next.fires_at == T0 + 75 * MIN
        clock.moment = T0 + 74 * MIN
        assert fire_due(store, clock) == []
        clock.moment = T0 + 75 * MIN
        assert [(f.firing.level, f.firing.late) for f in fire_due(store, clock)] == [(2, False)]
        assert incidents.reopen(store, incident.id, "dave").already_text(SEOUL) == \
            "already reopened by carol at 10:30"
        texts = [notice.text for notice in reversed(outbox.notices(store))]
        assert "reopened by carol: down again — at L2 백엔드 리드" in texts[-2]


def test_escalate_now_fires_the_next_level_at_once_with_its_reason(tmp_path: Path) -> None:
    clock = FixedClock(T0)
    with Store(tmp_path / "launch.db", clock) as store:
        incident = declare(store)
        fire_due(store, clock)
        clock.moment = T0 + 4 * MIN
        result = incidents.escalate_now(store, incident.id, "bob", "DB 복구 불가", seen_level=0)
        assert result.done and result.event.kind == "incident.escalate"
        assert result.event.detail["note"] == "DB 복구 불가"
        rows = incidents.open_views(store, clock.now())[0].ladder.rows
        assert rows[1].state is RowState.FIRED and rows[1].by == "bob"
        assert rows[1].fired_at == T0 + 4 * MIN
        clock.moment = T0 + 15 * MIN
        assert fire_due(store, clock) == []  # L2 already fired: not again at +15
        # Alice saw L1 as current and presses e too: she is told, nothing more fires.
        late = incidents.escalate_now(store, incident.id, "alice", "also", seen_level=0)
        assert late.already_text(SEOUL) == "already escalated to L2 백엔드 리드 by bob at 09:34"
        assert incidents.escalate_now(store, incident.id, "alice", "now L3").done
        top = incidents.escalate_now(store, incident.id, "alice", "more")
        assert top.already_text(SEOUL) == "already at the top level (L3 CTO / 최종 의사결정자)"
        notice = outbox.notices(store)[0].text
        assert "L3 CTO / 최종 의사결정자 paged, escalated now by alice: now L3" in notice


def race(first: Callable[[], incidents.IncidentResult],
         second: Callable[[], incidents.IncidentResult]) -> list[incidents.IncidentResult]:
    """Run both at the same moment from two threads (each with its own Store)."""
    barrier = threading.Barrier(2)
    results: list[incidents.IncidentResult] = []

    def run(call: Callable[[], incidents.IncidentResult]) -> None:
        barrier.wait()
        results.append(call())

    threads = [threading.Thread(target=run, args=(call,)) for call in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(results) == 2
    return results


def test_two_operators_at_once_one_wins_the_other_is_told(tmp_path: Path) -> None:
    clock = FixedClock(T0 + 11 * MIN)  # 09:41 in Seoul
    path = tmp_path / "launch.db"
    with Store(path, clock) as a, Store(path, clock) as b:
        for attempt in range(4):
            incident = declare(a, situation=f"서버 다운 {attempt}")
            acks = race(partial(incidents.acknowledge, a, incident.id, "alice"),
                        partial(incidents.acknowledge, b, incident.id, "bob"))
            [won] = [r for r in acks if r.done]
            [lost] = [r for r in acks if not r.done]
            winner = won.incident.acknowledged_by
            assert lost.already_text(SEOUL) == f"already acknowledged by {winner} at 09:41"
            assert incidents.get(a, incident.id) == incidents.get(b, incident.id)  # both agree
            events = [e for e in a.timeline(kinds=["incident.acknowledge"])
                      if e.subject == incident.subject]
            assert sorted(bool(e.detail.get("already")) for e in events) == [False, True]

            fixes = race(partial(incidents.resolve, a, incident.id, "alice", "A"),
                         partial(incidents.resolve, b, incident.id, "bob", "B"))
            [won] = [r for r in fixes if r.done]
            [lost] = [r for r in fixes if not r.done]
            assert lost.incident.resolution == won.incident.resolution
            assert lost.already_text(SEOUL) == \
                f"already resolved by {won.incident.resolved_by} at 09:41"

            situation = f"DB 연결 실패 {attempt}"
            declared = race(
                partial(incidents.declare, a, "alice", severity="심각", situation=situation,
                        policy=POLICY),
                partial(incidents.declare, b, "bob", severity="심각", situation=situation,
                        policy=POLICY))
            assert sorted(r.done for r in declared) == [False, True]
            assert declared[0].incident.id == declared[1].incident.id  # one incident
        assert len(incidents.all_incidents(a)) == 8


def test_hostile_text_is_stored_and_returned_literally(tmp_path: Path) -> None:
    hostile = "[@click=app.quit]x[/]y \x1b]0;pwned\x07 <!channel> & \u202eevil"
    with Store(tmp_path / "launch.db", FixedClock(T0)) as store:
        incident = declare(store, severity=hostile, situation="[b]bold[/b] 응답 지연 > 5s")
        fire_due(store, FixedClock(T0))
        got = incidents.get(store, incident.id)
        assert got is not None and got.severity == hostile
        assert got.situation == "[b]bold[/b] 응답 지연 > 5s"
        assert store.timeline(kinds=["incident.declare"])[0].detail["severity"] == hostile
        text = outbox.notices(store)[0].text
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
        assert "&lt;!channel&gt; &amp;" in text and "<!channel>" not in text
        assert "[@click=app.quit]x[/]y" in text and "응답 지연 &gt; 5s" in text


def test_declaring_the_same_open_incident_twice_gives_one(tmp_path: Path) -> None:
    clock = FixedClock(T0)
    with Store(tmp_path / "launch.db", clock) as store:
        first = declare(store)
        again = incidents.declare(store, "bob", severity="심각", situation="서버 다운",
                                  policy=POLICY)
        assert not again.done and again.incident.id == first.id
        assert again.already_text(SEOUL) == f"already declared as #{first.id} by alice at 09:30"
        other = incidents.declare(store, "bob", severity="경고", situation="서버 다운",
                                  policy=POLICY)
        assert other.done and other.incident.id != first.id


def test_the_policy_is_copied_in_when_declared(tmp_path: Path) -> None:
    quick = EscalationPolicy((LadderLevel("P1", "Ops <team>", 0), LadderLevel("P2", "Lead", 2)))
    clock = FixedClock(T0)
    with Store(tmp_path / "launch.db", clock) as store:
        incident = declare(store, policy=quick, rehearsal=True)
        view = incidents.open_views(store, clock.now())[0]
        assert view.incident.policy == quick and view.incident.rehearsal
        assert [(row.name, row.who, row.fires_at) for row in view.ladder.rows] == [
            ("P1", "Ops <team>", T0), ("P2", "Lead", T0 + 2 * MIN)]
        assert view.ladder.rows[0].state is RowState.DUE and view.ladder.current is None
        assert view.age == timedelta(0) and view.delivery == outbox.DeliverySummary()
        fire_due(store, clock)
        assert outbox.notices(store)[0].text.startswith(
            f"[rehearsal] AUTUS incident #{incident.id} 심각 · 서버 다운 — P1 Ops &lt;team&gt;")
        assert SECRET_PATH not in outbox.notices(store)[0].text


def test_the_unique_firing_row_decides_who_notifies(tmp_path: Path) -> None:
    """Both processes computed L1 as due from what they read; only one insert lands."""
    clock = FixedClock(T0)
    path = tmp_path / "launch.db"
    with Store(path, clock) as a, Store(path, clock) as b:
        declare(a)
        seen_a, seen_b = incidents.open_incidents(a)[0], incidents.open_incidents(b)[0]
        due = incidents.Due(0, 0, T0, False, "schedule")
        with a.write() as tx:
            first = incidents.fire(tx, seen_a, due)
        with b.write() as tx:
            second = incidents.fire(tx, seen_b, due)  # b's view is stale: L1 looks unfired
        assert first is not None and second is None
        assert len(outbox.notices(b)) == 1
        assert len(b.timeline(kinds=["incident.level"])) == 1
