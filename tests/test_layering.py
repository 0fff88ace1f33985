"""The engine and the store stay free of Qt; the engine never reads the store."""

import ast
import re
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


#: calls that run SQL (sqlite3 / sqlite-utils / pandas)
SQL_CALLS = {"execute", "executemany", "executescript", "query", "read_sql", "read_sql_query"}
#: text that is SQL, in a string literal
SQL_TEXT = re.compile(r"\b(SELECT|UPDATE|INSERT|DELETE FROM|CREATE TABLE|PRAGMA)\s")


def _sources(*patterns: str) -> list[Path]:
    return sorted(path for pattern in patterns for path in PACKAGE.glob(pattern))


def test_no_sql_in_the_ui():
    """The app's SQL lives in the store (reads in store/queries.py and po_life, the undoable
    edits' writes in store/edits.py); the UI calls those."""
    for path in _sources("ui/**/*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(PACKAGE)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                modules = ([a.name for a in node.names] if isinstance(node, ast.Import)
                           else [node.module or ""])
                # the workspace's type (sqlite_utils.Database) may be named, nothing else
                type_only = (isinstance(node, ast.ImportFrom) and node.module == "sqlite_utils"
                             and [a.name for a in node.names] == ["Database"])
                assert type_only or not any(m.split(".")[0] in ("sqlite3", "sqlite_utils")
                                            for m in modules), \
                    f"{where}:{node.lineno} imports {modules}"
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and node.func.attr in SQL_CALLS):
                raise AssertionError(f"{where}:{node.lineno} calls .{node.func.attr}()")
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert not SQL_TEXT.search(node.value), f"{where}:{node.lineno}: {node.value!r}"


def test_planning_is_the_only_way_from_the_app_and_the_cli_to_the_engine():
    """ui/ and cli*.py reach the engine through planning.py (which re-exports the few engine
    functions, constants and types the pages show), so the glue exists once."""
    for path in _sources("ui/**/*.py", "cli*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if isinstance(node, ast.ImportFrom) and node.module == "planner":
                names = [f"planner.{a.name}" for a in node.names]
            engine = [n for n in names if n == "planner.engine" or n.startswith("planner.engine.")]
            assert not engine, f"{path.relative_to(PACKAGE)}:{node.lineno} imports {engine}"
