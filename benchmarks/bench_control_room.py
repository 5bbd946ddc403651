"""Benchmark the control room against a minimal Textual app, in the same run (issues 2, 3).

Everything runs under a pseudo-terminal at 80x24 (TERM=xterm-256color) whose output is
fed to a ``pyte`` screen, against the simulated backend on a loopback port:

- start to the first metric value on screen: from spawn until the screen shows a number
  in the Active Users pane (the baseline: its first label's number). Goal <= 0.6 s.
- steady-state CPU: user + system time of the process tree over ``--seconds`` after a
  warm-up, as % of one core. Goal <= 2 %.
- bytes written to the terminal per second over the same window. Goal <= 2,000 B/s.
- peak memory: the largest RSS (sampled tree sum, or ``ru_maxrss`` at exit), the
  maximum over all runs. Goal <= 70 MB (10^6 bytes).
- key-to-screen latency while the backend takes 10 s to answer (``--scenario slow``):
  ``?`` is typed and timed until the help screen is on the emulated screen, then
  ``escape`` until it is gone, ``--presses`` times. Goal <= 50 ms median for ``?``.
  ``escape`` includes Textual's ESCDELAY (100 ms by default): a lone ESC byte could be
  the start of a sequence, so every Textual app waits that long; it is shown, not judged.

Each of ``--runs`` repetitions starts the control room and the baseline once each,
alternating which goes first. Medians are reported with the ratio app / baseline, which
is the figure that survives a busy machine (this one has 2 shared cores).

``--runbook FILE`` (issue 3) adds start-up and key latency of the control room loaded
with that runbook (make one with ``benchmarks/make_runbook.py --items 1000``).

    .venv/bin/python benchmarks/bench_control_room.py [--runs N] [--seconds S]
        [--runbook FILE] [--presses K] [--baseline-only] [--json FILE]

Needs ``pyte`` and ``psutil`` (the ``bench`` extra). Prints a table; exits 0 when it could
measure, 1 when a program never showed what it was waited for. It asserts no goal.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pty_harness import Backend, PtySession, ScreenTest, screen_matches

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
START_TIMEOUT = 20.0
KEY_TIMEOUT = 3.0
SETTLE = 3.0
"""Seconds the runbook target has, after its first value, to show a checklist item."""

# What "a metric value is on screen" means, per program. The control room at 80x24: the
# Active Users row holds a number ("Active Users      15  OK").
APP_FIRST_VALUE = screen_matches(r"^Active Users +\d[\d,]* ")
APP_DRAWN = screen_matches(r"Active Users")
APP_HELP = screen_matches(r"escape closes this help")
BASELINE_FIRST_VALUE = screen_matches(r"metric 1:\s+\d")
BASELINE_HELP = screen_matches(r"BASELINE HELP")
HANGUL_RUN = re.compile(r"[\uac00-\ud7a3][\uac00-\ud7a3 ]{3}")


@dataclass
class Target:
    name: str
    argv: Callable[[str], list[str]]
    """Command line, given the backend URL."""
    first_value: ScreenTest
    drawn: ScreenTest
    help_open: ScreenTest
    env: dict[str, str]
    checklist: ScreenTest | None = None
    """Holds when a checklist item of the runbook is on screen (runbook target only)."""


@dataclass
class Figures:
    start_s: list[float] = field(default_factory=list)
    checklist_s: list[float] = field(default_factory=list)
    cpu_pct: list[float] = field(default_factory=list)
    bytes_per_s: list[float] = field(default_factory=list)
    peak_rss: list[int] = field(default_factory=list)
    help_open_ms: list[float] = field(default_factory=list)
    help_first_byte_ms: list[float] = field(default_factory=list)
    help_close_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def make_targets(workdir: Path, runbook: Path | None) -> dict[str, Target]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AUTUS_", "TEXTUAL"))}
    env.update(XDG_DATA_HOME=str(workdir / "data"), XDG_CONFIG_HOME=str(workdir / "config"))
    python = sys.executable

    def app_argv(extra: list[str], db: str) -> Callable[[str], list[str]]:
        return lambda url: [python, "-m", "autus_tui.cli", "run", "--backend", url,
                            "--db", str(workdir / db), "--operator", "bench", *extra]

    targets = {
        "app": Target("app", app_argv([], "bench.db"), APP_FIRST_VALUE, APP_DRAWN, APP_HELP,
                      env),
        "baseline": Target("baseline", lambda url: [python, str(HERE / "baseline_app.py")],
                           BASELINE_FIRST_VALUE, BASELINE_FIRST_VALUE, BASELINE_HELP, env),
    }
    if runbook is not None:
        config = workdir / "runbook-config.toml"
        config.write_text(runbook_config(runbook), encoding="utf-8")
        targets["runbook"] = Target(
            "runbook", app_argv(["--config", str(config)], "bench-runbook.db"),
            APP_FIRST_VALUE, APP_DRAWN, APP_HELP, env, checklist_on_screen(runbook))
    return targets


def runbook_config(runbook: Path) -> str:
    """A configuration file that loads ``runbook`` beside the default one."""
    path = json.dumps(str(runbook.resolve()))  # a JSON string is a valid TOML basic string
    return f"runbooks = [{path}]\n"


def checklist_on_screen(runbook: Path) -> ScreenTest:
    """Holds when a piece of any item text of ``runbook`` or the default is on screen.

    The piece is four characters from the text's first Hangul syllable: metric panes
    share English words with items ("Afterimage"), never Korean, and a narrow panel may
    cut a text short.
    """
    pieces: set[str] = set()
    for path in (runbook, REPO / "autus_tui/checklists/launch-day.toml"):
        with contextlib.suppress(OSError, tomllib.TOMLDecodeError), path.open("rb") as handle:
            for slot in tomllib.load(handle).get("slots", []):
                for group in slot.get("groups", []):
                    for item in group.get("items", []):
                        if found := HANGUL_RUN.search(str(item.get("text", ""))):
                            pieces.add(found.group())
    return lambda screen: any(piece in screen for piece in pieces)


def start_and_steady(target: Target, url: str, warmup: float, seconds: float,
                     figures: Figures) -> None:
    """One start: time to first value, then CPU and bytes over ``seconds``, peak RSS."""
    with PtySession(target.argv(url), env=target.env, cwd=REPO) as session:
        tests = [target.first_value] + ([target.checklist] if target.checklist else [])
        seen, *checklist = session.wait_for_each(tests, START_TIMEOUT, settle=SETTLE)
        if checklist and checklist[0] is not None:
            figures.checklist_s.append(checklist[0] - session.spawned_at)
        elif checklist:
            figures.failures.append(f"{target.name}: no checklist item on screen within "
                                    f"{SETTLE:.0f} s after the first value; screen was:\n"
                                    f"{session.text()}")
        if seen is None:
            figures.failures.append(f"{target.name}: no metric value on screen within "
                                    f"{START_TIMEOUT:.0f} s; screen was:\n{session.text()}")
            return
        figures.start_s.append(seen - session.spawned_at)
        if seconds > 0:
            session.drain_for(warmup)
            cpu_before, bytes_before = session.cpu_seconds(), session.bytes_read
            began = time.perf_counter()
            session.drain_for(seconds)
            elapsed = time.perf_counter() - began
            figures.cpu_pct.append(100 * (session.cpu_seconds() - cpu_before) / elapsed)
            figures.bytes_per_s.append((session.bytes_read - bytes_before) / elapsed)
    figures.peak_rss.append(session.peak_memory())


def key_latency(target: Target, url: str, presses: int, figures: Figures) -> None:
    """Open and close the help screen ``presses`` times, timing each until it shows."""
    jitter = random.Random(2)  # press at different phases of the 1 s refresh
    with PtySession(target.argv(url), env=target.env, cwd=REPO) as session:
        if session.wait_for(target.drawn, START_TIMEOUT) is None:
            figures.failures.append(f"{target.name}: never drawn; screen was:\n{session.text()}")
            return
        session.drain_for(1.5)  # the first poll is now in flight (and will be for 10 s)
        for _ in range(presses):
            session.wait_quiet(0.15, 2.0)
            session.drain_for(jitter.uniform(0.0, 0.3))
            first_byte, shown = session.time_key(b"?", target.help_open, KEY_TIMEOUT)
            if math.isnan(shown):
                figures.failures.append(f"{target.name}: '?' showed no help; screen was:\n"
                                        f"{session.text()}")
                return
            figures.help_open_ms.append(shown * 1000)
            figures.help_first_byte_ms.append(first_byte * 1000)
            session.wait_quiet(0.15, 2.0)
            _, gone = session.time_key(b"\x1b", _negate(target.help_open), KEY_TIMEOUT)
            if math.isnan(gone):
                figures.failures.append(f"{target.name}: escape left the help open")
                return
            figures.help_close_ms.append(gone * 1000)
        figures.peak_rss.append(session.peak_memory())


def _negate(test: ScreenTest) -> ScreenTest:
    return lambda text: not test(text)


# --- report -------------------------------------------------------------------------------

def _median(values: list[float]) -> float:
    return statistics.median(values) if values else math.nan


def _fmt(value: float, digits: int) -> str:
    return "n/a" if math.isnan(value) else f"{value:,.{digits}f}"


def table(results: dict[str, Figures], runbook: Path | None) -> list[str]:
    app, base = results.get("app"), results["baseline"]
    rows: list[tuple[str, float, float, int, str, float]] = []

    def add(label: str, pick: Callable[[Figures], float], digits: int, goal: str,
            limit: float, source: Figures | None,
            base_pick: Callable[[Figures], float] | None = None) -> None:
        app_value = pick(source) if source else math.nan
        rows.append((label, app_value, (base_pick or pick)(base), digits, goal, limit))

    mb = 1e6
    for source, prefix in ((app, ""), (results.get("runbook"), "[runbook] ")):
        if prefix and source is None:
            continue
        add(f"{prefix}start to first value, median (s)", lambda f: _median(f.start_s), 3,
            "<= 0.6", 0.6, source)
        if prefix:
            # The baseline has no checklist: its first value is the yardstick here too.
            add(f"{prefix}start to checklist on screen, median (s)",
                lambda f: _median(f.checklist_s), 3, "<= 0.6", 0.6, source,
                lambda f: _median(f.start_s))
        if not prefix:
            add("steady CPU, median (% of one core)", lambda f: _median(f.cpu_pct), 2,
                "<= 2", 2.0, source)
            add("bytes to terminal, median (B/s)", lambda f: _median(f.bytes_per_s), 0,
                "<= 2,000", 2000.0, source)
        add(f"{prefix}peak RSS, max of runs (MB)",
            lambda f: max(f.peak_rss) / mb if f.peak_rss else math.nan, 1, "<= 70", 70.0,
            source)
        add(f"{prefix}key ? to help on screen, median (ms)",
            lambda f: _median(f.help_open_ms), 1, "<= 50", 50.0, source)
        add(f"{prefix}  first byte after ?, median (ms)",
            lambda f: _median(f.help_first_byte_ms), 1, "", math.nan, source)
        add(f"{prefix}escape to help gone, median (ms)",
            lambda f: _median(f.help_close_ms), 1, "(ESCDELAY)", math.nan, source)

    header = ("figure", "app", "baseline", "ratio", "goal", "met")
    lines = []
    body = []
    for label, value, baseline, digits, goal, limit in rows:
        ratio = value / baseline if baseline and not math.isnan(value) else math.nan
        met = "" if math.isnan(limit) or math.isnan(value) else ("yes" if value <= limit
                                                                    else "NO")
        body.append((label, _fmt(value, digits), _fmt(baseline, digits),
                     "n/a" if math.isnan(ratio) else f"{ratio:.2f}x", goal, met))
    widths = [max(len(str(row[i])) for row in [header, *body]) for i in range(6)]
    for row in [header, *body]:
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:],
                                                                         strict=True)]
        lines.append("  ".join(cells))
    lines.insert(1, "-" * len(lines[0]))
    if runbook is not None:
        lines.append(f"[runbook] = the control room with {runbook}")
    return lines


def context_lines(args: argparse.Namespace) -> list[str]:
    def git_head() -> str:
        try:
            return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                                  capture_output=True, text=True, timeout=5).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return "?"

    try:
        from importlib.metadata import version
        textual = version("textual")
    except Exception:  # the table is still worth printing without it
        textual = "?"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        f"command: {' '.join([Path(sys.executable).name, *sys.argv])}",
        f"commit {git_head()} · Python {platform.python_version()} · Textual {textual} · "
        f"{os.cpu_count()} CPUs · load {load} · 80x24 xterm-256color",
        f"runs {args.runs} · warm-up {args.warmup} s · window {args.seconds} s · "
        f"key presses {args.presses} (backend: slow, 10 s per answer)",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="starts of each program (3)")
    parser.add_argument("--seconds", type=float, default=10.0,
                        help="steady-state window per run, seconds (10)")
    parser.add_argument("--warmup", type=float, default=2.0,
                        help="seconds after the first value before the window (2)")
    parser.add_argument("--presses", type=int, default=20, help="'?' presses per program (20)")
    parser.add_argument("--runbook", type=Path, help="also measure with this runbook file")
    parser.add_argument("--baseline-only", action="store_true",
                        help="measure the baseline app only (harness check)")
    parser.add_argument("--json", type=Path, help="also write every sample to this file")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.seconds < 0 or args.presses < 1:
        parser.error("--runs and --presses must be at least 1, --seconds not negative")
    if args.runbook is not None and not args.runbook.is_file():
        parser.error(f"--runbook {args.runbook}: no such file")
    # A SIGTERM must still run the finally blocks that end every child process.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    print("\n".join(context_lines(args)), flush=True)
    with tempfile.TemporaryDirectory(prefix="autus-bench-") as tmp, ExitStack() as stack:
        targets = make_targets(Path(tmp), args.runbook)
        names = ["baseline"] if args.baseline_only else ["app", "baseline"]
        results = {name: Figures() for name in targets}
        calm = stack.enter_context(Backend("calm", 1))
        for run in range(args.runs):
            for name in names if run % 2 == 0 else names[::-1]:
                print(f"run {run + 1}/{args.runs}: {name} start + steady state", flush=True)
                start_and_steady(targets[name], calm.url, args.warmup, args.seconds,
                                 results[name])
            if "runbook" in targets and not args.baseline_only:
                print(f"run {run + 1}/{args.runs}: runbook start", flush=True)
                start_and_steady(targets["runbook"], calm.url, 0, 0, results["runbook"])
        slow = stack.enter_context(Backend("slow", 1))
        key_names = names + (["runbook"] if "runbook" in targets and not args.baseline_only
                             else [])
        for name in key_names:
            print(f"key latency: {name} ({args.presses} presses, slow backend)", flush=True)
            key_latency(targets[name], slow.url, args.presses, results[name])

    print()
    print("\n".join(table(results, args.runbook)))
    failures = [f for figures in results.values() for f in figures.failures]
    for failure in failures:
        print(f"\nFAILED: {failure}", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps({n: vars(f) for n, f in results.items()}, indent=1))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
