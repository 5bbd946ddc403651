"""Prometheus series selectors, read as Prometheus reads them.

``parse_selector(text)`` gives a ``Selector`` or raises ``SelectorError`` (a ``ValueError``)
whose message says what is wrong and where, e.g. ``sum(...)`` is PromQL for a Prometheus
server, not a selector. The grammar is PromQL's instant vector selector and nothing more::

    name                          node_load1
    name{matcher, ...}            node_filesystem_avail_bytes{mountpoint="/", fstype!~"tmpfs"}
    {__name__="name", ...}        the name as a matcher

A matcher is ``label OP "value"`` with OP one of ``=``, ``!=``, ``=~``, ``!~``; values are
quoted with ``"``, ``'`` (escapes ``\\\\ \\" \\' \\n \\t \\r``) or backticks (raw). Matching:
- only the labels written are judged; a series may carry any others;
- a label a series does not carry counts as the empty value (``{job=""}`` matches a
  series without ``job``, as in Prometheus);
- regular expressions are anchored at both ends (``=~"5.."`` matches ``503``, not
  ``1503``), as in Prometheus; they are Python ``re`` patterns, which read RE2's common
  syntax the same way;
- ``le`` and ``quantile`` compared with ``=``/``!=`` are compared as numbers when both
  sides are numbers, so ``le="1"`` finds the bucket an exporter writes as ``le="1.0"``.

``combine(values, how)`` reduces several matching series to one value (``sum``, ``max``,
``min``, ``avg``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

OPERATORS = ("=", "!=", "=~", "!~")
_NAME = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*")
_LABEL = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPERATOR = re.compile(r"=~|!~|!=|=")
_ESCAPES = {"\\": "\\", '"': '"', "'": "'", "n": "\n", "t": "\t", "r": "\r"}
_NUMERIC_LABELS = frozenset({"le", "quantile"})
_AGGREGATIONS = frozenset({"sum", "max", "min", "avg", "count", "rate", "irate", "increase",
                           "topk", "bottomk", "quantile", "histogram_quantile", "abs",
                           "delta", "deriv", "stddev", "stdvar", "count_values", "group"})


class SelectorError(ValueError):
    """The text is not a selector; the message says why (and where)."""


@dataclass(frozen=True)
class Matcher:
    label: str
    op: str
    value: str
    pattern: re.Pattern[str] | None = None

    def matches(self, labels: Mapping[str, str]) -> bool:
        actual = labels.get(self.label, "")
        if self.pattern is not None:
            return (self.pattern.fullmatch(actual) is not None) == (self.op == "=~")
        return _equal(self.label, actual, self.value) == (self.op == "=")

    def text(self) -> str:
        escaped = self.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'{self.label}{self.op}"{escaped}"'


@dataclass(frozen=True)
class Selector:
    name: str
    matchers: tuple[Matcher, ...] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        return all(matcher.matches(labels) for matcher in self.matchers)

    def text(self) -> str:
        """The selector written back canonically (for messages)."""
        if not self.matchers:
            return self.name
        return f"{self.name}{{{', '.join(m.text() for m in self.matchers)}}}"


def parse_selector(text: str) -> Selector:
    return _Reader(text).selector()


def combine(values: Sequence[float], how: str) -> float:
    if how == "sum":
        return sum(values)
    if how == "max":
        return max(values)
    if how == "min":
        return min(values)
    if how == "avg":
        return sum(values) / len(values)
    raise ValueError(f"unknown combine {how!r}")


def _equal(label: str, actual: str, wanted: str) -> bool:
    if actual == wanted:
        return True
    if label in _NUMERIC_LABELS:
        try:
            return float(actual) == float(wanted)
        except ValueError:
            return False
    return False


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0

    def fail(self, problem: str) -> SelectorError:
        return SelectorError(f"{problem} (at character {self.at + 1} of {self.text!r})")

    def skip(self) -> None:
        while self.at < len(self.text) and self.text[self.at] in " \t\r\n":
            self.at += 1

    def peek(self) -> str:
        return self.text[self.at:self.at + 1]

    def selector(self) -> Selector:
        self.skip()
        name = ""
        found = _NAME.match(self.text, self.at)
        if found is not None:
            name = found.group()
            self.at = found.end()
            self.skip()
            aggregation = name in _AGGREGATIONS and self.text.startswith(
                ("by", "without"), self.at)
            if self.peek() == "(" or aggregation:
                kind = "aggregation" if name in _AGGREGATIONS else "function"
                raise SelectorError(
                    f"{name}(...) is a PromQL {kind}, not a selector: a selector names "
                    'series (name{label="value"}); compute with a query on a '
                    "prometheus_query source")
        matchers: list[Matcher] = []
        if self.peek() == "{":
            self.at += 1
            matchers = self.matchers()
        elif not name:
            raise self.fail("expected a metric name or '{'")
        self.skip()
        if self.at < len(self.text):
            rest = self.text[self.at:]
            what = ("a range ([5m]) is PromQL for a query" if rest.startswith("[")
                    else "operators and modifiers are PromQL for a query"
                    if rest[:1] in "+-*/%^<>=!" or rest.startswith(("offset", "@", "and ", "or "))
                    else "unexpected text after the selector")
            raise self.fail(f"{what}, not a selector")
        names = [m for m in matchers if m.label == "__name__"]
        for matcher in names:
            if matcher.op != "=":
                raise SelectorError("__name__ must be matched with = (one metric name)")
        if names:
            if name or len(names) > 1:
                raise SelectorError("the metric name is given twice")
            name = names[0].value
            if not _NAME.fullmatch(name):
                raise SelectorError(f"{name!r} is not a metric name")
            matchers = [m for m in matchers if m.label != "__name__"]
        if not name:
            raise SelectorError("a selector needs a metric name (name{...} or __name__=\"...\")")
        return Selector(name, tuple(matchers))

    def matchers(self) -> list[Matcher]:
        found: list[Matcher] = []
        while True:
            self.skip()
            if self.peek() == "}":
                self.at += 1
                return found
            found.append(self.matcher())
            self.skip()
            if self.peek() == ",":
                self.at += 1
            elif self.peek() != "}":
                raise self.fail("expected ',' or '}' after a matcher")

    def matcher(self) -> Matcher:
        label = _LABEL.match(self.text, self.at)
        if label is None:
            raise self.fail("expected a label name")
        self.at = label.end()
        self.skip()
        operator = _OPERATOR.match(self.text, self.at)
        if operator is None:
            raise self.fail(f"expected one of {' '.join(OPERATORS)} after {label.group()}")
        self.at = operator.end()
        self.skip()
        value = self.string()
        op = operator.group()
        pattern = None
        if op in ("=~", "!~"):
            try:
                pattern = re.compile(value)
            except re.error as error:
                raise SelectorError(
                    f"{label.group()}{op}{value!r}: not a regular expression ({error})"
                ) from None
        return Matcher(label.group(), op, value, pattern)

    def string(self) -> str:
        quote = self.peek()
        if quote not in ('"', "'", "`"):
            raise self.fail("expected a quoted value")
        self.at += 1
        chars: list[str] = []
        while self.at < len(self.text):
            char = self.text[self.at]
            self.at += 1
            if char == quote:
                return "".join(chars)
            if char == "\\" and quote != "`":
                escaped = self.text[self.at:self.at + 1]
                if escaped not in _ESCAPES:
                    raise self.fail(f"unknown escape \\{escaped}")
                chars.append(_ESCAPES[escaped])
                self.at += 1
            elif char == "\n" and quote != "`":
                raise self.fail("a quoted value ends at the end of the line")
            else:
                chars.append(char)
        raise self.fail("a quoted value is not closed")
