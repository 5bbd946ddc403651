"""The launch-day report (the seed's 24:00 "D-Day 리포트"): data in, Markdown out.

``render(data)`` joins the output of ``SECTIONS``, a list of builders
``(ReportData) -> list[str]``, in this order: the head (a REHEARSAL banner when the
database is a rehearsal one); the summary first (availability, outages, worst levels,
incidents, rollbacks, checklist completion, handovers: ``core.day_sections``); the
outages, each with its start, end and duration; the checklist per slot with who, when,
N/A reasons and the last verify verdict with its evidence; incidents
(``core.incident_report``, ``extra["incidents"]``) and rollbacks
(``core.rollback_report``, ``extra["rollbacks"]``); per metric min / mean / max / p95
and time in WARN and CRIT, then the level episodes (``core.episodes``: start, end, peak,
not every flip); the day hour by hour (``core.hourly``); gate events; on-call shifts and
handovers; notes; the first-week items.

Times are shown in the launch timezone as ``HH:MM`` (``D-1`` / ``D+1`` prefixed off
launch day). Figures use each metric's display precision and unit (``MetricSpec.format``);
durations are ``H:MM:SS``. Every piece of outside text goes through ``core.markdown``.
The seed's first-week report items are all listed, each either answered from the data
or marked as not supported by it, with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any

from autus_tui.core import markdown as md
from autus_tui.core.episodes import Episode
from autus_tui.core.hourly import HourRow
from autus_tui.core.metrics import MetricSpec
from autus_tui.core.outages import Outage
from autus_tui.core.rehearsal_mark import BANNER
from autus_tui.core.rollup import MetricFigures
from autus_tui.core.runbook import ItemState
from autus_tui.core.schedule import Progress, hms
from autus_tui.core.shifts import Shift

GATES = (("gate_observe", "OBSERVE"), ("gate_ring", "RING"), ("gate_lock", "LOCK"))
STATE_WORDS = {ItemState.DONE: "done", ItemState.NA: "N/A", ItemState.OPEN: "open"}


@dataclass(frozen=True)
class Verdict:
    word: str
    """PASS, FAIL, or a probe's own word (WARN)."""
    by: str
    at: datetime
    evidence: str


@dataclass(frozen=True)
class ItemRow:
    text: str
    state: ItemState
    operator: str = ""
    at: datetime | None = None
    reason: str = ""
    verified: Verdict | None = None
    """The item's last verify verdict."""


@dataclass(frozen=True)
class SlotRows:
    title: str
    at_text: str
    progress: Progress
    items: tuple[ItemRow, ...]


@dataclass(frozen=True)
class NoteRow:
    at: datetime
    operator: str
    text: str


@dataclass(frozen=True)
class ReportData:
    title: str
    launch_date: date
    zone: tzinfo
    zone_name: str
    generated_at: datetime
    rehearsal: bool = False
    slots: tuple[SlotRows, ...] = ()
    metrics: tuple[tuple[MetricSpec, MetricFigures | None], ...] = ()
    polls: int = 0
    poll_errors: int = 0
    first_poll: datetime | None = None
    last_poll: datetime | None = None
    notes: tuple[NoteRow, ...] = ()
    outages: tuple[Outage, ...] = ()
    episodes: tuple[Episode, ...] = ()
    """Every level episode of the day (``core.episodes``), by start."""
    hours: tuple[HourRow, ...] = ()
    shifts: tuple[Shift, ...] = ()
    covered: tuple[tuple[datetime, datetime], ...] = ()
    """When polls were being recorded (``core.outages.polled_spans``); empty: not known."""
    extra: Mapping[str, Any] = field(default_factory=dict)
    """More sections' data: ``incidents``, ``rollbacks``."""

    @property
    def until(self) -> datetime:
        """Where the record ends: the last poll, else the report's time."""
        return self.last_poll or self.generated_at

    def when(self, at: datetime, seconds: bool = False) -> str:
        local = at.astimezone(self.zone)
        text = f"{local:%H:%M:%S}" if seconds else f"{local:%H:%M}"
        days = (local.date() - self.launch_date).days
        return text if days == 0 else f"D{days:+d} {text}"

    def figures(self, key: str) -> MetricFigures | None:
        return next((f for spec, f in self.metrics if spec.key == key), None)

    def spec(self, key: str) -> MetricSpec | None:
        return next((spec for spec, _ in self.metrics if spec.key == key), None)


Section = Callable[[ReportData], list[str]]


def duration(seconds: float) -> str:
    """``H:MM:SS``, rounded to the nearest second."""
    return hms(round(seconds), hour_digits=1)


def share(part: float, whole: float) -> str:
    return "—" if whole <= 0 else f"{part / whole * 100:.1f}%"


# -- sections ---------------------------------------------------------------------------




def head(data: ReportData) -> list[str]:
    mode = " (REHEARSAL)" if data.rehearsal else ""
    out = [f"# D-Day 리포트 — {md.inline(data.title)}{mode}", ""]
    if data.rehearsal:
        out += [BANNER, ""]
    out += [f"- Launch day: {data.launch_date.isoformat()} ({md.inline(data.zone_name)})",
           f"- Generated: {data.when(data.generated_at)}"]
    if data.polls and data.first_poll and data.last_poll:
        out.append(f"- Recorded polls: {data.polls:,} ({data.poll_errors:,} with errors), "
                   f"{data.when(data.first_poll)} to {data.when(data.last_poll)}")
    else:
        out.append("- Recorded polls: none")
    return out


