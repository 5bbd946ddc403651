"""The declare dialog (``i``): severity, situation from the matrix or typed, the next step.

Severity is chosen from the matrix (심각 / 경고 / 주의, most severe first); the situation
from that severity's rows, or typed in the field below (a typed situation replaces the
list's; its response is the matrix's when the text is a matrix situation). The matrix's
internal response (즉시 재시작, 풀 재설정, 롤백, …) is shown as the next step, and the
ladder the declare starts (L1 pages at once).

Defaults: the matrix row the recorded metrics suggest now (``read_signals``, run in a
thread worker when the dialog opens), else the first severity and its first situation.
``enter`` declares with what is chosen, so ``i`` ``enter`` declares the suggested row at
once; an ``enter`` pressed while the metrics are still being read declares as soon as
they are (with the suggestion). A key that moves a choice before that keeps the
operator's choice. ``escape`` cancels. The dialog only returns a ``DeclareChoice``: the
app posts the intent.

Matrix text is file content and suggestions hold backend values: through ``ui.safe``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from autus_tui.core.escalation import EscalationPolicy
from autus_tui.core.incident_matrix import IncidentMatrix, MatrixRow
from autus_tui.core.signals import Suggestion
from autus_tui.services.incident_board import Signals
from autus_tui.store import StoreError
from autus_tui.ui import safe
from autus_tui.ui.widgets.line import Line

FALLBACK_SEVERITIES = ("심각", "경고", "주의")
"""When the matrix file could not be loaded: the seed's severities, situations typed."""
MAX_SITUATION = 200


@dataclass(frozen=True)
class DeclareChoice:
    severity: str
    situation: str
    response: str


class DeclareSignalsLoaded(Message):
    def __init__(self, signals: Signals | None) -> None:
        super().__init__()
        self.signals = signals


