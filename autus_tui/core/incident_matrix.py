"""The incident matrix as data: severities, their situations and internal responses.

A matrix file (TOML, already decoded into a mapping; see
``checklists/incident-matrix.toml``) looks like::

    [matrix]                      title (optional)
    [[severities]]                id, name ("심각"), meaning ("서비스 중단"), display (UI 표시)
    [[severities.situations]]     id, situation ("서버 다운"), response ("즉시 재시작"),
                                  exposure (외부 노출, optional), signal (optional list)

Severities are listed most severe first. ``signal`` is a list of conditions, any one of
which holding suggests the row (``core.signals`` judges them); the grammar, nothing more:

    METRIC OP NUMBER              OP one of < <= > >= == !=        "avg_response > 5000"
    health STATUS                 STATUS one of ok, degraded, down "health down"
    no answer                     the latest poll got no answer    "no answer"
    component NAME OP STATUS      OP == or !=                      "component db == down"
    METRIC rises PCT% in MINm     latest vs the oldest value within MIN minutes

Every problem raises ``MatrixError`` naming the file and the key: ``incident-matrix.toml:
severity 'warning' situation 'slow-response': signal[1]: rule 'avg_resp > 5000' names
unknown metric 'avg_resp' (known: ...)``. Unknown keys are errors. Text is kept exactly as
written; showing it literally is the UI's job. ``MatrixError`` is a ``RunbookError`` (the
matrix is a checklist file), so the command line reports it the same way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from autus_tui.core.payload import HEALTH_STATUSES
from autus_tui.core.runbook import RunbookError
from autus_tui.core.text import clean
from autus_tui.core.verify import format_number

_ID = re.compile(r"[a-z0-9]+(?:[._-][a-z0-9]+)*")
_METRIC = r"[A-Za-z_][A-Za-z0-9_.-]*"
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)"
_COMPARE = re.compile(rf"({_METRIC})\s*(<=|>=|==|!=|<|>)\s*({_NUMBER})")
_HEALTH = re.compile(r"health\s+([a-z]+)")
_NO_ANSWER = re.compile(r"no\s+answer")
_COMPONENT = re.compile(r"component\s+([A-Za-z0-9_.-]+)\s*(==|!=)\s*([A-Za-z0-9_-]+)")
_RISES = re.compile(rf"({_METRIC})\s+rises\s+({_NUMBER})\s*%\s+in\s+({_NUMBER})\s*m")
MAX_RISE_MINUTES = 60.0
MAX_TEXT = 200


class MatrixError(RunbookError):
    """A matrix file problem; the message names the file and the key."""


# -- conditions -----------------------------------------------------------------------


@dataclass(frozen=True)
class MetricCompare:
    metric: str
    op: str
    threshold: float

    @property
    def text(self) -> str:
        return f"{self.metric} {self.op} {format_number(self.threshold)}"


@dataclass(frozen=True)
class HealthIs:
    status: str

    @property
    def text(self) -> str:
        return f"health {self.status}"


@dataclass(frozen=True)
class NoAnswer:
    @property
    def text(self) -> str:
        return "no answer"


@dataclass(frozen=True)
class ComponentIs:
    name: str
    op: str
    """``==`` or ``!=``."""
    status: str

    @property
    def text(self) -> str:
        return f"component {self.name} {self.op} {self.status}"


@dataclass(frozen=True)
class Rises:
    metric: str
    pct: float
    window: timedelta

    @property
    def text(self) -> str:
        minutes = format_number(self.window.total_seconds() / 60)
        return f"{self.metric} rises {format_number(self.pct)}% in {minutes}m"


Condition = MetricCompare | HealthIs | NoAnswer | ComponentIs | Rises


def parse_condition(text: str, metric_keys: set[str] | frozenset[str]) -> Condition:
    """One condition of the grammar above; ``ValueError`` with the reason otherwise."""
    shown = clean(text, 80)
    stripped = text.strip()
    if match := _COMPARE.fullmatch(stripped):
        metric, op, number = match.groups()
        return MetricCompare(_known(metric, shown, metric_keys), op, float(number))
    if match := _HEALTH.fullmatch(stripped):
        if match.group(1) not in HEALTH_STATUSES:
            raise ValueError(f"rule {shown!r}: health is one of {', '.join(HEALTH_STATUSES)}")
        return HealthIs(match.group(1))
    if _NO_ANSWER.fullmatch(stripped):
        return NoAnswer()
    if match := _COMPONENT.fullmatch(stripped):
        return ComponentIs(match.group(1).lower(), match.group(2), match.group(3).lower())
    if match := _RISES.fullmatch(stripped):
        metric, pct, minutes = match.groups()
        if not 0 < float(pct) <= 10_000:
            raise ValueError(f"rule {shown!r}: the rise must be above 0 and at most 10000 %")
        if not 0 < float(minutes) <= MAX_RISE_MINUTES:
            raise ValueError(f"rule {shown!r}: the window must be above 0 and at most "
                             f"{MAX_RISE_MINUTES:g} minutes")
        return Rises(_known(metric, shown, metric_keys), float(pct),
                     timedelta(minutes=float(minutes)))
    raise ValueError(
        f"rule {shown!r} does not parse: expected 'METRIC OP NUMBER', 'health STATUS', "
        "'no answer', 'component NAME == STATUS' or 'METRIC rises PCT% in MINm'"
    )


def _known(metric: str, shown: str, metric_keys: set[str] | frozenset[str]) -> str:
    if metric not in metric_keys:
        known = ", ".join(sorted(metric_keys)) or "none"
        raise ValueError(f"rule {shown!r} names unknown metric {metric!r} (known: {known})")
    return metric


# -- the matrix -----------------------------------------------------------------------


@dataclass(frozen=True)
class MatrixRow:
    id: str
    severity_id: str
    severity: str
    """The severity's name, as declared incidents store it: ``심각``."""
    situation: str
    response: str
    exposure: str = ""
    signal: tuple[Condition, ...] = ()
    rank: int = 0
    """0 for the most severe severity, then 1, 2, ..."""


