"""Shared test helpers: the one bad-input row format and the one assertion.

Every family's bad-input table (``BAD`` in ``tests/models/test_<family>.py``)
holds rows of one shape::

    (function, kwargs, error, names)

``kwargs`` is the whole call, ``error`` the mlsysim exception expected and
``names`` the parameter (a str) or parameters (a tuple) the message must name;
:func:`vary` builds ``kwargs`` from a good call and the one bad value.
:func:`assert_rejects` is the one assertion, used by the tables and by the
generated bad-input suite (``tests/test_bad_input.py``).
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, NamedTuple

import pytest

from mlsysim.errors import MlsysimError


class Bad(NamedTuple):
    """One bad-input row."""

    fn: Callable[..., Any]
    kwargs: dict[str, Any]
    error: type[BaseException]
    names: tuple[str, ...]
    args: tuple[Any, ...] = ()

    @property
    def id(self) -> str:
        value = ",".join(f"{k}={self.kwargs.get(k)!r:.24}" for k in self.names)
        return f"{getattr(self.fn, '__name__', 'fn')}-{value}"


def vary(good: dict[Any, dict[str, Any]], fn: Callable[..., Any], **bad: Any) -> dict[str, Any]:
    """The good call of ``fn`` with the arguments in ``bad`` replaced."""
    return {**good[fn], **bad}


def rows(table: Iterable[tuple[Any, ...]], good: dict[Any, dict[str, Any]] | None = None) -> list[Bad]:
    """Normalise a ``BAD`` table to :class:`Bad` rows.

    Rows are ``(fn, kwargs, error, names)``; two older shapes are still read,
    so a row added elsewhere in an older shape keeps working:
    ``(fn, kwargs, error)`` (the message must name one of the arguments) and
    ``(fn, name, value, error)`` (a change to ``good[fn]``).
    """
    out = []
    for row in table:
        if isinstance(row, Bad):
            out.append(row)
        elif len(row) == 4 and isinstance(row[1], str):
            fn, name, value, error = row
            out.append(Bad(fn, vary(good or {}, fn, **{name: value}), error, (name,)))
        elif len(row) == 3:
            fn, kwargs, error = row
            out.append(Bad(fn, dict(kwargs), error, tuple(kwargs)))
        else:
            fn, kwargs, error, names = row
            out.append(Bad(fn, dict(kwargs), error, (names,) if isinstance(names, str) else tuple(names)))
    return out


def assert_rejects(fn: Callable[..., Any], args: tuple[Any, ...] = (), kwargs: dict[str, Any] | None = None,
                   error: type[BaseException] = MlsysimError, names: str | Iterable[str] = (),
                   *, all_names: bool = False) -> BaseException:
    """Call ``fn(*args, **kwargs)`` and check it refuses the input the mlsysim way.

    The call must raise ``error``, which must be an mlsysim error (not a
    numpy or pint exception leaking through); its message must name the
    function (when it has a name) and one of ``names`` (all of them with
    ``all_names``).  Returns the exception for further checks.
    """
    with pytest.raises(error) as info:
        fn(*args, **(kwargs or {}))
    exc = info.value
    assert isinstance(exc, MlsysimError), f"{type(exc).__name__} is not an mlsysim error: {exc}"
    message = str(exc)
    fname = getattr(fn, "__name__", None)
    if fname and getattr(fn, "__validators__", None) is not None:
        assert fname in message, f"the message does not name {fname}(): {message}"
    names = (names,) if isinstance(names, str) else tuple(names)
    if names:
        found = [n for n in names if n in message]
        ok = len(found) == len(names) if all_names else bool(found)
        assert ok, f"the message does not name {' and '.join(names)}: {message}"
    return exc


def check_row(row: Bad) -> BaseException:
    """:func:`assert_rejects` on one :class:`Bad` row."""
    return assert_rejects(row.fn, row.args, row.kwargs, row.error, row.names)
