"""The headless subcommands as real processes: no Textual loaded, one clean line on failure."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from autus_tui.store import Store

RUN = """
import sys
from autus_tui.cli import main
code = main(sys.argv[1:])
print("textual loaded" if "textual" in sys.modules else "no textual", file=sys.stderr)
sys.exit(code)
"""


def _environment(home: Path) -> dict[str, str]:
    return {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "data"),
            "AUTUS_CONFIG": "", "AUTUS_DB": "", "AUTUS_BACKEND_URL": ""}


def _start(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", RUN, *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env=_environment(tmp_path), start_new_session=True)


@pytest.mark.slow
def test_check_report_and_record_never_import_textual(tmp_path: Path) -> None:
    db = str(tmp_path / "launch.db")
    record = _start(tmp_path, "record", "--db", db, "--backend", "http://127.0.0.1:9",
                    "--operator", "carol")
    try:
        assert record.stdout is not None
        assert "recording to" in record.stdout.readline()  # running: the lease loop started
        record.send_signal(signal.SIGTERM)
        _out, err = record.communicate(timeout=15)
    finally:
        if record.poll() is None:
            record.kill()
            record.wait()
    assert record.returncode == 0 and err.splitlines()[-1] == "no textual", err
    for args in (["check"], ["report", "--db", db]):
        done = _start(tmp_path, *args)
        _out, err = done.communicate(timeout=30)
        assert done.returncode == 0 and err.splitlines() == ["no textual"], (args, err)


def test_another_programs_hostile_table_names_never_reach_the_terminal(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute('CREATE TABLE "x\x1b]0;pwned\x07y" (a)')
    conn.close()
    done = _start(tmp_path, "report", "--db", str(other))
    _out, err = done.communicate(timeout=30)
    assert done.returncode == 1
    line = err.splitlines()[0]
    assert line.startswith(f"autus-tui report: {other}: is the SQLite database of another")
    assert "\x1b" not in err and "\x07" not in err


def test_a_reader_that_leaves_early_is_not_a_traceback(tmp_path: Path) -> None:
    done = _start(tmp_path, "check")
    assert done.stdout is not None
    done.stdout.close()  # like `autus-tui check | true`: nobody reads what it prints
    err = done.stderr.read() if done.stderr else ""
    done.wait(timeout=30)
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
    assert done.returncode == 1


NOBODY = "~no-such-user-autus"


@pytest.mark.slow
def test_a_path_naming_an_unknown_users_home_is_one_line_for_every_subcommand(
    tmp_path: Path,
) -> None:
    config = tmp_path / "runbooks.toml"
    config.write_text(f'runbooks = ["{NOBODY}/extra.toml"]\n', encoding="utf-8")
    db = tmp_path / "launch.db"
    cases = [
        (["check", "--config", f"{NOBODY}/autus.toml"], f"autus-tui: {NOBODY}/autus.toml: "),
        (["check", "--config", str(config)], f"autus-tui: {NOBODY}/extra.toml: "),
        (["report", "--db", f"{NOBODY}/x.db"], f"autus-tui report: {NOBODY}/x.db: "),
        (["record", "--db", f"{NOBODY}/x.db"], f"autus-tui record: {NOBODY}/x.db: "),
    ]
    for args, start in cases:
        done = _start(tmp_path, *args)
        _out, err = done.communicate(timeout=30)
        assert done.returncode == 1, (args, err)
        assert err.splitlines()[0].startswith(start), (args, err)
        assert "no user or home folder" in err and "Traceback" not in err, (args, err)
    assert not list(tmp_path.glob("~*")) and not list(Path.cwd().glob("~*"))  # no "~x" folder
    Store(db).close()
    done = _start(tmp_path, "report", "--db", str(db), "--out", f"{NOBODY}/r.md")
    _out, err = done.communicate(timeout=30)
    assert done.returncode == 1 and "Traceback" not in err, err
    assert err.startswith(f"autus-tui report: cannot write the report to {NOBODY}/r.md: its ~")
