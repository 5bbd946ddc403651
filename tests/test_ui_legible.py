"""Legible everywhere (issue 10 item 8, issue 11 item 9).

WARN and CRIT differ in colour in a 16-colour terminal, not only in the word; the header
never runs words together at any width and, at 80 columns with two others attached,
still says who polls and the countdown (the others become a count); an emoji operator
name does not shift the header; the host line shortens its names rather than cut a
field (``Dis…``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from conftest import Room
from rich.cells import cell_len, get_character_cell_size
from rich.color import ColorSystem
from textual import constants

from autus_tui.core.config import Config
from autus_tui.core.observations import HostSample, PollResult
from autus_tui.core.payload import Health, Reading
from autus_tui.ui.app import ControlRoom
from autus_tui.ui.colours import SIXTEEN, fit_theme
from autus_tui.ui.testing import screen_text
from autus_tui.ui.widgets.header import ControlHeader
from autus_tui.ui.widgets.metrics.metric_pane import MetricPane

Rooms = Callable[..., Room]


def word_colours(app: ControlRoom, key: str, word: str) -> set[int]:
    """The 16-colour numbers the terminal gets for ``word`` in a pane's first line (the
    word's colour: reversed, it is the block behind the word)."""
    pane = app.query_one(f"#pane-{key}", MetricPane)
    numbers = set()
    for segment in pane.render_line(0):
        style = segment.style
        if word in segment.text and style is not None and style.color is not None:
            assert style.reverse
            numbers.add(style.color.downgrade(ColorSystem.STANDARD).number or 0)
    return numbers


async def warn_and_crit(room: Room, *, fit: bool) -> tuple[set[int], set[int]]:
    app = room.app
    async with app.run_test(size=(80, 24)) as pilot:
        if fit:  # what on_mount does on a real terminal (never headless: snapshots)
            fit_theme(app, headless=True)
        for _ in range(4):  # held: reverse video
            app.apply_poll(PollResult(room.clock.now(), {
                "error_rate": Reading(2.0), "avg_response": Reading(2500)},
                Health("ok", "")))
            room.clock.advance(timedelta(seconds=1))
        await pilot.pause()
        return word_colours(app, "error_rate", "WARN"), word_colours(app, "avg_response",
                                                                     "CRIT")


async def test_warn_and_crit_differ_in_colour_in_sixteen_colours(
    control_room: Rooms, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(constants, "COLOR_SYSTEM", "standard")  # as TERM=xterm gives
    room = control_room(None)
    assert room.app.console.color_system == "standard"
    warn, crit = await warn_and_crit(control_room(None), fit=False)
    assert warn == crit == {9}  # the default theme: both bright red
    warn, crit = await warn_and_crit(room, fit=True)
    assert room.app.theme == SIXTEEN
    assert warn and crit and warn != crit
    assert 11 in warn or 3 in warn  # yellow
    assert 1 in crit or 9 in crit   # red


async def test_in_more_colours_the_theme_is_left_alone(control_room: Rooms,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(constants, "COLOR_SYSTEM", "256")
    room = control_room(None)
    await warn_and_crit(room, fit=True)
    assert room.app.theme != SIXTEEN


def header_line(app: ControlRoom) -> str:
    return screen_text(app).splitlines()[0]


async def test_the_header_never_runs_words_together(control_room: Rooms) -> None:
    app = control_room(None, operator="operator-kim").app
    async with app.run_test(size=(80, 24)) as pilot:
        for width in (80, 100, 118, 119, 120, 123, 125, 127, 130, 140, 200):
            await pilot.resize_terminal(width, 40)
            for others, poller in (((), None), (("bob", "carol (rec)"), "bob")):
                app.query_one(ControlHeader).show_pairing(others, poller, False)
                await pilot.pause()
                line = header_line(app)
                assert cell_len(line) == width, (width, line)
                assert not re.search(r"room\S|\Soperator-kim|\Spoll:|\Spolled by", line), line
                assert "roomoperator" not in line and "…" not in line, (width, line)


async def test_at_80_columns_who_polls_and_the_countdown_stay(control_room: Rooms) -> None:
    app = control_room(None, operator="김민수").app
    async with app.run_test(size=(80, 24)) as pilot:
        app.query_one(ControlHeader).show_pairing(("alice-the-second", "bob (rec)"),
                                                  "alice-the-second", False)
        await pilot.pause()
        line = header_line(app)
        assert re.search(r"poll:alice-the-\S+", line), line
        assert "02:57:00" in line and "김민수 +2 " in line, line  # the others as a count
        assert cell_len(line) == 80


@pytest.mark.parametrize("name", ["👩\u200d💻kim", "🏳\ufe0f\u200d🌈 kim", "🧑🏽\u200d🚀 bob"])
async def test_an_emoji_name_does_not_shift_the_header(control_room: Rooms, name: str) -> None:
    app = control_room(None, config=Config(operator=name)).app
    async with app.run_test(size=(80, 24)) as pilot:
        app.query_one(ControlHeader).show_pairing(("bob",), "bob", False)
        await pilot.pause()
        line = app.screen._compositor.render_strips()[0].text
        # Textual lays the line out by its cell lengths; a terminal draws each character
        # by its own width. They agree: nothing after the name moves by a cell.
        assert cell_len(line) == 80
        assert sum(get_character_cell_size(char) for char in line) == 80, line
        assert "poll:bob" in line


async def test_the_host_line_shortens_names_rather_than_cut_a_field(
    control_room: Rooms,
) -> None:
    app = control_room(None, host_reader=lambda: HostSample(100.0, 100.0, 12.34, 100.0)).app
    async with app.run_test(size=(80, 24)) as pilot:
        app.tick()
        await pilot.pause()
        host = next(line for line in screen_text(app).splitlines() if "Host" in line)
        left = host.split("▏")[0]
        assert "…" not in left and left.count("100%") == 3 and "12.34" in left, left