@dataclass(frozen=True)
class Severity:
    id: str
    name: str
    meaning: str
    display: str
    rows: tuple[MatrixRow, ...]


@dataclass(frozen=True)
class IncidentMatrix:
    title: str
    severities: tuple[Severity, ...]
    """Most severe first."""
    source: str = ""

    @property
    def rows(self) -> tuple[MatrixRow, ...]:
        return tuple(row for severity in self.severities for row in severity.rows)

    @property
    def severity_names(self) -> tuple[str, ...]:
        return tuple(severity.name for severity in self.severities)

    def row(self, row_id: str) -> MatrixRow | None:
        return next((row for row in self.rows if row.id == row_id), None)

    def rows_of(self, severity_name: str) -> tuple[MatrixRow, ...]:
        """The situations of one severity (none for a name the matrix lacks)."""
        return next((s.rows for s in self.severities if s.name == severity_name), ())

    def find(self, situation: str) -> MatrixRow | None:
        """The row of a situation text (the response to show for a typed one)."""
        return next((row for row in self.rows if row.situation == situation.strip()), None)

    def rank_of(self, severity_name: str) -> int:
        """Sort key of a severity name; names outside the matrix sort last."""
        names = self.severity_names
        return names.index(severity_name) if severity_name in names else len(names)


def parse_matrix(
    data: Mapping[str, Any], source: str, metric_keys: set[str] | frozenset[str]
) -> IncidentMatrix:
    _keys(data, {"matrix", "severities"}, source, "")
    head = _table(data.get("matrix", {}), source, "matrix")
    _keys(head, {"title"}, source, "matrix")
    title = _text(head.get("title", "Incident 대응 매트릭스"), source, "matrix.title")
    raw = data.get("severities")
    if not isinstance(raw, list) or not raw:
        raise MatrixError(source, "severities", "expected at least one [[severities]] table")
    seen: set[str] = set()
    names: set[str] = set()
    severities = []
    for rank, entry in enumerate(raw):
        severity = _severity(entry, rank, source, metric_keys, seen)
        if severity.name in names:
            raise MatrixError(source, f"severity {severity.id!r}: name",
                              f"duplicate severity name {severity.name!r}")
        names.add(severity.name)
        severities.append(severity)
    return IncidentMatrix(title, tuple(severities), source)