def checklist(data: ReportData) -> list[str]:
    out = ["## Checklist"]
    for slot in data.slots:
        p = slot.progress
        out += ["", f"### {md.inline(slot.title)} ({slot.at_text}) — {p.closed}/{p.total} "
                    f"closed: {p.done} done, {p.na} N/A, {p.open} open", ""]
        rows = [[md.inline(item.text), STATE_WORDS[item.state], md.inline(item.operator),
                 data.when(item.at) if item.at else "", md.inline(item.reason),
                 verdict_cell(data, item.verified)]
                for item in slot.items]
        out += md.table(["Item", "State", "By", "At", "N/A reason", "Last verify"], rows)
    return out


def verdict_cell(data: ReportData, verdict: Verdict | None) -> str:
    if verdict is None:
        return ""
    return (f"{md.inline(verdict.word, 20)} {data.when(verdict.at)} by "
            f"{md.inline(verdict.by, 40)}: {md.inline(verdict.evidence, 300)}")


def metrics(data: ReportData) -> list[str]:
    out = ["## Metrics", ""]
    rows = []
    for spec, fig in data.metrics:
        if spec.counter:
            continue  # cumulative counts: see the gate distribution
        if fig is None:
            rows.append([md.inline(spec.label), "no data", "", "", "", "", ""])
            continue
        levels = ([duration(fig.warn_s), duration(fig.crit_s)] if spec.thresholds
                  else ["—", "—"])
        rows.append([md.inline(spec.label), *(md.inline(spec.format(v)) for v in
                     (fig.min, fig.mean, fig.max, fig.p95)), *levels])
    out += md.table(["Metric", "Min", "Mean", "Max", "p95", "Time in WARN", "Time in CRIT"],
                    rows)
    counters = "Cumulative counters are under Gate events. " if any(
        spec.counter for spec, _ in data.metrics) else ""
    out += ["", f"{counters}p95: nearest rank at the precision shown. Time in a level: from "
                "each value until the next, at most 3 poll intervals."]
    return out


def gate_counts(data: ReportData) -> list[tuple[str, float]] | None:
    """(gate, latest cumulative count) for OBSERVE / RING / LOCK, or None without data."""
    counts = []
    for key, name in GATES:
        fig = data.figures(key)
        if fig is None:
            return None
        counts.append((name, fig.max))
    return counts


def gates(data: ReportData) -> list[str]:
    out = ["## Gate events (OBSERVE / RING / LOCK)", ""]
    counts = gate_counts(data)
    if counts is None:
        return [*out, "No gate event counts were recorded."]
    total = sum(n for _, n in counts)
    rows = [[name, f"{n:,.0f}", share(n, total)] for name, n in counts]
    rows.append(["Total", f"{total:,.0f}", "100.0%" if total else "—"])
    return [*out, "Cumulative counts at the last recorded poll.", "",
            *md.table(["Gate", "Count", "Share"], rows)]


def notes(data: ReportData) -> list[str]:
    out = ["## Notes", ""]
    if not data.notes:
        return [*out, "No notes were written."]
    for note in data.notes:
        out += md.note_item(f"{data.when(note.at)} {md.inline(note.operator)}", note.text)
    return out


def first_week(data: ReportData) -> list[str]:
    """The seed's 첫 주간 리포트 항목: what the recorded data can answer, and what not."""
    users = data.figures("active_users")
    total_users = "Not supported by the data: the backend reports concurrent Active Users, " \
                  "not a count of distinct users"
    if users is not None:
        total_users += f" (peak concurrent: {users.max:,.0f})"
    counts = gate_counts(data)
    if counts is None:
        distribution = "Not supported by the data: no gate event counts were recorded"
    else:
        whole = sum(n for _, n in counts)
        distribution = " · ".join(f"{name} {share(n, whole)}" for name, n in counts) + \
            f" of {whole:,.0f} events (see Gate events)"
    rate = data.figures("afterimage_rate")
    spec = data.spec("afterimage_rate")
    if rate is None or spec is None:
        afterimages = "Not supported by the data: no Afterimage rate was recorded"
    else:
        afterimages = (f"≈ {rate.area / 60:,.0f}, estimated from the recorded "
                       f"{md.inline(spec.label)} over time (the backend reports no total)")
    rows = [
        ["1. 총 사용자 수", total_users],
        ["2. Gate 이벤트 분포 (OBSERVE/RING/LOCK)", distribution],
        ["3. 설명 요청 빈도 (무응답 처리)",
         "Not supported by the data: explanation requests are not recorded"],
        ["4. 이탈률 vs 적응률",
         "Not supported by the data: churn and adaptation are not recorded"],
        ["5. Afterimage 총 기록 수", afterimages],
    ]
    return ["## First-week report items (첫 주간 리포트 항목)", "",
            *md.table(["Item", "From the recorded data"], rows)]


def rollbacks(data: ReportData) -> list[str]:
    from autus_tui.core.rollback_report import report_section  # it imports this module

    return report_section(data)


def incidents(data: ReportData) -> list[str]:
    from autus_tui.core.incident_report import report_section  # it imports this module

    return report_section(data)


def debrief(data: ReportData) -> list[str]:
    from autus_tui.core.debrief import report_section  # it imports this module

    return report_section(data)


def _day_sections() -> list[Section]:
    from autus_tui.core import day_sections as more  # it imports this module

    return [head, more.summary, more.downtime, checklist, incidents, rollbacks, metrics,
            more.level_episodes, more.hours, gates, more.oncall, notes, debrief, first_week]


SECTIONS: list[Section] = []
"""The report's sections in order (filled on first use: see ``render``)."""


def render(data: ReportData, sections: Sequence[Section] | None = None) -> str:
    if not SECTIONS:
        SECTIONS.extend(_day_sections())
    blocks = [section(data) for section in (SECTIONS if sections is None else sections)]
    return "\n\n".join("\n".join(block) for block in blocks if block) + "\n"
