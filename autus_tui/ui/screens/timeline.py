"""The timeline (``t``): every recorded event, newest first, filterable, paged lazily.

Rows: local time, operator, kind, subject (for a checklist item, its text; ``#3`` for an
incident), detail (an incident's or a notice's in ``core.incident_text``'s words). ``f``
cycles the kind filter (all → each kind seen; ``incident.*`` and ``notify.*`` first as a
whole), ``o`` the operator filter; the line above
the table says which filters are on. Only ``PAGE`` events are read at a time
(``store.timeline(before_id=..., limit=PAGE)``): moving the cursor onto the last row reads
the next older page. ``escape`` (or ``t``) closes. When the app's store watcher reports a
change, ``reload`` reads the first page again with the same filters. The app keeps one
instance and calls ``reopen`` before showing it again: filters off, read afresh.

Everything shown came from the database and may hold anyone's text: through ``ui.safe``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import tzinfo
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable

from autus_tui.core.incident_text import event_detail as incident_detail
from autus_tui.core.incident_text import subject_text
from autus_tui.core.rollback_text import event_detail as rollback_detail
from autus_tui.core.runbook import Runbook
from autus_tui.services.event_text import verdict_word
from autus_tui.store import Event, Store, StoreError
from autus_tui.ui import safe
from autus_tui.ui.widgets.footer import ControlFooter
from autus_tui.ui.widgets.line import Line

PAGE = 100
COLUMNS = (("time", 8), ("operator", 12), ("kind", 18), ("subject", 26), ("detail", 60))
"""Fixed widths: Content cells are not measured for auto-width columns."""


def describe(detail: Mapping[str, Any], kind: str = "") -> str:
    """The details worth a glance: reason, evidence, a note's text, verdict, 'already',
    whom a handover took over from; a rollback's, an incident's or a notice's own words;
    else key=value."""
    if kind.startswith("rollback.") and (rollback_words := rollback_detail(kind, detail)):
        return rollback_words
    if (incident_words := incident_detail(kind, detail)) is not None:
        return incident_words
    parts = []
    if "passed" in detail:
        parts.append(verdict_word(detail))
    for key in ("reason", "evidence", "text"):
        if detail.get(key):
            parts.append(str(detail[key]))
    if "from" in detail and "to" in detail:
        parts.append(f"from {detail['from']}" if detail["from"] else "first on-call")
    if detail.get("already"):
        parts.append("(already so)")
    if parts:
        return " · ".join(parts)
    shown = {k: v for k, v in detail.items() if k not in ("before", "state")}
    return " ".join(f"{key}={value}" for key, value in shown.items())


FAMILIES = ("incident", "notify")
"""Kind families the filter also offers as a whole: every step of an incident's ladder,
every notice's delivery."""


def with_families(kinds: list[str]) -> list[str]:
    """Kinds to filter by, ``incident.*`` / ``notify.*`` before their kinds."""
    out: list[str] = []
    for kind in sorted(kinds):
        family = kind.split(".")[0]
        if family in FAMILIES and f"{family}.*" not in out:
            out.append(f"{family}.*")
        out.append(kind)
    return out


class TimelineScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="timeline.close"),
        Binding("t", "close", "Close", show=False, id="timeline.close_t"),
        Binding("f", "cycle_kind", "Kind filter", id="timeline.kind"),
        Binding("o", "cycle_operator", "Operator filter", id="timeline.operator"),
    ]

    def __init__(self, store: Store | None, zone: tzinfo, runbook: Runbook | None = None) -> None:
        super().__init__(id="timeline")
        self.store, self.zone, self.runbook = store, zone, runbook
        self.kind: str | None = None
        self.operator: str | None = None
        self.events: list[Event] = []
        self.exhausted = False
        self.filters = Line(classes="filters")
        self.table: DataTable[safe.Content] = DataTable(cursor_type="row", zebra_stripes=True)

    def compose(self) -> ComposeResult:
        with Vertical(id="timeline-box"):
            yield Line(safe.styled("Timeline — newest first", "bold"), classes="title")
            yield self.filters
            yield self.table
        yield ControlFooter()

    def on_mount(self) -> None:
        for label, width in COLUMNS:
            self.table.add_column(label, width=width)
        self.reload()
        self.table.focus()

    def reopen(self) -> None:
        """Opened again (the app keeps one instance): as new — no filters, the newest
        first page read now, the cursor on the top row."""
        if not self.is_mounted:
            return  # on_mount reads
        self.kind = self.operator = None
        self.reload()
        self.table.move_cursor(row=0, column=0, animate=False)
        self.table.focus()

    # -- reading ------------------------------------------------------------------------

    def reload(self) -> None:
        self.events, self.exhausted = [], False
        self.table.clear()
        self._load_page()
        self._show_filters()

    def _load_page(self) -> None:
        if self.store is None or self.exhausted:
            self.exhausted = True
            return
        before = self.events[-1].id if self.events else None
        try:
            family = self.kind[:-1] if self.kind and self.kind.endswith(".*") else None
            page = self.store.timeline(kind_prefix=family,
                                       kinds=[self.kind] if self.kind and not family else None,
                                       operator=self.operator, before_id=before, limit=PAGE)
        except StoreError as error:
            safe.toast(self.app, f"timeline: {error}", severity="error")
            self.exhausted = True
            return
        self.exhausted = len(page) < PAGE
        self.events.extend(page)
        for event in page:
            self.table.add_row(*self._cells(event), key=str(event.id))

    def _cells(self, event: Event) -> tuple[safe.Content, ...]:
        subject = event.subject
        item = self.runbook.item(subject) if self.runbook and subject else None
        return (
            safe.styled(event.at.astimezone(self.zone).strftime("%H:%M:%S"), "dim"),
            safe.plain(event.operator, 20),
            safe.styled(event.kind, "bold", 30),
            safe.plain(item.text if item else subject_text(event.kind, subject), 40),
            safe.plain(describe(event.detail, event.kind), 120),
        )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= self.table.row_count - 1 and not self.exhausted:
            self._load_page()

    # -- filters ------------------------------------------------------------------------

    def action_cycle_kind(self) -> None:
        self.kind = self._next(self.kind, self._choices("kind"))
        self.reload()

    def action_cycle_operator(self) -> None:
        self.operator = self._next(self.operator, self._choices("operator"))
        self.reload()

    def _choices(self, column: str) -> list[str]:
        if self.store is None:
            return []
        try:
            return (with_families(self.store.event_kinds()) if column == "kind"
                    else self.store.operators())
        except StoreError:
            return []

    @staticmethod
    def _next(current: str | None, choices: list[str]) -> str | None:
        options: list[str | None] = [None, *choices]
        index = options.index(current) if current in options else 0
        return options[(index + 1) % len(options)]

    def _show_filters(self) -> None:
        kind = self.kind or "all"
        operator = self.operator or "all"
        self.filters.show(safe.join(
            "kind ", (kind, "bold"), " (f) · operator ", (operator, "bold"), " (o) · ",
            f"{len(self.events)}{'' if self.exhausted else '+'} shown"))

    def action_close(self) -> None:
        self.dismiss(None)

    @property
    def rows_text(self) -> list[str]:
        """Each row as plain text (tests)."""
        return [" | ".join(cell.plain for cell in self.table.get_row_at(index))
                for index in range(self.table.row_count)]
