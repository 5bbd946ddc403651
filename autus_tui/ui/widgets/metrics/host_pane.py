"""The machine the control room runs on: CPU %, memory %, load, disk %.

Fed a ``HostSample`` by the app's 1 s tick (psutil reads are cheap and non-blocking);
``None`` means the host could not be read, which is said rather than hidden.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical

from autus_tui.core.observations import HostSample
from autus_tui.ui import safe
from autus_tui.ui.widgets.line import Line


class HostPane(Vertical, can_focus=True):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="pane host-pane")
        self.line = Line(safe.join(("Host ", "bold"), "reading…"), classes="host")

    def compose(self) -> ComposeResult:
        yield self.line

    def show_sample(self, sample: HostSample | None, problem: str | None = None) -> None:
        if sample is None:
            self.line.show(safe.join(("Host ", "bold"),
                                     safe.plain(problem or "unavailable", 120)))
            return
        def field(name: str, text: str) -> str:
            return "—" if name in sample.unavailable else text

        # One space apart: at 80 columns the pane is 40 wide.
        parts: list[safe.Part] = [
            ("Host ", "bold"),
            f"CPU {field('cpu_pct', f'{sample.cpu_pct:.0f}%')} "
            f"Mem {field('mem_pct', f'{sample.mem_pct:.0f}%')} "
            f"Load {field('load1', f'{sample.load1:.2f}')} "
            f"Disk {field('disk_pct', f'{sample.disk_pct:.0f}%')}",
        ]
        if sample.problem:
            parts.append(safe.styled(f"  ({sample.problem})", "dim", 120))
        self.line.show(safe.join(*parts))
