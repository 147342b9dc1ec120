"""Result records and the human formatting of quantities.

A model that returns several values returns a frozen attrs class deriving from
:class:`Record`.  Its fields are Quantities of :data:`mlsysim.ureg`, or numpy
arrays of bool/str/float for flags, names and fractions.  A record:

* prints as an aligned two-column table with units (``str(record)``);
* indexes like the arrays it holds (``record[3]``, ``record[:, 0]``), so a
  broadcast result can be compared with element-wise calls;
* converts to plain data with :meth:`Record.as_dict` for JSON or pandas.

This module sits at the bottom layer (models import it); :mod:`mlsysim.fmt`
re-exports the formatting for users.
"""

from __future__ import annotations

import re
from typing import Any

import attrs
import numpy as np

from .units import quantity, ureg

__all__ = ["Record", "broadcast", "scalar_or_array", "format_quantity", "format_as_given", "format_value", "table"]

_Quantity = ureg.Quantity

# Human-friendly unit ladders, smallest first: the largest unit whose value is >= 1 is used.
_LADDERS: dict[Any, tuple[str, ...]] = {
    ureg.second.dimensionality: ("ns", "µs", "ms", "s", "min", "h", "day", "year"),
    ureg.byte.dimensionality: ("B", "kB", "MB", "GB", "TB", "PB", "EB"),
    (ureg.byte / ureg.second).dimensionality: ("B/s", "kB/s", "MB/s", "GB/s", "TB/s", "PB/s"),
    (1 / ureg.second).dimensionality: ("1/s",),
    ureg.USD.dimensionality: ("USD",),
    (ureg.USD / ureg.second).dimensionality: ("USD/year",),
    (ureg.USD / ureg.byte).dimensionality: ("USD/GB",),
    ureg.watt.dimensionality: ("µW", "mW", "W", "kW", "MW"),
    ureg.joule.dimensionality: ("nJ", "µJ", "mJ", "J", "kJ", "MJ"),
    (ureg.FLOP / ureg.second).dimensionality: ("FLOP/s", "GFLOP/s", "TFLOP/s", "PFLOP/s", "EFLOP/s"),
}


def _number(x: float) -> str:
    """Four significant figures, thousands separators for large whole values."""
    if x != x or x in (float("inf"), float("-inf")):
        return str(x)
    ax = abs(x)
    if ax >= 1e4 and ax < 1e15:
        if abs(x - round(x)) < 1e-9 * ax or ax >= 1e6:
            return f"{x:,.0f}"
        return f"{x:,.1f}"
    if ax != 0 and (ax < 1e-3 or ax >= 1e15):
        return f"{x:.4g}"
    return f"{x:.4g}"


def _pick_unit(q: Any) -> Any:
    ladder = _LADDERS.get(q.dimensionality)
    if ladder is None:
        try:
            return q.to_compact()
        except Exception:  # pragma: no cover - to_compact on odd units
            return q
    mags = np.abs(np.asarray(q.m_as(ladder[0]), dtype=float))
    finite = mags[np.isfinite(mags) & (mags > 0)]
    ref = float(np.median(finite)) if finite.size else 0.0
    chosen = "s" if (ref == 0 and "s" in ladder) else ladder[0]
    for unit in ladder:
        if ref >= float(ureg.Quantity(1.0, unit).m_as(ladder[0])):
            chosen = unit
    return q.to(chosen)


_UNIT_WORDS = ((re.compile(r"\ba\b"), "year"), (re.compile(r"\bd\b"), "day"))


def _unit_text(units: Any) -> str:
    """pint's short unit symbol with the cryptic ones spelled out ('a' -> 'year', 'd' -> 'day')."""
    text = f"{units:~P}"
    for pattern, word in _UNIT_WORDS:
        text = pattern.sub(word, text)
    return text


def format_quantity(q: Any) -> str:
    """Format a Quantity in a human unit with four significant figures.

    >>> from mlsysim import Q_
    >>> format_quantity(Q_(5400, "s"))
    '1.5 h'
    >>> format_quantity(Q_(672e9, "B/s"))
    '672 GB/s'
    """
    q = _pick_unit(q)
    m = q.magnitude
    unit = _unit_text(q.units)
    if np.ndim(m) == 0:
        return f"{_number(float(m))} {unit}".rstrip()
    return f"{_array_text(np.asarray(m, dtype=float))} {unit}".rstrip()


def format_as_given(q: Any) -> str:
    """Format a Quantity in the unit it carries (as a datasheet prints it).

    >>> from mlsysim import Q_
    >>> format_as_given(Q_("8 KiB"))
    '8 KiB'
    """
    m = q.magnitude
    unit = _unit_text(q.units)
    if np.ndim(m) == 0:
        return f"{_number(float(m))} {unit}".rstrip()
    return f"{_array_text(np.asarray(m, dtype=float))} {unit}".rstrip()


def _array_text(a: np.ndarray) -> str:
    if a.size <= 6:
        return "[" + ", ".join(_number(float(x)) for x in a.ravel()) + "]" + (
            f" shape {a.shape}" if a.ndim > 1 else "")
    return f"[{_number(float(np.min(a)))} .. {_number(float(np.max(a)))}] shape {a.shape}"


