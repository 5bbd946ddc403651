"""The D+1 review (``autus-tui report --d1``): what the D+1 아침 items need from the data.

The runbook's D+1 morning checklist, one section per item, each answered from the
recorded day or said plainly not to be:

1. D-Day 에러 로그 리뷰 — errors by hour (polls with an error, Error Rate mean and worst),
   the worst minutes (by Error Rate, with their poll errors and health), the outages.
   The worst minutes are those with the highest mean Error Rate. The backend's own error
   log is not recorded: only what the control room polled.
2. Gate 이벤트 패턴 분석 — gate events per hour (OBSERVE / RING / LOCK and their shares),
   the busiest hour, Gate Failures per hour and their level episodes.
3. Afterimage 무결성 검증 — Afterimages per hour (estimated from the rate) and the minutes
   with users on but no Afterimage recorded. Integrity (hashes, the backup) is not in the
   data: it cannot be verified here.
4. 사용자 행동 패턴 확인 (설명 요청 빈도) — users per hour; explanation requests are not
   recorded, so their frequency cannot be told.

Then the D+1 items' own state on the checklist, if the runbook has them. ``D1Facts``
(``services.d1_data``) holds what the day report does not: the worst minutes and the
quiet Afterimage minutes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from autus_tui.core import markdown as md
from autus_tui.core.day_report import STATE_WORDS, ReportData, share
from autus_tui.core.day_sections import NONE, hour_table, outage_words
from autus_tui.core.hourly import HourRow, minute_start
from autus_tui.core.rehearsal_mark import BANNER
from autus_tui.core.rollup import Bucket, PollMinute

WORST_MINUTES = 10
NOT_SUPPORTED = "Not supported by the recorded data:"


@dataclass(frozen=True)
class WorstMinute:
    at: datetime
    error_mean: float
    error_max: float
    polls: int
    poll_errors: int
    health: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class D1Facts:
    worst_minutes: tuple[WorstMinute, ...] = ()
    """The minutes with the worst mean Error Rate, worst first (at most ``WORST_MINUTES``)."""
    quiet_minutes: int = 0
    """Minutes with Active Users above 0 but an Afterimage Rate of 0 throughout."""
    quiet_first: datetime | None = None
    d1_slot: str = ""
    """The runbook's D+1 slot title ("" when it has none)."""


def d1_facts(
    buckets: Mapping[tuple[str, str], Bucket], minutes: Mapping[str, PollMinute],
    d1_slot: str = "",
) -> D1Facts:
    """The worst Error Rate minutes and the quiet Afterimage minutes, from the rollups."""
    worst = []
    for (minute, key), bucket in buckets.items():
        if key == "error_rate" and bucket.count:
            summary = minutes.get(minute, PollMinute())
            worst.append(WorstMinute(minute_start(minute), bucket.sum / bucket.count,
                                     bucket.max, summary.polls, summary.errors,
                                     dict(summary.health)))
    worst.sort(key=lambda m: (-m.error_mean, -m.error_max, m.at))  # sustained, then peak
    quiet = sorted(minute for (minute, key), bucket in buckets.items()
                   if key == "afterimage_rate" and bucket.count and bucket.max == 0
                   and (users := buckets.get((minute, "active_users"))) is not None
                   and users.count and users.max > 0)
    return D1Facts(tuple(worst[:WORST_MINUTES]), len(quiet),
                   minute_start(quiet[0]) if quiet else None, d1_slot)


def _facts(data: ReportData) -> D1Facts:
    facts = data.extra.get("d1")
    return facts if isinstance(facts, D1Facts) else D1Facts()


def _fmt(data: ReportData, key: str, value: float | None) -> str:
    spec = data.spec(key)
    if value is None:
        return NONE
    return md.inline(spec.format(value)) if spec else f"{value:g}"


def errors(data: ReportData) -> list[str]:
    out = ["## 1. D-Day 에러 로그 리뷰", "",
           f"{NOT_SUPPORTED} the backend's own error log is not recorded here; what follows "
           "is the Error Rate it reported and the polls the control room saw fail.", "",
           "### Errors by hour", ""]
    rows = [[data.when(h.start), f"{h.polls:,}", f"{h.poll_errors:,}",
             share(h.poll_errors, h.polls), _fmt(data, "error_rate", h.error_mean),
             _fmt(data, "error_rate", h.error_max)] for h in data.hours]
    out += md.table(["Hour", "Polls", "Poll errors", "Share", "Error rate", "Worst"], rows) \
        if rows else ["No polls were recorded."]
    out += ["", "### The worst minutes", ""]
    worst = _facts(data).worst_minutes
    if not worst:
        out.append("No Error Rate was recorded.")
    else:
        out += md.table(["Minute", "Error rate", "Worst", "Polls", "Poll errors", "Health"], [
            [data.when(m.at), _fmt(data, "error_rate", m.error_mean),
             _fmt(data, "error_rate", m.error_max), f"{m.polls:,}", f"{m.poll_errors:,}",
             md.inline(", ".join(f"{k} {n}" for k, n in sorted(m.health.items())))]
            for m in worst])
    out += ["", "### Outages", ""]
    out += [f"- {outage_words(o, data)}: {md.inline(o.reason)}" for o in data.outages] or \
        ["None."]
    return out


