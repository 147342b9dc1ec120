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
import pint

from .errors import UnitError
from .units import KINDS, ureg

__all__ = ["format_quantity", "format_as_given", "format_unit", "format_value", "table"]

_Quantity = ureg.Quantity

# Human-friendly unit ladders, smallest first: the largest unit whose value is >= 1 is used.
# They come from the one table of quantity kinds (mlsysim.units.KINDS).
_LADDERS: dict[Any, tuple[str, ...]] = {k.dimensionality: k.display for k in KINDS.values() if k.display}


def _number(x: Any) -> str:
    """Four significant figures, thousands separators for large whole values.

    Anything numpy or Python calls a number is accepted: integers too large
    for a float and complex numbers are printed rather than refused.
    """
    if type(x) is not float:
        if isinstance(x, (bool, np.bool_)):
            return str(bool(x))
        if isinstance(x, (complex, np.complexfloating)):
            return f"{complex(x):.4g}"
        try:
            x = float(x)
        except OverflowError:  # an integer beyond float range
            from decimal import Decimal

            return f"{Decimal(int(x)):.4g}"
        except (TypeError, ValueError):
            return str(x)[:40]
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
    try:
        return _pick_unit_of(q)
    except Exception:  # an odd magnitude (huge int, complex, masked): print it as given
        return q


def _pick_unit_of(q: Any) -> Any:
    ladder = _LADDERS.get(q.dimensionality)
    if ladder is None:  # pint's to_compact is for scalars: an array keeps the unit given
        return q.to_compact() if np.ndim(q.magnitude) == 0 else q
    with np.errstate(all="ignore"):
        mags = np.abs(np.asarray(q.m_as(ladder[0]), dtype=float))
        if not np.array_equal(np.isfinite(mags), np.isfinite(np.asarray(q.magnitude, dtype=float))):
            return q  # beyond float range in the ladder's smallest unit: keep the unit given
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
    """Pint's short unit symbol with the cryptic ones spelled out ('a' -> 'year', 'd' -> 'day')."""
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
    return _as_given(_pick_unit(_quantity_arg(q, "format_quantity")))


def _quantity_arg(q: Any, fname: str) -> Any:
    """``q`` as a Quantity of mlsysim.ureg (one of another registry through its string form)."""
    if isinstance(q, _Quantity):
        return q
    if isinstance(q, pint.Quantity):
        try:
            return ureg.Quantity(q.magnitude, format(q.units, "D"))
        except Exception:
            pass
    raise UnitError(f"{fname}(): parameter 'q' expects a Quantity of mlsysim.ureg; got {type(q).__name__}")


def _as_given(q: Any) -> str:
    m = q.magnitude
    unit = _unit_text(q.units)
    if np.ndim(m) == 0:
        return f"{_number(m.item() if isinstance(m, np.ndarray) else m)} {unit}".rstrip()
    return f"{_array_text(m)} {unit}".rstrip()


def format_as_given(q: Any) -> str:
    """Format a Quantity in the unit it carries (as a datasheet prints it).

    >>> from mlsysim import Q_
    >>> format_as_given(Q_("8 KiB"))
    '8 KiB'
    """
    return _as_given(_quantity_arg(q, "format_as_given"))


def _array_text(a: Any) -> str:
    """A short text for an array: all elements up to six, else the range and the shape."""
    mask = np.ma.getmaskarray(a) if isinstance(a, np.ma.MaskedArray) else None
    a = np.asarray(np.ma.getdata(a))
    if a.dtype.kind not in "biufc":
        return f"{a.dtype.kind}-array shape {a.shape}"
    shape = f" shape {a.shape}" if a.ndim > 1 else ""
    if a.size <= 6:
        items = a.ravel().tolist()
        hidden = mask.ravel().tolist() if mask is not None else [False] * len(items)
        return "[" + ", ".join("--" if h else _number(x) for x, h in zip(items, hidden)) + "]" + shape
    if mask is not None:
        a = a[~mask]
    if a.dtype.kind == "c" or a.size == 0:
        return f"[{a.size} values] shape {a.shape}"
    with np.errstate(all="ignore"):
        lo, hi = np.min(a), np.max(a)
    return f"[{_number(lo.item())} .. {_number(hi.item())}] shape {a.shape}"


def format_value(v: Any) -> str:
    """Format a field value: Quantity, number, bool, string or array of them."""
    if isinstance(v, pint.Quantity):
        return format_quantity(v)
    if isinstance(v, (bool, np.bool_, str)):
        return str(v)
    if isinstance(v, np.ndarray):
        if v.dtype.kind in "fiuc":
            return _array_text(v) if v.ndim else _number(v.item())
        if v.size <= 6:
            return str(v.tolist())[:200]
        return f"{v.dtype.kind}-array shape {v.shape}"
    if isinstance(v, (int, float, complex, np.number)):
        return _number(v)
    if hasattr(v, "as_dict") and hasattr(type(v), "__attrs_attrs__"):  # a nested record
        return type(v).__name__
    return str(v)


def table(rows: list[tuple[str, str]], title: str | None = None) -> str:
    """An aligned two-column text table of ``(label, text)`` rows."""
    try:
        rows = [(str(k), str(v)) for k, v in rows]
    except (TypeError, ValueError):
        raise UnitError("table(): parameter 'rows' expects a sequence of (label, text) pairs") from None
    width = max((len(k) for k, _ in rows), default=0)
    lines = [title] if title else []
    lines += [f"  {k.ljust(width)}  {v}" for k, v in rows]
    return "\n".join(lines)


