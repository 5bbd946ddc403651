"""The report's sections that tell the day: summary, outages, episodes, hours, shifts.

Builders ``(ReportData) -> list[str]`` for ``core.day_report.SECTIONS``:

- ``summary``: first in the report. Availability (the share of the polled span not in an
  outage), the outages, the worst held level of each metric that left OK (its episodes
  and time in WARN/CRIT), incidents, rollbacks, checklist completion, handovers;
- ``downtime``: each outage with its start, end, duration, polls and why it counted;
- ``level_episodes``: per metric, its episodes (``core.episodes``) with start, end,
  duration, worst level, peak and how many level changes they folded;
- ``hours``: the day hour by hour (``core.hourly``);
- ``oncall``: each shift with who handed over to whom and when.

Times are launch-timezone ``HH:MM`` (``D+1`` prefixed off launch day); durations
``H:MM:SS``; outside text through ``core.markdown``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from autus_tui.core import markdown as md
from autus_tui.core.day_report import ReportData, duration, share
from autus_tui.core.episodes import Episode
from autus_tui.core.hourly import HourRow
from autus_tui.core.incident_report import IncidentFacts
from autus_tui.core.metrics import MetricSpec
from autus_tui.core.outages import Outage
from autus_tui.core.outages import downtime as covered

NONE = "—"


def _lasted(outage: Outage, data: ReportData) -> timedelta:
    return outage.lasted(data.until)


def outage_words(outage: Outage, data: ReportData) -> str:
    """``09:30:00–10:05:00 (0:35:00)``, or ``since 09:30:00, 0:35:00 so far``."""
    start = data.when(outage.start, seconds=True)
    if outage.end is None:
        return f"since {start}, {duration(_lasted(outage, data).total_seconds())} so far"
    return (f"{start}–{data.when(outage.end, seconds=True)} "
            f"({duration(_lasted(outage, data).total_seconds())})")


def availability_line(data: ReportData) -> str:
    """Up time over polled time; a gap in the record (no poll) is neither."""
    first, until = data.first_poll, data.until
    if first is None or until <= first:
        return "- Availability: no polls were recorded"
    spans = [(max(a, first), min(b, until)) for a, b in data.covered] or [(first, until)]
    spans = [(a, b) for a, b in spans if b > a]
    polled = sum((b - a).total_seconds() for a, b in spans)
    down = sum(covered(data.outages, a, b, now=until).total_seconds() for a, b in spans)
    gaps = (until - first).total_seconds() - polled
    line = (f"- Availability: {share(polled - down, polled)} of the polled time "
            f"({data.when(first)} to {data.when(until)}); down {duration(down)}")
    return line + (f"; not polled for {duration(gaps)}" if gaps >= 1 else "")


def _outages_line(data: ReportData) -> str:
    if not data.outages:
        return "- Outages: none (health never said down and the backend always answered)"
    longest = max(data.outages, key=lambda o: _lasted(o, data))
    return (f"- Outages: {len(data.outages)}, the longest {outage_words(longest, data)}"
            " (see Outages)")


def _worst_lines(data: ReportData) -> list[str]:
    worst: dict[str, list[Episode]] = {}
    for episode in data.episodes:
        worst.setdefault(episode.key, []).append(episode)
    if not worst:
        return ["- Worst levels: every metric stayed OK (no level held WARN or CRIT)"]
    out = ["- Worst levels:"]
    for spec, _fig in data.metrics:
        found = worst.get(spec.key)
        if not found:
            continue
        level = max((e.worst for e in found), key=lambda lv: lv.severity)
        crit = sum(e.crit_s for e in found)
        warn = sum(e.warn_s for e in found)
        out.append(f"  - {md.inline(spec.label)}: {level.value} — {len(found)} "
                   f"episode{'s' * (len(found) != 1)}, {duration(crit)} in CRIT, "
                   f"{duration(warn)} in WARN")
    return out


def _incidents_line(data: ReportData) -> str:
    found = [f for f in data.extra.get("incidents", ()) if isinstance(f, IncidentFacts)]
    if not found:
        return "- Incidents: none declared"
    still = sum(1 for f in found if f.open)
    return f"- Incidents: {len(found)} declared, {len(found) - still} resolved, {still} open"


def _rollbacks_line(data: ReportData) -> str:
    runs = list(data.extra.get("rollbacks") or ())
    if not runs:
        return "- Rollbacks: none"
    ended = ", ".join(f"#{run.id} {run.state.value.upper()}" for run in runs)
    return f"- Rollbacks: {len(runs)} ({ended})"


def _checklist_line(data: ReportData) -> str:
    total = sum(slot.progress.total for slot in data.slots)
    done = sum(slot.progress.done for slot in data.slots)
    na = sum(slot.progress.na for slot in data.slots)
    return (f"- Checklist: {done + na}/{total} closed ({share(done + na, total)}): "
            f"{done} done, {na} N/A, {total - done - na} open")


def _handovers_line(data: ReportData) -> str:
    handed = [s for s in data.shifts if s.handed_from]
    if not data.shifts:
        return "- On call: nobody took over on-call"
    words = "; ".join(f"{md.inline(s.handed_from)} → {md.inline(s.oncall)} "
                      f"{data.when(s.start)}" for s in handed)
    return (f"- On call: {len(data.shifts)} shift{'s' * (len(data.shifts) != 1)}, "
            f"{len(handed)} handover{'s' * (len(handed) != 1)}" + (f" ({words})" if words
                                                                   else ""))


def summary(data: ReportData) -> list[str]:
    return ["## Summary", "", availability_line(data), _outages_line(data),
            *_worst_lines(data), _incidents_line(data), _rollbacks_line(data),
            _checklist_line(data), _handovers_line(data)]


def downtime(data: ReportData) -> list[str]:
    out = ["## Outages", ""]
    if not data.outages:
        return [*out, "None: health never said down and the backend always answered."]
    rows = [[data.when(o.start, seconds=True),
             data.when(o.end, seconds=True) if o.end else "going on",
             duration(_lasted(o, data).total_seconds()), f"{o.polls:,}", md.inline(o.reason)]
            for o in data.outages]
    return [*out, *md.table(["Start", "End", "Duration", "Polls", "Why"], rows), "",
            "An outage: health said down, or the backend itself gave no answer "
            "(unreachable, timed out, HTTP 5xx), from the first such poll to the first "
            "poll after it that was not."]


def _peak(spec: MetricSpec | None, value: float | None) -> str:
    if value is None:
        return NONE
    return md.inline(spec.format(value)) if spec else f"{value:g}"


def level_episodes(data: ReportData) -> list[str]:
    out = ["## Level episodes", ""]
    if not data.episodes:
        return [*out, "No metric held WARN or CRIT."]
    rows = []
    for episode in data.episodes:
        spec = data.spec(episode.key)
        label = spec.label if spec else episode.key
        rows.append([md.inline(label), data.when(episode.start, seconds=True),
                     data.when(episode.end, seconds=True) if episode.end else "going on",
                     duration(episode.seconds(data.until)), episode.worst.value,
                     _peak(spec, episode.peak), duration(episode.crit_s),
                     str(episode.changes)])
    return [*out, *md.table(["Metric", "Start", "End", "Duration", "Worst", "Peak",
                             "In CRIT", "Changes"], rows), "",
            "Held levels (announced after they held, as on the screen); changes less than "
            "5 minutes apart are one episode."]


def _fmt(data: ReportData, key: str, value: float | None) -> str:
    spec = data.spec(key)
    if value is None:
        return NONE
    return md.inline(spec.format(value)) if spec else f"{value:g}"


def hour_cells(data: ReportData, row: HourRow) -> list[str]:
    gates = [NONE if n is None else f"{n:,.0f}" for n in row.gates]
    return [data.when(row.start), f"{row.polls:,}", f"{row.poll_errors:,}",
            _fmt(data, "active_users", row.users_mean), _fmt(data, "active_users", row.users_max),
            _fmt(data, "error_rate", row.error_mean), _fmt(data, "error_rate", row.error_max),
            _fmt(data, "avg_response", row.response_mean), *gates,
            NONE if row.afterimages is None else f"{row.afterimages:,.0f}",
            duration(row.down_s) if row.down_s else ""]


HOUR_HEADER = ["Hour", "Polls", "Poll errors", "Users (mean)", "Users (peak)", "Error rate",
               "Error rate (worst)", "Avg response", "OBSERVE", "RING", "LOCK",
               "Afterimages", "Down"]


def hour_table(data: ReportData, rows: Sequence[HourRow]) -> list[str]:
    return md.table(HOUR_HEADER, [hour_cells(data, row) for row in rows])


def hours(data: ReportData) -> list[str]:
    out = ["## Hour by hour", ""]
    if not data.hours:
        return [*out, "No polls were recorded."]
    return [*out, *hour_table(data, data.hours), "",
            "Means and peaks of the values polled in the hour; gate events: how much each "
            "cumulative count grew in the hour; Afterimages: estimated from the rate over "
            "time (the backend reports no total); Down: the hour's time in outages."]


def oncall(data: ReportData) -> list[str]:
    out = ["## On call and handovers", ""]
    if not data.shifts:
        return [*out, "Nobody took over on-call."]
    rows = [[md.inline(s.oncall), data.when(s.start),
             data.when(s.end) if s.end else "on call at the end",
             duration(((s.end or data.generated_at) - s.start).total_seconds()),
             md.inline(s.handed_from) or NONE, md.inline(s.handed_to) or NONE]
            for s in data.shifts]
    return [*out, *md.table(["On call", "From", "To", "Lasted", "Took over from",
                             "Handed to"], rows)]