def _gate_shares(row: HourRow) -> str:
    counts = [n for n in row.gates if n is not None]
    total = sum(counts)
    if not counts or not total:
        return NONE
    return " · ".join(f"{name} {share(n, total)}" for name, n in
                      zip(("OBSERVE", "RING", "LOCK"), counts, strict=False))


def gates(data: ReportData) -> list[str]:
    out = ["## 2. Gate 이벤트 패턴 분석", ""]
    rows = [row for row in data.hours if any(n is not None for n in row.gates)]
    if not rows:
        return [*out, f"{NOT_SUPPORTED} no gate event counts were recorded."]
    table = [[data.when(r.start), *(NONE if n is None else f"{n:,.0f}" for n in r.gates),
              f"{sum(n or 0 for n in r.gates):,.0f}", _gate_shares(r)] for r in rows]
    busiest = max(rows, key=lambda r: sum(n or 0 for n in r.gates))
    out += [*md.table(["Hour", "OBSERVE", "RING", "LOCK", "All", "Shares"], table), "",
            f"Busiest hour: {data.when(busiest.start)} "
            f"({sum(n or 0 for n in busiest.gates):,.0f} events)."]
    failures = [e for e in data.episodes if e.key == "gate_failures"]
    spec = data.spec("gate_failures")
    if spec is not None:
        fig = data.figures("gate_failures")
        worst = "no value recorded" if fig is None else f"at most {spec.format(fig.max)}"
        out.append(f"Gate Failures: {worst}; {len(failures)} level episode"
                   f"{'s' * (len(failures) != 1)}" + (": " + ", ".join(
                       f"{e.worst.value} from {data.when(e.start)}" for e in failures)
                       if failures else "") + ".")
    return out


def afterimages(data: ReportData) -> list[str]:
    out = ["## 3. Afterimage 무결성 검증", "",
           f"{NOT_SUPPORTED} integrity (hashes, the 24:00 backup) is not recorded here, so "
           "it cannot be verified from this data. What the data has: Afterimages per hour, "
           "estimated from the recorded rate (the backend reports no total).", ""]
    rows = [[data.when(h.start), NONE if h.afterimages is None else f"{h.afterimages:,.0f}",
             _fmt(data, "active_users", h.users_mean)] for h in data.hours]
    if not rows or all(h.afterimages is None for h in data.hours):
        return [*out, "No Afterimage rate was recorded."]
    out += md.table(["Hour", "Afterimages", "Users (mean)"], rows)
    facts = _facts(data)
    if facts.quiet_minutes and facts.quiet_first is not None:
        out += ["", f"Minutes with users on but no Afterimage recorded: {facts.quiet_minutes:,} "
                    f"(the first at {data.when(facts.quiet_first)})."]
    else:
        out += ["", "No minute had users on and no Afterimage recorded."]
    return out


def users(data: ReportData) -> list[str]:
    out = ["## 4. 사용자 행동 패턴 확인 (설명 요청 빈도)", "",
           f"{NOT_SUPPORTED} explanation requests are not recorded, so their frequency "
           "cannot be told; neither are churn and adaptation. What the data has: "
           "concurrent Active Users per hour.", ""]
    rows = [[data.when(h.start), _fmt(data, "active_users", h.users_mean),
             _fmt(data, "active_users", h.users_max)] for h in data.hours]
    if not rows or all(h.users_mean is None for h in data.hours):
        return [*out, "No Active Users were recorded."]
    return [*out, *md.table(["Hour", "Users (mean)", "Users (peak)"], rows)]


def checklist(data: ReportData) -> list[str]:
    title = _facts(data).d1_slot
    slot = next((s for s in data.slots if s.title == title), None) if title else None
    out = ["## The D+1 items on the checklist", ""]
    if slot is None:
        return [*out, "The runbook has no D+1 slot."]
    return [*out, *md.table(["Item", "State", "By", "At"], [
        [md.inline(i.text), STATE_WORDS[i.state], md.inline(i.operator),
         data.when(i.at) if i.at else ""] for i in slot.items])]


def render_d1(data: ReportData) -> str:
    head = [f"# D+1 리뷰 — {md.inline(data.title)}{' (REHEARSAL)' if data.rehearsal else ''}",
            ""]
    if data.rehearsal:
        head += [BANNER, ""]
    head += [f"- Launch day: {data.launch_date.isoformat()} ({md.inline(data.zone_name)})",
             f"- Generated: {data.when(data.generated_at)}",
             "- Hours below are launch-timezone hours; figures as in the D-Day report."]
    blocks = [head, errors(data), gates(data), afterimages(data), users(data),
              checklist(data), ["## Hour by hour (all figures)", "",
                                *hour_table(data, data.hours)] if data.hours else []]
    return "\n\n".join("\n".join(b) for b in blocks if b) + "\n"
