"""The layering, enforced: each folder is a layer and dependencies point inwards.

``ui`` and ``commands`` -> ``services`` -> ``sources`` / ``store`` -> ``core``; ``sim`` (the
simulated backend) sits on ``core``. Only ``ui`` imports Textual; ``core`` imports no I/O
library; ``services`` never imports ``ui`` or ``commands``; only ``cli`` imports ``commands``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import autus_tui

PACKAGE = Path(autus_tui.__file__).parent
IO_LIBRARIES = {
    "textual", "rich", "httpx", "aiohttp", "sqlite3", "sqlite_utils", "psutil",
    "prometheus_client", "socket", "subprocess", "asyncio", "os", "pathlib", "shutil",
}
# layer -> the autus_tui layers it may import (itself always allowed)
ALLOWED = {
    "core": set(),
    "sources": {"core"},
    "store": {"core"},
    "sim": {"core"},
    "services": {"core", "sources", "store"},
    "commands": {"core", "sources", "store", "services", "sim", "ui"},
    "ui": {"core", "sources", "store", "services", "sim"},
}


def _imports(path: Path) -> set[str]:
    """Every absolute module name the file imports (at any depth, lazily or not)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "autus_tui" and len(parts) > 1 else None


def _modules(layer: str) -> list[Path]:
    modules = sorted((PACKAGE / layer).rglob("*.py"))
    assert modules, f"{layer}/ has no modules"
    return modules


def test_the_top_level_holds_only_the_entry_point() -> None:
    loose = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert loose == ["__init__.py", "__main__.py", "cli.py"] or loose == ["__init__.py", "cli.py"]


def test_core_is_free_of_textual_and_io() -> None:
    leaks = {str(p.relative_to(PACKAGE)): {m.split(".")[0] for m in _imports(p)} & IO_LIBRARIES
             for p in _modules("core")}
    assert {path: names for path, names in leaks.items() if names} == {}


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_a_layer_imports_only_the_layers_below_it(layer: str) -> None:
    wrong = {}
    for path in _modules(layer):
        for module in _imports(path):
            target = _layer_of(module)
            if target is not None and target != layer and target not in ALLOWED[layer]:
                wrong.setdefault(str(path.relative_to(PACKAGE)), set()).add(module)
    assert wrong == {}


def test_only_ui_imports_textual() -> None:
    leaks = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
             if p.relative_to(PACKAGE).parts[0] != "ui"
             and any(m.split(".")[0] in {"textual", "rich"} for m in _imports(p))]
    assert leaks == []


def test_only_cli_imports_commands() -> None:
    importers = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
                 if p.relative_to(PACKAGE).parts[0] not in {"commands", "cli.py"}
                 and any(_layer_of(m) == "commands" for m in _imports(p))]
    assert importers == []


def test_no_two_modules_share_a_name_across_layers() -> None:
    seen: dict[str, str] = {}
    clashes = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "__init__.py":
            continue
        where = str(path.relative_to(PACKAGE))
        if path.name in seen:
            clashes.append((seen[path.name], where))
        seen[path.name] = where
    assert clashes == []
