"""Shared test helpers: the one bad-input row format and the one assertion.

Every bad-input table (``BAD`` in each theme's test file, e.g.
``tests/models/checkpoint/test_ckpt_failures.py``) holds rows of one shape::

    (function, kwargs, error, names)

``kwargs`` is the whole call, ``error`` the mlsysim exception expected and
``names`` the parameter (a str) or parameters (a tuple) the message must name;
:func:`vary` builds ``kwargs`` from a good call and the one bad value.
:func:`assert_rejects` is the one assertion, used by the tables and by the
generated bad-input suite (``tests/test_bad_input.py``).
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, NamedTuple

import attrs
import numpy as np
import pytest

from mlsysim.errors import MlsysimError
from mlsysim.units import Q_


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


# ---------------------------------------------------------------- vectorised == element-wise


def V3(a: float, b: float, c: float, unit: str) -> Any:  # reads as a constructor in the tables
    """A three-element float Quantity: the shape of every ``VECTOR_CASES`` argument."""
    return Q_(np.array([a, b, c], dtype=float), unit)


def same(a: Any, b: Any) -> None:
    """Element of a broadcast result equals the scalar call (Quantities, bools, strings, records)."""
    if attrs.has(type(a)):
        for f in attrs.fields(type(a)):
            same(getattr(a, f.name), getattr(b, f.name))
    elif hasattr(a, "units"):
        assert a.units == b.units
        np.testing.assert_allclose(np.asarray(a.m, dtype=float), np.asarray(b.m, dtype=float), rtol=1e-12)
    elif isinstance(a, (str, np.str_, bool, np.bool_)) or a is None:
        assert a == b
    else:
        np.testing.assert_allclose(a, b, rtol=1e-12)


def element(out: Any, i: int) -> Any:
    """Element ``i`` of a broadcast result (a record, a Quantity or an array)."""
    if attrs.has(type(out)):
        return out[i]
    if hasattr(out, "units"):
        return Q_(out.m[i], out.units)
    return out[i]


def check_vectorised(fn: Callable[..., Any], kwargs: dict[str, Any]) -> None:
    """A call on three-element arrays equals the three scalar calls, element by element."""
    out = fn(**kwargs)
    for i in range(3):
        scalar_kwargs = {}
        for k, v in kwargs.items():
            if hasattr(v, "units") and np.ndim(v.m):
                scalar_kwargs[k] = Q_(float(v.m[i]), v.units)
            elif isinstance(v, np.ndarray):
                scalar_kwargs[k] = v[i].item()
            else:
                scalar_kwargs[k] = v
        same(element(out, i), fn(**scalar_kwargs))


# ---------------------------------------------------------------- renamed record fields


def check_renamed(record: Any, old: str, new: str) -> Any:
    """``record.old`` is a deprecated alias of the field ``new``; returns the value.

    Reading the old name warns (``DeprecationWarning``, naming the new name, at
    the caller's line) and returns the very object the new name holds; the old
    name is no field, so the table, ``as_dict``/JSON, pickles and
    ``attrs.evolve`` know only the new one.
    """
    import json
    import pickle
    import re

    value = getattr(record, new)
    with pytest.warns(DeprecationWarning, match=new) as caught:
        old_value = getattr(record, old)
    assert old_value is value
    assert caught[0].filename == __file__  # attributed to the reader, not to mlsysim
    fields = attrs.fields_dict(type(record))
    assert new in fields and old not in fields
    data = record.as_dict()
    assert new in data and old not in data
    text = json.dumps(data, default=str)
    assert f'"{new}"' in text and f'"{old}"' not in text
    assert re.search(rf"\b{new}\b", str(record)) and not re.search(rf"\b{old}\b", str(record))
    back = pickle.loads(pickle.dumps(record))
    assert attrs.fields_dict(type(back)) == fields
    assert back.as_dict() == data
    evolved = attrs.evolve(record, **{new: value})
    assert getattr(evolved, new) is value
    with pytest.raises(TypeError):
        attrs.evolve(record, **{old: value})
    return value
