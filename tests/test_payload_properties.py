"""Property tests: the payload readers take any JSON and never crash or leak bad text.

Whatever the backend sends — decoded into Python, or as raw bytes — every reading is
either a finite number inside its metric's range or a printable reason, and health is
one of the known words with printable text.
"""

import json
import math
import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from autus_tui.core.metrics import MetricSpec, default_metrics
from autus_tui.core.payload import HEALTH_STATUSES, Reading, read_health, read_metric
from autus_tui.sources.poller import decode_json_object
from autus_tui.sources.prometheus import readings_from_text

CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
SPECS = (*default_metrics(), MetricSpec("tiny", "Tiny", "x", maximum=1.0))
PROPERTY = settings(max_examples=200, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

scalars = (
    st.none() | st.booleans() | st.integers() | st.integers(min_value=10**20, max_value=10**400)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=30)
    | st.sampled_from(["\x1b]0;T\x07", "x[/]y", "[@click=app.quit]Q[/]", "NaN", "1e999"])
)
# Keys the specs look up, so values land where they are read, not only beside them.
KNOWN_KEYS = sorted({part for spec in SPECS for path in (spec.path, spec.per or "")
                     for part in path.split(".") if part} | {"status", "message", "components"})
keys = st.sampled_from(KNOWN_KEYS) | st.text(max_size=12)
documents = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=6),
    max_leaves=20,
)
# Hand-picked cases that once crashed or nearly did: a 401-digit integer (float() of it
# overflows), a percentage that overflows to infinity, hostile health text.
EDGES = (
    {"active_users": 10**400, "gate_failures": -0.0},
    {"db_connections": {"used": 1e308, "max": 1e-308}},
    {"status": "ok", "message": "x[/]y [@click=app.quit]Q[/] \x1b]0;T\x07",
     "components": {"\x1b[2J": {"status": 10**400, "detail": None}, "db": "down"}},
)


def _assert_sound(reading: Reading, spec: MetricSpec) -> None:
    if reading.value is None:
        assert isinstance(reading.problem, str) and reading.problem
        assert not CONTROLS.search(reading.problem), reading.problem
    else:
        assert reading.problem is None
        assert math.isfinite(reading.value)
        assert 0 <= reading.value <= spec.maximum


def _assert_health_sound(doc: object) -> None:
    health = read_health(doc)
    assert health.status in (*HEALTH_STATUSES, "unknown")
    texts = [health.message, *(text for component in health.components for text in component)]
    assert all(isinstance(text, str) and not CONTROLS.search(text) for text in texts)


@PROPERTY
@given(documents)
@example(EDGES[0])
@example(EDGES[1])
def test_read_metric_takes_any_decoded_json(doc: object) -> None:
    for spec in SPECS:
        _assert_sound(read_metric(doc, spec), spec)


@PROPERTY
@given(documents)
@example(EDGES[2])
def test_read_health_takes_any_decoded_json(doc: object) -> None:
    _assert_health_sound(doc)


@PROPERTY
@given(documents, st.sampled_from(["application/json", "text/plain", "", "text/html"]))
def test_the_poller_decoder_takes_any_json_text(doc: object, content_type: str) -> None:
    body = json.dumps(doc, allow_nan=True).encode()
    decoded, problem = decode_json_object(body, content_type)
    if decoded is None:
        assert isinstance(problem, str) and not CONTROLS.search(problem)
    else:
        assert problem is None and isinstance(decoded, dict)
    for spec in SPECS:
        _assert_sound(read_metric(decoded, spec), spec)
    _assert_health_sound(decoded)


@PROPERTY
@given(st.binary(max_size=200) | st.sampled_from([b"[" * 5000, b"1" * 5000, b"\xff\xfe{}"]),
       st.text(max_size=20))
def test_the_poller_decoder_takes_any_bytes(body: bytes, content_type: str) -> None:
    decoded, problem = decode_json_object(body, content_type)
    assert (decoded is None) != (problem is None)
    if problem is not None:
        assert not CONTROLS.search(problem)


@PROPERTY
@given(st.text(max_size=300))
def test_prometheus_reading_takes_any_text(text: str) -> None:
    readings = readings_from_text(text, SPECS)
    for spec in SPECS:
        _assert_sound(readings[spec.key], spec)
