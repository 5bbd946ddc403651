"""The checklist panel: one slot at a time, the slot strip above, keys of docs/architecture.md.

Layout (top to bottom): the slot strip (every slot's state and progress), the shown
slot's heading, the items grouped as the runbook groups them (an ``OptionList``: long
Korean text wraps, never cut), the selected item's id / owner / rule, a status line.

Rendering comes only from ``show_marks`` (the store watcher's ``StoreChanged``) and
``show_time`` (the app's 1 s tick). Keys never change what is shown directly, and the
panel never writes: ``space``, ``s`` and ``v`` post an intent (``ui.intents``), the app's
controller writes it off the UI thread and answers with ``IntentDone``, and the result is
rendered when the watcher sees it committed — one's own marks and another operator's
take the same path. While a write waits for the database (from 0.1 s on), the status says
"saving…" and every key still answers.

``space`` states an intent (done on an open item, open on a done or N/A one); if someone
got there first the store says so ("already done by alice at 09:01") and it is shown.
``v`` judges the item's rule on the metric history (``core.verify``), records the verdict
as a ``checklist.verify`` event and, on PASS, marks the item done for whoever asked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta, tzinfo
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from autus_tui.core.checklist_view import ChecklistModel, SlotView
from autus_tui.core.clock import Clock
from autus_tui.core.marks import Mark
from autus_tui.core.probes import ProbeSpec, for_items, item_verdicts
from autus_tui.core.runbook import Item, ItemState
from autus_tui.core.verify import Verdict, evaluate
from autus_tui.store import MarkResult
from autus_tui.ui import safe
from autus_tui.ui.intents import (
    Intent,
    IntentDone,
    MarkItem,
    ProbeRun,
    RecordVerdict,
    RunProbes,
    VerifyOutcome,
)
from autus_tui.ui.toasts import Toaster
from autus_tui.ui.widgets.checklist import render
from autus_tui.ui.widgets.checklist.parts import Detail, ItemList, SlotStrip
from autus_tui.ui.widgets.checklist.presses import Presses
from autus_tui.ui.widgets.line import Line

History = Mapping[str, Sequence[tuple[datetime, float]]]
SAYING_SAVING_AFTER = 0.1
"""Seconds a write may take before the status says "saving…"."""


class ChecklistPanel(Vertical):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "mark_item", "Done/undo", id="checklist.toggle"),
        Binding("s", "not_applicable", "N/A", id="checklist.not_applicable"),
        Binding("v", "verify", "Verify", id="checklist.verify"),
        Binding("p", "probe_slot", "Probe slot", show=False, id="checklist.probe_slot"),
        Binding("left_square_bracket", "previous_slot", "Prev slot", key_display="[",
                show=False, id="checklist.previous_slot"),
        Binding("right_square_bracket", "next_slot", "Next slot", key_display="]",
                show=False, id="checklist.next_slot"),
        Binding("full_stop", "current_slot", "Current slot", key_display=".", show=False,
                id="checklist.current_slot"),
    ]

    def __init__(
        self, model: ChecklistModel, clock: Clock,
        zone: tzinfo, history: Callable[[], History], stale_after: timedelta,
        probes: tuple[ProbeSpec, ...] = (), *, id: str | None = None,
    ) -> None:
        super().__init__(id=id, classes="checklist")
        self.model, self.probes = model, probes
        self.clock, self.zone = clock, zone
        self.history, self.stale_after = history, stale_after
        self.strip = SlotStrip(classes="strip")
        self.heading = Line(classes="heading")
        self.items = ItemList(classes="items", on_move=self._selection_moved)
        self.detail = Detail(classes="detail")
        self.status = Line(classes="status")
        self.pending = 0
        self.presses = Presses()
        self.last_verdict: Verdict | None = None
        self._prompt_keys: list[tuple[str, tuple[Any, ...]]] = []
        self._shown_slot = -1
        self._views_shown: list[SlotView] | None = None
        self._view_key: tuple[int, bool] = (-1, False)

    def compose(self) -> ComposeResult:
        yield self.strip
        yield self.heading
        yield self.items
        yield self.detail
        yield self.status

    def on_mount(self) -> None:
        self.render_now(force=True)

    # -- what the app calls -----------------------------------------------------------

    def show_marks(self, marks: Mapping[str, Mark], *, first: bool = False) -> None:
        """Render the marks read from the store; ``first``: the start-up read, after which
        the first open item is selected (so ``space`` marks it at once)."""
        self.model.set_marks(marks)
        self.presses.seen(marks)
        now = self.clock.now()
        self.render_now(now)  # new marks: new views, so this renders
        if first:
            self._select_first_open(self.model.shown_view(now))

    def show_time(self, now: datetime) -> None:
        self.model.follow(now)
        self.render_now(now)

    def focus_items(self) -> None:
        self.items.focus()

    @property
    def selected(self) -> Item | None:
        option = self.items.highlighted_option
        if option is None or option.id is None or option.disabled:
            return None
        return self.model.item(option.id)

    # -- rendering ----------------------------------------------------------------------

    def render_now(self, now: datetime | None = None, *, force: bool = False) -> None:
        """Show the model as of ``now``; does nothing when nothing shown can have changed
        (the 1 s tick calls this: a 1,000-item runbook must not be re-rendered each second).
        """
        now = now or self.clock.now()
        views = self.model.slot_views(now)
        key = (self.model.shown, self.model.following)
        if not force and views is self._views_shown and key == self._view_key:
            return
        self._views_shown, self._view_key = views, key
        view = views[self.model.shown]
        self.strip.show(views, self.model.shown)
        self.heading.show(render.heading(view, self.model.following))
        self._show_items(view)
        self._show_detail()

    def _show_items(self, view: SlotView) -> None:
        """Set the slot's options; on the same slot replace only the prompts of the items
        whose mark or overdue-ness changed (one mark: one prompt, not the whole list)."""
        entries: list[tuple[str, tuple[Any, ...], bool]] = []
        for number, group in enumerate(view.slot.groups):
            entries.append((f"group:{view.slot.id}:{number}", (group.title,), True))
            for item in group.items:
                inputs = (item, self.model.marks.get(item.id), self.model.overdue(item, view))
                entries.append((item.id, inputs, False))
        keys = [(ident, inputs) for ident, inputs, _ in entries]
        if view.index != self._shown_slot or len(keys) != len(self._prompt_keys):
            self._shown_slot = view.index
            self.items.set_options(Option(self._prompt(inputs), id=ident, disabled=disabled)
                                   for ident, inputs, disabled in entries)
            self.detail.fit_to(render.detail(item) for item in view.slot.items)
            self._select_first_open(view)
        else:
            for index, (key, old) in enumerate(zip(keys, self._prompt_keys, strict=True)):
                if key != old:
                    self.items.replace_option_prompt_at_index(index, self._prompt(key[1]))
                    if index == self.items.highlighted:
                        # It may have grown a line ("done · who"): keep all of it in view.
                        self.items.call_after_refresh(self.items.scroll_to_highlight)
        self._prompt_keys = keys

    def _prompt(self, inputs: tuple[Any, ...]) -> safe.Content:
        if len(inputs) == 1:
            return render.group_prompt(inputs[0])
        item, mark, overdue = inputs
        return render.item_prompt(item, mark, overdue, self.zone)

    def _select_first_open(self, view: SlotView) -> None:
        target = self.model.first_open(view.slot) or view.slot.items[0]
        self.items.highlighted = self.items.get_option_index(target.id)

    def _show_detail(self) -> None:
        item = self.selected
        self.detail.show(render.detail(item) if item else safe.Content(""))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()  # handled as it happened (ItemList.on_move)

    def _selection_moved(self) -> None:
        self.last_verdict = None
        self._show_detail()

    def say(self, text: str, style: str = "") -> None:
        self.status.show(safe.styled(text, style, 200) if style else safe.plain(text, 200))

    # -- keys ---------------------------------------------------------------------------

    def action_mark_item(self) -> None:
        item = self.selected
        if item is not None:
            wish = self.presses.press(item.id, self.model.state_of(item.id))
            if wish is not None:  # else: asked when the write in flight lands
                self._ask(MarkItem(self, item.id, wish))

    def action_not_applicable(self) -> None:
        item = self.selected
        if item is None:
            return

        def save(reason: str | None) -> None:
            if reason:
                self._ask(MarkItem(self, item.id, ItemState.NA, reason))

        from autus_tui.ui.dialogs.not_applicable import NotApplicableDialog  # on first use

        self.app.push_screen(NotApplicableDialog(item.text), save)

    def action_previous_slot(self) -> None:
        if self.model.move(-1):
            self.render_now()

    def action_next_slot(self) -> None:
        if self.model.move(1):
            self.render_now()

    def action_current_slot(self) -> None:
        self.model.go_current(self.clock.now())
        self.render_now()

    def action_verify(self) -> None:
        item = self.selected
        if item is None:
            return
        probes = for_items(self.probes, [item.id])
        if probes:
            self._probe(probes)
            return
        if item.verify is None:
            safe.toast(self.app, f"{item.id}: no verify rule or probe", severity="warning")
            return
        verdict = evaluate(item.verify, self.history(), self.clock.now(),
                           stale_after=self.stale_after, zone=self.zone)
        self.last_verdict = verdict
        style = "bold $success" if verdict.passed else "bold reverse $error"
        self.status.show(safe.join(safe.styled(f" {verdict.word} ", style), " ",
                                   safe.plain(verdict.evidence, 200)))
        safe.toast(self.app, verdict.evidence, title=f"verify {verdict.word}",
                   severity="information" if verdict.passed else "error")
        mark_done = verdict.passed and self.model.state_of(item.id) is ItemState.OPEN
        outcome = VerifyOutcome(item.verify.text, verdict.passed, verdict.evidence)
        self._ask(RecordVerdict(self, item.id, outcome, mark_done), keep_status=True)

    def action_probe_slot(self) -> None:
        view = self.model.shown_view(self.clock.now())
        probes = for_items(self.probes, [item.id for item in view.slot.items])
        if not probes:
            self.say(f"no probes in {view.slot.title}", "bold $warning")
            return
        self._probe(probes, table=True)

    def _probe(self, probes: tuple[ProbeSpec, ...], *, table: bool = False) -> None:
        longest = max(spec.timeout for spec in probes)
        self.say(f"probing {len(probes)} ({', '.join(s.name for s in probes)}), "
                 f"at most {longest:g} s…", "italic")
        items = {spec.item for spec in probes if spec.item is not None}
        open_items = frozenset(i for i in items if self.model.state_of(i) is ItemState.OPEN)
        self._ask(RunProbes(self, probes, open_items, table=table), keep_status=True)

    def _show_probe_run(self, intent: RunProbes, run: ProbeRun) -> None:
        # The dialog (a data table) is imported when a probe first ran, not at start.
        from autus_tui.ui.dialogs.probe_results import STATUS_STYLES as PROBE_STYLES
        from autus_tui.ui.dialogs.probe_results import ProbeResultsDialog

        verdicts = item_verdicts(run.results)
        if intent.table:
            passed = sum(verdict.passed for verdict in verdicts)
            self.say(f"probes: {passed} of {len(verdicts)} items verified")
            self.app.push_screen(ProbeResultsDialog("Probes of this slot", run.results))
            return
        for verdict in verdicts:
            style = PROBE_STYLES[verdict.status]
            self.status.show(safe.join(safe.styled(f" {verdict.status.value} ", style), " ",
                                       safe.plain(verdict.evidence, 200)))
            safe.toast(self.app, verdict.evidence, title=f"probe {verdict.status.value}",
                       severity="information" if verdict.passed else "error")

    def _pressed_again(self, message: IntentDone) -> bool:
        """A space write landed while more presses came: ask for what they want now."""
        intent = message.intent
        if not isinstance(intent, MarkItem) or not self.presses.in_flight(intent.item_id):
            return False
        if message.error or not isinstance(message.result, MarkResult):
            self.presses.failed(intent.item_id)
            return False
        more = self.presses.landed(intent.item_id, message.result.mark.state,
                                   message.result.mark.event_id)
        if more is not None:
            self._ask(MarkItem(self, intent.item_id, more))
        return more is not None

    # -- asking the controller ----------------------------------------------------------

    def _ask(self, intent: Intent, keep_status: bool = False) -> None:
        self.pending += 1
        if not keep_status:
            # Said only if the write is still waiting a moment later: a frame of its own
            # for a write that lands in a few ms would hold back the frame with the mark.
            self.set_timer(SAYING_SAVING_AFTER, self._say_saving)
        self.post_message(intent)

    def _say_saving(self) -> None:
        if self.pending:
            self.say("saving…", "italic")

    def on_intent_done(self, message: IntentDone) -> None:
        self.pending -= 1
        verifying = isinstance(message.intent, RecordVerdict)
        if self._pressed_again(message):
            return
        if message.error:
            self.say(message.error, "bold $error")
            safe.toast(self.app, message.error, severity="error", timeout=8)
            return
        result = message.result
        if isinstance(message.intent, RunProbes) and isinstance(result, ProbeRun):
            self._show_probe_run(message.intent, result)
        elif isinstance(result, MarkResult):
            already = result.already_text(self.zone)
            if already:
                self.say(already, "bold $warning")
                # One toast per item, replaced: a burst of presses (two operators on one
                # item) made a stack of them up over the header (ui.toasts).
                toaster = Toaster.of(self.app)
                if toaster is not None:
                    toaster.show(already, "warning", key=f"mark:{result.mark.item_id}")
                else:
                    safe.toast(self.app, already, severity="warning")
            elif not verifying:
                self.say("saved")
        elif self.pending == 0 and not verifying:
            self.say("saved")
