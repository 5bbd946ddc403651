"""The runbook as data: slots of grouped checklist items, validated strictly.

A runbook file (TOML, already decoded into a mapping) looks like::

    [runbook]                 title = "..."            (optional)
    [[slots]]                 id, title, at = "HH:MM" ("24:00" = midnight ending the day),
                              day = 0 (days after launch day; optional)
    [[slots.groups]]          title
    [[slots.groups.items]]    id, text, owner (optional role), verify (optional rule)
    [rollback]                title, conditions = [{id, text}], steps = [{title, command
                              or message}]  (optional; data for the rollback work)

Every problem raises ``RunbookError`` whose message names the file, the slot and the item
id: ``launch-day.toml: slot 'launch' item 'launch.check.gate': verify: rule ... names
unknown metric 'gate'``. Unknown keys are errors, so a typo never silently drops a field.
Several runbooks combine with ``combine``: a slot id seen again must have the same time
(its groups are appended), and an id (item or rollback condition) may exist only once
across all of them. Item text is kept exactly as written, markup and all: showing it
literally, without control characters, is the UI's job.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import time, timedelta
from typing import Any

from autus_tui.core.text import clean
from autus_tui.core.verify import Rule, RuleError, parse_rule

_ID = re.compile(r"[a-z0-9]+(?:[._-][a-z0-9]+)*")
_ROLE = re.compile(r"[a-z][a-z0-9-]*")
_HHMM = re.compile(r"(\d{2}):(\d{2})")
MAX_DAYS = 7


class RunbookError(ValueError):
    def __init__(self, source: str, where: str, problem: str) -> None:
        super().__init__(f"{source}: {where}: {problem}" if where else f"{source}: {problem}")
        self.source, self.where, self.problem = source, where, problem


class ItemState(enum.Enum):
    OPEN = "open"
    DONE = "done"
    NA = "na"
    """Not applicable (with a reason)."""

    @property
    def closed(self) -> bool:
        return self is not ItemState.OPEN


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    owner: str | None = None
    verify: Rule | None = None


@dataclass(frozen=True)
class Group:
    title: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Slot:
    id: str
    title: str
    offset: timedelta
    """From 00:00 of launch day (local time): 09:00 is 9 h, 24:00 is 24 h, D+1 09:00 is 33 h."""
    groups: tuple[Group, ...]

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for group in self.groups for item in group.items)

    @property
    def at_text(self) -> str:
        """``09:00``, ``24:00``, or ``D+1 09:00``."""
        minutes = int(self.offset.total_seconds()) // 60
        days, minutes = divmod(minutes, 24 * 60)
        if days == 1 and minutes == 0:
            return "24:00"
        clock = f"{minutes // 60:02d}:{minutes % 60:02d}"
        return f"D+{days} {clock}" if days else clock


@dataclass(frozen=True)
class RollbackCondition:
    id: str
    text: str


@dataclass(frozen=True)
class RollbackStep:
    title: str
    command: str | None = None
    """Exactly as the runbook writes it; the rollback work decides how it runs."""
    message: str | None = None
    """A notification text, for a step that notifies instead of running a command."""


@dataclass(frozen=True)
class Rollback:
    title: str
    conditions: tuple[RollbackCondition, ...]
    steps: tuple[RollbackStep, ...]


@dataclass(frozen=True)
class Runbook:
    title: str
    slots: tuple[Slot, ...]
    """Ordered by time."""
    sources: tuple[str, ...]
    rollback: Rollback | None = None

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for slot in self.slots for item in slot.items)

    def item(self, item_id: str) -> Item | None:
        return next((item for item in self.items if item.id == item_id), None)


# -- parsing --------------------------------------------------------------------------


def parse_runbook(data: Mapping[str, Any], source: str, metric_keys: set[str]) -> Runbook:
    _keys(data, {"runbook", "slots", "rollback"}, source, "")
    head = _table(data.get("runbook", {}), source, "runbook")
    _keys(head, {"title"}, source, "runbook")
    title = _text(head.get("title", source), source, "runbook.title")
    raw_slots = data.get("slots")
    if not isinstance(raw_slots, list) or not raw_slots:
        raise RunbookError(source, "slots", "expected at least one [[slots]] table")
    seen: dict[str, str] = {}
    slots = [_slot(raw, n, source, metric_keys, seen) for n, raw in enumerate(raw_slots, 1)]
    _check_slot_ids(slots, source)
    rollback = None
    if "rollback" in data:
        rollback = _rollback(data["rollback"], source, seen)
    ordered = tuple(sorted(slots, key=lambda slot: slot.offset))
    return Runbook(title, ordered, (source,), rollback)


def _slot(
    raw: object, number: int, source: str, metric_keys: set[str], seen: dict[str, str]
) -> Slot:
    table = _table(raw, source, f"slot #{number}")
    slot_id = table.get("id")
    where = f"slot #{number}" if not isinstance(slot_id, str) else f"slot {clean(slot_id)!r}"
    _keys(table, {"id", "title", "at", "day", "groups"}, source, where)
    slot_id = _identifier(slot_id, source, f"{where}: id")
    title = _text(table.get("title"), source, f"{where}: title")
    offset = _offset(table.get("at"), table.get("day", 0), source, where)
    raw_groups = table.get("groups")
    if not isinstance(raw_groups, list) or not raw_groups:
        raise RunbookError(source, where, "expected at least one [[slots.groups]] table")
    groups = tuple(
        _group(group, n, source, where, metric_keys, seen) for n, group in enumerate(raw_groups, 1)
    )
    return Slot(slot_id, title, offset, groups)


def _group(
    raw: object, number: int, source: str, slot_where: str, metric_keys: set[str],
    seen: dict[str, str],
) -> Group:
    where = f"{slot_where} group #{number}"
    table = _table(raw, source, where)
    _keys(table, {"title", "items"}, source, where)
    title = _text(table.get("title"), source, f"{where}: title")
    raw_items = table.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise RunbookError(source, where, "expected at least one [[slots.groups.items]] table")
    items = []
    for n, raw_item in enumerate(raw_items, 1):
        item = _item(raw_item, n, source, slot_where, metric_keys)
        _claim(item.id, f"{slot_where} item", slot_where, seen, source)
        items.append(item)
    return Group(title, tuple(items))


def _item(raw: object, number: int, source: str, slot_where: str, metric_keys: set[str]) -> Item:
    table = _table(raw, source, f"{slot_where} item #{number}")
    item_id = table.get("id")
    where = (f"{slot_where} item {clean(item_id)!r}" if isinstance(item_id, str)
             else f"{slot_where} item #{number}")
    _keys(table, {"id", "text", "owner", "verify"}, source, where)
    item_id = _identifier(item_id, source, f"{where}: id")
    text = _text(table.get("text"), source, f"{where}: text")
    owner = None
    if "owner" in table:
        owner = table["owner"]
        if not isinstance(owner, str) or not _ROLE.fullmatch(owner):
            raise RunbookError(source, f"{where}: owner",
                               f"expected a role like on-call or backend-lead, got {_show(owner)}")
    rule = None
    if "verify" in table:
        raw_rule = table["verify"]
        if not isinstance(raw_rule, str):
            raise RunbookError(source, f"{where}: verify", f"expected text, got {_show(raw_rule)}")
        try:
            rule = parse_rule(raw_rule, metric_keys)
        except RuleError as error:
            raise RunbookError(source, f"{where}: verify", str(error)) from None
    return Item(item_id, text, owner, rule)


def _rollback(raw: object, source: str, seen: dict[str, str]) -> Rollback:
    table = _table(raw, source, "rollback")
    _keys(table, {"title", "conditions", "steps"}, source, "rollback")
    title = _text(table.get("title", "롤백"), source, "rollback.title")
    conditions = []
    for n, raw_condition in enumerate(_list(table.get("conditions", []), source, "rollback"), 1):
        where = f"rollback condition #{n}"
        entry = _table(raw_condition, source, where)
        _keys(entry, {"id", "text"}, source, where)
        condition_id = _identifier(entry.get("id"), source, f"{where}: id")
        _claim(condition_id, "rollback condition", "rollback", seen, source)
        text = _text(entry.get("text"), source, f"rollback condition {condition_id!r}: text")
        conditions.append(RollbackCondition(condition_id, text))
    steps = []
    for n, raw_step in enumerate(_list(table.get("steps", []), source, "rollback"), 1):
        where = f"rollback step #{n}"
        entry = _table(raw_step, source, where)
        _keys(entry, {"title", "command", "message"}, source, where)
        command = entry.get("command")
        message = entry.get("message")
        if (command is None) == (message is None):
            raise RunbookError(source, where, "expected exactly one of command or message")
        steps.append(RollbackStep(
            _text(entry.get("title"), source, f"{where}: title"),
            None if command is None else _text(command, source, f"{where}: command"),
            None if message is None else _text(message, source, f"{where}: message"),
        ))
    return Rollback(title, tuple(conditions), tuple(steps))


# -- combining several runbooks --------------------------------------------------------


def combine(runbooks: Sequence[Runbook]) -> Runbook:
    """One runbook of several: the first one's title, slots merged by id, ids unique."""
    if not runbooks:
        raise ValueError("combine() needs at least one runbook")
    owners: dict[str, str] = {}
    slots: dict[str, Slot] = {}
    for book in runbooks:
        source = book.sources[0] if book.sources else "runbook"
        for slot in book.slots:
            for item in slot.items:
                _claim_across(item.id, f"slot {slot.id!r} item {item.id!r}", owners, source)
            known = slots.get(slot.id)
            if known is None:
                slots[slot.id] = slot
            elif known.offset != slot.offset:
                raise RunbookError(
                    source, f"slot {slot.id!r}",
                    f"at {slot.at_text}, but an earlier runbook has it at {known.at_text}",
                )
            else:
                slots[slot.id] = replace(known, groups=known.groups + slot.groups)
        for condition in book.rollback.conditions if book.rollback else ():
            _claim_across(condition.id, f"rollback condition {condition.id!r}", owners, source)
    merged = tuple(sorted(slots.values(), key=lambda slot: slot.offset))
    _check_slot_ids(list(merged), runbooks[-1].sources[0] if runbooks[-1].sources else "")
    rollback = next((book.rollback for book in runbooks if book.rollback), None)
    sources = tuple(source for book in runbooks for source in book.sources)
    return Runbook(runbooks[0].title, merged, sources, rollback)


