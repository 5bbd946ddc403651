"""Writing to the database off the UI thread, so a locked file never freezes the screen.

``start_write(widget, label, write)`` runs ``write()`` (a short ``Store`` call: mark, N/A,
undo, an event) in a thread worker of ``widget`` and posts ``WriteDone`` back to it with
the result or the error in words. While another process holds the database lock, the
store's writer waits (busy timeout, 5 s) and then lands; if it is still busy the write is
tried again, up to ``BUSY_ATTEMPTS`` times in all, before it is given up with a message
saying it was NOT saved — a write is never lost silently, and the UI answers keys all
the while. Nothing is shown as changed here: the store watcher renders what was
committed (see ``ui.store_watch``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.dom import DOMNode
from textual.message import Message

from autus_tui.store import StoreBusy, StoreError

BUSY_ATTEMPTS = 3


class WriteDone(Message):
    """A write finished: ``result`` is what the write returned, or ``error`` says why not."""

    def __init__(self, label: str, result: Any = None, error: str | None = None) -> None:
        super().__init__()
        self.label = label
        self.result = result
        self.error = error

    @property
    def ok(self) -> bool:
        return self.error is None


def start_write(widget: DOMNode, label: str, write: Callable[[], Any]) -> None:
    """Run ``write`` in a thread; ``widget`` (or the app) receives ``WriteDone`` when over."""

    def work() -> None:
        widget.post_message(_attempt(label, write))

    widget.run_worker(work, name=f"write: {label}", group="store-write", thread=True,
                      exit_on_error=False)


def _attempt(label: str, write: Callable[[], Any]) -> WriteDone:
    for attempt in range(1, BUSY_ATTEMPTS + 1):
        try:
            return WriteDone(label, write())
        except StoreBusy as error:
            if attempt == BUSY_ATTEMPTS:
                return WriteDone(label, error=f"not saved, the database stayed busy: {error}")
        except StoreError as error:
            return WriteDone(label, error=f"not saved: {error}")
        except ValueError as error:  # refused by the store (e.g. N/A without a reason)
            return WriteDone(label, error=f"not saved: {error}")
    raise AssertionError("unreachable")
