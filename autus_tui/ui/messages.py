"""Messages tasks post to the app; only the app's handlers change state."""

from __future__ import annotations

from textual.message import Message


class PollerStopped(Message):
    """This process's recorder (poller) ended unexpectedly; the reason is in words."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason
