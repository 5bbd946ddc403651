"""Input at its limits (issue 11, items 5, 6 (flags), 7 and 9): files that are not regular
files, numbers that are not finite or out of any sane range, nesting deep enough to
exhaust Python's recursion, an operator name of any length. Each is one line naming the
flag or file and key, from the real ``autus-tui`` process: no hang, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from autus_tui.core.runbook import ItemState
from autus_tui.core.text import OPERATOR_LIMIT
from autus_tui.services.config_files import load_config
from autus_tui.store import Store


def _environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("AUTUS_")}


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "autus_tui.cli", *args], capture_output=True,
                          text=True, timeout=30, env=_environment(), stdin=subprocess.DEVNULL)


def _refused(*args: str) -> str:
    """The one line on stderr of a command that must refuse (exit 1, no traceback)."""
    done = _cli(*args)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


# -- 5. not a regular file ------------------------------------------------------------------


def test_a_device_or_fifo_as_config_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "autus.toml"
    os.mkfifo(fifo)
    for path, kind in (("/dev/zero", "device"), (str(fifo), "FIFO")):
        line = _refused("check", "--config", path)
        assert line.endswith(f"{path}: (file): is not a regular file (it is a {kind})")


def test_a_device_or_fifo_as_runbook_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "book.toml"
    os.mkfifo(fifo)
    for path, kind in (("/dev/zero", "device"), (str(fifo), "FIFO")):
        config = tmp_path / f"with-{kind}.toml"
        config.write_text(f'runbooks = ["{path}"]\n')
        line = _refused("check", "--config", str(config))
        assert path in line and f"is not a regular file (it is a {kind})" in line


def test_a_huge_config_is_not_read_past_its_cap(tmp_path: Path) -> None:
    config = tmp_path / "autus.toml"
    config.write_text("# padding\n" * 200_000)  # 2 MB of comments
    assert "is larger than 1 MiB; not read" in _refused("check", "--config", str(config))


def test_nesting_900_deep_is_one_line_not_a_recursion_error(tmp_path: Path) -> None:
    config = tmp_path / "deep.toml"
    config.write_text("operator = " + "[" * 900 + "]" * 900 + "\n")
    assert "nested too deeply" in _refused("check", "--config", str(config))
    book = tmp_path / "book.toml"
    book.write_text("x = " + "{a = " * 900 + "1" + "}" * 900 + "\n")
    config.write_text(f'runbooks = ["{book}"]\n')
    line = _refused("check", "--config", str(config))
    assert str(book) in line and "nested too deeply" in line


# -- 7. numbers at their limits ---------------------------------------------------------------


@pytest.mark.parametrize(("flags", "named"), [
    (["--rehearsal", "--speed", "inf"], "command line: speed:"),
    (["--rehearsal", "--speed", "1e12"], "command line: speed:"),
    (["--rehearsal", "--speed", "nan"], "command line: speed:"),
    (["--rehearsal", "--clock", "0001-01-01T00:00"], "command line: clock:"),
    (["--rehearsal", "--clock", "9999-12-31T23:59:59"], "command line: clock:"),
])
def test_flags_out_of_range_are_one_line_naming_the_flag(
    tmp_path: Path, flags: list[str], named: str,
) -> None:
    # ``record`` validates before it opens anything: no database is created.
    db = tmp_path / "rehearsal.db"
    line = _refused("record", "--db", str(db), "--backend", "http://127.0.0.1:9", *flags)
    assert named in line
    assert not db.exists()


@pytest.mark.parametrize(("toml", "named"), [
    ("[backend]\ninterval = inf\n", "backend.interval:"),
    ("[backend]\ninterval = 1e308\n", "backend.interval:"),
    ("[backend]\ntimeout = nan\n", "backend.timeout:"),
    ("[metrics.error_rate]\nwarning = nan\n", "metrics.error_rate.warning:"),
    ("[metrics.error_rate]\nwarning = inf\n", "metrics.error_rate.warning:"),
    ("[metrics.error_rate]\ncritical = nan\n", "metrics.error_rate.critical:"),
    ("[metrics.error_rate]\nmaximum = inf\n", "metrics.error_rate.maximum:"),
    ("[launch]\ndate = 0001-01-01\n", "launch.date:"),
])
def test_check_refuses_numbers_that_are_not_finite_or_sane(
    tmp_path: Path, toml: str, named: str,
) -> None:
    config = tmp_path / "autus.toml"
    config.write_text(toml)
    line = _refused("check", "--config", str(config))
    assert line.startswith(f"autus-tui: {config}: {named}")


# -- 6. the rehearsal flags need a rehearsal --------------------------------------------------


@pytest.mark.parametrize("flags", [["--clock", "2026-11-27T08:55"], ["--speed", "60"]])
def test_clock_or_speed_without_rehearsal_is_an_error(tmp_path: Path, flags: list[str]) -> None:
    db = tmp_path / "launch.db"
    line = _refused("record", "--db", str(db), "--backend", "http://127.0.0.1:9", *flags)
    assert f"command line: {flags[0][2:]}: applies only to a rehearsal" in line
    assert not db.exists()


# -- 9. an operator name of any length ---------------------------------------------------------


def test_an_operator_name_is_cleaned_and_capped_where_it_is_stored(tmp_path: Path) -> None:
    long = "\x1b[2J" + "김" * 500 + "\u202e"
    config = load_config(None, {"operator": long}, environ={})
    assert len(config.operator) <= OPERATOR_LIMIT and "\x1b" not in config.operator
    with Store(tmp_path / "day.db") as store:  # a caller that did not go through config
        store.mark("launch.monitor.errors", ItemState.DONE, long)
        mark = store.mark_of("launch.monitor.errors")
        event = store.timeline()[0]
    assert mark is not None
    for stored in (mark.operator, event.operator):
        assert len(stored) <= OPERATOR_LIMIT
        assert stored.startswith("김") and "\x1b" not in stored and "\u202e" not in stored


# -- 8. a health status is matched after it is cleaned ------------------------------------------


def test_a_health_status_wrapped_in_control_sequences_still_reads_down() -> None:
    from autus_tui.core.payload import read_health

    health = read_health({"status": "\x1b]0;x\x07down\x1b[2J", "message": "\u202eok"})
    assert health.status == "down"
    assert health.message == "ok"
    assert read_health({"status": "\u200bdegraded"}).status == "degraded"
    assert read_health({"status": "fine"}).status == "unknown"
