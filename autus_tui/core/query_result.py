"""A Prometheus server's instant-query answer (``GET /api/v1/query``) as a metric reading.

The answer is read strictly, as the HTTP API documents it::

    {"status": "success", "data": {"resultType": "vector",
     "result": [{"metric": {"job": "api"}, "value": [1732670000.123, "2.5"]}]}}
    {"status": "success", "data": {"resultType": "scalar", "result": [1732670000.1, "2.5"]}}
    {"status": "error", "errorType": "bad_data", "error": "parse error at char 5: ..."}

``read_query_result(doc, spec)`` gives the reading: a vector of one sample, or several
combined by ``spec.combine`` (several without it is an error naming how many; none is
"no series"), or a scalar; a sample value is the API's decimal string (``"NaN"``,
``"+Inf"`` read as numbers and then refused as not finite). A matrix (a range query,
``[5m]`` at the end), a string, a native histogram or any other shape is a problem in
words, never an exception; then the same range rules as every source
(``core.payload.finish_reading``). Text from the server is cleaned.
"""

from __future__ import annotations

import math

from autus_tui.core.metrics import MetricSpec
from autus_tui.core.payload import Reading, finish_reading
from autus_tui.core.selectors import combine
from autus_tui.core.text import clean

MAX_SERIES = 10_000
"""A vector longer than this is refused in words (a query that is not one number)."""


def read_query_result(doc: object, spec: MetricSpec) -> Reading:
    value, problem = _value(doc, spec)
    if value is None:
        return Reading(None, problem or "no value")
    if not math.isfinite(value):
        return Reading(None, f"the query's value is not a finite number ({value})")
    return finish_reading(Reading(value), None, spec)


def error_of(doc: object) -> str | None:
    """The server's own error, when the answer is one (``status: error``)."""
    if not isinstance(doc, dict) or doc.get("status") != "error":
        return None
    kind = clean(doc.get("errorType", ""), 40)
    text = clean(doc.get("error", ""), 200)
    return f"the server refused the query ({kind}: {text})" if kind else (
        f"the server refused the query ({text or 'no reason given'})")


def _value(doc: object, spec: MetricSpec) -> tuple[float | None, str | None]:
    refused = error_of(doc)
    if refused is not None:
        return None, refused
    if not isinstance(doc, dict) or doc.get("status") != "success":
        return None, "not a Prometheus API answer (no \"status\": \"success\")"
    data = doc.get("data")
    if not isinstance(data, dict):
        return None, "not a Prometheus API answer (no \"data\" object)"
    kind, result = data.get("resultType"), data.get("result")
    if kind == "scalar":
        return _sample(result)
    if kind == "vector":
        return _vector(result, spec)
    if kind == "matrix":
        return None, ("the query returned a range (matrix), not an instant value: drop the "
                      "[range] at its end or wrap it in a function such as rate()")
    if kind == "string":
        return None, "the query returned a string, not a number"
    return None, f"unknown result type {clean(repr(kind), 40)}"


def _vector(result: object, spec: MetricSpec) -> tuple[float | None, str | None]:
    if not isinstance(result, list):
        return None, "a vector result that is not a list"
    if not result:
        return None, "the query returned no series (nothing matches it now)"
    if len(result) > MAX_SERIES:
        return None, f"the query returned {len(result):,} series, far more than one value"
    values = []
    for item in result:
        if not isinstance(item, dict):
            return None, "a vector sample that is not an object"
        if "histogram" in item and "value" not in item:
            return None, ("the query returned a native histogram: ask for a number "
                          "(histogram_quantile, histogram_sum, histogram_count)")
        value, problem = _sample(item.get("value"))
        if value is None:
            return None, problem
        values.append(value)
    if len(values) > 1 and spec.combine is None:
        return None, (f"the query returned {len(values)} series; make it return one "
                      "(sum(...), a label matcher), or set combine = \"sum\", \"max\", "
                      "\"min\" or \"avg\"")
    return (values[0] if len(values) == 1 else combine(values, spec.combine or "sum")), None


def _sample(raw: object) -> tuple[float | None, str | None]:
    """``[timestamp, "value"]`` as the API writes every sample."""
    if (not isinstance(raw, list) or len(raw) != 2 or isinstance(raw[0], bool)
            or not isinstance(raw[0], (int, float)) or not isinstance(raw[1], str)):
        return None, f"a sample that is not [time, \"value\"]: {clean(repr(raw), 60)}"
    text = raw[1].strip()
    try:
        if "_" in text or not text:
            raise ValueError(text)
        return float(text), None
    except ValueError:
        return None, f"a sample value that is not a number: {clean(repr(raw[1]), 40)}"
