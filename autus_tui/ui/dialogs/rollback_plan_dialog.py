"""The rollback plan (``R``): read it, confirm it from the keyboard, apply it.

Opening posts ``PlanRollback`` (git runs in the controller's worker); until the answer
the body says "planning…". If a rollback is running anywhere (this database), the answer
is that run and the dialog closes with it, so the app shows the run instead of a plan.

Keyboard path (docs/architecture.md, "Rollback"): the conditions list has focus (``space`` ticks,
arrows or ``j``/``k`` move); ``tab`` to the reason; ``tab`` to the target, typed in full;
``enter`` there posts ``ApplyRollback`` only when ``confirm_problems`` finds nothing
missing — otherwise nothing runs, the status line says exactly what is missing and the
focus goes to that field. ``enter`` on the conditions list, ``enter`` in the reason and
``y`` never apply: they say what is missing. ``tab`` once more reaches the pattern; ``enter``
there plans again with it. ``pageup``/``pagedown`` scroll the plan; ``escape`` closes.

The answer to apply: ``Started`` closes the dialog with the new run (the app shows it);
``Refused(running)`` closes it with the running run; ``Refused(plan_changed)`` shows the
fresh plan, empties the target and says "plan again"; ``Refused(not_confirmed)`` says
what is missing. The dialog's result is the run to show, or None.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static

from autus_tui.core.rollback import CONDITIONS
from autus_tui.core.rollback_plan import Confirmation, Problem, RollbackPlan, confirm_problems
from autus_tui.core.rollback_run import Refused, RunRecord, Started
from autus_tui.core.signals import OUTAGE_CONDITION_TEXT, OutageCondition
from autus_tui.ui import safe
from autus_tui.ui.dialogs.rollback_render import DRY_RUN, DRY_STYLE, plan_lines
from autus_tui.ui.intents import ApplyRollback, IntentDone, PlanOutcome, PlanRollback
from autus_tui.ui.widgets.line import Line

KEYS = "space tick · tab next · enter in Target applies · pgup/pgdn · esc close"
ERROR = "bold $error"
OUTAGE_INDEX = next(i for i, c in enumerate(CONDITIONS) if c.label == OUTAGE_CONDITION_TEXT)


class ConditionList(OptionList):
    """The seed's three rollback conditions as ``[x]``/``[ ]`` (read without colour);
    ``space`` ticks, arrows or ``j``/``k`` move, ``enter`` never ticks: it says what is
    missing."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "tick", "Tick", show=False, id="rollback.conditions.tick"),
        Binding("j", "cursor_down", "Down", show=False, id="rollback.conditions.down"),
        Binding("k", "cursor_up", "Up", show=False, id="rollback.conditions.up"),
        Binding("enter", "screen.explain", "What is missing", show=False,
                id="rollback.conditions.enter"),
    ]

    def __init__(self) -> None:
        super().__init__(*(self._prompt(c.label, False) for c in CONDITIONS),
                         id="rollback-conditions")
        self.ticked: set[str] = set()

    @staticmethod
    def _prompt(label: str, ticked: bool) -> safe.Content:
        box = safe.styled("[x] ", "bold $success") if ticked else safe.plain("[ ] ")
        return safe.join(box, safe.plain(label, 80))

    def action_tick(self) -> None:
        if self.highlighted is not None:
            self.set_ticked(self.highlighted, CONDITIONS[self.highlighted].key not in self.ticked)

    def set_ticked(self, index: int, ticked: bool) -> None:
        condition = CONDITIONS[index]
        self.ticked = self.ticked | {condition.key} if ticked else self.ticked - {condition.key}
        self.replace_option_prompt_at_index(index, self._prompt(condition.label, ticked))


class PlanBody(VerticalScroll, can_focus=False):
    """The plan, scrolled with pageup/pagedown (never a tab stop between the fields)."""


