"""The export decorator: a module's ``__all__`` is built from its definitions.

>>> __all__ = []
>>> export = exporter(__all__)
>>> @export
... def f():
...     pass
>>> __all__
['f']
"""

from __future__ import annotations

from typing import Any, Callable, TypeVar

__all__ = ["exporter", "set_module"]

_T = TypeVar("_T")


def exporter(names: list[str]) -> Callable[[_T], _T]:
    """A decorator that appends the decorated definition's name to ``names`` (a module's ``__all__``)."""

    def export(obj: _T) -> _T:
        name: Any = obj.__name__  # type: ignore[attr-defined]
        if name in names:
            raise ValueError(f"{name!r} exported twice")
        names.append(name)
        return obj

    return export


def set_module(module: str, namespace: dict[str, Any], names: list[str]) -> None:
    """Give every public definition in ``names`` the public ``__module__`` (as MetPy's ``set_module``).

    A family split into private files re-exports them from its package; this
    makes ``help()``, reprs and pickles name the public path
    (``mlsysim.models.checkpoint.young_interval``), not the private file.
    """
    for name in names:
        obj = namespace[name]
        if getattr(obj, "__module__", module) != module:
            try:
                obj.__module__ = module
            except (AttributeError, TypeError):  # pragma: no cover - builtins and the like
                pass
            wrapped = getattr(obj, "__wrapped__", None)
            if wrapped is not None and callable(wrapped):
                wrapped.__module__ = module
