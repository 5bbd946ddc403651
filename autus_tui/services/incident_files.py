"""Loading the incident matrix: the packaged ``checklists/incident-matrix.toml``.

The rules live in ``core.incident_matrix``; this module reads files. Every failure is a
``MatrixError`` naming the file (and, from the parser, the key), so ``autus-tui check``
prints one sentence and exits 1. Metric conditions are checked against the metric keys
of the configuration, as the runbook's verify rules are.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from autus_tui.core.config import UNKNOWN_HOME, Config
from autus_tui.core.incident_matrix import IncidentMatrix, MatrixError, parse_matrix
from autus_tui.services.package_files import data_folder
from autus_tui.services.runbook_files import metric_keys

DEFAULT_MATRIX = "incident-matrix.toml"
DEFAULT_SOURCE = f"checklists/{DEFAULT_MATRIX}"


def load_default_matrix(keys: set[str]) -> IncidentMatrix:
    """The seed's incident matrix, shipped in ``checklists/``."""
    resource = data_folder("checklists") / DEFAULT_MATRIX
    try:
        raw = resource.read_bytes()
    except OSError as error:
        raise MatrixError(DEFAULT_SOURCE, "", f"cannot be read ({error.strerror})") from None
    return parse_matrix(_decode(raw, DEFAULT_SOURCE), DEFAULT_SOURCE, keys)


def load_matrix_file(path: str | Path, keys: set[str]) -> IncidentMatrix:
    """A matrix file elsewhere (tests, a team's own matrix)."""
    source = str(path)
    try:
        raw = Path(path).expanduser().read_bytes()
    except FileNotFoundError:
        raise MatrixError(source, "", "no such file") from None
    except IsADirectoryError:
        raise MatrixError(source, "", "is a folder, not a file") from None
    except PermissionError:
        raise MatrixError(source, "", "not readable (permission denied)") from None
    except OSError as error:
        raise MatrixError(source, "", f"cannot be read ({error.strerror})") from None
    except RuntimeError:  # ~someone that does not exist
        raise MatrixError(source, "", UNKNOWN_HOME) from None
    return parse_matrix(_decode(raw, source), source, keys)


def load_matrix(config: Config) -> IncidentMatrix:
    """The matrix for this configuration (its metric keys judge the signal rules)."""
    return load_default_matrix(metric_keys(config))


def _decode(raw: bytes, source: str) -> dict[str, Any]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise MatrixError(source, "", "is not UTF-8 text") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise MatrixError(source, "", f"not valid TOML: {error}") from None
