"""Habits as code: the layering of DESIGN.md, read from the source's imports.

Layers, lowest first (a module may import from its own layer or below, never above):

0. ``units``, ``errors``: one registry, the exceptions
1. ``_validate``, ``_records``, ``fmt``, ``_arrays``, ``_export``: the machinery every model uses
2. ``hardware/``, ``workloads/``, ``data``: typed, frozen catalogs with provenance
3. ``models/``: pure functions and their result records
4. ``scenarios``: the textbook scenarios as named, labelled inputs
5. ``report/``, ``plot``, ``sweep``, ``cli``, ``testing``: consumers

Nothing imports ``cli``, ``report`` or ``plot`` but the command line (``__main__`` runs
``cli``, which prints the report and draws the plots);
``testing`` is imported only by tests.  The package ``__init__`` files re-export what is
public and are exempt.  Models never use ``math.*`` (it breaks arrays), and no module
imports a heavy library (scipy, matplotlib, hypothesis, pandas, dask, xarray, marimo) at
module level: inside the function that needs it.
"""

from __future__ import annotations

import ast
import pathlib

import pytest

SRC = pathlib.Path(__file__).resolve().parents[1] / "src" / "mlsysim"

LAYERS = [
    ("units", "errors", "_sections"),
    ("_validate", "_records", "fmt", "_arrays", "_export", "_catalog"),
    ("hardware", "workloads", "data"),
    ("models",),
    ("scenarios",),
    ("report", "plot", "sweep", "cli", "_runfile", "testing", "__main__"),
]
LEAVES = {"cli", "report", "plot"}  # imported by nothing but the command line
COMMAND_LINE = {"cli", "_runfile", "__main__"}  # python -m mlsysim, its subcommands and scenario files
HEAVY = {"scipy", "matplotlib", "hypothesis", "pandas", "dask", "distributed", "xarray", "marimo"}
# Modules whose whole purpose is a heavy library, imported only on request.
HEAVY_OK = {"testing": {"hypothesis"}}


def _top(module: str) -> str:
    """The first component below ``mlsysim`` ('models', 'units', ...)."""
    return module.split(".")[1] if "." in module else ""


def _layer(top: str) -> int:
    for i, names in enumerate(LAYERS):
        if top in names:
            return i
    raise AssertionError(f"mlsysim.{top} is in no layer of tests/test_layers.py: add it to LAYERS")


def _modules():
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC.parent).with_suffix("")
        parts = list(rel.parts)
        is_pkg = parts[-1] == "__init__"
        if is_pkg:
            parts = parts[:-1]
        yield path, ".".join(parts), is_pkg


MODULES = list(_modules())


def _is_module(name: str) -> bool:
    rel = pathlib.Path(*name.split(".")[1:])
    return (SRC / rel).with_suffix(".py").exists() or (SRC / rel / "__init__.py").exists()


def _imports(path: pathlib.Path, module: str, is_pkg: bool):
    """(imported module, line, at module level) for every import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if is_pkg else module.rpartition(".")[0]
    top_level = {id(n) for n in tree.body}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno, id(node) in top_level
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if node.module is None or node.level and not node.module:
                for alias in node.names:  # "from . import x": x is a module, or a name of the package
                    sub = f"{target}.{alias.name}"
                    yield (sub if _is_module(sub) else target), node.lineno, id(node) in top_level
            else:
                yield target, node.lineno, id(node) in top_level


def _internal_imports():
    for path, module, is_pkg in MODULES:
        for target, line, at_top in _imports(path, module, is_pkg):
            if target.startswith("mlsysim"):
                yield path, module, is_pkg, target, line, at_top


@pytest.mark.parametrize("path, module, is_pkg", MODULES, ids=[m for _, m, _ in MODULES])
def test_every_module_has_a_layer(path, module, is_pkg):
    if module != "mlsysim":
        assert 0 <= _layer(_top(module)) < len(LAYERS)


def test_no_upward_import():
    upward = []
    for path, module, is_pkg, target, line, _ in _internal_imports():
        if module == "mlsysim" or target == "mlsysim" or (is_pkg and _top(module) == _top(target)):
            continue  # the package surface re-exports; a subpackage re-exports its own files
        src, dst = _layer(_top(module)), _layer(_top(target))
        if dst > src:
            upward.append(f"{path.relative_to(SRC.parent)}:{line}: {module} (layer {src}) imports {target} (layer {dst})")
    assert not upward, "upward imports:\n" + "\n".join(upward)


def test_nothing_imports_the_leaves():
    bad = []
    for path, module, is_pkg, target, line, _ in _internal_imports():
        leaf = _top(target)
        if leaf in LEAVES and _top(module) != leaf and _top(module) not in COMMAND_LINE:
            bad.append(f"{path.relative_to(SRC.parent)}:{line}: imports {target}")
    assert not bad, "cli, report and plot are imported by nothing:\n" + "\n".join(bad)


def test_testing_is_imported_only_by_tests():
    bad = [f"{p.relative_to(SRC.parent)}:{line}" for p, m, _, t, line, _ in _internal_imports()
           if _top(t) == "testing" and _top(m) != "testing"]
    assert not bad, bad


def test_models_never_use_math():
    bad = []
    for path, module, is_pkg in MODULES:
        if _top(module) != "models":
            continue
        for target, line, _ in _imports(path, module, is_pkg):
            if target == "math" or target.startswith("math."):
                bad.append(f"{path.relative_to(SRC.parent)}:{line}")
    assert not bad, "math.* in a model breaks array inputs; use numpy:\n" + "\n".join(bad)


def test_heavy_libraries_are_imported_inside_functions():
    bad = []
    for path, module, is_pkg in MODULES:
        allowed = HEAVY_OK.get(_top(module), set())
        for target, line, at_top in _imports(path, module, is_pkg):
            root = target.split(".")[0]
            if at_top and root in HEAVY and root not in allowed:
                bad.append(f"{path.relative_to(SRC.parent)}:{line}: import {target}")
    assert not bad, "heavy libraries at module level (import them in the function that needs them):\n" + "\n".join(bad)


def test_the_checker_sees_an_upward_import(tmp_path):
    """The reader resolves relative imports: a model importing the report would be caught."""
    f = tmp_path / "x.py"
    f.write_text("from ...report import section\nimport math\ndef g():\n    import scipy\n")
    found = list(_imports(f, "mlsysim.models.storage._x", False))
    assert ("mlsysim.report", 1, True) in found
    assert ("math", 2, True) in found
    assert ("scipy", 4, False) in found
    assert _layer("report") > _layer("models")
