"""Incidents in the record: the words of every incident and notice event (events pane,
timeline), the handover's open incidents first with their ladder state, and the D-Day
report's Incidents section — all read from a real SQLite file written on a stepped clock,
notices delivered to a real local webhook (one answering 500 first)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from webhook_sink import WebhookSink

from autus_tui.core.clock import FixedClock
from autus_tui.core.config import Config
from autus_tui.core.day_report import render
from autus_tui.core.escalation import EscalationPolicy
from autus_tui.core.handover_summary import handover_markdown
from autus_tui.core.incident_text import event_detail, event_text, subject_text
from autus_tui.core.schedule import LaunchDay
from autus_tui.services.escalation_firing import fire_due
from autus_tui.services.event_text import event_line
from autus_tui.services.notifier import Notifier
from autus_tui.services.report_data import collect_report, handover_summary
from autus_tui.services.runbook_files import load_runbooks
from autus_tui.store import Store, incidents

SEOUL = ZoneInfo("Asia/Seoul")
T0 = datetime(2026, 11, 27, 0, 30, tzinfo=UTC)  # 09:30 in Seoul
MIN = timedelta(minutes=1)
CONFIG = Config()


async def day(path: Path, clock: FixedClock) -> Store:
    """#1 서버 다운: declared 09:30 by alice, acknowledged by bob 09:34, L2 at 09:45 (the
    webhook answers 500 once), resolved by bob 09:50. #2 에러율 > 1%: declared 09:40 by
    kim, escalated now by kim 09:41, still open. carol's acknowledge lost. The notices are
    delivered before the resolve, whose notice stays pending."""
    store = Store(path, clock)
    policy = EscalationPolicy()
    first = incidents.declare(store, "alice", severity="심각", situation="서버 다운",
                              response="즉시 재시작", policy=policy, rehearsal=True).incident
    fire_due(store, clock)
    clock.moment = T0 + 4 * MIN
    incidents.acknowledge(store, first.id, "bob")
    incidents.acknowledge(store, first.id, "carol")  # lost: already acknowledged by bob
    clock.moment = T0 + 10 * MIN
    second = incidents.declare(store, "kim", severity="주의", situation="에러율 > 1%",
                               response="모니터링 강화", policy=policy, rehearsal=True).incident
    fire_due(store, clock)
    clock.moment = T0 + 11 * MIN
    incidents.escalate_now(store, second.id, "kim", "고객 문의 급증", seen_level=0)
    clock.moment = T0 + 15 * MIN
    fire_due(store, clock)
    async with WebhookSink() as sink:
        sink.fail_next = 1
        config = replace(CONFIG, rehearsal_webhook_url=sink.url)
        notifier = Notifier(store, config, "test", first_backoff=0.0)
        for _ in range(50):
            if not await notifier.step():
                break
        await notifier.aclose()
    clock.moment = T0 + 20 * MIN
    incidents.resolve(store, first.id, "bob", "재시작 후 정상")
    return store


def lines(store: Store, prefix: str) -> list[str]:
    return [line for event in reversed(store.timeline(kind_prefix=prefix))
            if (line := event_line(event)) is not None]


async def test_every_step_reads_as_a_line(tmp_path: Path) -> None:
    clock = FixedClock(T0)
    with await day(tmp_path / "d.db", clock) as store:
        assert lines(store, "incident.") == [
            "alice declared #1 심각 서버 다운 → 즉시 재시작",
            "#1 L1 On-call 엔지니어 paged",
            "bob acknowledged #1 (the ladder keeps running)",
            "carol acknowledge #1: already acknowledged by bob",
            "kim declared #2 주의 에러율 > 1% → 모니터링 강화",
            "#2 L1 On-call 엔지니어 paged",
            "kim escalated #2 to L2 백엔드 리드: 고객 문의 급증",
            "#1 L2 백엔드 리드 paged",
            "bob resolved #1: 재시작 후 정상 (open 0:20:00)",
        ]
        notify = lines(store, "notify.")
        assert notify[0].startswith("notice for #1 not delivered (attempt 1): 127.0.0.1:")
        assert notify[0].endswith(": HTTP 500 — retrying")
        assert all(line.startswith("notice for #") for line in notify)
        assert sum("sent (127.0.0.1:" in line for line in notify) == 5
        assert not any("s3cr3t" in line or "hush" in line for line in notify)


def test_words_without_a_store() -> None:
    assert event_text("incident.level", "system", "3", {
        "name": "L2", "who": "백엔드 리드", "late": True}) == \
        "#3 L2 백엔드 리드 paged — LATE (nothing was running at its time)"
    assert event_text("incident.reminder", "system", "3", {
        "name": "L3", "who": "CTO", "seq": 2}) == "#3 reminder 2: L3 CTO paged again"
    assert event_text("incident.reopen", "bob", "3", {"reason": "재발", "from_level": 1}) == \
        "bob reopened #3: 재발 (the ladder goes on from level 2)"
    assert event_text("notify.failed", "system", "3", {
        "error": "hooks.example.com: HTTP 404 (not retried)"}) == \
        "notice for #3 FAILED: hooks.example.com: HTTP 404 (not retried)"
    assert event_text("notify.skipped", "system", "3", {
        "error": "no webhook configured (AUTUS_REHEARSAL_WEBHOOK_URL unset)"}) == \
        "notice for #3 not sent: no webhook configured (AUTUS_REHEARSAL_WEBHOOK_URL unset)"
    assert event_text("incident.rollback", "bob", "3", {
        "run": 2, "from": "v1.0.0", "target": "v0.9.10", "reason": "DB 손상"}) == \
        "bob started rollback run 2 for #3: v1.0.0 → v0.9.10 (DB 손상)"
    assert event_text("checklist.done", "kim", "x", {}) is None
    # Outside text: control sequences gone, markup left as typed (the screen shows it
    # through ui.safe).
    assert event_text("incident.declare", "[b]m[/b]", "4", {
        "severity": "[@click=app.quit]", "situation": "x\x1b[31m[/]y"}) == \
        "[b]m[/b] declared #4 [@click=app.quit] x[/]y"
    assert event_detail("incident.escalate", {"name": "L2", "who": "백엔드 리드",
                                              "note": "DB"}) == "L2 백엔드 리드 · DB"
    assert event_detail("notify.retry", {"attempt": 2, "host": "h", "error": "h: HTTP 500"}) \
        == "retry · attempt 2 · h · h: HTTP 500"
    assert subject_text("incident.level", "3") == "#3"
    assert subject_text("checklist.done", "3") == "3"


async def test_the_handover_lists_open_incidents_first_with_their_ladder(
        tmp_path: Path) -> None:
    clock = FixedClock(T0)
    with await day(tmp_path / "d.db", clock) as store:
        runbook = load_runbooks(CONFIG)
        launch = LaunchDay(T0.astimezone(SEOUL).date(), CONFIG.launch.time, SEOUL)
        summary = handover_summary(store, runbook, launch, clock.now(), CONFIG.metrics,
                                   timedelta(seconds=3), trackers={})
        assert summary.incidents == (
            "#2 주의 에러율 > 1% → 모니터링 강화 — declared 09:40 by kim, open 0:10:00; "
            "L2 백엔드 리드 paged 09:41; next L3 CTO / 최종 의사결정자 at 10:10 (in 20:00); "
            "not acknowledged; notices 2 sent",)
        text = handover_markdown(summary, SEOUL)
        assert text.index("## Open incidents") < text.index("## Open checklist items")
        assert "- #2 주의 에러율 > 1% → 모니터링 강화 — declared 09:40 by kim" in text


async def test_the_report_has_each_incident_and_totals(tmp_path: Path) -> None:
    clock = FixedClock(T0)
    with await day(tmp_path / "d.db", clock) as store:
        runbook = load_runbooks(CONFIG)
        text = render(collect_report(store, CONFIG, runbook, clock.now()))
    section = text[text.index("## Incidents"):text.index("## Metrics")].splitlines()
    assert section[:7] == [
        "## Incidents",
        "",
        "- Declared: 2 (1 심각, 1 주의); resolved 1, still open 1; reopened 0 times",
        "- Levels paged: 4 (0 late, 1 escalated by hand); reminders: 0",
        "- Time to acknowledge (median): 0:04:00 over 1; time to resolve (median): 0:20:00 "
        "over 1",
        "- Notices: 5 sent, 0 failed, 1 pending, 0 skipped",  # the resolve: not sent yet
        "",
    ]
    assert section[9] == ("| #1 | 심각 | 서버 다운 | 09:30 by alice | L1 09:30, L2 09:45 | "
                          "bob after 0:04:00 | bob after 0:20:00 | 재시작 후 정상 |")
    assert section[10] == ("| #2 | 주의 | 에러율 > 1% | 09:40 by kim | L1 09:40, L2 09:41 "
                           "by kim | — | open |  |")
