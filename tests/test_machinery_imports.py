"""The machinery layer imports no catalog and nothing above it (no import cycles)."""

from __future__ import annotations

import ast
import pathlib

import mlsysim

SRC = pathlib.Path(mlsysim.__file__).parent
MACHINERY = ["errors.py", "units.py", "_arrays.py", "_records.py", "_validate.py", "fmt.py", "_export.py"]
ABOVE = ("hardware", "workloads", "models", "scenarios", "report", "plot", "cli", "sweep", "testing")


def _imports(path: pathlib.Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            names.add((node.module or "").split(".")[0] or ",".join(a.name for a in node.names))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("mlsysim."):
            names.add(node.module.split(".")[1])
    return names


def test_machinery_imports_nothing_above_it():
    for name in MACHINERY:
        upward = {m for m in _imports(SRC / name) for a in ABOVE if m == a or m.startswith(a + ",")}
        assert not upward, f"{name} imports {upward}"
