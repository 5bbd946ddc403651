"""Incidents in the handover and the D-Day report: data in, text out.

``IncidentFacts`` is one incident as recorded (``services.report_data`` builds it from the
store): who declared it and when, its ladder state (levels fired, when, late or by hand),
the first acknowledgement, the resolution, how its notices went.

``handover_line(facts, now, zone)``: one open incident with its ladder state, for the
handover view and its Markdown (open incidents come first there):
``#3 심각 서버 다운 → 즉시 재시작 — declared 09:30 by alice, open 0:12:00; L2 백엔드 리드
paged 09:45; next L3 CTO / 최종 의사결정자 at 10:00 (in 15:00); acknowledged by bob 09:41
(the ladder keeps running); notices 2 sent``.

``report_section(data)``: the report's "Incidents" section from ``data.extra["incidents"]``:
totals (declared by severity, resolved, open, levels paged, late, by hand, reminders,
the median time to acknowledge and to resolve, notices), then a table, one row per
incident: declared, levels paged and when, acknowledged by whom after how long, resolved
by whom after how long, the resolution. Outside text through ``core.markdown``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from statistics import median
from typing import TYPE_CHECKING

from autus_tui.core import markdown as md
from autus_tui.core.escalation import LATE_GRACE, LadderState, RowState, ladder
from autus_tui.core.incident_text import countdown_text, span_text

if TYPE_CHECKING:
    from autus_tui.core.day_report import ReportData


@dataclass(frozen=True)
class IncidentFacts:
    id: int
    severity: str
    situation: str
    response: str
    declared_at: datetime
    declared_by: str
    state: LadderState
    acknowledged_by: str | None = None
    """The first acknowledgement (a reopen clears the current one, not this)."""
    acknowledged_at: datetime | None = None
    resolved_by: str | None = None
    resolved_at: datetime | None = None
    resolution: str | None = None
    reopens: int = 0
    sent: int = 0
    failed: int = 0
    pending: int = 0
    skipped: int = 0

    @property
    def open(self) -> bool:
        return self.resolved_at is None

    @property
    def label(self) -> str:
        return f"#{self.id}"


def _when(at: datetime, zone: tzinfo) -> str:
    return f"{at.astimezone(zone):%H:%M}"


def notices_text(facts: IncidentFacts) -> str:
    counts = [f"{n} {word}" for n, word in ((facts.sent, "sent"), (facts.pending, "pending"),
                                             (facts.failed, "failed"),
                                             (facts.skipped, "skipped")) if n]
    return "notices " + (", ".join(counts) if counts else "none")


def handover_line(facts: IncidentFacts, now: datetime, zone: tzinfo,
                  grace: timedelta = LATE_GRACE) -> str:
    """One open incident with where its ladder stands (plain text: show it safely)."""
    lad = ladder(facts.state, now, grace)
    head = f"{facts.label} {facts.severity} {facts.situation}"
    if facts.response:
        head += f" → {facts.response}"
    parts = [f"{head} — declared {_when(facts.declared_at, zone)} by {facts.declared_by}, "
             f"open {span_text((now - facts.declared_at).total_seconds())}"]
    current = lad.current
    if current is not None and current.fired_at is not None:
        late = " (late)" if current.state is RowState.LATE else ""
        parts.append(f"{current.name} {current.who} paged {_when(current.fired_at, zone)}{late}")
    else:
        parts.append("no level paged yet")
    if lad.next is not None and lad.next.fires_at is not None and lad.countdown is not None:
        parts.append(f"next {lad.next.name} {lad.next.who} at {_when(lad.next.fires_at, zone)}"
                     f" (in {countdown_text(lad.countdown.total_seconds())})")
    elif lad.running:
        parts.append("top level reached")
    if facts.state.reopened_at is None and facts.acknowledged_by:
        at = f" {_when(facts.acknowledged_at, zone)}" if facts.acknowledged_at else ""
        parts.append(f"acknowledged by {facts.acknowledged_by}{at} (the ladder keeps running)")
    else:
        parts.append("not acknowledged")
    parts.append(notices_text(facts))
    return "; ".join(parts)


# -- the D-Day report --------------------------------------------------------------------


def _levels(facts: IncidentFacts, data: ReportData) -> str:
    names = facts.state.policy.levels
    out = []
    for firing in sorted(facts.state.firings, key=lambda f: f.at):
        name = names[firing.level].name if firing.level < len(names) else f"#{firing.level}"
        text = f"{name} {data.when(firing.at)}"
        if firing.seq:
            text = f"{name} reminder {firing.seq} {data.when(firing.at)}"
        if firing.late:
            text += " (late)"
        if firing.by:
            text += f" by {firing.by}"
        out.append(text)
    return ", ".join(out) or "none"


def _span(start: datetime, end: datetime | None) -> str:
    return span_text((end - start).total_seconds()) if end is not None else "—"


def _median(spans: Sequence[float]) -> str:
    return span_text(median(spans)) if spans else "—"


def report_section(data: ReportData) -> list[str]:
    found = tuple(f for f in data.extra.get("incidents", ()) if isinstance(f, IncidentFacts))
    out = ["## Incidents", ""]
    if not found:
        return [*out, "No incidents were declared."]
    severities: dict[str, int] = {}
    for facts in found:
        severities[facts.severity] = severities.get(facts.severity, 0) + 1
    by_severity = ", ".join(f"{n} {md.inline(name, 40)}" for name, n in severities.items())
    firings = [f for facts in found for f in facts.state.firings]
    paged = [f for f in firings if f.seq == 0]
    acks = [(f.acknowledged_at - f.declared_at).total_seconds() for f in found
            if f.acknowledged_at is not None]
    fixes = [(f.resolved_at - f.declared_at).total_seconds() for f in found
             if f.resolved_at is not None]
    resolved = sum(1 for f in found if not f.open)
    out += [
        f"- Declared: {len(found)} ({by_severity}); resolved {resolved}, "
        f"still open {len(found) - resolved}; reopened {sum(f.reopens for f in found)} times",
        f"- Levels paged: {len(paged)} ({sum(f.late for f in paged)} late, "
        f"{sum(bool(f.by) for f in paged)} escalated by hand); "
        f"reminders: {len(firings) - len(paged)}",
        f"- Time to acknowledge (median): {_median(acks)} over {len(acks)}; "
        f"time to resolve (median): {_median(fixes)} over {len(fixes)}",
        f"- Notices: {sum(f.sent for f in found)} sent, {sum(f.failed for f in found)} failed, "
        f"{sum(f.pending for f in found)} pending, {sum(f.skipped for f in found)} skipped",
        "",
    ]
    rows = []
    for facts in found:
        rows.append([
            facts.label, md.inline(facts.severity, 40), md.inline(facts.situation, 120),
            f"{data.when(facts.declared_at)} by {md.inline(facts.declared_by, 40)}",
            md.inline(_levels(facts, data), 300),
            (f"{md.inline(facts.acknowledged_by, 40)} after "
             f"{_span(facts.declared_at, facts.acknowledged_at)}"
             if facts.acknowledged_by else "—"),
            (f"{md.inline(facts.resolved_by or '?', 40)} after "
             f"{_span(facts.declared_at, facts.resolved_at)}" if not facts.open
             else "open"),
            md.inline(facts.resolution or "", 300),
        ])
    out += md.table(["#", "Severity", "Situation", "Declared", "Levels paged",
                     "Acknowledged", "Resolved", "Resolution"], rows)
    return out
