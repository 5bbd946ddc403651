"""The control room on fixed data: poll results fed through ``apply_poll``, no polling.

What a person at 80x24 would see: level words in panes, "bad value" with its reason in
the events pane (once), STALE with an age, hostile health text shown literally and
harmless, the help screen, tab between panes, and both layouts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from conftest import Room, wait_until

from autus_tui.core.config import Config
from autus_tui.core.observations import HostSample, PollResult
from autus_tui.core.payload import Health, Reading
from autus_tui.ui.app import ControlRoom
from autus_tui.ui.screens.help import HelpScreen
from autus_tui.ui.testing import screen_text
from autus_tui.ui.widgets.checklist.parts import ItemList
from autus_tui.ui.widgets.events_pane import MAX_LINES, EventsPane
from autus_tui.ui.widgets.header import ControlHeader
from autus_tui.ui.widgets.metrics.group_pane import GroupPane
from autus_tui.ui.widgets.metrics.health_line import HealthLine
from autus_tui.ui.widgets.metrics.metric_pane import MetricPane

HOSTILE = "x[/]y [@click=app.quit]Q[/] \x1b]0;T\x07"
HOST = HostSample(12.0, 45.0, 0.5, 61.0)


Rooms = Callable[..., Room]


def no_database(control_room: Rooms, **kwargs: object) -> Room:
    """A room without a database: fixed polls are fed through ``apply_poll``."""
    return control_room(None, host_reader=lambda: HOST, **kwargs)


def calm(at: datetime, **override: Reading) -> PollResult:
    readings = {
        "active_users": Reading(1200), "gate_observe": Reading(1000),
        "gate_ring": Reading(200), "gate_lock": Reading(30),
        "afterimage_rate": Reading(40.0), "error_rate": Reading(0.2),
        "avg_response": Reading(120), "gate_failures": Reading(0),
        "db_connections": Reading(40.0),
    }
    readings.update(override)
    return PollResult(at, readings, Health("ok", "All systems operational"))


def pane(app: ControlRoom, key: str) -> MetricPane:
    return app.query_one(f"#pane-{key}", MetricPane)


async def test_levels_show_as_words_and_a_rise_to_crit_is_an_event(control_room: Rooms) -> None:
    room = no_database(control_room)
    app, clock = room.app, room.clock
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(3):
            app.apply_poll(calm(clock.now()))
            clock.advance(timedelta(seconds=1))
        await pilot.pause()
        assert pane(app, "error_rate").level.text.strip() == "OK"
        app.apply_poll(calm(clock.now(), error_rate=Reading(2.5), avg_response=Reading(2500)))
        await pilot.pause()
        # The new level shows at once, marked as not held yet; nothing is announced.
        assert pane(app, "error_rate").level.text.strip() == "WARN?"
        assert pane(app, "error_rate").note.text == "WARN 1/3 · held OK"
        assert pane(app, "avg_response").level.text.strip() == "CRIT?"
        assert "→" not in app.events_text
        for _ in range(2):  # held for 3 polls
            clock.advance(timedelta(seconds=1))
            app.apply_poll(calm(clock.now(), error_rate=Reading(2.5),
                                avg_response=Reading(2500)))
        await pilot.pause()
        assert pane(app, "error_rate").level.text.strip() == "WARN"
        assert pane(app, "avg_response").level.text.strip() == "CRIT"
        text = screen_text(app)
        assert "2.50%" in text and "WARN" in text and "CRIT" in text
        assert "Avg Response OK → CRIT (2,500 ms)" in app.events_text
        assert "Error Rate OK → WARN (2.50%)" in app.events_text
        # A calm start is not news: nothing was announced for the first OK values.
        assert "→ OK" not in app.events_text


async def test_stale_pane_says_how_old_and_dims_the_old_value(control_room: Rooms) -> None:
    room = no_database(control_room)
    app, clock = room.app, room.clock
    async with app.run_test(size=(80, 24)) as pilot:
        app.apply_poll(calm(clock.now()))
        clock.advance(timedelta(seconds=12))
        app.tick()
        await pilot.pause()
        error_rate = pane(app, "error_rate")
        assert error_rate.level.text.strip() == "STALE"
        assert error_rate.note.text == "STALE · last 12s ago"
        assert "0.20%" in error_rate.value.text
        assert any("strike" in str(span.style) for span in error_rate.value.content.spans)
        # Time passing alone announces nothing (only polls do: core.held); the pane says it.
        assert "STALE" not in app.events_text
        group = app.query_one(GroupPane)
        assert group.level.text.strip() == "STALE" and group.age.text == "12s ago"


async def test_bad_value_shows_on_pane_and_reason_once_in_events(control_room: Rooms) -> None:
    room = no_database(control_room)
    app, clock = room.app, room.clock
    reason = "error_rate_pct is not a number (text: 'lots')"
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(3):
            app.apply_poll(calm(clock.now(), error_rate=Reading(None, reason)))
            clock.advance(timedelta(seconds=1))
        await pilot.pause()
        assert pane(app, "error_rate").value.text == "bad value"
        assert app.events_text.count(f"Error Rate: bad value: {reason}") == 1
        app.apply_poll(calm(clock.now()))
        await pilot.pause()
        assert pane(app, "error_rate").value.text == "0.20%"


async def test_hostile_health_message_is_literal_and_clicking_it_does_nothing(
    control_room: Rooms,
) -> None:
    room = no_database(control_room)
    app, clock = room.app, room.clock
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        # The same text as a health message and as a backend error (which is toasted).
        app.apply_poll(PollResult(clock.now(), {}, Health("ok", HOSTILE), error=HOSTILE))
        await pilot.pause()
        assert app.screen.query("Toast")
        text = screen_text(app)
        # The pane is 40 columns at 80x24: the text is cut or wrapped there, never parsed.
        assert "x[/]y [@click=app.quit]Q[/" in text
        svg = app.export_screenshot()
        assert "\x1b" not in svg and "\x07" not in svg and "\x1b" not in text
        health = app.query_one(HealthLine)
        column = health.lines[0].plain.index("[@click")
        await pilot.click(health, offset=(column + 2, 0))
        await pilot.pause()
        assert app.is_running and app.return_code is None


async def test_help_screen_lists_keys_and_closes(control_room: Rooms) -> None:
    app = no_database(control_room).app
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "Quit" in text and "ctrl+p" in text and "Next pane" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_tab_moves_focus_between_panes(control_room: Rooms) -> None:
    app = no_database(control_room).app
    async with app.run_test(size=(80, 24)) as pilot:
        first = app.focused
        assert isinstance(first, ItemList)  # the checklist has focus at start
        await pilot.press("shift+tab", "shift+tab")
        assert isinstance(app.focused, (MetricPane, GroupPane)) or app.focused is not first
        await pilot.press("tab", "tab")
        assert app.focused is first
        app.query_one(MetricPane).focus()
        await pilot.press("tab")
        assert isinstance(app.focused, GroupPane)


async def test_layout_switches_with_the_terminal_size(control_room: Rooms) -> None:
    room = no_database(control_room)
    app = room.app
    async with app.run_test(size=(80, 24)) as pilot:
        app.apply_poll(calm(room.clock.now()))
        await pilot.pause()
        health = app.query_one(HealthLine)
        assert app.has_class("-compact")
        assert len(health.lines) == 1  # the components are shown only in the wide layout
        await pilot.resize_terminal(160, 48)
        assert await wait_until(pilot, lambda: len(health.lines) == 2)
        assert app.has_class("-wide") and health.lines[1].plain.startswith("no components")


async def test_header_shows_launch_time_mode_and_operator(control_room: Rooms) -> None:
    app = no_database(control_room).app
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        first_line = screen_text(app).splitlines()[0]
        assert "09:03:00 KST" in first_line
        assert "REHEARSAL" in first_line and "kim" in first_line


async def test_a_poll_brings_the_clock_along(control_room: Rooms) -> None:
    # The second's tick joins a poll's repaint (one repaint a second, not two: issue 10's
    # steady CPU), so the clock moves with the values, not up to a second after them.
    room = no_database(control_room, tick_seconds=3600.0)  # the timer itself never fires
    app, clock = room.app, room.clock
    async with app.run_test(size=(80, 24)) as pilot:
        clock.advance(timedelta(seconds=7))
        app.apply_poll(calm(clock.now()))
        assert await wait_until(pilot, lambda: "09:03:07 KST"
                                in screen_text(app).splitlines()[0])


async def test_the_wide_panes_show_whole_values(control_room: Rooms) -> None:
    room = no_database(control_room)
    app, clock = room.app, room.clock
    async with app.run_test(size=(120, 40)) as pilot:
        app.apply_poll(calm(clock.now(), avg_response=Reading(2370),
                            afterimage_rate=Reading(None, "not a number")))
        await pilot.pause()
        text = screen_text(app)
        assert "Afterimage Rate bad value" in text and "Avg Response     2,370 ms" in text
        assert "…" not in text.splitlines()[0]


async def test_the_wide_header_shortens_its_title_rather_than_cut_it(
    control_room: Rooms,
) -> None:
    app = no_database(control_room, operator="김민수").app
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "AUTUS v1.0 control room  operator 김민수" in screen_text(app).splitlines()[0]
        # Pairing news takes room from the title: a shorter form, never a cut one.
        app.query_one(ControlHeader).show_pairing((), None, False)
        assert await wait_until(pilot, lambda: "no poller" in screen_text(app))
        top = screen_text(app).splitlines()[0]
        assert "…" not in top and "control" not in top, top
        assert "REHEARSAL  AUTUS v1.0 " in top and " operator 김민수 no poller" in top


async def test_korean_operator_lines_up(control_room: Rooms) -> None:
    app = no_database(control_room, operator="김민수", rehearsal=False).app
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        header = app.screen._compositor.render_strips()[0]
        assert "LIVE" in header.text and "김민수" in header.text
        assert header.cell_length == 80  # double-width Hangul counted as two cells


async def test_events_pane_is_bounded_newest_last(control_room: Rooms) -> None:
    room = no_database(control_room)
    app, clock = room.app, room.clock
    async with app.run_test(size=(80, 24)) as pilot:
        events = app.query_one(EventsPane)
        for number in range(MAX_LINES + 20):
            events.add(clock.now(), f"event {number}")
        await pilot.pause()
        assert len(events.lines) == MAX_LINES
        assert events.lines[-1].plain.endswith(f"event {MAX_LINES + 19}")
        assert "event 0" not in events.text


async def test_host_reader_failure_is_said_not_raised(control_room: Rooms) -> None:
    def broken() -> HostSample:
        raise OSError("no /proc")

    app = control_room(None, config=Config(), rehearsal=False, host_reader=broken).app
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "unavailable: no /proc" in screen_text(app)


class BellCounting(ControlRoom):
    """The real app, counting terminal bells (headless Textual writes none)."""

    bells = 0

    def bell(self) -> None:
        self.bells += 1


async def test_a_rise_to_crit_rings_the_bell_once_and_toasts(control_room: Rooms) -> None:
    room = no_database(control_room, config=Config(), rehearsal=False, cls=BellCounting)
    app, clock = room.app, room.clock
    assert isinstance(app, BellCounting)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        app.apply_poll(calm(clock.now()))
        clock.advance(timedelta(seconds=1))
        app.apply_poll(calm(clock.now(), error_rate=Reading(2.0)))  # WARN: no bell
        await pilot.pause()
        assert app.bells == 0
        for _ in range(3):
            clock.advance(timedelta(seconds=1))
            app.apply_poll(calm(clock.now(), error_rate=Reading(9.0)))  # CRIT, stays CRIT
        await pilot.pause()
        assert app.bells == 1

        def toasted() -> bool:
            toasts = [str(toast.render()) for toast in app.screen.query("Toast")]
            return any("Error Rate WARN → CRIT (9.00%)" in text for text in toasts)

        assert await wait_until(pilot, toasted)


async def test_ctrl_p_opens_the_command_palette(control_room: Rooms) -> None:
    from textual.command import CommandPalette

    app = no_database(control_room).app
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press("escape")
        assert not isinstance(app.screen, CommandPalette)