class DeclareDialog(ModalScreen[DeclareChoice | None]):
    DEFAULT_CSS = """
    DeclareDialog { align: center middle; }
    DeclareDialog > Vertical {
        width: 76; max-width: 98%; height: auto; max-height: 98%;
        border: round $error; background: $surface; padding: 0 1;
    }
    DeclareDialog OptionList { height: auto; max-height: 5; border: none; padding: 0; }
    DeclareDialog OptionList:focus { border: none; background: $boost; }
    DeclareDialog Input { border: none; height: 1; padding: 0; margin: 0; }
    DeclareDialog .label { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "declare", "Declare", priority=True, id="declare.declare"),
        Binding("escape", "cancel", "Cancel", id="declare.cancel"),
    ]

    def __init__(self, matrix: IncidentMatrix | None, policy: EscalationPolicy,
                 read_signals: Callable[[], Signals] | None, *,
                 matrix_error: str | None = None) -> None:
        super().__init__(id="declare-dialog")
        self.matrix, self.policy, self.read_signals = matrix, policy, read_signals
        self.matrix_error = matrix_error
        self.severities = matrix.severity_names if matrix is not None else FALLBACK_SEVERITIES
        self.suggestions: tuple[Suggestion, ...] = ()
        self.loaded = read_signals is None
        self.touched = False
        self.pending = False
        self.severity_list = OptionList(markup=False, id="declare-severity")
        self.situation_list = OptionList(markup=False, id="declare-situation")
        self.typed = Input(placeholder="or type the situation (replaces the choice above)",
                           max_length=MAX_SITUATION, id="declare-typed")
        self.next_step = Line(id="declare-next")
        self.suggested = Line(id="declare-suggested")
        self.hint = Line(id="declare-hint")
        self.rows: tuple[MatrixRow, ...] = ()

    def compose(self) -> ComposeResult:
        with Vertical(id="declare-box"):
            yield Line(safe.join(("Declare an incident", "bold"), " — ", self._ladder()))
            yield Line(safe.plain("Severity"), classes="label")
            yield self.severity_list
            yield Line(safe.plain("Situation"), classes="label")
            yield self.situation_list
            yield self.typed
            yield self.next_step
            yield self.suggested
            yield self.hint

    def _ladder(self) -> safe.Content:
        steps = [f"{lvl.name} +{lvl.minutes:g}" for lvl in self.policy.levels]
        return safe.styled("pages " + " · ".join(steps) + " min", "dim", 60)

    def on_mount(self) -> None:
        self.severity_list.add_options(
            [Option(self._severity_prompt(name), id=str(n))
             for n, name in enumerate(self.severities)])
        self._apply_default()
        self.situation_list.focus()
        self._hint()
        if self.read_signals is not None:
            self.suggested.show(safe.styled("reading the metrics…", "dim"))
            read = self.read_signals

            def work() -> None:
                try:
                    self.post_message(DeclareSignalsLoaded(read()))
                except StoreError:
                    self.post_message(DeclareSignalsLoaded(None))

            self.run_worker(work, name="declare: signals", thread=True, exit_on_error=False)
        else:
            self._show_suggestions()

    def _severity_prompt(self, name: str) -> safe.Content:
        meaning = next((s.meaning for s in self.matrix.severities if s.name == name), "") \
            if self.matrix is not None else ""
        if not meaning:
            return safe.styled(name, "bold", 12)
        return safe.join(safe.styled(name, "bold", 12), " (", safe.plain(meaning, 40), ")")

    # -- defaults -----------------------------------------------------------------------

    def on_declare_signals_loaded(self, message: DeclareSignalsLoaded) -> None:
        self.loaded = True
        if message.signals is not None:
            self.suggestions = message.signals.suggestions
        if not self.touched:
            self._apply_default()
        self._show_suggestions()
        if self.pending:
            self.action_declare()

    def _apply_default(self) -> None:
        top = self.suggestions[0] if self.suggestions else None
        severity = top.severity if top is not None and top.severity in self.severities \
            else self.severities[0]
        self._select_severity(self.severities.index(severity),
                              top.situation if top is not None else None)

    def _select_severity(self, index: int, situation: str | None = None) -> None:
        self.severity_list.highlighted = index
        self._fill_situations(self.severities[index], situation)

    def _fill_situations(self, severity: str, situation: str | None = None) -> None:
        self.rows = self.matrix.rows_of(severity) if self.matrix is not None else ()
        suggested = {s.row.id for s in self.suggestions}
        self.situation_list.clear_options()
        self.situation_list.add_options([
            Option(safe.join(safe.plain(row.situation, 40), " → ",
                             safe.styled(row.response, "bold", 30),
                             *([("  ◆ suggested", "bold $accent")] if row.id in suggested
                               else [])), id=row.id)
            for row in self.rows])
        if self.rows:
            pick = next((n for n, row in enumerate(self.rows) if row.situation == situation), 0)
            self.situation_list.highlighted = pick
        self._show_next()

    # -- the operator's choices ------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        if event.key not in ("enter", "escape", "tab", "shift+tab"):
            self.touched = True

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list is self.severity_list and event.option_index is not None:
            severity = self.severities[event.option_index]
            if not self.rows or self.rows[0].severity != severity:
                self._fill_situations(severity)
        else:
            self._show_next()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._show_next()

    def choice(self) -> DeclareChoice | None:
        """What ``enter`` declares now (``None``: no situation chosen or typed)."""
        index = self.severity_list.highlighted
        severity = self.severities[index if index is not None else 0]
        typed = self.typed.value.strip()
        if typed:
            row = self.matrix.find(typed) if self.matrix is not None else None
            return DeclareChoice(severity, typed, row.response if row is not None else "")
        picked = self.situation_list.highlighted
        if picked is None or not self.rows:
            return None
        row = self.rows[picked]
        return DeclareChoice(row.severity, row.situation, row.response)

    def _show_next(self) -> None:
        choice = self.choice()
        if choice is None:
            self.next_step.show(safe.styled("Next step: type the situation", "dim"))
        elif choice.response:
            self.next_step.show(safe.join(("Next step ", "bold"),
                                          safe.styled(choice.response, "bold $accent", 60)))
        else:
            self.next_step.show(safe.styled(
                "Next step: not in the matrix — say what is done in a note (n)", "dim"))

    def _show_suggestions(self) -> None:
        if self.matrix_error:
            self.suggested.show(safe.styled(f"incident matrix: {self.matrix_error}",
                                            "bold $error", 200))
            return
        if not self.suggestions:
            self.suggested.show(safe.styled("The metrics suggest nothing now.", "dim"))
            return
        top = self.suggestions[0]
        more = len(self.suggestions) - 1
        self.suggested.show(safe.join(
            ("Suggested by the metrics: ", "bold"), safe.plain(top.severity, 12), " ",
            safe.plain(top.situation, 40), " (", safe.plain("; ".join(top.evidence), 80), ")",
            (f" +{more} more ◆" if more else "", "dim")))

    def _hint(self, text: str | None = None) -> None:
        if text is not None:
            self.hint.show(safe.styled(text, "bold $error"))
        else:
            self.hint.show(safe.styled("enter declares · tab next field · escape cancels",
                                       "dim"))

    def action_declare(self) -> None:
        if not self.loaded:
            self.pending = True  # declare with the suggestion as soon as it is read
            self._hint("reading the metrics — declaring as soon as they are read…")
            return
        choice = self.choice()
        if choice is None:
            self._hint("Type a situation, or escape to cancel.")
            self.typed.focus()
            return
        self.dismiss(choice)

    def action_cancel(self) -> None:
        self.dismiss(None)
