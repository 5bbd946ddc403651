"""``autus-tui record``: the headless poller and recorder, for a service manager.

Holds the database's poller lease with no screen, so the whole day is recorded even when
nobody has the control room open. SIGTERM/SIGINT stop it cleanly (lease released, exit 0);
a database that cannot be used is one line on stderr and exit 1.
"""

from __future__ import annotations

import asyncio
import contextlib

from autus_tui.commands.console import say_error
from autus_tui.core.clock import Clock
from autus_tui.core.config import Config
from autus_tui.services.recorder import Recorder
from autus_tui.store import StoreError
from autus_tui.store.store import Store


def run_record(config: Config) -> int:
    """``autus-tui record``: headless recorder until SIGTERM/SIGINT (exit 0). A database
    that cannot be used, or fails while recording, is one line on stderr and exit 1."""
    import signal

    from autus_tui.services.session import open_store  # shared with the control room

    def say(text: str) -> None:
        print(f"autus-tui record: {text}", flush=True)

    async def main(store: Store, clock: Clock) -> None:
        recorder = Recorder(store, config, clock, config.operator, on_status=say)
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, recorder.stop)
        say(f"recording to {store.path} as {recorder.holder} (waiting for the poller lease)")
        await recorder.run()

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
