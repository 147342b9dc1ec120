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

__all__ = ["exporter"]

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
