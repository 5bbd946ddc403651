"""What the benchmarks look for on the emulated 80x24 screen, in one place.

Each test takes the screen as text (``PtySession.text()``). They follow the control
room's compact layout at 80x24 (metric panes on the left, the checklist panel right of
the ``▏`` rule); when that layout changes, this is the file to update, and
``bench_control_room.py`` says which test never held and prints the screen it saw.
"""

from __future__ import annotations

import contextlib
import re
import tomllib
from pathlib import Path

from pty_harness import ScreenTest, screen_matches

DEFAULT_RUNBOOK = Path(__file__).resolve().parent.parent / "checklists/launch-day.toml"

APP_FIRST_VALUE = screen_matches(r"^Active Users +\d[\d,]* ")
"""The Active Users row holds a number ("Active Users      15  OK")."""
APP_DRAWN = screen_matches(r"Active Users")


def app_shows(active_users: int) -> ScreenTest:
    """The Active Users row holds exactly this number (``marker_backend``'s marker)."""
    return screen_matches(rf"^Active Users +{active_users:,} ")


APP_HELP = screen_matches(r"│ Keys +│")
"""The help box's title row (its last line may be cut off at 80x24)."""
BASELINE_FIRST_VALUE = screen_matches(r"metric 1:\s+\d")
BASELINE_HELP = screen_matches(r"BASELINE HELP")

_HANGUL_RUN = re.compile(r"[\uac00-\ud7a3][\uac00-\ud7a3 ]{3}")
_SELECTED_ID = re.compile(r"▏ ([a-z0-9][\w-]*(?:\.[\w-]+)+)(?= ·|\s*$)", re.MULTILINE)
"""The checklist panel's detail line names the selected item: "▏ noon.traffic · on-call"."""
_DONE_BOX = "[x]"


def checklist_on_screen(*runbooks: Path) -> ScreenTest:
    """Holds when a piece of an item text of ``runbooks`` (and the default) is on screen.

    The piece is four characters from the text's first Hangul syllable: metric panes
    share English words with items ("Afterimage"), never Korean, and a narrow panel may
    cut a text short.
    """
    pieces: set[str] = set()
    for path in (*runbooks, DEFAULT_RUNBOOK):
        with contextlib.suppress(OSError, tomllib.TOMLDecodeError), path.open("rb") as handle:
            for slot in tomllib.load(handle).get("slots", []):
                for group in slot.get("groups", []):
                    for item in group.get("items", []):
                        if found := _HANGUL_RUN.search(str(item.get("text", ""))):
                            pieces.add(found.group())
    return lambda screen: any(piece in screen for piece in pieces)


def selected_item(screen: str) -> str | None:
    """The id of the checklist item the panel says is selected, if it says."""
    found = _SELECTED_ID.search(screen)
    return found.group(1) if found else None


def selection_moved_from(before: str | None) -> ScreenTest:
    """Holds when another item than ``before`` is selected."""
    return lambda screen: selected_item(screen) not in (None, before)


def done_marks(screen: str) -> int:
    """How many items show as done on screen."""
    return screen.count(_DONE_BOX)


def marks_changed_from(before: int) -> ScreenTest:
    """Holds when the number of done marks on screen is no longer ``before``."""
    return lambda screen: done_marks(screen) != before