def _claim_across(ident: str, where: str, owners: dict[str, str], source: str) -> None:
    if ident in owners:
        raise RunbookError(source, where, f"duplicate id {ident!r} (already in {owners[ident]})")
    owners[ident] = source


def _check_slot_ids(slots: Iterable[Slot], source: str) -> None:
    by_offset: dict[timedelta, str] = {}
    ids: set[str] = set()
    for slot in slots:
        if slot.id in ids:
            raise RunbookError(source, f"slot {slot.id!r}", "duplicate slot id")
        ids.add(slot.id)
        other = by_offset.get(slot.offset)
        if other is not None:
            raise RunbookError(
                source, f"slot {slot.id!r}", f"starts at {slot.at_text}, as slot {other!r} does"
            )
        by_offset[slot.offset] = slot.id


# -- small validators -------------------------------------------------------------------


def _claim(ident: str, where: str, place: str, seen: dict[str, str], source: str) -> None:
    if ident in seen:
        raise RunbookError(source, f"{where} {ident!r}",
                           f"duplicate id (already used in {seen[ident]})")
    seen[ident] = place


def _offset(raw_at: object, raw_day: object, source: str, where: str) -> timedelta:
    if isinstance(raw_day, bool) or not isinstance(raw_day, int) or not 0 <= raw_day <= MAX_DAYS:
        raise RunbookError(source, f"{where}: day",
                           f"expected a whole number from 0 to {MAX_DAYS}, got {_show(raw_day)}")
    if isinstance(raw_at, time):
        hours, minutes = raw_at.hour, raw_at.minute
        if raw_at.second or raw_at.microsecond:
            raise RunbookError(source, f"{where}: at", f"expected whole minutes, got {raw_at}")
    else:
        match = _HHMM.fullmatch(raw_at) if isinstance(raw_at, str) else None
        hours, minutes = (int(match.group(1)), int(match.group(2))) if match else (99, 99)
        if not match or minutes > 59 or hours > 24 or (hours == 24 and minutes):
            raise RunbookError(source, f"{where}: at",
                               f"expected a time like 09:00 (00:00 to 24:00), got {_show(raw_at)}")
    return timedelta(days=raw_day, hours=hours, minutes=minutes)


def _identifier(raw: object, source: str, where: str) -> str:
    if not isinstance(raw, str) or not _ID.fullmatch(raw):
        raise RunbookError(
            source, where,
            f"expected an id of lowercase ascii letters, digits and . _ - , got {_show(raw)}",
        )
    return raw


def _text(raw: object, source: str, where: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise RunbookError(source, where, f"expected non-empty text, got {_show(raw)}")
    return raw


def _table(raw: object, source: str, where: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise RunbookError(source, where, f"expected a table, got {_show(raw)}")
    return raw


def _list(raw: object, source: str, where: str) -> list[Any]:
    if not isinstance(raw, list):
        raise RunbookError(source, where, f"expected a list of tables, got {_show(raw)}")
    return raw


def _keys(table: Mapping[str, Any], allowed: set[str], source: str, where: str) -> None:
    for key in table:
        if key not in allowed:
            known = ", ".join(sorted(allowed))
            prefix = f"{where}: " if where else ""
            raise RunbookError(source, f"{prefix}{clean(key, 40)}",
                               f"unknown key (known: {known})")


def _show(raw: object) -> str:
    return repr(clean(raw, 60)) if isinstance(raw, str) else clean(repr(raw), 60)
