"""REHEARSAL on every screen of a rehearsal and at the top of every export: the timeline,
handover, incident panel, help, note and declare dialogs and the rollback plan each show
the banner line; the handover export and the report written from the screen start with
the REHEARSAL banner (once). A live control room shows none of it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import Room, settle, wait_until
from rollback_repo import ENV

from autus_tui.core.rehearsal_mark import BANNER
from autus_tui.core.rollback import RollbackConfig
from autus_tui.ui.rehearsal_banner import TEXT, RehearsalBanner
from autus_tui.ui.rollback_calls import RollbackSite
from autus_tui.ui.screens.handover import HandoverScreen
from autus_tui.ui.testing import screen_text

Rooms = Callable[..., Room]
SCREENS = (("t", "escape"), ("h", "escape"), ("I", "escape"), ("question_mark", "escape"),
           ("n", "escape"), ("i", "escape"), ("R", "escape"))


async def test_every_screen_of_a_rehearsal_says_rehearsal(control_room: Rooms,
                                                           release_repo: Path) -> None:
    room = control_room(rehearsal=True)
    app = room.app
    app.controller.rollback = RollbackSite(RollbackConfig(), release_repo, True, ENV)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "REHEARSAL" in screen_text(app)  # the header
        for key, close in SCREENS:
            await pilot.press(key)
            assert await wait_until(pilot, lambda: len(app.screen_stack) == 2), key
            assert await wait_until(pilot, lambda: TEXT.strip() in screen_text(app)), key
            assert len(app.screen.query(RehearsalBanner)) == 1, key
            await pilot.press(close)
            assert await wait_until(pilot, lambda: len(app.screen_stack) == 1), key
        await pilot.press("t")  # a screen reopened keeps one banner
        assert await wait_until(pilot, lambda: TEXT.strip() in screen_text(app))
        assert len(app.screen.query(RehearsalBanner)) == 1


async def test_a_live_screen_has_no_rehearsal_banner(control_room: Rooms) -> None:
    app = control_room(rehearsal=False).app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert "REHEARSAL" not in screen_text(app)
        assert not app.screen.query(RehearsalBanner)


async def test_exports_of_a_rehearsal_start_with_the_banner(control_room: Rooms,
                                                            tmp_path: Path) -> None:
    app = control_room(rehearsal=True).app
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("h")
        assert await wait_until(pilot, lambda: isinstance(app.screen, HandoverScreen))
        view = app.screen
        assert isinstance(view, HandoverScreen)
        await pilot.press("x")
        assert await wait_until(pilot, lambda: view.last_export is not None)
        assert view.last_export is not None and view.last_export.ok
        handover = view.last_export.path.read_text(encoding="utf-8")
        assert handover.startswith(BANNER + "\n\n# Handover — ")
        await pilot.press("escape")
        app.action_report()
        assert await wait_until(pilot, lambda: any(tmp_path.glob("report-*.md")))
        await settle(pilot)
        report = next(tmp_path.glob("report-*.md")).read_text(encoding="utf-8")
        assert report.splitlines()[0].endswith("(REHEARSAL)")
        assert report.splitlines()[2] == BANNER and report.count(BANNER) == 1


async def test_a_live_export_has_no_banner(control_room: Rooms) -> None:
    app = control_room(rehearsal=False).app
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("h", "x")
        view = app.screen
        assert isinstance(view, HandoverScreen)
        assert await wait_until(pilot, lambda: view.last_export is not None)
        assert view.last_export is not None
        assert "REHEARSAL" not in view.last_export.path.read_text(encoding="utf-8")
