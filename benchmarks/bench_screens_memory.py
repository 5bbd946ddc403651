"""Does opening and closing a screen again and again grow the control room's memory?

Runs ``ControlRoom`` headless (``App.run_test`` at 80x24, no polling, a database in a
temporary folder with a few marks and notes) and opens and closes one screen ``--cycles``
times with its keys (``?``/escape, ``t``/escape, ``h``/escape), after ``--warmup`` cycles
that fill Textual's caches. It prints the process's RSS (MB, 10^6 bytes) every
``--every`` cycles and the growth per cycle over the measured cycles, after a full
garbage collection at each sample.

The pty benchmark (``bench_control_room.py``) reports the key session's peak RSS, which
opens the help ``--presses`` times; this script says which screen grows it, and by how
much per opening.

    .venv/bin/python benchmarks/bench_screens_memory.py [--screen help|timeline|handover]
        [--cycles N] [--warmup N] [--every N]

Exits 0 when it could measure; it asserts no goal. About 10 s for 100 cycles.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import psutil

from autus_tui.core.clock import FixedClock
from autus_tui.core.config import Config
from autus_tui.core.observations import HostSample
from autus_tui.core.runbook import ItemState
from autus_tui.store import Store
from autus_tui.store.notes import add_note
from autus_tui.ui.app import ControlRoom

START = datetime(2026, 11, 27, 0, 3, 0, tzinfo=UTC)  # 09:03 KST on launch day
KEYS = {"help": "question_mark", "timeline": "t", "handover": "h"}
SCREEN_IDS = {"help": "help", "timeline": "timeline", "handover": "handover"}


def rss_mb() -> float:
    gc.collect()
    return float(psutil.Process().memory_info().rss) / 1e6


async def measure(screen: str, cycles: int, warmup: int, every: int, folder: Path) -> int:
    clock = FixedClock(START)
    store = Store(folder / "day.db", clock)
    for item_id in ("pre.infra.backend", "pre.infra.db", "launch.monitor.errors"):
        store.mark(item_id, ItemState.DONE, "bench")
    add_note(store, "bench", "a note for the handover view")
    app = ControlRoom(Config(operator="bench"), clock, rehearsal=True, poll=False,
                      host_reader=lambda: HostSample(1.0, 2.0, 0.1, 3.0), store=store)
    key, screen_id = KEYS[screen], SCREEN_IDS[screen]
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause(0.3)

            async def cycle() -> None:
                await pilot.press(key)
                await pilot.pause()
                if app.screen.id != screen_id:
                    raise RuntimeError(f"{key} did not open the {screen} screen")
                await pilot.press("escape")
                await pilot.pause()
                if app.screen.id == screen_id:
                    raise RuntimeError(f"escape did not close the {screen} screen")

            for _ in range(warmup):
                await cycle()
            first = rss_mb()
            print(f"{screen}: after {warmup} warm-up cycles: {first:.1f} MB", flush=True)
            for number in range(1, cycles + 1):
                await cycle()
                if number % every == 0 or number == cycles:
                    print(f"  cycle {number:4d}: {rss_mb():.1f} MB", flush=True)
            last = rss_mb()
            print(f"{screen}: {last - first:+.1f} MB over {cycles} cycles, "
                  f"{1000 * (last - first) / cycles:+.0f} kB per open/close")
    finally:
        store.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screen", choices=sorted(KEYS), default="help")
    parser.add_argument("--cycles", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--every", type=int, default=20)
    args = parser.parse_args(argv)
    if args.cycles < 1 or args.warmup < 0 or args.every < 1:
        parser.error("--cycles and --every must be at least 1, --warmup not negative")
    with tempfile.TemporaryDirectory(prefix="autus-screens-") as folder:
        try:
            return asyncio.run(measure(args.screen, args.cycles, args.warmup, args.every,
                                       Path(folder)))
        except RuntimeError as error:
            print(f"bench_screens_memory: {error}", file=sys.stderr)
            return 1


if __name__ == "__main__":
    sys.exit(main())
