"""A real release repository for the rollback tests, and waiting on the database.

``make_repo`` builds a git repository with tags v0.9.0, v0.9.9, v0.9.10 and v1.0.0 (HEAD)
and a Makefile whose ``deploy-prod`` writes the deployed version to ``deployed.txt``
beside the repository; ``reap_runners(db)`` ends whatever runner or step a test left
going. Git runs with its own config only (``ENV``: no global or system
config), user name and email set in the repository.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ENV = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
       "GIT_TERMINAL_PROMPT": "0"}
MAKEFILE = """\
deploy-prod:
\t@echo deploying $$(git describe --tags)
\t@git describe --tags > ../deployed.txt
"""
T = TypeVar("T")


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, env=ENV, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=30, check=True)
    return done.stdout.strip()


def make_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "autus"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    for key, value in (("user.name", "Test Operator"), ("user.email", "ops@example.test"),
                       ("commit.gpgsign", "false"), ("tag.gpgsign", "false")):
        git(repo, "config", key, value)
    (repo / "Makefile").write_text(MAKEFILE, encoding="utf-8")
    git(repo, "add", "Makefile")
    git(repo, "commit", "-q", "-m", "deploy target")
    git(repo, "tag", "v0.9.0")
    for tag in ("v0.9.9", "v0.9.10", "v1.0.0"):
        (repo / "VERSION").write_text(tag + "\n", encoding="utf-8")
        git(repo, "add", "VERSION")
        git(repo, "commit", "-q", "-m", f"release {tag}")
        git(repo, "tag", "-a", tag, "-m", tag)
    return repo


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD")


def wait_for(probe: Callable[[], T | None], timeout: float = 20.0, what: str = "") -> T:
    """Poll ``probe`` until it returns something truthy; fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or probe}")
        pause.wait(0.05)


def reap_runners(db: Path) -> None:
    """After a test: no runner, and no step, of a run in ``db`` is left running."""
    from autus_tui.core.rollback_run import StepState
    from autus_tui.services.rollback_liveness import runner_alive
    from autus_tui.store import Store
    from autus_tui.store.rollbacks import past_runs

    if not db.exists():
        return
    with Store(db) as store:
        for run in past_runs(store):
            if run.active and run.runner_pid and runner_alive(run):
                os.kill(run.runner_pid, signal.SIGKILL)
            for step in run.steps:
                if step.pid and step.state in (StepState.RUNNING, StepState.UNKNOWN):
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(step.pid, signal.SIGKILL)