class RollbackPlanDialog(ModalScreen[RunRecord | None]):
    DEFAULT_CSS = """
    RollbackPlanDialog { align: center middle; }
    RollbackPlanDialog > Vertical {
        width: 100%; max-width: 120; height: 100%; max-height: 44;
        border: round $warning; background: $surface; padding: 0 1;
    }
    RollbackPlanDialog .title { background: $boost; }
    RollbackPlanDialog ConditionList {
        height: 3; border: none; padding: 0; background: $surface;
    }
    RollbackPlanDialog ConditionList:focus { border: none; background-tint: $foreground 5%; }
    RollbackPlanDialog PlanBody { height: 1fr; scrollbar-size-vertical: 1; }
    RollbackPlanDialog .field { height: 1; }
    RollbackPlanDialog .field > Static { width: 9; }
    RollbackPlanDialog .field > Input { width: 1fr; }
    RollbackPlanDialog .status { height: auto; max-height: 3; }
    RollbackPlanDialog .keys { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="rollback.close"),
        Binding("y", "explain", "What is missing", show=False, id="rollback.y"),
        Binding("pagedown", "page(1)", "Scroll down", show=False, priority=True,
                id="rollback.page_down"),
        Binding("pageup", "page(-1)", "Scroll up", show=False, priority=True,
                id="rollback.page_up"),
    ]

    def __init__(self, pattern: str, *, rehearsal: bool,
                 plan: RollbackPlan | None = None) -> None:
        super().__init__(id="rollback-plan")
        self.rehearsal = rehearsal
        self.plan = plan
        """The plan shown (None while the first one is being made)."""
        self.title_line = Line(classes="title")
        self.conditions = ConditionList()
        self.evidence = Line(classes="evidence")
        self.evidence.display = False  # only when the recorded polls show an outage
        self.body = Static(safe.Content(""), markup=False)
        self.reason = Input(placeholder="why roll back now", id="rollback-reason",
                            compact=True, select_on_focus=False)
        self.target = Input(placeholder="type the target tag in full", id="rollback-target",
                            compact=True, select_on_focus=False)
        self.pattern = Input(pattern, id="rollback-pattern", compact=True, select_on_focus=False)
        self.status = Static(safe.Content(""), markup=False, classes="status")
        self.status_text = ""
        """The status line, plain (tests)."""
        self._planning: PlanRollback | None = None
        self._applying = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield self.title_line
            yield Line(safe.styled("Conditions (tick at least one):", "bold"))
            yield self.conditions
            yield self.evidence
            with PlanBody():
                yield self.body
            for label, field in (("Reason", self.reason), ("Target", self.target),
                                 ("Pattern", self.pattern)):
                with Horizontal(classes="field"):
                    yield Static(safe.styled(label, "bold"), markup=False)
                    yield field
            yield self.status
            yield Line(safe.plain(KEYS), classes="keys")

    def on_mount(self) -> None:
        self.conditions.focus()
        if self.plan is None:
            self.replan(None)
        else:
            self.show_plan(self.plan)

    # -- the plan -----------------------------------------------------------------------

    def replan(self, pattern: str | None) -> None:
        self._planning = PlanRollback(self, pattern)
        self._show_title()
        self.body.update(safe.styled("planning… (asking git)", "italic"))
        self.post_message(self._planning)

    def show_plan(self, plan: RollbackPlan) -> None:
        self.plan = plan
        self._show_title()
        self.body.update(safe.Content("\n").join(plan_lines(plan)))
        self.pattern.value = plan.pattern
        if plan.target:
            self.target.placeholder = f"type {plan.target} in full"

    def _show_title(self) -> None:
        parts: list[safe.Part] = [("Rollback plan", "bold")]
        plan = self.plan
        if self._planning is not None:
            parts.append(" — planning…")
        elif plan is not None:
            parts += [" — ", safe.plain(plan.running or "?", 60), " → ",
                      safe.styled(plan.target or "no target", "bold", 60)]
        if self.rehearsal:
            parts += ["  ", safe.styled(f" {DRY_RUN} ", DRY_STYLE)]
        self.title_line.show(safe.join(*parts))

    def say(self, text: str, style: str = "") -> None:
        shown = safe.styled(text, style, 600) if style else safe.plain(text, 600)
        self.status_text = shown.plain
        self.status.update(shown)

    # -- confirming ---------------------------------------------------------------------

    def ticked(self) -> tuple[str, ...]:
        return tuple(c.key for c in CONDITIONS if c.key in self.conditions.ticked)

    def problems(self) -> list[Problem]:
        if self.plan is None or self._planning is not None:
            return [Problem("plan", "the plan is not ready yet: wait for it")]
        return confirm_problems(self.plan, self.ticked(), self.reason.value, self.target.value)

    def _field(self, problem: Problem) -> Widget | None:
        return {"conditions": self.conditions, "reason": self.reason,
                "target": self.target}.get(problem.field)

    def _missing(self, problems: list[Problem], *, focus: bool) -> None:
        self.say("Not applied, nothing runs: " + "; ".join(p.message for p in problems), ERROR)
        field = self._field(problems[0])
        if focus and field is not None:
            field.focus()

    def action_explain(self) -> None:
        """``enter`` on the conditions, ``y``: never apply; say what is missing."""
        problems = self.problems()
        if problems:
            self._missing(problems, focus=False)
        else:
            self.say("Complete: press enter in the Target field to apply.", "bold")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input is self.pattern:
            self.replan(event.value.strip() or None)
        elif event.input is self.reason:
            ahead = [p for p in self.problems() if p.field in ("conditions", "reason")]
            if ahead:
                self._missing(ahead, focus=True)
            else:
                self.target.focus()
                self.say("Now type the target in full; enter there applies.")
        elif event.input is self.target:
            self.apply()

    def apply(self) -> None:
        if self._applying:
            return
        problems = self.problems()
        if problems:
            self._missing(problems, focus=True)
            return
        plan = self.plan
        assert plan is not None
        confirmation = Confirmation(self.ticked(), self.reason.value, self.target.value,
                                    plan.fingerprint)
        self._applying = True
        self.say("starting the rollback…", "italic")
        self.post_message(ApplyRollback(self, plan, confirmation))

    def on_intent_done(self, message: IntentDone) -> None:
        intent = message.intent
        if isinstance(intent, PlanRollback) and intent is self._planning:
            self._planning = None
            self._planned(message)
        elif isinstance(intent, ApplyRollback):
            self._applying = False
            self._applied(message)

    def _planned(self, message: IntentDone) -> None:
        outcome = message.result
        if message.error or not isinstance(outcome, PlanOutcome):
            self._show_title()
            self.body.update(safe.styled(f"could not plan: {message.error}", ERROR, 400))
            return
        if outcome.running is not None:
            self.dismiss(outcome.running)  # one at a time: show the running one
        elif outcome.plan is not None:
            self.show_plan(outcome.plan)
            self._show_outage(outcome.outage)

    def _show_outage(self, outage: OutageCondition | None) -> None:
        """Pre-tick 전체 서비스 30분 이상 중단 when the recorded polls show it, with why."""
        self.evidence.display = outage is not None and outage.outage is not None
        if outage is None or outage.outage is None:
            return
        if outage.met:
            self.conditions.set_ticked(OUTAGE_INDEX, True)
        style = "bold reverse $error" if outage.met else "italic"
        self.evidence.show(safe.styled(outage.evidence, style, 300))

    def _applied(self, message: IntentDone) -> None:
        result = message.result
        if message.error:
            self.say(f"Not started: {message.error}", ERROR)
        elif isinstance(result, Started):
            self.dismiss(result.run)
        elif isinstance(result, Refused) and result.running is not None:
            safe.toast(self.app, result.message, severity="warning")
            self.dismiss(result.running)
        elif isinstance(result, Refused) and result.plan is not None:
            self.show_plan(result.plan)
            self.target.value = ""
            self.target.focus()
            self.say("The plan changed since you confirmed it: plan again — read the new "
                     "plan above, then type the target again. Nothing was run.", ERROR)
        elif isinstance(result, Refused):
            self._missing(list(result.problems) or [Problem("plan", result.message)],
                          focus=True)

    # -- keys ---------------------------------------------------------------------------

    def action_page(self, direction: int) -> None:
        scroll = self.query_one(PlanBody)
        if direction > 0:
            scroll.scroll_page_down(animate=False)
        else:
            scroll.scroll_page_up(animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
