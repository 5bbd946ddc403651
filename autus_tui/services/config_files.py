"""Loading configuration: the TOML file, the environment and the flags, in that order.

The typed model and every rule live in ``core.config``; this module only gathers the
layers, which is I/O (a file, the environment). See docs/architecture.md, "Command line".
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from autus_tui.core.config import UNKNOWN_HOME, Config, ConfigError, Layer, build_config
from autus_tui.services.file_reading import CONFIG_CAP, FileProblem, read_toml_file

ENV_KEYS = {
    "AUTUS_BACKEND_URL": ("backend", "url"),
    "AUTUS_DB": ("db",),
    "AUTUS_OPERATOR": ("operator",),
    "AUTUS_WEBHOOK_URL": ("webhook_url",),
    "AUTUS_REHEARSAL_WEBHOOK_URL": ("rehearsal_webhook_url",),
}


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file, turning every failure into a ConfigError naming the file."""
    try:
        return read_toml_file(path, CONFIG_CAP)
    except FileProblem as error:
        raise ConfigError(str(path), "(file)", error.problem) from None


def environment_layer(environ: Mapping[str, str]) -> Layer:
    data: dict[str, Any] = {}
    for name, key in ENV_KEYS.items():
        value = environ.get(name)
        if value:
            _set(data, key, value)
    return ("environment", data)


def load_config(
    config_file: str | None = None,
    flags: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Config:
    """Defaults < config file (``--config`` or ``AUTUS_CONFIG``) < environment < flags.

    ``flags`` maps dotted keys (``backend.url``) to values already given on the command
    line; ``None`` values are ignored, so an unset flag never overrides.
    """
    environ = os.environ if environ is None else environ
    layers: list[Layer] = []
    path = config_file or environ.get("AUTUS_CONFIG")
    if path:
        layers.append((path, read_toml(_expand(path))))
    layers.append(environment_layer(environ))
    flag_data: dict[str, Any] = {}
    for dotted, value in (flags or {}).items():
        if value is not None:
            _set(flag_data, tuple(dotted.split(".")), value)
    layers.append(("command line", flag_data))
    config = build_config(layers)
    if not config.operator:
        config = build_config([*layers, ("login name", {"operator": login_name()})])
    return config


def _expand(path: str) -> Path:
    try:
        return Path(path).expanduser()
    except RuntimeError:  # ~someone that does not exist
        raise ConfigError(path, "(file)", UNKNOWN_HOME) from None


def login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "operator"


def _set(data: dict[str, Any], key: tuple[str, ...], value: object) -> None:
    for part in key[:-1]:
        data = data.setdefault(part, {})
    data[key[-1]] = value
