"""Reading a configuration or runbook file that may not be what it claims.

``read_capped(path, cap)`` reads a regular file of at most ``cap`` bytes. Anything else
is refused with ``FileProblem`` (its ``problem`` a few words for the caller's one line):
a FIFO (opened without waiting for a writer, so it never hangs), a device such as
``/dev/zero`` (endless), a socket, a folder, or a file larger than ``cap`` (never read
past the cap). ``parse_toml(text)`` turns a TOML nesting deep enough to exhaust Python's
recursion into the same kind of problem instead of a ``RecursionError`` traceback.
``read_toml_file(path, cap)`` does both, and words every other failure (no such file,
permission, not UTF-8, not TOML) as a ``FileProblem`` too: the one place the config,
runbook and incident-matrix loaders read their files, each turning the problem into its
own error naming the file.
"""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path
from typing import Any

from autus_tui.core.config import UNKNOWN_HOME
from autus_tui.store.file_guard import file_kind

CONFIG_CAP = 1 << 20
"""A configuration file larger than 1 MiB is not one."""
RUNBOOK_CAP = 8 << 20
"""Runbooks of a few thousand items are well below 8 MiB."""


class FileProblem(Exception):
    """Why a file cannot be read, in a few words (the caller names the file)."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def read_capped(path: Path, cap: int) -> bytes:
    """The bytes of the regular file ``path`` (at most ``cap``); ``FileProblem`` else.
    ``OSError`` (no such file, permission denied) passes through for the caller to word."""
    handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(handle).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(path)
        if not stat.S_ISREG(mode):
            raise FileProblem(f"is not a regular file (it is a {file_kind(mode)})")
        data = bytearray()
        while len(data) <= cap:
            chunk = os.read(handle, min(1 << 16, cap + 1 - len(data)))
            if not chunk:
                return bytes(data)
            data += chunk
        raise FileProblem(f"is larger than {cap // (1 << 20)} MiB; not read")
    finally:
        os.close(handle)


def parse_toml(text: str) -> dict[str, Any]:
    """``tomllib.loads``; a nesting too deep is a ``FileProblem``, not a RecursionError."""
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise FileProblem("is nested too deeply to read (tables or arrays inside each "
                          "other hundreds of levels deep)") from None


def read_toml_file(path: Path, cap: int) -> dict[str, Any]:
    """The TOML table in the regular file ``path``; every failure a ``FileProblem``."""
    try:
        return parse_toml(read_capped(path.expanduser(), cap).decode("utf-8"))
    except FileNotFoundError:
        raise FileProblem("no such file") from None
    except IsADirectoryError:
        raise FileProblem("is a folder, not a file") from None
    except PermissionError:
        raise FileProblem("not readable (permission denied)") from None
    except OSError as error:  # a name too long, a loop of links...
        raise FileProblem(f"cannot be read ({error.strerror or error})") from None
    except RuntimeError:  # ~someone that does not exist
        raise FileProblem(UNKNOWN_HOME) from None
    except UnicodeDecodeError:
        raise FileProblem("is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise FileProblem(f"not valid TOML: {error}") from None
