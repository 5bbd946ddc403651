"""The results of a slot's probes as a table: name, status, milliseconds, evidence.

Evidence is outside text (an error from a server, a certificate's subject): every cell
goes through ``ui.safe``. ``escape`` or ``enter`` closes.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable

from autus_tui.core.probes import ProbeResult, Status
from autus_tui.ui import safe
from autus_tui.ui.widgets.line import Line

EVIDENCE_WIDTH = 200
STATUS_STYLES = {Status.PASS: "bold $success", Status.WARN: "bold reverse $warning",
                 Status.FAIL: "bold reverse $error"}


class ProbeResultsDialog(ModalScreen[None]):
    DEFAULT_CSS = """
    ProbeResultsDialog { align: center middle; }
    ProbeResultsDialog > Vertical {
        width: 90%; max-width: 120; height: auto; max-height: 90%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    ProbeResultsDialog DataTable { height: auto; max-height: 20; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="probes.close"),
        Binding("enter", "close", "Close", show=False, id="probes.close_enter"),
    ]

    def __init__(self, title: str, results: tuple[ProbeResult, ...]) -> None:
        super().__init__(id="probe-results")
        self.heading, self.results = title, results

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Line(safe.styled(self.heading, "bold"))
            table: DataTable[safe.Content] = DataTable(cursor_type="row", zebra_stripes=True)
            table.add_column("probe", width=max(5, *(len(r.name) for r in self.results)))
            table.add_column("status", width=6)
            table.add_column("ms", width=6)
            # Content cells are not measured by the table: the widest evidence, bounded.
            table.add_column("evidence", width=min(EVIDENCE_WIDTH, max(
                8, *(len(r.detail) for r in self.results))))
            for found in self.results:
                table.add_row(safe.plain(found.name, 24),
                              safe.styled(f" {found.status.value} ", STATUS_STYLES[found.status]),
                              safe.plain(str(found.ms)), safe.plain(found.detail, EVIDENCE_WIDTH))
            yield table
            yield Line(safe.styled("escape / enter: close", "dim"))

    def action_close(self) -> None:
        self.dismiss(None)
