"""``autus-tui record``: the headless poller and recorder, for a service manager.

Holds the database's poller lease with no screen, so the whole day is recorded even when
nobody has the control room open. SIGTERM, SIGHUP and SIGINT stop it cleanly (lease
released at once, presence row removed, exit 0: see ``commands.terminal``);
a database that cannot be used is one line on stderr and exit 1.
"""

from __future__ import annotations

import asyncio
import contextlib

from autus_tui.commands.console import say_error
from autus_tui.commands.terminal import install_stop_handlers
from autus_tui.core.clock import Clock
from autus_tui.core.config import Config
from autus_tui.services.recorder import Recorder
from autus_tui.store import StoreError
from autus_tui.store.store import Store


def run_record(config: Config) -> int:
    """``autus-tui record``: headless recorder until SIGTERM/SIGHUP/SIGINT (exit 0). A database
    that cannot be used, or fails while recording, is one line on stderr and exit 1."""
    from autus_tui.services.session import open_store  # shared with the control room

    def say(text: str) -> None:
        # After a hang-up the terminal is gone: a status line must not stop the clean-up.
        with contextlib.suppress(OSError):
            print(f"autus-tui record: {text}", flush=True)

    async def main(store: Store, clock: Clock) -> None:
        recorder = Recorder(store, config, clock, config.operator, on_status=say)
        undo = install_stop_handlers(lambda _signum: recorder.stop())
        say(f"recording to {store.path} as {recorder.holder} (waiting for the poller lease)")
        try:
            await recorder.run()
        finally:
            undo()

    try:
        store, clock = open_store(config)
    except StoreError as error:
        say_error("autus-tui record", error)
        return 1
    try:
        asyncio.run(main(store, clock))
    except StoreError as error:
        say_error("autus-tui record", error)
        return 1
    except KeyboardInterrupt:
        pass
    finally:
        store.close()
    say("stopped")
    return 0
