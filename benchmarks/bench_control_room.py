"""Benchmark the control room against a minimal Textual app, in the same run (issues 2, 3).

Everything runs under a pseudo-terminal at 80x24 (TERM=xterm-256color) whose output is
fed to a ``pyte`` screen, against the simulated backend on a loopback port:

- first frame and first live value, on a fresh database and on a restart (issue 10),
  against ``marker_backend.MarkerBackend``: from spawn until the control room is drawn
  (its Active Users pane on screen; goal <= 0.35 s), and until the Active Users pane
  shows the backend's *marker*, a number first served after the program started, so a
  value recorded earlier and shown at start never counts (goal <= 0.5 s). "fresh" starts
  on a new database file; "restart" starts again on that file after the first program
  stopped (SIGTERM: it releases the lease), while its recorded values are in the file.
  The baseline's first value is its first frame and its live value (it has no backend).
- steady-state CPU: user + system time of the process tree over ``--seconds`` after a
  warm-up, as % of one core, against the calm backend an hour before its launch-day ramp
  (values change every second; no suggestion or incident opens meanwhile). Goal <= 1.5 %.
- bytes written to the terminal per second over the same window. Goal <= 1,500 B/s.
- peak memory: the largest RSS (sampled tree sum, or ``ru_maxrss`` at exit), the
  maximum over the start-and-steady runs, and separately of the key session below
  (which opens the help screen ``--presses`` times). Goal <= 60 MB (10^6 bytes).
- key-to-screen latency while the backend takes 10 s to answer (``--scenario slow``):
  ``?`` is typed and timed until the help screen is on the emulated screen, then
  ``escape`` until it is gone, ``--presses`` times. Goal <= 50 ms median for ``?``.
  ``escape`` includes Textual's ESCDELAY (100 ms by default): a lone ESC byte could be
  the start of a sequence, so every Textual app waits that long; it is shown, not judged.

Each of ``--runs`` repetitions starts the control room and the baseline once each,
alternating which goes first. Medians are reported with the ratio app / baseline, which
is the figure that survives a busy machine (this one has 2 shared cores).

Checklist keys (issue 3), in the same slow-backend session: ``j``/``k`` timed until the
panel names another selected item, ``space`` until the number of done marks on screen
changes (done, then undone). Start to the checklist on screen: until an item text shows.

``--runbook FILE`` (issue 3) measures everything once more for the control room loaded
with that runbook beside the default (make one with ``benchmarks/make_runbook.py
--items 1000 --out FILE``), in its own column.

What is looked for on screen lives in ``bench_screens.py``, the table in
``bench_report.py``, the pty and process handling in ``pty_harness.py``
and ``sim_backend.py``.

    .venv/bin/python benchmarks/bench_control_room.py [--runs N] [--seconds S]
        [--warmup S] [--presses K] [--runbook FILE] [--baseline-only]
        [--json FILE]

Typical total time: about 6 minutes with ``--runbook`` and the defaults. Needs ``pyte``
and ``psutil`` (the ``bench`` extra). Prints a table; exits 0 when it could measure, 1
when a program never showed what it was waited for. It asserts no goal. Every program
it starts (backends included) is ended, process group and all, on any exit.
"""

from __future__ import annotations

import argparse
import compileall
import json
import math
import os
import random
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_screens as screens
from bench_report import Figures, context_lines, table
from marker_backend import MarkerBackend
from pty_harness import PtySession, ScreenTest
from sim_backend import Backend

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
START_TIMEOUT = 20.0
KEY_TIMEOUT = 3.0
SETTLE = 3.0
"""Seconds a program has, after its first value, to show a checklist item."""
STEADY_CLOCK = "2026-11-27T08:00:00"
"""Where the calm backend's day starts for the steady runs: an hour before its 09:00 ramp.
From its own start (08:59:30) the ramp's traffic-spike suggestion opened the incident
strip in some steady windows: a one-off relayout (~15 KB) counted as 1.5 KB/s steady."""


@dataclass
class Target:
    name: str
    argv: Callable[[str, Path], list[str]]
    """Command line, given the backend URL and the database file."""
    first_value: ScreenTest
    drawn: ScreenTest
    help_open: ScreenTest
    env: dict[str, str]
    checklist: ScreenTest | None = None
    """Holds when a checklist item is on screen; None for the baseline (no checklist)."""
    shows: Callable[[int], ScreenTest] | None = None
    """Holds when the marker backend's number is on screen; None for the baseline (its
    first value is its own, not polled)."""


