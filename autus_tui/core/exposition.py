"""Prometheus text exposition (format 0.0.4), read only where configured metrics look.

``parse_exposition(text, selectors)`` reads the sample lines of the metric names the
selectors use (a histogram's ``x_bucket``, ``x_sum``, ``x_count`` and a summary's
quantiles are sample names like any other) and skips every other line unread: a
node_exporter of 25k series costs one string search per name, not a full parse. Within
a name, a line that lacks the text every selector on that name requires
(``mountpoint="/"`` for ``{mountpoint="/"}``, as exporters write it) is counted but not
read; so is nothing else. Lines that are read are read strictly (labels, escapes, value,
optional timestamp); one that does not read is a problem for that name only, not for the
metrics reading other names. The same series twice among them is a problem too
(Prometheus refuses such a scrape). Nothing is cut: there is no series limit here (the
poller bounds the bytes it reads and says so when a body is too large).

``read_exposition(exposition, spec)`` gives a metric's ``Reading``: its ``path`` is a
selector (``core.selectors``); no match names the series there are, several matches are
an error naming how many unless ``spec.combine`` says how to combine them; ``per`` (a
second selector) makes it a percentage; then the same range rules as the JSON reader
(``core.payload.finish_reading``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from autus_tui.core.metrics import MetricSpec
from autus_tui.core.payload import Reading, as_number, finish_reading
from autus_tui.core.selectors import Selector, SelectorError, combine, parse_selector
from autus_tui.core.text import clean

Labels = tuple[tuple[str, str], ...]
"""A series' labels, sorted by name."""

_REST = re.compile(
    r'[ \t]*(?:\{((?:[^"}]|"(?:[^"\\\n]|\\.)*")*)\})?[ \t]*'
    r"([^ \t\r{][^ \t\r]*)(?:[ \t]+-?[0-9]+)?[ \t]*\r?"
)
_PAIR_TEXT = r'[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*=[ \t]*"((?:[^"\\\n]|\\.)*)"[ \t]*'
_PAIR = re.compile(_PAIR_TEXT)
_BODY = re.compile(rf"(?:{_PAIR_TEXT},)*(?:{_PAIR_TEXT})?[ \t]*")
_UNESCAPE = re.compile(r"\\(.)")
SHOWN_SERIES = 3
"""Series named in a "matches none" message, as examples."""
_NUMERIC = frozenset({"le", "quantile"})
"""Labels a selector compares as numbers: their text may differ (1 and 1.0)."""


@dataclass
class Exposition:
    series: dict[str, list[tuple[dict[str, str], float]]] = field(default_factory=dict)
    """Per wanted metric name, the series read (labels, value)."""
    totals: dict[str, int] = field(default_factory=dict)
    """Per wanted metric name, how many sample lines it has (read or not)."""
    examples: dict[str, list[str]] = field(default_factory=dict)
    """Per wanted metric name, its first lines as written (for "matches none")."""
    problems: dict[str, str] = field(default_factory=dict)
    """Per wanted metric name, why its lines could not be read."""


def parse_exposition(text: str, selectors: Iterable[Selector]) -> Exposition:
    found = Exposition()
    padded = "\n" + text
    by_name: dict[str, list[Selector]] = {}
    for selector in selectors:
        by_name.setdefault(selector.name, []).append(selector)
    for name, wanted in by_name.items():
        lines = _lines_of(name).findall(padded)
        found.totals[name] = len(lines)
        found.series[name] = []
        if not lines:
            continue
        found.examples[name] = [clean(name + rest.strip(), 100) for rest in lines[:SHOWN_SERIES]]
        needles = _needles(wanted)
        if needles is not None:
            lines = [rest for rest in lines if _may_match(rest, needles)]
        problem = _read_lines(name, lines, found.series[name])
        if problem is not None:
            found.series[name] = []
            found.problems[name] = clean(problem, 200)
    return found


@lru_cache(maxsize=512)
def _lines_of(name: str) -> re.Pattern[str]:
    """The rest of each sample line of ``name`` (a longer name like name_total is not it)."""
    return re.compile("\n" + re.escape(name) + r"([{ \t][^\n]*)")


def _needles(selectors: list[Selector]) -> list[tuple[str, ...]] | None:
    """Per selector, the texts a line must hold to match it; ``None``: read every line."""
    groups = []
    for selector in selectors:
        group = tuple(f'{m.label}="{m.value}"' for m in selector.matchers
                      if m.op == "=" and m.value and m.label not in _NUMERIC
                      and not any(char in m.value for char in '"\\\n'))
        if not group:
            return None
        groups.append(group)
    return groups


def _may_match(rest: str, needles: list[tuple[str, ...]]) -> bool:
    # A value with no quote, backslash or newline is written one way, but spaces may
    # stand around its '=': such (rare) lines are read, never skipped.
    if "= " in rest or " =" in rest or "\t" in rest:
        return True
    return any(all(needle in rest for needle in group) for group in needles)


