"""Where the shipped data folders are: ``styles/`` (TCSS), ``checklists/`` (runbooks) and
``scenarios/`` (the simulated backend's; ``sim.scenarios.scenario_folder`` applies the
same rule, since ``sim`` sits on ``core`` only).

They live once, at the top of the repository. A wheel carries them inside the package
(``autus_tui/styles``, see ``setup.py``), so an installed copy works from any folder; an
editable install or a checkout has no copy inside the package and reads the top-level
folder, so an edit to the checkout's files is what runs.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import autus_tui

CHECKOUT = Path(autus_tui.__file__).resolve().parent.parent


def data_folder(name: str) -> Path:
    """``styles``, ``checklists`` or ``scenarios``: the installed copy if there is one,
    else the checkout's."""
    installed = Path(str(resources.files("autus_tui").joinpath(name)))
    return installed if installed.is_dir() else CHECKOUT / name
