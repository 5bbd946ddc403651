"""The simulated AUTUS backend (``autus-tui backend``) as a subprocess, for the benchmarks.

``Backend(scenario, seed, clock=None)`` picks a free loopback port, starts the backend in its own
process group with no terminal, waits until the port accepts a connection (the ``slow``
scenario answers only after 10 s, so HTTP is not the readiness test) and, as a context
manager, ends the whole group on exit, even on error. Its stderr goes to a temporary
file, shown if it dies at start.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from types import TracebackType

from pty_harness import kill_group


def free_port() -> int:
    """A loopback port that was free a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Backend:
    """The simulated AUTUS backend as a subprocess on a free loopback port."""

    def __init__(
        self,
        scenario: str = "calm",
        seed: int = 1,
        *,
        clock: str | None = None,
        python: str = sys.executable,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.scenario, self.seed, self.clock = scenario, seed, clock
        self.python = python
        self.env = dict(os.environ if env is None else env)
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        # stderr goes to a file that lives as long as the backend: a pipe could fill up.
        self._log = tempfile.TemporaryFile()  # noqa: SIM115

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 15.0) -> Backend:
        self.port = free_port()
        argv = [self.python, "-m", "autus_tui.cli", "backend", "--port", str(self.port),
                "--scenario", self.scenario, "--seed", str(self.seed)]
        if self.clock is not None:  # launch-day time to start from (the scenario's start)
            argv += ["--clock", self.clock]
        self.process = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=self._log, env=self.env, start_new_session=True,
        )
        # Readiness is "accepts a connection": the slow scenario takes 10 s to answer.
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self._log.seek(0)
                err = self._log.read().decode(errors="replace")
                raise RuntimeError(f"backend exited at start: {' '.join(argv)}\n{err}")
            with contextlib.suppress(OSError), socket.create_connection(
                ("127.0.0.1", self.port), timeout=0.2
            ):
                return self
            time.sleep(0.05)
        self.close()
        raise RuntimeError(f"backend did not listen on port {self.port} within {timeout} s")

    def close(self) -> None:
        if self.process is not None:
            kill_group(self.process)
        self._log.close()

    def __enter__(self) -> Backend:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
