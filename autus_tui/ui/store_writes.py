"""Running one short store write from a worker thread, with its failure in words.

``run_write(write)`` calls ``write()`` (a short ``Store`` call: mark, N/A, a note, an
event) and returns ``(result, None)`` or ``(None, reason)``. While another process holds
the database lock the store's writer waits (busy timeout, 5 s) and then lands; if it is
still busy the write is tried again, up to ``BUSY_ATTEMPTS`` times in all, before it is
given up with a reason saying it was NOT saved — a write is never lost silently. Only
``ui.controller`` calls it, always off the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autus_tui.store import StoreBusy, StoreError

BUSY_ATTEMPTS = 3


def run_write(write: Callable[[], Any]) -> tuple[Any, str | None]:
    for attempt in range(1, BUSY_ATTEMPTS + 1):
        try:
            return write(), None
        except StoreBusy as error:
            if attempt == BUSY_ATTEMPTS:
                return None, f"not saved, the database stayed busy: {error}"
        except StoreError as error:
            return None, f"not saved: {error}"
        except ValueError as error:  # refused by the store (e.g. N/A without a reason)
            return None, f"not saved: {error}"
    raise AssertionError("unreachable")
