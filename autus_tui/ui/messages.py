"""Messages workers post to the app; only the app's handlers change state."""

from __future__ import annotations

from textual.message import Message

from autus_tui.core.samples import PollResult


class PollArrived(Message):
    """One poll of the backend finished (successfully or not)."""

    def __init__(self, result: PollResult) -> None:
        super().__init__()
        self.result = result


class PollerStopped(Message):
    """The polling loop ended unexpectedly; the reason is in words."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason
