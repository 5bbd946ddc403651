"""Packaging beyond what pyproject.toml can say: the top-level ``styles/``, ``checklists/``
and ``scenarios/`` folders (the one source of the TCSS, the default runbook and the
simulated backend's scenarios) are carried into the wheel as ``autus_tui/styles``,
``autus_tui/checklists`` and ``autus_tui/scenarios``."""

from setuptools import find_packages, setup

DATA_FOLDERS = {
    "autus_tui.styles": "styles", "autus_tui.checklists": "checklists",
    "autus_tui.scenarios": "scenarios",
}

setup(
    packages=[*find_packages(include=["autus_tui", "autus_tui.*"]), *DATA_FOLDERS],
    package_dir=DATA_FOLDERS,
    package_data={"autus_tui.styles": ["*.tcss"], "autus_tui.checklists": ["*.toml"],
                  "autus_tui.scenarios": ["*.toml"]},
)
