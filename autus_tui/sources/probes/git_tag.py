"""``git_tag`` probe: the release tag exists in a local repository (``git tag -l TAG``).

PASS names the commit the tag points at; FAIL when the tag is absent, the folder is not
a repository (git's own first line), or git is missing. git runs with ``stdin`` closed,
in its own session, and its process group is killed when the probe is cancelled or
times out. The tag was validated by the config (no leading ``-``, no wildcards) and is
passed after ``--``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from pathlib import Path

from autus_tui.core.config import UNKNOWN_HOME
from autus_tui.core.probes import ProbeSpec, Status
from autus_tui.sources.probes.common import Outcome

# The commit a tag names, whether it is lightweight or annotated.
FORMAT = ("%(refname:strip=2) "
          "%(if)%(*objectname)%(then)%(*objectname:short)%(else)%(objectname:short)%(end)")
MAX_OUTPUT = 64 * 1024


async def check(spec: ProbeSpec) -> Outcome:
    assert spec.repo is not None and spec.tag is not None
    try:
        repo = Path(spec.repo).expanduser()
    except RuntimeError:  # ~someone that does not exist
        return Status.FAIL, f"repo {spec.repo}: {UNKNOWN_HOME}"
    if not repo.is_dir():
        return Status.FAIL, f"repo {spec.repo}: no such folder"
    code, out, err = await _git("-C", str(repo), "tag", "--list", f"--format={FORMAT}",
                                "--", spec.tag)
    if code != 0:
        first = next((line for line in err.splitlines() if line.strip()), f"exit {code}")
        return Status.FAIL, f"git tag -l failed in {spec.repo}: {first}"
    for line in out.splitlines():
        name, _, commit = line.partition(" ")
        if name == spec.tag:
            return Status.PASS, f"tag {spec.tag} exists in {spec.repo} (commit {commit})"
    return Status.FAIL, f"no tag {spec.tag} in {spec.repo}"


async def _git(*args: str) -> tuple[int, str, str]:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    try:
        process = await asyncio.create_subprocess_exec(
            "git", *args, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, start_new_session=True, env=env,
        )
    except FileNotFoundError:
        return 127, "", "git is not installed (not on PATH)"
    try:
        out, err = await process.communicate()
    finally:
        if process.returncode is None:  # cancelled or timed out: end the whole group
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            await process.wait()
    return process.returncode or 0, _text(out), _text(err)


def _text(raw: bytes) -> str:
    return raw[:MAX_OUTPUT].decode("utf-8", errors="replace")
