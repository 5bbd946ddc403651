"""``[report]``: where the handover exports and the launch-day reports are written.

``folder`` (text, optional): the folder for ``handover-*.md`` and ``report-*.md``; ``~``
is the user's home, a relative path is from the folder the control room was started in.
Without it they go beside the database (the one place every paired operator reaches,
already kept from other users). Unknown keys and empty text are errors naming the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class ReportConfig:
    folder: str | None = None
    """Where exports go; ``None``: beside the database."""


def parse_report(source: str, raw: object, base: ReportConfig) -> ReportConfig:
    """``[report]`` of one layer over ``base``; ConfigError names the key."""
    from autus_tui.core.config import ConfigError  # it imports this module

    if not isinstance(raw, Mapping):
        raise ConfigError(source, "report", f"expected a table, got {raw!r}")
    folder = base.folder
    for key, value in raw.items():
        if key != "folder":
            raise ConfigError(source, f"report.{key}", "unknown key (known: folder)")
        if not isinstance(value, str) or not value.strip() or "\x00" in value:
            raise ConfigError(source, "report.folder",
                              f"expected the path of a folder, got {value!r}")
        folder = value.strip()
    return ReportConfig(folder)
