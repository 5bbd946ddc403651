"""The escalation ladder as pure functions, and its configuration (errors name file and key)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from autus_tui.cli import main
from autus_tui.core.config import ConfigError, build_config
from autus_tui.core.escalation import (
    DEFAULT_LEVELS,
    REASON_ESCALATE,
    EscalationPolicy,
    Firing,
    LadderLevel,
    LadderState,
    RowState,
    due_now,
    ladder,
    late_grace,
)
from autus_tui.core.escalation_config import policy_from_json

T0 = datetime(2026, 11, 27, 0, 30, tzinfo=UTC)  # 09:30 in Seoul
MIN = timedelta(minutes=1)
POLICY = EscalationPolicy()


GRACE = late_grace()


def fired(state: LadderState, now: datetime, grace: timedelta = GRACE) -> LadderState:
    """What a process stepping at ``now`` stores (the store's part, done by hand)."""
    new = tuple(Firing(d.level, d.seq, d.due, now, d.late, d.reason)
                for d in due_now(state, now, grace))
    return LadderState(state.declared_at, state.policy, state.firings + new, state.resolved_at,
                       state.reopened_at, state.reopen_from)


def test_the_default_ladder_is_the_seeds() -> None:
    assert build_config([]).escalation.levels == (
        LadderLevel("L1", "On-call 엔지니어", 0), LadderLevel("L2", "백엔드 리드", 15),
        LadderLevel("L3", "CTO / 최종 의사결정자", 30))
    assert build_config([]).escalation.reminder_minutes is None


def test_levels_come_due_at_their_offsets_and_each_once() -> None:
    state = LadderState(T0, POLICY)
    assert [d.level for d in due_now(state, T0)] == [0]
    state = fired(state, T0)
    assert due_now(state, T0 + 14 * MIN + timedelta(seconds=59)) == ()
    view = ladder(state, T0 + 10 * MIN)
    assert view.current is not None and view.current.name == "L1"
    assert view.next is not None and view.next.who == "백엔드 리드"
    assert view.countdown == 5 * MIN
    assert [row.state for row in view.rows] == [RowState.FIRED, RowState.PENDING,
                                               RowState.PENDING]
    assert view.rows[2].fires_at == T0 + 30 * MIN
    state = fired(state, T0 + 15 * MIN)
    assert [d.level for d in due_now(state, T0 + 15 * MIN)] == []
    state = fired(state, T0 + 30 * MIN)
    view = ladder(state, T0 + 31 * MIN)
    assert view.current is not None and view.current.name == "L3"
    assert view.next is None and view.countdown is None and view.running
    assert [f.level for f in state.firings] == [0, 1, 2]
    assert not any(f.late for f in state.firings)


def test_a_deadline_missed_while_nothing_ran_fires_late_once() -> None:
    state = fired(LadderState(T0, POLICY), T0)
    later = T0 + 40 * MIN  # nothing ran from +0 to +40: L2 and L3 both due
    due = due_now(state, later)
    assert [(d.level, d.late) for d in due] == [(1, True), (2, True)]
    state = fired(state, later)
    assert due_now(state, later + MIN) == ()
    rows = ladder(state, later).rows
    assert [row.state for row in rows] == [RowState.FIRED, RowState.LATE, RowState.LATE]
    assert rows[1].fires_at == T0 + 15 * MIN and rows[1].fired_at == later
    # Within the grace it is on time; the grace grows with a rehearsal clock's speed.
    on_time = due_now(fired(LadderState(T0, POLICY), T0), T0 + 15 * MIN + timedelta(seconds=29))
    assert [d.late for d in on_time] == [False]
    assert late_grace(60.0) == timedelta(seconds=180)


def test_resolving_stops_the_ladder_and_reopening_goes_on_from_the_highest_level() -> None:
    state = fired(fired(LadderState(T0, POLICY), T0), T0 + 15 * MIN)  # at L2
    resolved = LadderState(T0, POLICY, state.firings, resolved_at=T0 + 20 * MIN)
    assert due_now(resolved, T0 + 60 * MIN) == ()
    view = ladder(resolved, T0 + 60 * MIN)
    assert not view.running and view.next is None
    assert view.rows[2].state is RowState.STOPPED
    # Reopened at +60: L3 comes 15 min later (as it would have after L2), not at once.
    reopened = LadderState(T0, POLICY, state.firings, None, T0 + 60 * MIN, reopen_from=1)
    assert due_now(reopened, T0 + 74 * MIN) == ()
    view = ladder(reopened, T0 + 61 * MIN)
    assert view.current is not None and view.current.name == "L2"
    assert view.next is not None and view.next.fires_at == T0 + 75 * MIN
    assert view.countdown == 14 * MIN
    assert [(d.level, d.late) for d in due_now(reopened, T0 + 75 * MIN)] == [(2, False)]


def test_reminders_repeat_the_top_level_while_unresolved() -> None:
    policy = EscalationPolicy(reminder_minutes=10)
    state = LadderState(T0, policy)
    for minute in (0, 15, 30):
        state = fired(state, T0 + minute * MIN)
    assert due_now(state, T0 + 39 * MIN) == ()
    due = due_now(state, T0 + 40 * MIN)
    assert [(d.level, d.seq, d.reason) for d in due] == [(2, 1, "reminder")]
    state = fired(state, T0 + 40 * MIN)
    assert [(d.seq, d.due) for d in due_now(state, T0 + 50 * MIN)] == [(2, T0 + 50 * MIN)]
    # Long after (nothing ran): one late reminder, not a burst.
    assert [(d.seq, d.late) for d in due_now(state, T0 + 120 * MIN)] == [(2, True)]
    assert ladder(state, T0 + 41 * MIN).rows[2].reminders == 1
    resolved = LadderState(T0, policy, state.firings, resolved_at=T0 + 45 * MIN)
    assert due_now(resolved, T0 + 120 * MIN) == ()


def test_an_early_escalation_keeps_the_later_offsets() -> None:
    state = fired(LadderState(T0, POLICY), T0)
    by_hand = Firing(1, 0, T0 + 15 * MIN, T0 + 5 * MIN, False, REASON_ESCALATE, "bob", "DB")
    state = LadderState(T0, POLICY, (*state.firings, by_hand))
    view = ladder(state, T0 + 6 * MIN)
    assert view.current is not None and view.current.by == "bob"
    assert view.rows[1].state is RowState.FIRED and view.rows[1].reason == REASON_ESCALATE
    assert view.next is not None and view.next.fires_at == T0 + 30 * MIN
    assert due_now(state, T0 + 16 * MIN) == ()


def test_the_policy_round_trips_through_its_stored_form() -> None:
    policy = EscalationPolicy((LadderLevel("A", "a", 0), LadderLevel("B", "b", 2.5)), 7)
    assert policy_from_json(policy.to_json()) == policy
    with pytest.raises(ValueError, match="levels"):
        policy_from_json({"levels": []})


@pytest.mark.parametrize(
    ("levels", "key", "problem"),
    [
        ('[{name="L1",who="a",minutes=0},{name="L2",who="b",minutes=30},'
         '{name="L3",who="c",minutes=15}]', "escalation.levels[3].minutes",
         "15 is not after L2's 30"),
        ('[{name="L1",who="a",minutes=0},{name="L2",who="b",minutes=0}]',
         "escalation.levels[2].minutes", "must increase"),
        ("[]", "escalation.levels", "at least one"),
        ('[{name="L1",who="a",minutes=0},{}]', "escalation.levels[2].name", "required"),
        ('[{name="L1",who="  ",minutes=0}]', "escalation.levels[1].who", "non-empty"),
        ('[{name="L1",who="a",minutes=-5}]', "escalation.levels[1].minutes", "negative"),
        ('[{name="L1",who="a",minutes=nan}]', "escalation.levels[1].minutes", "finite"),
        ('[{name="L1",who="a",minutes=100000}]', "escalation.levels[1].minutes", "a day"),
        ('[{name="L1",who="a",minutes="15"}]', "escalation.levels[1].minutes", "a number"),
        ('[{name="L1",who="a",minutes=0,pager="x"}]', "escalation.levels[1].pager",
         "unknown key"),
    ],
)
def test_bad_ladders_are_refused_naming_the_file_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    levels: str, key: str, problem: str,
) -> None:
    monkeypatch.delenv("AUTUS_CONFIG", raising=False)
    path = tmp_path / "autus.toml"
    path.write_text(f"[escalation]\nlevels = {levels}\n", encoding="utf-8")
    assert main(["check", "--config", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}: {key}: " in err and problem in err
    assert "Traceback" not in err and err.count("\n") == 1


def test_a_good_ladder_and_reminder_from_a_file() -> None:
    config = build_config([("team.toml", {"escalation": {
        "levels": [{"name": "L1", "who": "Ops", "minutes": 0},
                   {"name": "L2", "who": "Lead", "minutes": 5.5}],
        "reminder_minutes": 10}})])
    assert config.escalation.levels[1] == LadderLevel("L2", "Lead", 5.5)
    assert config.escalation.reminder_minutes == 10
    # A later layer setting only the reminder keeps the earlier levels.
    again = build_config([("a.toml", {"escalation": {"levels": [
        {"name": "X", "who": "x", "minutes": 0}]}}), ("b.toml", {"escalation": {
            "reminder_minutes": 3}})])
    assert [lvl.name for lvl in again.escalation.levels] == ["X"]
    with pytest.raises(ConfigError, match=r"b\.toml: escalation\.reminder_minutes: "):
        build_config([("b.toml", {"escalation": {"reminder_minutes": 0}})])
    assert DEFAULT_LEVELS[0].offset == timedelta(0)
