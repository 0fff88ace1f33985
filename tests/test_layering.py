"""The engine and the store stay free of Qt; the engine never reads the store."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "planner"


def _imports(folder: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (PACKAGE / folder).rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
        found[str(path.relative_to(PACKAGE))] = names
    return found


def test_engine_and_store_never_import_qt():
    for folder in ("engine", "store"):
        for path, names in _imports(folder).items():
            qt = {n for n in names if n.startswith(("PySide6", "PyQt", "shiboken", "planner.ui"))}
            assert not qt, f"{path} imports {qt}"


def test_engine_never_imports_store_reports_or_ui():
    for path, names in _imports("engine").items():
        bad = {n for n in names if n.startswith(("planner.store", "planner.ui", "planner.reports",
                                                 "planner.planning", "sqlite"))}
        assert not bad, f"{path} imports {bad}"


def test_store_never_calls_the_engine_reports_or_planning():
    for path, names in _imports("store").items():
        bad = {n for n in names if n.startswith(("planner.engine", "planner.planning",
                                                 "planner.reports", "planner.exports"))}
        assert not bad, f"{path} imports {bad}"
