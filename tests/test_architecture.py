"""The shape of the code (docs/architecture.md): what the layer contract cannot see.

`lint-imports` (in make test) checks that no app imports an app above it. These tests add
that no import of kyodo's own modules hides inside a function to dodge a cycle (an app's
AppConfig.ready() is where registration happens, so it may), and that modules stay small.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    "config",
    "kyodo",
    "partners",
    "projects",
    "selection",
    "evaluations",
    "stats",
    "public",
    "dashboard",
    "demo",
]
MAX_LINES = 500


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _imports_in_functions(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom) and inner.module:
                    names = [inner.module]
                elif isinstance(inner, ast.Import):
                    names = [alias.name for alias in inner.names]
                else:
                    continue
                for name in names:
                    if name.split(".")[0] in APPS:
                        yield node.name, inner.lineno, name


def test_it_finds_the_apps_it_checks():
    assert len(list(_modules())) > 100


def test_it_imports_kyodos_modules_at_the_top_only():
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {name} inside {function}()"
        for path in _modules()
        for function, line, name in _imports_in_functions(ast.parse(path.read_text()))
        if not (path.name == "apps.py" and function == "ready")
    ]
    assert not found, found


def test_it_keeps_each_module_under_500_lines():
    long = {
        str(path.relative_to(ROOT)): lines
        for path in _modules()
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert not long, f"split these modules: {long}"


def test_it_names_every_migration_after_the_first():
    """Later migrations say what they do (makemigrations --name), never 0002_auto_…."""
    unnamed = [
        str(path.relative_to(ROOT))
        for app in APPS
        for path in sorted((ROOT / app / "migrations").glob("0*.py"))
        if re.fullmatch(r"\d{4}_(auto_\d+_\d+|initial)\.py", path.name)
        and not path.name.startswith("0001_")
    ]
    assert not unnamed, f"give these migrations a name: {unnamed}"
