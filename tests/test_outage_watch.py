"""The outage as the screen follows it, one poll at a time (issue 10 item 6, the core).

``core.outages.follow_outage`` is the rule of ``current_outage`` (which the rollback
condition and the report use) fed one poll at a time: for any run of polls both name
the same outage. ``core.outage_watch`` announces it at the CRIT level with the bell
once held (never for one lost poll) and its end with how long it lasted.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from autus_tui.core.config import Config
from autus_tui.core.dashboard import Dashboard
from autus_tui.core.levels import Level
from autus_tui.core.observations import PollResult
from autus_tui.core.outage_watch import OutageWatch, lasted_text
from autus_tui.core.outages import current_outage, follow_outage
from autus_tui.core.payload import Health, Reading

T0 = datetime(2026, 11, 27, 0, 40, tzinfo=UTC)
KINDS = ("ok", "down", "refused", "503-no-values", "503-with-values", "degraded")


def poll(kind: str, second: int) -> PollResult:
    at = T0 + timedelta(seconds=second)
    values = {"error_rate": Reading(0.2)}
    if kind == "ok":
        return PollResult(at, values, Health("ok", ""))
    if kind == "degraded":
        return PollResult(at, values, Health("degraded", "slow"))
    if kind == "down":
        return PollResult(at, {}, Health("down", "DB unreachable"))
    if kind == "refused":
        return PollResult(at, {}, None, error="connection refused")
    if kind == "503-no-values":
        return PollResult(at, {"error_rate": Reading(None)}, None, error="HTTP 503")
    return PollResult(at, values, None, error="HTTP 503 on health")  # values: not out


@given(st.lists(st.sampled_from(KINDS), max_size=40))
def test_followed_one_poll_at_a_time_it_is_the_same_outage(kinds: list[str]) -> None:
    polls = [poll(kind, second) for second, kind in enumerate(kinds)]
    followed = None
    for number, item in enumerate(polls):
        followed = follow_outage(followed, item)
        assert followed == current_outage(polls[:number + 1])


def test_announced_once_held_with_the_bell_and_its_end_with_how_long() -> None:
    watch = OutageWatch(interval=1.0)
    assert watch.needed == 3  # CRIT within 3 s at 1 s polls (core.held)
    news = [watch.apply(poll(kind, second)) for second, kind in
            enumerate(["ok", "refused", "refused", "refused", "refused", "ok"])]
    assert news[1] is None and news[2] is None  # not held yet: no bell for a lost poll
    started = news[3]
    assert started is not None and started.started
    assert started.text == "backend DOWN: no answer: connection refused"
    assert news[4] is None  # said once
    ended = news[5]
    assert ended is not None and not ended.started
    assert ended.text == "backend recovered after 4s DOWN (backend unreachable)"


def test_one_lost_poll_is_never_announced() -> None:
    watch = OutageWatch(interval=1.0)
    kinds = ["ok", "refused", "ok", "down", "down", "ok", "503-no-values", "ok"]
    assert all(watch.apply(poll(kind, second)) is None for second, kind in enumerate(kinds))


def test_the_dashboard_rings_once_at_crit_and_the_toast_replaces_the_error() -> None:
    config = Config()
    dashboard = Dashboard(config.metrics, timedelta(seconds=3), interval=1.0)
    said = [dashboard.apply(poll(kind, second)) for second, kind in
            enumerate(["ok", "down", "down", "down", "down"])]
    news = [item for batch in said for item in batch]
    down = [item for item in news if "DOWN" in item.text]
    assert len(down) == 1 and down[0].level is Level.CRIT and down[0].bell
    assert down[0].text == "backend DOWN: health down: DB unreachable"
    assert dashboard.outages.outage is not None and dashboard.outages.held


def test_how_long_in_few_cells() -> None:
    assert lasted_text(timedelta(seconds=45)) == "45s"
    assert lasted_text(timedelta(seconds=133)) == "2m13s"
    assert lasted_text(timedelta(hours=1, minutes=2, seconds=9)) == "1h02m"
