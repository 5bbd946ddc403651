"""The samples ``bench_control_room.py`` collects, and the table it prints from them.

One ``Figures`` per program measured ("app", "runbook", "baseline"). The table has a
row per figure: the medians (peak RSS: the maximum) of the control room, of the control
room with the big runbook when measured, of the baseline app, their ratios to the
baseline, the goal, and whether every measured control-room value is within it.
"""

from __future__ import annotations

import math
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Figures:
    frame_fresh_s: list[float] = field(default_factory=list)
    live_fresh_s: list[float] = field(default_factory=list)
    frame_restart_s: list[float] = field(default_factory=list)
    live_restart_s: list[float] = field(default_factory=list)
    """First frame / first live value (the marker), on a new database and on a restart."""
    start_s: list[float] = field(default_factory=list)
    checklist_s: list[float] = field(default_factory=list)
    cpu_pct: list[float] = field(default_factory=list)
    bytes_per_s: list[float] = field(default_factory=list)
    peak_rss: list[int] = field(default_factory=list)
    """Per start-and-steady run."""
    peak_rss_keys: list[int] = field(default_factory=list)
    """The key session (help opened and closed, checklist keys), which runs longer."""
    help_open_ms: list[float] = field(default_factory=list)
    help_first_byte_ms: list[float] = field(default_factory=list)
    help_close_ms: list[float] = field(default_factory=list)
    select_ms: list[float] = field(default_factory=list)
    mark_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else math.nan


Pick = Callable[[Figures], float]


@dataclass(frozen=True)
class Row:
    label: str
    pick: Pick
    digits: int
    goal: str = ""
    limit: float = math.nan
    baseline_pick: Pick | None = None
    """What the baseline contributes when it has no such figure (e.g. no checklist)."""


def _peak_mb(figures: Figures) -> float:
    return max(figures.peak_rss) / 1e6 if figures.peak_rss else math.nan


def _peak_keys_mb(figures: Figures) -> float:
    return max(figures.peak_rss_keys) / 1e6 if figures.peak_rss_keys else math.nan


ROWS = (
    Row("first frame, fresh database, median (s)", lambda f: median(f.frame_fresh_s), 3,
        "<= 0.35", 0.35),
    Row("first live value, fresh database, median (s)", lambda f: median(f.live_fresh_s), 3,
        "<= 0.5", 0.5),
    Row("first frame, restart, median (s)", lambda f: median(f.frame_restart_s), 3,
        "<= 0.35", 0.35),
    Row("first live value, restart, median (s)", lambda f: median(f.live_restart_s), 3,
        "<= 0.5", 0.5),
    Row("start to any value (calm sim), median (s)", lambda f: median(f.start_s), 3),
    Row("start to checklist on screen, median (s)", lambda f: median(f.checklist_s), 3,
        "<= 0.6", 0.6, baseline_pick=lambda f: median(f.start_s)),
    Row("steady CPU, median (% of one core)", lambda f: median(f.cpu_pct), 2, "<= 1.5",
        1.5),
    Row("bytes to terminal, median (B/s)", lambda f: median(f.bytes_per_s), 0,
        "<= 1,500", 1500.0),
    Row("peak RSS, start + steady, max of runs (MB)", _peak_mb, 1, "<= 60", 60.0),
    Row("peak RSS, key session (MB)", _peak_keys_mb, 1, "<= 60", 60.0),
    Row("key ? to help on screen, median (ms)", lambda f: median(f.help_open_ms), 1,
        "<= 50", 50.0),
    Row("  first byte after ?, median (ms)", lambda f: median(f.help_first_byte_ms), 1),
    Row("escape to help gone, median (ms)", lambda f: median(f.help_close_ms), 1,
        "ESCDELAY"),
    Row("key j/k to selection moved, median (ms)", lambda f: median(f.select_ms), 1,
        "<= 50", 50.0, baseline_pick=lambda f: median(f.help_open_ms)),
    Row("key space to mark on screen, median (ms)", lambda f: median(f.mark_ms), 1,
        "<= 50", 50.0, baseline_pick=lambda f: median(f.help_open_ms)),
)
NOTES = (
    "baseline column: the minimal app; where it has no checklist, its first value / its ? key",
    "live value: the backend's marker, first served after the program started (a recorded "
    "value shown at start does not count); the baseline's first value is local",
    "escape includes Textual's ESCDELAY (100 ms): a lone ESC may start a sequence",
    "keys are timed while the backend takes 10 s to answer (scenario slow)",
)


def _fmt(value: float, digits: int) -> str:
    return "n/a" if math.isnan(value) else f"{value:,.{digits}f}"


def _ratio(value: float, base: float) -> str:
    if math.isnan(value) or math.isnan(base) or base == 0:
        return "n/a"
    return f"{value / base:.2f}x"


def table(results: dict[str, Figures]) -> list[str]:
    """The printed table, one string per line."""
    base = results["baseline"]
    measured = [name for name in ("app", "runbook") if name in results]
    header = [*measured, "baseline", *(f"{n}/base" for n in measured), "goal", "met"]
    body: list[list[str]] = []
    for row in ROWS:
        values = {name: row.pick(results[name]) for name in measured}
        base_value = (row.baseline_pick or row.pick)(base)
        judged = [v for v in values.values() if not math.isnan(v)]
        met = "" if math.isnan(row.limit) or not judged else (
            "yes" if all(v <= row.limit for v in judged) else "NO")
        body.append([
            row.label, *(_fmt(values[n], row.digits) for n in measured),
            _fmt(base_value, row.digits), *(_ratio(values[n], base_value) for n in measured),
            row.goal, met,
        ])
    rows = [["figure", *header], *body]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join([r[0].ljust(widths[0]), *(c.rjust(w) for c, w in
                                                    zip(r[1:], widths[1:], strict=True))])
             for r in rows]
    lines.insert(1, "-" * len(lines[0]))
    return lines + [f"- {note}" for note in NOTES]


def context_lines(runs: int, warmup: float, seconds: float, presses: int,
                  runbook: Path | None) -> list[str]:
    """Where and how the figures were taken: enough to compare two runs."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                              capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        head = "?"
    try:
        from importlib.metadata import version
        textual = version("textual")
    except Exception:  # the table is still worth printing without it
        textual = "?"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    lines = [
        f"command: {' '.join([Path(sys.executable).name, *sys.argv])}",
        f"commit {head} · Python {platform.python_version()} · Textual {textual} · "
        f"{os.cpu_count()} CPUs · load {load} · 80x24 xterm-256color",
        f"runs {runs} · warm-up {warmup:g} s · window {seconds:g} s · "
        f"{presses} presses per key",
    ]
    if runbook is not None:
        lines.append(f"runbook = the control room with {runbook} loaded beside the default")
    return lines