def _read_lines(
    name: str, lines: list[str], series: list[tuple[dict[str, str], float]]
) -> str | None:
    seen: set[Labels] = set()
    for rest in lines:
        read = _quick(rest) or _strict(name, rest)
        if isinstance(read, str):
            return read
        pairs, raw = read
        try:
            if "_" in raw:
                raise ValueError(raw)
            value = float(raw)
        except ValueError:
            return f"a line of {name} has a value that is not a number: {raw[:40]!r}"
        key = tuple(sorted(pairs))
        if key in seen:
            return f"the exposition repeats the series {_written(name, key)}"
        seen.add(key)
        series.append((dict(pairs), value))
    return None


def _quick(rest: str) -> tuple[list[tuple[str, str]], str] | None:
    """The common shape, as exporters write it: ``{a="1",b="2"} 3.5`` with no backslash,
    no spaces inside the braces. ``None`` when the line is anything else (read strictly).
    Without backslashes a value holds no quote, so ``",`` ends a value."""
    pairs: list[tuple[str, str]] = []
    if rest[0] == "{":
        close = rest.rfind("}")
        body = rest[1:close]
        if close == -1 or "\\" in body or " " in body or not body.endswith('"'):
            return None
        for piece in body[:-1].split('",'):
            label, equals, value = piece.partition('="')
            if not equals or not label.isidentifier() or not label.isascii() or '"' in value:
                return None
            pairs.append((label, value))
        if len({label for label, _ in pairs}) != len(pairs):
            return None
        rest = rest[close + 1:]
    fields = rest.split()
    if len(fields) == 1 or (len(fields) == 2 and fields[1].lstrip("-").isdigit()):
        return pairs, fields[0]
    return None


def _strict(name: str, rest: str) -> tuple[list[tuple[str, str]], str] | str:
    """The line read by the grammar, or why it is not Prometheus text."""
    match = _REST.fullmatch(rest)
    if match is None:
        return f"a line of {name} is not Prometheus text: {(name + rest)[:80]!r}"
    body, raw = match.groups()
    pairs: list[tuple[str, str]] = []
    if body:
        if _BODY.fullmatch(body) is None:
            return f"a line of {name} has unreadable labels: {(name + rest)[:80]!r}"
        pairs = [(label, _UNESCAPE.sub(_unescaped, value))
                 for label, value in _PAIR.findall(body)]
        if len({label for label, _ in pairs}) != len(pairs):
            return f"a line of {name} repeats a label: {(name + rest)[:80]!r}"
    return pairs, raw


def _unescaped(match: re.Match[str]) -> str:
    char = match.group(1)
    return "\n" if char == "n" else char


def _written(name: str, labels: Labels) -> str:
    if not labels:
        return name
    inner = ",".join(f'{key}="{value}"' for key, value in labels)
    return f"{name}{{{inner}}}"


@lru_cache(maxsize=512)
def selector_for(text: str) -> Selector:
    """A configured selector, parsed once (configuration checked it already)."""
    return parse_selector(text)


def wanted_selectors(specs: Iterable[MetricSpec]) -> list[Selector]:
    """The selectors the specs read (``path`` and ``per``)."""
    wanted = []
    for spec in specs:
        for text in (spec.path, spec.per):
            if text:
                try:
                    wanted.append(selector_for(text))
                except SelectorError:
                    continue  # reported by read_exposition
    return wanted


def read_exposition(exposition: Exposition, spec: MetricSpec) -> Reading:
    total = None if spec.per is None else select(exposition, spec.per, spec.combine)
    return finish_reading(select(exposition, spec.path, spec.combine), total, spec)


def select(exposition: Exposition, text: str, how: str | None) -> Reading:
    """One value for a selector: the single matching series, or several combined."""
    shown = clean(text, 120)
    try:
        selector = selector_for(text)
    except SelectorError as error:
        return Reading(None, f"{shown}: {clean(error, 160)}")
    problem = exposition.problems.get(selector.name)
    if problem is not None:
        return Reading(None, problem)
    total = exposition.totals.get(selector.name, 0)
    if not total:
        return Reading(None, f"{shown} is not in the Prometheus output")
    series = exposition.series.get(selector.name, [])
    values = [value for labels, value in series if selector.matches(labels)]
    if not values:
        examples = exposition.examples.get(selector.name, [])
        more = f" and {total - len(examples)} more" if total > len(examples) else ""
        return Reading(None, clean(f"{text} matches none of the {total} series of "
                                   f"{selector.name} ({', '.join(examples)}{more})", 300))
    if len(values) > 1 and how is None:
        return Reading(None, f"{shown} matches {len(values)} series; make it match one, "
                             "or set combine = \"sum\", \"max\", \"min\" or \"avg\"")
    value = values[0] if len(values) == 1 else combine(values, how or "sum")
    return as_number(value, shown)
