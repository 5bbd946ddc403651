"""autus-tui: a terminal control room for the AUTUS launch day."""

import sys

__version__ = "0.1.0"

# httpx imports its own command-line client (click, pygments, rich's progress and syntax)
# whenever those happen to be installed, and they are (sqlite-utils, Textual): ~3 MB of
# memory and ~13 ms at start for a tool we never run. A None entry makes that import fail
# quietly, which httpx expects (its ``main`` then only says how to install the CLI).
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
