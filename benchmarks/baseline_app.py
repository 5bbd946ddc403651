"""The yardstick: a minimal Textual app that updates 8 labels once a second.

``bench_control_room.py`` runs it beside the control room, in the same run and under the
same pseudo-terminal, so its figures say what Textual itself costs on this machine at
this moment; the control room's figures are reported as ratios to these.

It shows the first values as soon as it is mounted (the fastest a metric can appear),
then changes every label once a second. ``?`` opens a help screen and ``escape`` closes
it, like the control room, so key-to-screen latency is measured the same way. ``q``
quits.

Run by hand: ``.venv/bin/python benchmarks/baseline_app.py``.
"""

from __future__ import annotations

import random
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Label

LABELS = 8
FIRST_VALUE_MARK = "metric 1:"
"""Text that, followed by a number, tells the benchmark the first value is on screen."""
HELP_MARK = "BASELINE HELP"


class HelpScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.pop_screen", "close")]

    def compose(self) -> ComposeResult:
        yield Label(HELP_MARK)
        yield Label("q quit - ? help - escape close")


class BaselineApp(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "quit"),
        Binding("question_mark", "help", "help"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._random = random.Random(1)
        self._labels = [Label(id=f"metric-{i}") for i in range(1, LABELS + 1)]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield from self._labels

    def on_mount(self) -> None:
        self._tick()
        self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        for number, label in enumerate(self._labels, start=1):
            label.update(f"metric {number}: {self._random.randint(0, 5000):>5}")

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())


if __name__ == "__main__":
    BaselineApp().run()