def format_value(v: Any) -> str:
    """Format a field value: Quantity, number, bool, string or array of them."""
    if isinstance(v, _Quantity):
        return format_quantity(v)
    if isinstance(v, (bool, np.bool_, str)):
        return str(v)
    if isinstance(v, np.ndarray):
        if v.dtype.kind in "fiu":
            return _array_text(v.astype(float)) if v.ndim else _number(float(v))
        if v.size <= 6:
            return str(v.tolist())
        return f"{v.dtype.kind}-array shape {v.shape}"
    if isinstance(v, (int, float, np.number)):
        return _number(float(v))
    if isinstance(v, Record):
        return type(v).__name__
    return str(v)


def table(rows: list[tuple[str, str]], title: str | None = None) -> str:
    """An aligned two-column text table."""
    width = max((len(k) for k, _ in rows), default=0)
    lines = [title] if title else []
    lines += [f"  {k.ljust(width)}  {v}" for k, v in rows]
    return "\n".join(lines)


def scalar_or_array(x: Any) -> Any:
    """A 0-d result as a Python scalar (or scalar Quantity), anything else unchanged.

    Models call this on record fields so that scalar inputs give scalar fields
    (``bottleneck == "storage"``) and array inputs give arrays.
    """
    if isinstance(x, _Quantity):
        m = x.magnitude
        if (isinstance(m, np.ndarray) and m.ndim == 0) or isinstance(m, np.generic):
            return quantity(float(m), x._units)
        return x
    if isinstance(x, np.ndarray) and x.ndim == 0:
        return x.item()
    if isinstance(x, np.generic):
        return x.item()
    return x


def broadcast(*values: Any) -> list[Any]:
    """Broadcast Quantities and arrays to their common shape (0-d become scalars).

    Use it when building a record so every field has the broadcast shape of
    the inputs, as the functions that make records promise.

    >>> from mlsysim import Q_
    >>> import numpy as np
    >>> a, b = broadcast(Q_(np.array([1.0, 2.0]), "s"), 3.0)
    >>> b
    array([3., 3.])
    """
    mags = [v._magnitude if isinstance(v, _Quantity) else v for v in values]
    shapes = [getattr(m, "shape", ()) for m in mags]  # Python scalars and strings have none
    if not any(shapes):  # all scalars: the common, cheap case of a scalar call
        return [scalar_or_array(v) for v in values]
    shape = np.broadcast_shapes(*shapes)
    out = []
    for v, m in zip(values, mags):
        b = np.broadcast_to(m, shape).copy() if shape else m
        if isinstance(v, _Quantity):
            out.append(quantity(b, v._units))
        else:
            out.append(scalar_or_array(b) if shape == () else b)
    return out


class Record:
    """Base of every multi-value result (use with ``@attrs.frozen``)."""

    __slots__ = ()

    def __str__(self) -> str:
        rows = [(f.name, format_value(getattr(self, f.name))) for f in attrs.fields(type(self))]
        return table(rows, title=type(self).__name__)

    def __getitem__(self, index: Any) -> Record:
        """The record of the ``index``-th element of every array field."""
        changes = {}
        for f in attrs.fields(type(self)):
            v = getattr(self, f.name)
            if isinstance(v, _Quantity):
                m = v.magnitude
                if np.ndim(m):
                    changes[f.name] = scalar_or_array(_Quantity(np.asarray(m)[index], v.units))
            elif isinstance(v, np.ndarray) and v.ndim:
                changes[f.name] = scalar_or_array(v[index])
        if not changes:
            raise IndexError(f"{type(self).__name__} holds scalars; it cannot be indexed")
        return attrs.evolve(self, **changes)

    @property
    def shape(self) -> tuple[int, ...]:
        """The broadcast shape of the record's fields (``()`` for scalars)."""
        shapes = []
        for f in attrs.fields(type(self)):
            v = getattr(self, f.name)
            m = v.magnitude if isinstance(v, _Quantity) else v
            if isinstance(m, (np.ndarray, float, int, np.number, bool, np.bool_)):
                shapes.append(np.shape(m))
        return np.broadcast_shapes(*shapes) if shapes else ()

    def as_dict(self) -> dict[str, Any]:
        """Plain data: each Quantity as ``{"value": ..., "unit": ...}``.

        Arrays become nested lists; suitable for ``json.dumps``.
        """
        out: dict[str, Any] = {}
        for f in attrs.fields(type(self)):
            v = getattr(self, f.name)
            if isinstance(v, _Quantity):
                out[f.name] = {"value": np.asarray(v.magnitude).tolist(), "unit": f"{v.units:~P}"}
            elif isinstance(v, np.ndarray):
                out[f.name] = v.tolist()
            elif isinstance(v, np.generic):
                out[f.name] = v.item()
            elif isinstance(v, Record):
                out[f.name] = v.as_dict()
            else:
                out[f.name] = v
        return out