def _severity(
    raw: object, rank: int, source: str, metric_keys: set[str] | frozenset[str], seen: set[str]
) -> Severity:
    table = _table(raw, source, f"severity #{rank + 1}")
    where = _where(table, f"severity #{rank + 1}", "severity")
    _keys(table, {"id", "name", "meaning", "display", "situations"}, source, where)
    severity_id = _identifier(table.get("id"), source, f"{where}: id")
    _claim(severity_id, source, where, seen)
    name = _text(table.get("name"), source, f"{where}: name")
    meaning = _text(table.get("meaning"), source, f"{where}: meaning")
    display = _text(table.get("display"), source, f"{where}: display")
    raw_rows = table.get("situations")
    if not isinstance(raw_rows, list) or not raw_rows:
        raise MatrixError(source, where, "expected at least one [[severities.situations]] table")
    rows = []
    for number, entry in enumerate(raw_rows, 1):
        row_table = _table(entry, source, f"{where} situation #{number}")
        row_where = _where(row_table, f"{where} situation #{number}", f"{where} situation")
        _keys(row_table, {"id", "situation", "response", "exposure", "signal"}, source, row_where)
        row_id = _identifier(row_table.get("id"), source, f"{row_where}: id")
        _claim(row_id, source, row_where, seen)
        rows.append(MatrixRow(
            id=row_id, severity_id=severity_id, severity=name,
            situation=_text(row_table.get("situation"), source, f"{row_where}: situation"),
            response=_text(row_table.get("response"), source, f"{row_where}: response"),
            exposure=_text(row_table.get("exposure", "-"), source, f"{row_where}: exposure"),
            signal=_signal(row_table.get("signal", []), source, row_where, metric_keys),
            rank=rank,
        ))
    return Severity(severity_id, name, meaning, display, tuple(rows))


def _signal(
    raw: object, source: str, where: str, metric_keys: set[str] | frozenset[str]
) -> tuple[Condition, ...]:
    if not isinstance(raw, list):
        raise MatrixError(source, f"{where}: signal",
                          f"expected a list of conditions, got {_show(raw)}")
    conditions: list[Condition] = []
    for number, text in enumerate(raw, 1):
        key = f"{where}: signal[{number}]"
        if not isinstance(text, str):
            raise MatrixError(source, key, f"expected text, got {_show(text)}")
        try:
            conditions.append(parse_condition(text, metric_keys))
        except ValueError as error:
            raise MatrixError(source, key, str(error)) from None
    return tuple(conditions)


# -- small validators -------------------------------------------------------------------


def _where(table: Mapping[str, Any], fallback: str, prefix: str) -> str:
    ident = table.get("id")
    return f"{prefix} {clean(ident, 40)!r}" if isinstance(ident, str) and ident else fallback


def _claim(ident: str, source: str, where: str, seen: set[str]) -> None:
    if ident in seen:
        raise MatrixError(source, f"{where}: id", f"duplicate id {ident!r}")
    seen.add(ident)


def _identifier(raw: object, source: str, where: str) -> str:
    if not isinstance(raw, str) or not _ID.fullmatch(raw):
        raise MatrixError(source, where, "expected an id of lowercase ascii letters, digits "
                                         f"and . _ - , got {_show(raw)}")
    return raw


def _text(raw: object, source: str, where: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise MatrixError(source, where, f"expected non-empty text, got {_show(raw)}")
    if len(raw) > MAX_TEXT:
        raise MatrixError(source, where, f"longer than {MAX_TEXT} characters")
    return raw


def _table(raw: object, source: str, where: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise MatrixError(source, where, f"expected a table, got {_show(raw)}")
    return raw


def _keys(table: Mapping[str, Any], allowed: set[str], source: str, where: str) -> None:
    for key in table:
        if key not in allowed:
            prefix = f"{where}: " if where else ""
            raise MatrixError(source, f"{prefix}{clean(key, 40)}",
                              f"unknown key (known: {', '.join(sorted(allowed))})")


def _show(raw: object) -> str:
    return repr(clean(raw, 60)) if isinstance(raw, str) else clean(repr(raw), 60)


def row_texts(rows: Sequence[MatrixRow]) -> list[str]:
    """``심각 · 서버 다운 → 즉시 재시작`` for each row (a plain listing, e.g. ``check``)."""
    return [f"{row.severity} · {row.situation} → {row.response}" for row in rows]
