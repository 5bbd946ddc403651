"""Loading runbooks: the packaged default plus the files the configuration names.

The rules live in ``core.runbook``; this module reads files. Every failure becomes a
``RunbookError`` naming the file (and, from the parser, the slot and item id), so
``autus-tui check`` can print one sentence and exit 1. Relative paths in
``config.runbooks`` are taken from the current directory (``~`` is expanded).
"""

from __future__ import annotations

from pathlib import Path

from autus_tui.core.config import Config
from autus_tui.core.runbook import Runbook, RunbookError, combine, parse_runbook
from autus_tui.services.file_reading import RUNBOOK_CAP, FileProblem, read_toml_file
from autus_tui.services.package_files import data_folder

DEFAULT_RUNBOOK = "launch-day.toml"
DEFAULT_SOURCE = f"checklists/{DEFAULT_RUNBOOK}"


def metric_keys(config: Config) -> set[str]:
    """Every metric a rule may name, switched off ones too (their rules find no value)."""
    return {spec.key for spec in (*config.metrics, *config.sources.switched_off)}


def load_default_runbook(keys: set[str]) -> Runbook:
    """The seed's launch-day runbook, shipped in ``checklists/``."""
    return _load(data_folder("checklists") / DEFAULT_RUNBOOK, DEFAULT_SOURCE, keys)


def load_runbook_file(path: str | Path, keys: set[str]) -> Runbook:
    return _load(Path(path), str(path), keys)


def _load(path: Path, source: str, keys: set[str]) -> Runbook:
    try:
        data = read_toml_file(path, RUNBOOK_CAP)
    except FileProblem as error:
        raise RunbookError(source, "", error.problem) from None
    return parse_runbook(data, source, keys)


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
