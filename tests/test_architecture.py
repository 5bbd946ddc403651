"""The layering rule of DESIGN.md: ``core`` imports neither Textual nor any I/O library."""

import ast
from pathlib import Path

import autus_tui

CORE = Path(autus_tui.__file__).parent / "core"
FORBIDDEN = {
    "textual", "rich", "httpx", "aiohttp", "sqlite3", "sqlite_utils", "psutil",
    "prometheus_client", "socket", "subprocess", "asyncio", "os", "pathlib", "shutil",
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_is_free_of_textual_and_io() -> None:
    modules = sorted(CORE.rglob("*.py"))
    assert modules, "core/ has no modules"
    leaks = {str(p.relative_to(CORE)): _imports(p) & FORBIDDEN for p in modules}
    assert {path: names for path, names in leaks.items() if names} == {}


def test_core_imports_nothing_outside_core() -> None:
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("autus_tui."):
                module = node.module or ""
                assert module.startswith("autus_tui.core"), f"{path.name} imports {module}"
