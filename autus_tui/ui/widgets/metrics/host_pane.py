"""The machine the control room runs on: CPU %, memory %, load, disk %.

Fed a ``HostSample`` by the app's 1 s tick (psutil reads are cheap and non-blocking);
``None`` means the host could not be read, which is said rather than hidden. One line,
drawn as one widget (``pane_lines.PaneLines``). Every field keeps its name whole: when
the line is narrower than ``Host CPU 12% Mem 46% Load 0.52 Disk 61%`` the names shorten
(``C 12% M 46% L 0.52 D 61%``) rather than a field being cut (``Dis…``).
"""

from __future__ import annotations

from textual.content import Content

from autus_tui.core.observations import HostSample
from autus_tui.ui import safe
from autus_tui.ui.widgets.metrics.pane_lines import FOCUS_STYLE, PaneLines, fit

NAMES = (("Host ", "CPU", "Mem", "Load", "Disk"), ("Host ", "C", "M", "L", "D"),
         ("", "C", "M", "L", "D"))
"""The line's names, longest first: the longest form that fits is shown."""


class HostPane(PaneLines, can_focus=True):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(1, id=id, classes="pane host-pane")
        self.sample: HostSample | None = None
        self.problem: str | None = "reading…"

    def show_sample(self, sample: HostSample | None, problem: str | None = None) -> None:
        self.sample, self.problem = sample, problem if sample is not None else (
            problem or "unavailable")
        self.rebuild()

    def rebuild(self) -> None:
        width = self.width
        parts = self._parts(width)
        used = sum(part.cell_length for part in parts)
        if used > width:
            parts = [fit(Content("").join(parts), width)]
        elif used < width:
            parts.append(Content(" " * (width - used)))
        self.set_lines([parts])

    def _parts(self, width: int) -> list[Content]:
        """Each value its own part: a new CPU figure repaints only its cells."""
        sample = self.sample
        host = safe.styled("Host", FOCUS_STYLE if self.has_focus else "bold")
        if sample is None:
            return [host, safe.plain(" "), safe.plain(self.problem or "", 120)]

        def field(name: str, text: str) -> str:
            return "—" if name in sample.unavailable else text

        values = (field("cpu_pct", f"{sample.cpu_pct:.0f}%"),
                  field("mem_pct", f"{sample.mem_pct:.0f}%"),
                  field("load1", f"{sample.load1:.2f}"),
                  field("disk_pct", f"{sample.disk_pct:.0f}%"))
        for prefix, *names in NAMES:  # the last form is taken if none fits
            text = " ".join(f"{name} {value}" for name, value in zip(names, values,
                                                                   strict=True))
            if len(prefix) + len(text) <= width:
                break
        parts = [host, Content(" ")] if prefix else []
        for index, (name, value) in enumerate(zip(names, values, strict=True)):
            parts += [Content(f"{' ' if index else ''}{name} "), Content(value)]
        if sample.problem:
            parts.append(safe.styled(f"  ({sample.problem})", "dim", 120))
        return parts
