"""The demo's report survives quitting: ``autus-tui demo`` under a pseudo-terminal as a real
process, stopped with ``q`` or SIGTERM, leaves its report in ``~/autus-demo-reports`` (its
rehearsal database goes with its temporary folder) and names the file on the way out."""

from __future__ import annotations

import os
import re
import signal
import sys
from pathlib import Path

import pytest
from test_exit_signals import Terminal, _assert_terminal_restored, _environment

from autus_tui.core.rehearsal_mark import BANNER

SAID = re.compile(rb"autus-tui demo: the rehearsal's report is in (\S+)\r\n")


@pytest.mark.parametrize("stop", ["q", "SIGTERM"])
def test_the_demos_report_survives_quitting(stop: str, tmp_path: Path) -> None:
    env = _environment(tmp_path)
    argv = [sys.executable, "-m", "autus_tui.cli", "demo", "--scenario", "outage",
            "--speed", "60"]
    term = Terminal(argv, env)
    try:
        assert term.wait_for(lambda: b"Active Users" in term.output
                             and any(tmp_path.glob("autus-demo-*/*.db")))
        assert term.leader is not None
        if stop == "q":
            os.write(term.leader, b"q")
        else:
            term.process.send_signal(signal.SIGTERM)
        assert term.wait_exit() == 0, term.output[-2000:]
        said = SAID.search(term.output)
        assert said is not None, term.output[-2000:]
        _assert_terminal_restored(term.output, said.group())
    finally:
        term.close()
    path = Path(said.group(1).decode())
    assert path.parent == tmp_path / "home" / "autus-demo-reports"
    assert re.fullmatch(r"demo-outage-\d{8}-\d{6}\.md", path.name)
    assert path.stat().st_mode & 0o077 == 0 and path.parent.stat().st_mode & 0o077 == 0
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# D-Day 리포트 — AUTUS v1.0") and "(REHEARSAL)" in text
    assert BANNER in text
    assert "## Summary" in text and "## Hour by hour" in text
    assert list(tmp_path.glob("autus-demo-*")) == []  # the database went with its folder
