"""Records are built by field name, never by position (issue 11).

A record filled by position silently swaps two fields of the same unit when a
field is added or reordered; ``SomeRecord.build(field=value, ...)`` (or the
attrs constructor with keywords) cannot.  This reads every source file of the
package and fails on a call of a :class:`~mlsysim._records.Record` subclass
with a positional or ``*``-unpacked argument.
"""

from __future__ import annotations

import ast
import pathlib

import numpy as np

SRC = pathlib.Path(__file__).resolve().parents[1] / "src" / "mlsysim"
FILES = sorted(SRC.rglob("*.py"))


def _record_classes() -> set[str]:
    """Names of the classes deriving from Record, directly or through another record."""
    bases: dict[str, set[str]] = {}
    for path in FILES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                names = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases}
                bases.setdefault(node.name, set()).update(names)
    records = {"Record"}
    grew = True
    while grew:
        grew = False
        for name, parents in bases.items():
            if name not in records and parents & records:
                records.add(name)
                grew = True
    return records - {"Record"}


RECORDS = _record_classes()


def _positional_calls(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
        if name in RECORDS and node.args:
            found.append((node.lineno, name))
    return found


def test_the_scan_knows_the_records():
    # a handful that must be found, from several families
    assert {"WasteBreakdown", "CheckpointStorm", "IncrementalCheckpoint", "UpgradePlan", "ScalingWall",
            "ToilBreakdown", "InputPipeline"} <= RECORDS


def test_the_scan_finds_a_positional_call():
    tree = ast.parse("a = UpgradePlan(1, 2)\nb = ck.CheckpointStorm(*fields)\nc = ScalingWall(limit=1)\n")
    assert _positional_calls(tree) == [(1, "UpgradePlan"), (2, "CheckpointStorm")]


def test_no_record_is_built_by_position():
    bad = []
    for path in FILES:
        for line, name in _positional_calls(ast.parse(path.read_text(encoding="utf-8"))):
            bad.append(f"{path.relative_to(SRC.parent)}:{line}: {name}(...) by position; use {name}.build(field=...)")
    assert not bad, "\n".join(bad)


def test_a_field_given_as_none_stays_none():
    # an optional result that was not computed (a cost without a price) is None, for scalars and arrays alike
    from typing import Any

    import attrs
    import numpy as np

    from mlsysim import Q_
    from mlsysim._records import Record, unit_field
    from mlsysim.models import storage

    @attrs.frozen
    class Priced(Record):
        time: Any = unit_field("s")
        cost: Any = None

    for time in (1.0, [1.0, 2.0]):
        p = Priced.build(time=time, cost=None)
        assert p.cost is None and np.shape(p.time.m) == np.shape(time)
    plan = storage.cheapest_upgrade(Q_(np.array([1.0, 4.0]), "GB/s"), "10 TB", "4 TB", "28 GB/s", "10 Gbit/s")
    assert plan.cache_cost is None and plan.download_cost is None and plan.choice.tolist() == ["none needed", "either"]


def test_a_unit_field_given_as_none_stays_none_for_scalars_too():
    import attrs

    from mlsysim._records import Record, unit_field

    @attrs.frozen
    class _Pair(Record):
        a: object = unit_field("s")
        b: object = None

    assert _Pair.build(a=None, b=1.0).a is None
    assert _Pair.build(a=None, b=np.array([1.0, 2.0])).a is None
