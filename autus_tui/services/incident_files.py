"""Loading the incident matrix: the packaged ``checklists/incident-matrix.toml``.

The rules live in ``core.incident_matrix``; this module reads files. Every failure is a
``MatrixError`` naming the file (and, from the parser, the key), so ``autus-tui check``
prints one sentence and exits 1. Metric conditions are checked against the metric keys
of the configuration, as the runbook's verify rules are.
"""

from __future__ import annotations

from pathlib import Path

from autus_tui.core.config import Config
from autus_tui.core.incident_matrix import IncidentMatrix, MatrixError, parse_matrix
from autus_tui.services.file_reading import RUNBOOK_CAP, FileProblem, read_toml_file
from autus_tui.services.package_files import data_folder
from autus_tui.services.runbook_files import metric_keys

DEFAULT_MATRIX = "incident-matrix.toml"
DEFAULT_SOURCE = f"checklists/{DEFAULT_MATRIX}"


def load_default_matrix(keys: set[str]) -> IncidentMatrix:
    """The seed's incident matrix, shipped in ``checklists/``."""
    return _load(data_folder("checklists") / DEFAULT_MATRIX, DEFAULT_SOURCE, keys)


def load_matrix_file(path: str | Path, keys: set[str]) -> IncidentMatrix:
    """A matrix file elsewhere (tests, a team's own matrix)."""
    return _load(Path(path), str(path), keys)


def _load(path: Path, source: str, keys: set[str]) -> IncidentMatrix:
    try:
        data = read_toml_file(path, RUNBOOK_CAP)
    except FileProblem as error:
        raise MatrixError(source, "", error.problem) from None
    return parse_matrix(data, source, keys)


def load_matrix(config: Config) -> IncidentMatrix:
    """The matrix for this configuration (its metric keys judge the signal rules)."""
    return load_default_matrix(metric_keys(config))
