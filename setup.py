"""Packaging beyond what pyproject.toml can say: the top-level ``styles/`` and
``checklists/`` folders (the one source of the TCSS and the default runbook) are carried
into the wheel as ``autus_tui/styles`` and ``autus_tui/checklists``."""

from setuptools import find_packages, setup

DATA_FOLDERS = {"autus_tui.styles": "styles", "autus_tui.checklists": "checklists"}

setup(
    packages=[*find_packages(include=["autus_tui", "autus_tui.*"]), *DATA_FOLDERS],
    package_dir=DATA_FOLDERS,
    package_data={"autus_tui.styles": ["*.tcss"], "autus_tui.checklists": ["*.toml"]},
)