def make_targets(workdir: Path, runbook: Path | None) -> dict[str, Target]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AUTUS_", "TEXTUAL"))}
    env.update(XDG_DATA_HOME=str(workdir / "data"), XDG_CONFIG_HOME=str(workdir / "config"))
    python = sys.executable

    def app_argv(extra: list[str]) -> Callable[[str, Path], list[str]]:
        return lambda url, db: [python, "-m", "autus_tui.cli", "run", "--backend", url,
                                "--db", str(db), "--operator", "bench", *extra]

    targets = {
        "app": Target("app", app_argv([]), screens.APP_FIRST_VALUE,
                      screens.APP_DRAWN, screens.APP_HELP, env, screens.checklist_on_screen(),
                      screens.app_shows),
        "baseline": Target("baseline", lambda url, db: [python, str(HERE / "baseline_app.py")],
                           screens.BASELINE_FIRST_VALUE, screens.BASELINE_FIRST_VALUE,
                           screens.BASELINE_HELP, env),
    }
    if runbook is not None:
        config = workdir / "runbook-config.toml"
        config.write_text(runbook_config(runbook), encoding="utf-8")
        targets["runbook"] = Target(
            "runbook", app_argv(["--config", str(config)]),
            screens.APP_FIRST_VALUE, screens.APP_DRAWN, screens.APP_HELP, env,
            screens.checklist_on_screen(runbook), screens.app_shows)
    return targets


def runbook_config(runbook: Path) -> str:
    """A configuration file that loads ``runbook`` beside the default one."""
    path = json.dumps(str(runbook.resolve()))  # a JSON string is a valid TOML basic string
    return f"runbooks = [{path}]\n"


def first_frame_and_live_value(target: Target, backend: MarkerBackend, db: Path,
                               figures: Figures, restart: bool) -> None:
    """One start on ``db``: seconds to the first frame and to the backend's new marker."""
    marker = backend.new_marker()  # served from now on, never before this program
    live = target.first_value if target.shows is None else target.shows(marker)
    with PtySession(target.argv(backend.url, db), env=target.env, cwd=REPO) as session:
        frame_at, live_at = session.wait_for_each([target.drawn, live], START_TIMEOUT)
        if frame_at is None or live_at is None:
            what = "no frame" if frame_at is None else f"marker {marker:,} never"
            figures.failures.append(f"{target.name}: {what} on screen within "
                                    f"{START_TIMEOUT:.0f} s ({'restart' if restart else 'fresh'}"
                                    f"); screen was:\n{session.text()}")
            return
        frames = figures.frame_restart_s if restart else figures.frame_fresh_s
        lives = figures.live_restart_s if restart else figures.live_fresh_s
        frames.append(frame_at - session.spawned_at)
        lives.append(live_at - session.spawned_at)
        if not restart:
            session.drain_for(1.5)  # a few more polls recorded, for the restart to find
    # Closing sends SIGTERM: the control room releases the lease as it leaves.


def start_and_steady(target: Target, url: str, db: Path, warmup: float, seconds: float,
                     figures: Figures) -> None:
    """One start: time to first value (and checklist), CPU and bytes over ``seconds``."""
    with PtySession(target.argv(url, db), env=target.env, cwd=REPO) as session:
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


class KeyTimer:
    """Types keys into one session and keeps how long each took to show."""

    def __init__(self, session: PtySession, target: Target, figures: Figures) -> None:
        self.session, self.target, self.figures = session, target, figures
        self.jitter = random.Random(2)  # press at different phases of the 1 s refresh

    def press(self, key: bytes, test: ScreenTest, into: list[float] | None,
              what: str) -> float:
        """Settle, type ``key``, wait for ``test``; keep ms in ``into``. NaN: never shown."""
        self.session.wait_quiet(0.15, 2.0)
        self.session.drain_for(self.jitter.uniform(0.0, 0.3))
        first_byte, shown = self.session.time_key(key, test, KEY_TIMEOUT)
        if math.isnan(shown):
            self.figures.failures.append(f"{self.target.name}: {what} did not show within "
                                         f"{KEY_TIMEOUT:.0f} s; screen was:\n"
                                         f"{self.session.text()}")
        elif into is not None:
            into.append(shown * 1000)
        return first_byte

    def help_keys(self, presses: int) -> None:
        open_test, figures = self.target.help_open, self.figures
        for _ in range(presses):
            first_byte = self.press(b"?", open_test, figures.help_open_ms, "'?' (help)")
            if math.isnan(first_byte) or not open_test(self.session.text()):
                return
            figures.help_first_byte_ms.append(first_byte * 1000)
            self.press(b"\x1b", lambda text: not open_test(text), figures.help_close_ms,
                       "escape (help closed)")
            if open_test(self.session.text()):
                return

    def checklist_keys(self, presses: int) -> None:
        text = self.session.text
        self.session.wait_quiet(0.3, 3.0)  # let the frame that closed the help finish
        if screens.selected_item(text()) is None:
            self.figures.failures.append(f"{self.target.name}: no selected checklist item "
                                         f"on screen:\n{text()}")
            return
        for index in range(presses):
            key = b"j" if index % 2 == 0 else b"k"  # stay near the top of the slot
            before = screens.selected_item(text())
            self.press(key, screens.selection_moved_from(before), self.figures.select_ms,
                       f"{key.decode()} (selection moved)")
        for _ in range(presses):
            before_marks = screens.done_marks(text())
            self.press(b" ", screens.marks_changed_from(before_marks), self.figures.mark_ms,
                       "space (mark shown)")


