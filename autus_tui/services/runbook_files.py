"""Loading runbooks: the packaged default plus the files the configuration names.

The rules live in ``core.runbook``; this module reads files. Every failure becomes a
``RunbookError`` naming the file (and, from the parser, the slot and item id), so
``autus-tui check`` can print one sentence and exit 1. Relative paths in
``config.runbooks`` are taken from the current directory (``~`` is expanded).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from autus_tui.core.config import UNKNOWN_HOME, Config
from autus_tui.core.runbook import Runbook, RunbookError, combine, parse_runbook
from autus_tui.services.package_files import data_folder

DEFAULT_RUNBOOK = "launch-day.toml"
DEFAULT_SOURCE = f"checklists/{DEFAULT_RUNBOOK}"


def metric_keys(config: Config) -> set[str]:
    """Every metric a rule may name, switched off ones too (their rules find no value)."""
    return {spec.key for spec in (*config.metrics, *config.sources.switched_off)}


def load_default_runbook(keys: set[str]) -> Runbook:
    """The seed's launch-day runbook, shipped in ``checklists/``."""
    resource = data_folder("checklists") / DEFAULT_RUNBOOK
    try:
        raw = resource.read_bytes()
    except OSError as error:
        raise RunbookError(DEFAULT_SOURCE, "", f"cannot be read ({error.strerror})") from None
    return parse_runbook(_decode(raw, DEFAULT_SOURCE), DEFAULT_SOURCE, keys)


def load_runbook_file(path: str | Path, keys: set[str]) -> Runbook:
    source = str(path)
    try:
        raw = Path(path).expanduser().read_bytes()
    except FileNotFoundError:
        raise RunbookError(source, "", "no such file") from None
    except IsADirectoryError:
        raise RunbookError(source, "", "is a folder, not a file") from None
    except PermissionError:
        raise RunbookError(source, "", "not readable (permission denied)") from None
    except OSError as error:
        raise RunbookError(source, "", f"cannot be read ({error.strerror})") from None
    except RuntimeError:  # ~someone that does not exist
        raise RunbookError(source, "", UNKNOWN_HOME) from None
    return parse_runbook(_decode(raw, source), source, keys)


def load_runbooks(config: Config, *, include_default: bool = True) -> Runbook:
    """The default runbook and every configured one, combined (ids unique across all).

    ``include_default=False`` lets a configured file stand in for the default (a
    benchmark runbook); then at least one must be configured.
    """
    keys = metric_keys(config)
    books = [load_default_runbook(keys)] if include_default else []
    if not books and not config.runbooks:
        raise RunbookError("configuration", "runbooks", "no runbook to load")
    books.extend(load_runbook_file(path, keys) for path in config.runbooks)
    return combine(books)


def _decode(raw: bytes, source: str) -> dict[str, Any]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise RunbookError(source, "", "is not UTF-8 text") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RunbookError(source, "", f"not valid TOML: {error}") from None
