"""Human formatting of quantities, values and tables: what reports, the CLI and records print.

Every quantity the library prints goes through :func:`format_quantity` (a human
unit from a ladder, four significant figures) or :func:`format_as_given` (the
unit it carries, as a datasheet prints it), so the text is the same whatever
pint version is installed.

>>> from mlsysim import Q_
>>> from mlsysim.fmt import format_quantity
>>> format_quantity(Q_(4000, "s"))
'1.111 h'
>>> format_quantity(Q_(328e9, "B/s"))
'328 GB/s'
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from .units import ureg

__all__ = ["format_quantity", "format_as_given", "format_unit", "format_value", "table"]

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

# pint 0.26 changed two characters of its short pretty format: the micro prefix became
# U+03BC GREEK SMALL LETTER MU (was U+00B5 MICRO SIGN) and the product dot U+22C5 DOT
# OPERATOR (was U+00B7 MIDDLE DOT). mlsysim prints the Latin-1 forms on every pint version:
# they are what 0.1.0 printed, and what LaTeX's inputenc/textcomp typeset in a textbook build.
_CHARACTERS = str.maketrans({"\u03bc": "\u00b5", "\u22c5": "\u00b7"})


def format_unit(units: Any) -> str:
    """A unit's short symbol, the same on every supported pint version.

    pint's short pretty format (``~P``) with one micro sign (U+00B5 ``µ``) and one
    product dot (U+00B7 ``·``), whatever the installed pint prints. Record exports,
    sweep column labels and the command line's JSON use it, so their text does not
    change with the Python version (pip installs a newer pint on newer Pythons).

    >>> from mlsysim import Q_
    >>> format_unit(Q_(5, "us").units) == "\u00b5s"
    True
    >>> format_unit(Q_(1, "TB*s/Gbit").units) == "s\u00b7TB/Gbit"
    True
    """
    return f"{units:~P}".translate(_CHARACTERS)


def _unit_text(units: Any) -> str:
    """pint's short unit symbol with the cryptic ones spelled out ('a' -> 'year', 'd' -> 'day')."""
    text = format_unit(units)
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
    if hasattr(v, "as_dict") and hasattr(type(v), "__attrs_attrs__"):  # a nested record
        return type(v).__name__
    return str(v)


def table(rows: list[tuple[str, str]], title: str | None = None) -> str:
    """An aligned two-column text table."""
    width = max((len(k) for k, _ in rows), default=0)
    lines = [title] if title else []
    lines += [f"  {k.ljust(width)}  {v}" for k, v in rows]
    return "\n".join(lines)


