"""Messages tasks post to the app; only the app's handlers change state."""

from __future__ import annotations

from textual.message import Message

from autus_tui.core.observations import PollResult


class PollerStopped(Message):
    """This process's recorder (poller) ended unexpectedly; the reason is in words."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class PollRecorded(Message):
    """This process's recorder just committed poll ``poll_id``: draw it now."""

    def __init__(self, poll_id: int, result: PollResult) -> None:
        super().__init__()
        self.poll_id = poll_id
        self.result = result
