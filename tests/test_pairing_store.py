"""Pairing on one file: notes and handovers seen by the other process, the handover
summary and its Markdown. (Simultaneous marks: tests/test_store_processes.py.)"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from autus_tui.core.clock import FixedClock
from autus_tui.core.config import Config
from autus_tui.core.levels import Level
from autus_tui.core.observations import PollResult
from autus_tui.core.payload import Reading
from autus_tui.core.schedule import LaunchDay, SlotState
from autus_tui.services.report_data import handover_markdown, handover_summary
from autus_tui.services.runbook_files import load_runbooks
from autus_tui.store import Store, notes, samples

SEOUL = ZoneInfo("Asia/Seoul")
DAY = LaunchDay(date(2026, 11, 27), time(9, 0), SEOUL)


def _at(hhmm: str) -> datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return datetime(2026, 11, 27, hours, minutes, tzinfo=SEOUL).astimezone(UTC)


def test_a_note_is_cleaned_attributed_timed_and_seen_by_the_other_process(
    tmp_path: Path,
) -> None:
    path = tmp_path / "launch.db"
    with Store(path, FixedClock(_at("18:01"))) as alice, Store(path) as bob:
        seen = bob.data_version()
        event = notes.add_note(alice, "alice", "DB pool\x1b[31m ok\r\nwatch \x07gate\t[b]x[/b]\n\n")
        assert bob.data_version() != seen
        [news] = bob.events_since(0)
        assert (news.kind, news.operator, news.at) == ("note", "alice", _at("18:01"))
        assert news.detail == {"text": "DB pool ok\nwatch gate [b]x[/b]"} == event.detail
        assert bob.timeline(kinds=["note"])[0].id == event.id  # on the timeline


def test_notes_are_bounded() -> None:
    assert len(notes.clean_note("x" * 5000)) == notes.MAX_NOTE
    assert notes.clean_note("\n".join("abc" for _ in range(100))).count("\n") == \
        notes.MAX_LINES - 1


def test_take_over_records_from_and_to_and_the_other_process_reads_the_on_call(
    tmp_path: Path,
) -> None:
    path = tmp_path / "launch.db"
    clock = FixedClock(_at("17:00"))
    with Store(path, clock) as alice, Store(path) as bob:
        assert notes.current_oncall(bob) is None
        notes.add_note(alice, "alice", "before any handover")
        first = notes.take_over(alice, "alice")
        clock.moment = _at("17:30")
        notes.add_note(alice, "alice", "day shift note")
        clock.moment = _at("18:02")
        second = notes.take_over(bob, "bob")
        assert (first.previous, second.previous, second.oncall) == ("", "alice", "bob")
        assert notes.current_oncall(alice) == "bob"
        assert second.event.detail == {"from": "alice", "to": "bob"}
        notes.add_note(alice, "alice", "pool at 85 %")
        # The shift bob took over (alice's, from her take-over) keeps its notes.
        handover, since = notes.notes_since_shift(alice)
        assert handover is not None and handover.id == first.event.id
        assert [n.detail["text"] for n in since] == ["day shift note", "pool at 85 %"]


def test_handover_summary_and_its_markdown(tmp_path: Path) -> None:
    config = Config()
    runbook = load_runbooks(config)
    clock = FixedClock(_at("18:05"))
    with Store(tmp_path / "launch.db", clock) as store:
        for item in runbook.items:  # everything before 18:00 closed but one noon check
            if item.id.startswith(("pre.", "launch.", "noon.")) and item.id != "noon.memory":
                store.mark(item.id, "done", "alice")
        store.mark("evening.snapshot", "done", "alice")
        samples.record_polls(store, [PollResult(_at("18:05") - timedelta(seconds=1), {
            "error_rate": Reading(2.5), "avg_response": Reading(2500.0),
            "active_users": Reading(1200.0), "db_connections": Reading(None, "missing")})], 3.0)
        notes.take_over(store, "alice")
        notes.take_over(store, "bob")
        notes.add_note(store, "bob", "| pipe\n# heading? [@click=app.quit]")
        summary = handover_summary(store, runbook, DAY, _at("18:05"), config.metrics,
                                   timedelta(seconds=3))
        markdown = handover_markdown(summary, SEOUL)
    assert [(s.title, s.state) for s in summary.slots] == [
        ("점심", SlotState.OVERDUE), ("저녁", SlotState.ACTIVE), ("자정", SlotState.UPCOMING)]
    assert [(i.id, i.overdue) for s in summary.slots for i in s.items][:3] == [
        ("noon.memory", True), ("evening.anomalies", False), ("evening.handover", False)]
    assert [(a.label, a.level, a.value) for a in summary.alerts] == [
        ("Error Rate", Level.WARN, "2.50%"), ("Avg Response", Level.CRIT, "2,500 ms")]
    assert (summary.oncall, summary.previous_oncall) == ("bob", "alice")
    assert markdown.splitlines() == [
        "# Handover — 2026-11-27 18:05",
        "",
        "- On call: bob since 18:05, taking over from alice",
        "- Handed over: alice → bob at 18:05",
        "- This handover covers: alice 18:05–18:05, bob since 18:05",
        "- Health now: no health read",
        "",
        "## Open checklist items",
        "",
        "### 점심 (12:00) — overdue",
        "",
        "- 메모리 사용량 확인 — OVERDUE",
        "",
        "### 저녁 (18:00) — active",
        "",
        "- 이상 패턴 분석",
        "- 야간 on-call 인수인계",
        "",
        "### 자정 (24:00) — upcoming",
        "",
        "- D-Day 리포트 생성",
        "- Afterimage 백업",
        "- D+1 준비 상태 확인",
        "",
        "## Metrics in WARN or CRIT",
        "",
        "- Error Rate: WARN (2.50%)",
        "- Avg Response: CRIT (2,500 ms)",
        "",
        "## Health over the shift (since 18:05)",
        "",
        "- Outages: none",
        "- Levels: every metric stayed OK",
        "",
        "## Done in the shift (since 18:05)",
        "",
        "Nothing recorded.",
        "",
        "## Notes since the shift began",
        "",
        "- 18:05 bob:",
        "  - | pipe",  # a pipe in a list item means nothing
        "  - `# heading? [@click=app.quit]`",
        "",
        "## Open incidents",
        "",
        "None recorded.",
        "",
        "## Rollbacks",
        "",
        "None recorded.",
    ]


def test_at_noon_the_summary_lists_the_overdue_slots_before_it(tmp_path: Path) -> None:
    config = Config()
    runbook = load_runbooks(config)
    with Store(tmp_path / "launch.db", FixedClock(_at("12:30"))) as store:
        for item in runbook.items:
            if item.id.startswith("pre."):
                store.mark(item.id, "done", "alice")
        summary = handover_summary(store, runbook, DAY, _at("12:30"), config.metrics,
                                   timedelta(seconds=3))
    # 출시 전 is done (left out); 출시 09:00 ended with items open; 점심 active; 저녁 next.
    assert [(s.title, s.state) for s in summary.slots] == [
        ("출시", SlotState.OVERDUE), ("점심", SlotState.ACTIVE), ("저녁", SlotState.UPCOMING)]
    assert all(i.overdue for i in summary.slots[0].items) and len(summary.slots[0].items) == 10
    assert not any(i.overdue for s in summary.slots[1:] for i in s.items)
