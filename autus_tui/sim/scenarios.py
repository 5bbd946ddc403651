"""The simulated backend's scenarios: timelines from files, and two fault modes.

A scenario answers "what would the backend say at ``elapsed`` after launch?" (negative
``elapsed`` is before launch) for a given ``seed``; values depend only on (whole seconds
of elapsed, seed). Most scenarios are files in the top-level ``scenarios/`` folder
(``core.scenario_file`` reads them, ``sim.playback`` plays them): ``calm``, ``spike``,
``outage``, ``launch-day`` and one per row of the seed's incident matrix. ``--scenario``
takes such a name or the path of a file of one's own (any ``/`` or a ``.toml`` ending).

Two are not timelines but fault modes over the calm day, kept in Python because they
change how the backend answers rather than what happens when:

- ``slow``: calm values, every answer 10 s late;
- ``hostile``: calm values with a bad payload rotating every few seconds (``sim.faults``).

The time of a file's events is the launch-day clock; ``load_scenario(name, launch)``
places them relative to the launch's time of day (default 09:00).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import time, timedelta
from importlib import resources
from pathlib import Path

import autus_tui
from autus_tui.core.scenario_file import ScenarioError, ScenarioFile, parse_scenario_text
from autus_tui.sim.faults import HOSTILE_ROTATION, SLOW_SECONDS
from autus_tui.sim.morning import SimState, whole_seconds
from autus_tui.sim.playback import Timeline

__all__ = [
    "SCENARIOS", "Scenario", "ScenarioError", "SimState", "UnknownScenario",
    "load_scenario", "scenario_folder", "scenario_names",
]

HOSTILE_STEP_SECONDS = 4
LAUNCH = time(9, 0)
FIRST = ("calm", "spike", "outage", "launch-day")
"""Listed first when the names are shown; the rest follow in alphabetical order."""
MODES = ("slow", "hostile")


class UnknownScenario(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(f"unknown scenario {name!r} (known: {scenario_names()})")
        self.name = name


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    state_at: Callable[[timedelta, int], SimState]
    file: ScenarioFile | None = None
    """The timeline played (for a fault mode, the calm day it plays over)."""

    def state(self, elapsed: timedelta, seed: int) -> SimState:
        return self.state_at(elapsed, seed)

    @property
    def start(self) -> time:
        """Where ``demo`` and ``backend`` start the clock: the file's ``start``."""
        seconds = self.file.start if self.file is not None else 9 * 3600
        return time(seconds // 3600, seconds // 60 % 60, seconds % 60)


def scenario_folder() -> Path:
    """The shipped files: the wheel's copy inside the package, else the checkout's
    top-level folder (the same rule as ``services.package_files.data_folder``)."""
    installed = Path(str(resources.files("autus_tui").joinpath("scenarios")))
    if installed.is_dir():
        return installed
    return Path(autus_tui.__file__).resolve().parent.parent / "scenarios"


def _shipped_files() -> list[str]:
    try:
        return sorted(path.stem for path in scenario_folder().glob("*.toml"))
    except OSError:
        return []


def scenario_names() -> str:
    files = _shipped_files()
    ordered = [name for name in FIRST if name in files]
    ordered += [name for name in files if name not in FIRST]
    return ", ".join([*ordered, *MODES])


def is_path(name: str) -> bool:
    return "/" in name or name.endswith(".toml")


def read_scenario_file(path: str | Path) -> ScenarioFile:
    """Read and parse one file; every failure is a ``ScenarioError`` naming it."""
    source = str(path)
    try:
        raw = Path(path).expanduser().read_bytes()
    except FileNotFoundError:
        raise ScenarioError(source, "(file)", "no such file") from None
    except IsADirectoryError:
        raise ScenarioError(source, "(file)", "is a folder, not a file") from None
    except PermissionError:
        raise ScenarioError(source, "(file)", "not readable (permission denied)") from None
    except OSError as error:
        raise ScenarioError(source, "(file)", f"cannot be read ({error.strerror})") from None
    except RuntimeError:  # ~someone that does not exist
        raise ScenarioError(source, "(file)", "no such home folder") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(source, "(file)", "is not UTF-8 text") from None
    name = Path(source).name.removesuffix(".toml")
    return parse_scenario_text(text, source, name)


@functools.lru_cache(maxsize=64)
def _shipped(name: str, launch: time) -> Scenario:
    file = read_scenario_file(scenario_folder() / f"{name}.toml")
    return _played(file, launch)


def _played(file: ScenarioFile, launch: time) -> Scenario:
    timeline = Timeline(file, launch.hour * 3600 + launch.minute * 60 + launch.second)
    return Scenario(file.name, file.description, timeline.state, file)


def load_scenario(name: str, launch: time = LAUNCH) -> Scenario:
    """A shipped scenario by name, a fault mode, or a file by path (``/`` or ``.toml``).

    Raises ``UnknownScenario`` for a name that is none of these and ``ScenarioError``
    (file and key) for a file that is wrong.
    """
    if is_path(name):
        return _played(read_scenario_file(name), launch)
    if name in MODES:
        calm = _shipped("calm", launch)
        return _mode(name, calm)
    if name not in _shipped_files():
        raise UnknownScenario(name)
    return _shipped(name, launch)


def _mode(name: str, calm: Scenario) -> Scenario:
    if name == "slow":
        def slow(elapsed: timedelta, seed: int) -> SimState:
            state = calm.state(elapsed, seed)
            return SimState(state.metrics, state.health, delay=SLOW_SECONDS)

        return Scenario("slow", "calm values, every answer 10 s late", slow, calm.file)

    def hostile(elapsed: timedelta, seed: int) -> SimState:
        state = calm.state(elapsed, seed)
        step = whole_seconds(elapsed.total_seconds()) // HOSTILE_STEP_SECONDS
        fault = HOSTILE_ROTATION[step % len(HOSTILE_ROTATION)]
        return SimState(state.metrics, state.health, fault=fault)

    return Scenario("hostile", "calm values with a rotating bad payload", hostile, calm.file)


class _Catalog(Mapping[str, Scenario]):
    """Every named scenario at the default launch time, read when first asked for."""

    def __getitem__(self, name: str) -> Scenario:
        if is_path(name):
            raise KeyError(name)
        try:
            return load_scenario(name)
        except UnknownScenario:
            raise KeyError(name) from None

    def __iter__(self) -> Iterator[str]:
        return iter(scenario_names().split(", "))

    def __len__(self) -> int:
        return len(scenario_names().split(", "))


SCENARIOS: Mapping[str, Scenario] = _Catalog()