def key_latency(target: Target, url: str, db: Path, presses: int, figures: Figures) -> None:
    """Help and checklist keys, ``presses`` each, while every poll waits on the backend."""
    with PtySession(target.argv(url, db), env=target.env, cwd=REPO) as session:
        if session.wait_for(target.drawn, START_TIMEOUT) is None:
            figures.failures.append(f"{target.name}: never drawn; screen was:\n{session.text()}")
            return
        session.drain_for(1.5)  # the first poll is now in flight (and will be for 10 s)
        timer = KeyTimer(session, target, figures)
        timer.help_keys(presses)
        if target.checklist is not None:
            timer.checklist_keys(presses)
    figures.peak_rss_keys.append(session.peak_memory())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="starts of each program (3)")
    parser.add_argument("--seconds", type=float, default=10.0,
                        help="steady-state window per run, seconds (10)")
    parser.add_argument("--warmup", type=float, default=2.0,
                        help="seconds after the first value before the window (2)")
    parser.add_argument("--presses", type=int, default=20, help="presses per key kind (20)")
    parser.add_argument("--runbook", type=Path, help="also measure with this runbook file")
    parser.add_argument("--baseline-only", action="store_true",
                        help="measure the baseline app only (harness check)")
    parser.add_argument("--json", type=Path, help="also write every sample to this file")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.seconds < 0 or args.warmup < 0 or args.presses < 1:
        parser.error("--runs and --presses must be at least 1, --seconds and --warmup "
                     "not negative")
    if args.runbook is not None and not args.runbook.is_file():
        parser.error(f"--runbook {args.runbook}: no such file")
    # A SIGTERM must still run the finally blocks that end every child process.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    # Byte-compiled first, as an installed wheel is: with PYTHONDONTWRITEBYTECODE set and
    # no __pycache__ (an editable install), every start would compile the package anew.
    compileall.compile_dir(REPO / "autus_tui", quiet=1)

    print("\n".join(context_lines(args.runs, args.warmup, args.seconds, args.presses,
                                   args.runbook)), flush=True)
    with tempfile.TemporaryDirectory(prefix="autus-bench-") as tmp, ExitStack() as stack:
        targets = make_targets(Path(tmp), None if args.baseline_only else args.runbook)
        if args.baseline_only:
            del targets["app"]
        results = {name: Figures() for name in targets}
        names = list(targets)
        work = Path(tmp)
        marker = stack.enter_context(MarkerBackend())
        for run in range(args.runs):
            for name in names if run % 2 == 0 else names[::-1]:
                db = work / f"{name}-start-{run}.db"
                print(f"run {run + 1}/{args.runs}: {name} fresh start, then restart",
                      flush=True)
                first_frame_and_live_value(targets[name], marker, db, results[name], False)
                first_frame_and_live_value(targets[name], marker, db, results[name], True)
        calm = stack.enter_context(Backend("calm", 1, clock=STEADY_CLOCK))
        for run in range(args.runs):
            for name in names if run % 2 == 0 else names[::-1]:
                print(f"run {run + 1}/{args.runs}: {name} start + steady state", flush=True)
                start_and_steady(targets[name], calm.url, work / f"{name}-steady.db",
                                 args.warmup, args.seconds, results[name])
        slow = stack.enter_context(Backend("slow", 1))
        for name in names:
            print(f"keys: {name} ({args.presses} presses per key, backend slow)", flush=True)
            key_latency(targets[name], slow.url, work / f"{name}-keys.db", args.presses,
                        results[name])

    if args.baseline_only:
        results["app"] = Figures()  # an empty column rather than no table
        results = {"app": results["app"], "baseline": results["baseline"]}
    print()
    print("\n".join(table(results)))
    failures = [f for figures in results.values() for f in figures.failures]
    for failure in failures:
        print(f"\nFAILED: {failure}", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps({n: vars(f) for n, f in results.items()}, indent=1))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
