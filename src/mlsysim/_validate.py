"""Argument validation: one decorator, declared per parameter by name.

A model declares what each argument must be next to its signature::

    @validated(write_time=Time(positive=True), mtbf=Time(positive=True))
    def young_interval(write_time, mtbf): ...

and receives, in its body, every dimensional argument as a Quantity of
:data:`mlsysim.ureg` in the canonical unit of its dimension (seconds, bytes,
bytes per second, USD, ...; see :data:`CANONICAL`), every count or fraction as
a float or a numpy array.  Strings are parsed (``"4 h"``), defaults are parsed
once at decoration time, and a declaration naming a parameter the function
does not have fails at import.

What is rejected, and how:

* :class:`~mlsysim.errors.UnitError`: a bare number where a dimension is
  required, a quantity of the wrong dimension, an unparseable unit string,
  ``None`` or a bool where a number is required, a non-numeric array;
* :class:`~mlsysim.errors.DomainError`: NaN, infinities (unless the parameter
  allows them), negatives where the parameter is a size, rate or time, zero
  where it must be positive, fractions outside [0, 1], probabilities outside
  (0, 1), non-integral counts.

Checks run on the value converted to the canonical unit, so a value that
overflows to inf or underflows to 0 on the way is refused; masked arrays,
ragged lists and integers beyond float range are refused (a mask is never
silently lost); arrays whose shapes do not broadcast are refused naming the
parameters and shapes.  The model body runs under ``np.errstate(all="ignore")``
(numpy's warnings stay inside), and a NaN result from NaN-free inputs with
extreme values (beyond 1e+-100) is refused with a DomainError naming them.

The checks use whole-array reductions, so arrays of any shape are checked
element-wise with one or two numpy passes; the message names the function, the
parameter, what was expected and the first offending element with its index.

Performance: the scalar path avoids pint's conversion machinery (the conversion
factor from each incoming unit to the canonical unit is cached per unit), so a
call with two scalar Quantities spends a few microseconds here.
"""

from __future__ import annotations

import difflib
import functools
import inspect
import math
import numbers
import reprlib
from typing import Any, Callable

import numpy as np
import pint

from ._arrays import scalar_or_array
from .errors import DomainError, UnitError
from .units import KINDS, _raw_quantity, _suggest_unit, parse_quantity, ureg

__all__ = [
    "validated",
    "Param",
    "Dimensioned",
    "Time",
    "Size",
    "Bandwidth",
    "Rate",
    "Money",
    "Price",
    "MoneyRate",
    "Power",
    "Energy",
    "Voltage",
    "Capacitance",
    "Flops",
    "Count",
    "Number",
    "Fraction",
    "Probability",
    "Choice",
    "Instance",
    "Optional",
    "ListOf",
    "Flag",
    "check",
    "parse_quantity",
]

_Quantity = ureg.Quantity
_dimensionality_of = ureg._get_dimensionality



#: Canonical unit of each dimension: what a validated argument arrives in (from :data:`mlsysim.units.KINDS`).
CANONICAL: dict[str, str] = {name: k.canonical for name, k in KINDS.items()}
_EXAMPLES: dict[str, str] = {name: k.example for name, k in KINDS.items()}


def _describe(value: Any) -> str:
    """Short, readable description of an offending value for messages."""
    if isinstance(value, str):
        return repr(value) if len(value) <= 60 else repr(value[:40]) + f"... ({len(value)} characters)"
    if isinstance(value, _Quantity):
        return _describe_magnitude(value.magnitude) + f" {value.units:~P}"
    if isinstance(value, pint.Quantity):
        return f"{value!r} (a Quantity of another UnitRegistry)"
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, (numbers.Number, np.number)):
        return f"the bare number {value!r}"[:200]
    try:
        text = reprlib.repr(value)  # bounded: a list of ten million items is not spelled out
    except Exception:  # a user object whose repr fails
        text = "object"
    return f"{type(value).__name__} {text}"[:200]


def _describe_magnitude(m: Any) -> str:
    arr = np.asarray(m)
    if arr.ndim == 0:
        return repr(arr.item())
    return f"array of shape {arr.shape}"


def _first_offender(mask: np.ndarray, m: Any, unit: str = "") -> str:
    """Describe the first element where ``mask`` is True."""
    arr = np.asarray(m)
    suffix = f" {unit}" if unit else ""
    if arr.ndim == 0:
        return repr(arr.item()) + suffix
    idx = tuple(int(i) for i in np.argwhere(np.broadcast_to(mask, arr.shape))[0])
    return f"{arr[idx].item()!r}{suffix} at index {idx}"


class Param:
    """Base class of a parameter declaration.

    Subclasses implement :meth:`convert`, which returns the value the function
    body receives or raises :class:`UnitError`/:class:`DomainError` with a
    message that starts with ``where`` (``"young_interval(): parameter 'mtbf'"``).
    """

    def convert(self, value: Any, where: str) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def describe(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


def _check_values(m: Any, where: str, expected: str, *, positive: bool, nonnegative: bool,
                  inf_ok: bool, maximum: float | None = None, minimum: float | None = None,
                  unit: Any = None) -> None:
    """Domain checks on a magnitude (float or array), raising DomainError.

    The happy path is one comparison on a scalar and one or two reductions on
    an array; the diagnosis only runs once something is wrong.
    """
    if type(m) is float or type(m) is int:
        ok = m == m and (inf_ok or math.isfinite(m))
        if ok and positive:
            ok = m > 0
        elif ok and nonnegative:
            ok = m >= 0
        if ok and maximum is not None:
            ok = m <= maximum
        if ok and minimum is not None:
            ok = m >= minimum
        if ok:
            return
    elif _range_ok(m, positive=positive, nonnegative=nonnegative, inf_ok=inf_ok, maximum=maximum, minimum=minimum):
        return
    _diagnose(m, where, expected, positive=positive, nonnegative=nonnegative, inf_ok=inf_ok,
              maximum=maximum, minimum=minimum, unit=unit)


def _values_ok(m: Any, *, positive: bool, nonnegative: bool, inf_ok: bool) -> bool:
    """True if every element of ``m`` (float or float array) passes the sign and finiteness checks."""
    if type(m) is float:
        if not (m == m and (inf_ok or -math.inf < m < math.inf)):
            return False
        return m > 0 if positive else (m >= 0 if nonnegative else True)
    return _range_ok(m, positive=positive, nonnegative=nonnegative, inf_ok=inf_ok)


def _range_ok(m: Any, *, positive: bool, nonnegative: bool, inf_ok: bool, maximum: float | None = None,
              minimum: float | None = None) -> bool:
    """The array checks of :func:`_check_values` from two reductions, without a mask per rule.

    ``min`` and ``max`` propagate NaN, so one NaN makes both NaN and every
    comparison below False; infinities show as an infinite extreme.  Two
    reductions read the array twice and write nothing (the masks they
    replace wrote a bool array per rule).
    """
    if m.size == 0:
        return True
    lo, hi = float(m.min()), float(m.max())
    if lo != lo:  # NaN
        return False
    if not inf_ok and (hi == _INF or lo == -_INF):
        return False
    if positive and not lo > 0:
        return False
    if nonnegative and not lo >= 0:
        return False
    if maximum is not None and not hi <= maximum:
        return False
    return minimum is None or lo >= minimum


def _conversion_lost(m: Any, converted: Any) -> bool:
    """True if converting ``m`` made a nonzero value 0 or a finite value infinite."""
    if type(m) is float:
        return (converted == 0 and m != 0) or (math.isinf(converted) and math.isfinite(m))
    with np.errstate(invalid="ignore"):
        return bool(np.any((converted == 0) & (m != 0)) or np.any(np.isinf(converted) & np.isfinite(m)))


def _from_foreign(value: Any, where: str, expected: str) -> Any:
    """A Quantity of another UnitRegistry, rebuilt in mlsysim.ureg through its unit's string form."""
    try:
        text = format(value.units, "D")
    except Exception:
        text = str(value.units)
    try:
        units = ureg.parse_units(text)._units
    except Exception:
        raise UnitError(
            f"{where} expects {expected}; got a Quantity of another UnitRegistry whose unit "
            f"{text[:60]!r} mlsysim.ureg cannot read; build it with mlsysim.Q_"
        ) from None
    return ureg.Quantity(value.magnitude, units)


def _diagnose(m: Any, where: str, expected: str, *, positive: bool, nonnegative: bool, inf_ok: bool,
              maximum: float | None, minimum: float | None, unit: Any) -> None:
    arr = np.asarray(m, dtype=float)
    unit = f"{ureg.Unit(unit):~P}" if unit is not None else ""  # formatted only on failure
    rules: list[tuple[np.ndarray, str]] = [(np.isnan(arr), "NaN")]
    if not inf_ok:
        rules.append((np.isinf(arr), "infinite"))
    with np.errstate(invalid="ignore"):
        if positive:
            rules.append((~(arr > 0), "not positive"))
        elif nonnegative:
            rules.append((arr < 0, "negative"))
        if maximum is not None:
            rules.append((arr > maximum, f"above {maximum:g}"))
        if minimum is not None:
            rules.append((arr < minimum, f"below {minimum:g}"))
    for mask, what in rules:
        if mask.any():
            raise DomainError(
                f"{where} must be {expected}; got {_first_offender(mask, arr, unit)} ({what})"
            )
    raise DomainError(f"{where} must be {expected}; got {_describe_magnitude(m)} {unit}")  # pragma: no cover


def _as_magnitude(value: Any) -> Any:
    """The numeric magnitude of a plain number or array, or raise TypeError.

    Raises :class:`_Refused` (carrying the reason) for inputs of a numeric
    look that cannot be used as they are: ragged lists, masked arrays,
    integers too large for a float.
    """
    t = type(value)
    if t is float:
        return value
    if t is np.float64:  # a numpy result passed on: common, and the ABC checks below are slow
        return float(value)
    if t is int:
        return _int_to_float(value)
    if isinstance(value, (bool, np.bool_)) or value is None:
        raise TypeError
    if isinstance(value, (numbers.Real, np.integer, np.floating)):
        return _int_to_float(value) if isinstance(value, numbers.Integral) else float(value)
    if isinstance(value, (list, tuple)):
        try:
            value = np.asarray(value)
        except (ValueError, TypeError):
            raise _Refused("a ragged or mixed sequence (rows of different lengths or types)") from None
    if isinstance(value, np.ndarray):
        if type(value) is not np.ndarray:
            if isinstance(value, np.ma.MaskedArray):
                raise _Refused("a masked array (fill it with np.ma.filled or drop the masked values "
                               "with .compressed() first)")
            value = np.asarray(value)
        if value.dtype.kind in "iu":
            return value.astype(float)
        if value.dtype.kind == "f":
            return value
    raise TypeError


class _Refused(Exception):  # noqa: N818 - private control flow, never seen by users
    """An input of the right look that cannot be used; ``args[0]`` says why."""


def _int_to_float(value: Any) -> float:
    try:
        return float(value)
    except OverflowError:
        raise _Refused(f"the integer {str(value)[:20]}... ({len(str(value))} digits), "
                       "too large for a float") from None


class Dimensioned(Param):
    """A quantity of one dimension, delivered in its canonical unit.

    Parameters
    ----------
    kind : str
        A key of :data:`mlsysim.units.DIMENSIONS` (``"time"``, ``"bandwidth"``...).
    positive : bool
        Zero is rejected as well as negatives.
    signed : bool
        Negative values are allowed (e.g. a cost that can be a saving).
    inf_ok : bool
        ``inf`` is allowed (e.g. an infinite MTBF: a component that never fails).
    canonical : bool
        Convert to the canonical unit (default).  Catalog fields keep the unit
        they were given in, for faithful printing, and pass ``False``.
    scalar : bool
        Refuse arrays (catalog fields hold one number each).
    """

    def __init__(self, kind: str, *, positive: bool = False, signed: bool = False,
                 inf_ok: bool = False, canonical: bool = True, scalar: bool = False):
        if kind not in KINDS:
            raise ValueError(f"unknown dimension kind {kind!r}; known: {sorted(KINDS)}")
        self.kind = kind
        self.scalar = scalar
        self.dimensionality = KINDS[kind].dimensionality
        self.unit = ureg.Unit(CANONICAL[kind])
        self._unit_container = self.unit._units
        self.positive = positive
        self.nonnegative = not signed
        self.inf_ok = inf_ok
        self.canonical = canonical
        # incoming UnitsContainer -> factor to the canonical unit (None: wrong dimension)
        self._factors: dict[Any, float | None] = {}
        sign = "positive " if positive else ("" if signed else "non-negative ")
        finite = "" if inf_ok else "finite "
        self._expected = f"a {finite}{sign}{kind} ({CANONICAL[kind]}-like, e.g. {_EXAMPLES[kind]})"

    def describe(self) -> str:
        return self._expected

    def _factor(self, units: Any) -> float | None:
        try:
            return self._factors[units]
        except KeyError:
            pass
        if _dimensionality_of(units) != self.dimensionality:
            factor = None
        else:
            factor = float(ureg.Quantity(1.0, units).m_as(self.unit))
        if len(self._factors) < 4096:
            self._factors[units] = factor
        return factor

    def convert(self, value: Any, where: str) -> Any:
        text = None
        if type(value) is not _Quantity:
            text = value if isinstance(value, str) else None
            value = self._coerce(value, where)
        units = value._units
        factor = self._factor(units)
        if factor is None:
            if text is not None and value.dimensionless:
                raise UnitError(
                    f"{where} expects {self._expected}; got the string {text!r} without units. "
                    f"Give units, e.g. {_EXAMPLES[self.kind]}"
                )
            hint = _suggest_unit(text, None) if text else ""
            raise UnitError(
                f"{where} expects {self._expected}; got {_describe(value)}, "
                f"which has dimension {value.dimensionality}{hint}"
            )
        m = value._magnitude
        if type(m) is not float:
            try:
                m = _as_magnitude(m)
            except TypeError:
                raise UnitError(f"{where} expects {self._expected}; got {_describe(value)}"
                                + (f" of dtype {m.dtype}" if isinstance(m, np.ndarray) else "")) from None
            except _Refused as why:
                raise UnitError(f"{where} expects {self._expected}; got {why.args[0]}") from None
            if self.scalar and type(m) is not float:
                raise DomainError(f"{where} must be a single {self.kind}, not {_describe_magnitude(m)}")
        if self.canonical and factor != 1.0:
            converted = m * factor
        else:
            converted = m
        if not _values_ok(converted, positive=self.positive, nonnegative=self.nonnegative,
                          inf_ok=self.inf_ok):
            self._refuse(m, converted, units, where)
        if factor > 1.0 and self.inf_ok and self.canonical and _conversion_lost(m, converted):
            # a finite value must not become infinite by the conversion (inf is allowed as such)
            self._refuse(m, converted, units, where)
        if not self.canonical:
            return value if value._magnitude is m else _raw_quantity(m, units)
        if converted is value._magnitude and units == self._unit_container:
            return value
        return _raw_quantity(converted, self._unit_container)

    def _refuse(self, m: Any, converted: Any, units: Any, where: str) -> None:
        """Raise the DomainError that says what is wrong with ``m`` (in ``units``)."""
        with np.errstate(all="ignore"):
            m_arr = np.asarray(m, dtype=float)
            c_arr = np.asarray(converted, dtype=float)
            overflow = np.isfinite(m_arr) & ~np.isfinite(c_arr)
            underflow = (m_arr != 0) & (c_arr == 0)
        unit = f"{ureg.Unit(units):~P}"
        for mask, what in ((overflow, "overflows to infinity"), (underflow, "underflows to 0")):
            if mask.any():
                raise DomainError(
                    f"{where} must be {self._expected}; got {_first_offender(mask, m_arr, unit)}, which "
                    f"{what} when converted to {self.unit:~P} (beyond the range of float64)")
        _diagnose(m, where, self._expected, positive=self.positive, nonnegative=self.nonnegative,
                  inf_ok=self.inf_ok, maximum=None, minimum=None, unit=units)

    def _coerce(self, value: Any, where: str) -> Any:
        if isinstance(value, str):
            return parse_quantity(value, where)
        if isinstance(value, _Quantity):
            return value
        if isinstance(value, pint.Quantity):  # another registry: go through the string form
            return _from_foreign(value, where, self._expected)
        if value is None or isinstance(value, (bool, np.bool_)):
            raise UnitError(f"{where} expects {self._expected}; got {value!r}")
        if isinstance(value, (numbers.Number, np.ndarray, np.number, list, tuple)):
            raise UnitError(
                f"{where} expects {self._expected}; got {_describe(value)} without units. "
                f"Give units: a string such as {_EXAMPLES[self.kind]} or mlsysim.Q_(value, unit)"
            )
        raise UnitError(f"{where} expects {self._expected}; got {_describe(value)}")


def Time(**kw: Any) -> Dimensioned:  # noqa: N802 - declarations read as types
    """A time (seconds in the body)."""
    return Dimensioned("time", **kw)


def Size(**kw: Any) -> Dimensioned:  # noqa: N802
    """A data size (bytes in the body)."""
    return Dimensioned("data size", **kw)


def Bandwidth(**kw: Any) -> Dimensioned:  # noqa: N802
    """A data rate (bytes per second in the body)."""
    return Dimensioned("bandwidth", **kw)


def Rate(**kw: Any) -> Dimensioned:  # noqa: N802
    """An event rate: operations, requests or failures per time (1/s in the body)."""
    return Dimensioned("rate", **kw)


def Money(**kw: Any) -> Dimensioned:  # noqa: N802
    """An amount of money (USD in the body)."""
    return Dimensioned("money", **kw)


def Price(**kw: Any) -> Dimensioned:  # noqa: N802
    """A price per data size (USD/B in the body)."""
    return Dimensioned("price per data size", **kw)


def MoneyRate(**kw: Any) -> Dimensioned:  # noqa: N802
    """Money per time (USD/s in the body)."""
    return Dimensioned("money per time", **kw)


def Power(**kw: Any) -> Dimensioned:  # noqa: N802
    """A power (W in the body)."""
    return Dimensioned("power", **kw)


def Energy(**kw: Any) -> Dimensioned:  # noqa: N802
    """An energy (J in the body)."""
    return Dimensioned("energy", **kw)


def Voltage(**kw: Any) -> Dimensioned:  # noqa: N802
    """A voltage (V in the body)."""
    return Dimensioned("voltage", **kw)


def Capacitance(**kw: Any) -> Dimensioned:  # noqa: N802
    """A capacitance (F in the body)."""
    return Dimensioned("capacitance", **kw)


def Flops(**kw: Any) -> Dimensioned:  # noqa: N802
    """A FLOP rate (FLOP/s in the body)."""
    return Dimensioned("FLOP rate", **kw)


class Number(Param):
    """A plain real number or array (no units), with optional bounds.

    ``integer=True`` requires whole values (a count); bounds are inclusive.
    The body receives a float or a float array.
    """

    def __init__(self, *, minimum: float | None = None, maximum: float | None = None,
                 positive: bool = False, signed: bool = True, integer: bool = False,
                 inf_ok: bool = False, what: str | None = None, scalar: bool = False):
        self.scalar = scalar
        self.minimum = minimum
        self.maximum = maximum
        self.positive = positive
        self.nonnegative = not signed
        self.integer = integer
        self.inf_ok = inf_ok
        if what is None:
            parts = []
            if positive:
                parts.append("positive")
            elif not signed:
                parts.append("non-negative")
            if not inf_ok:
                parts.append("finite")
            parts.append("whole number" if integer else "number")
            what = "a " + " ".join(parts)
            if minimum is not None and maximum is not None:
                what += f" in [{minimum:g}, {maximum:g}]"
            elif minimum is not None:
                what += f" >= {minimum:g}"
            elif maximum is not None:
                what += f" <= {maximum:g}"
        self._expected = what

    def describe(self) -> str:
        return self._expected

    def convert(self, value: Any, where: str) -> Any:
        m = value if type(value) is float else self._coerce(value, where)
        if self.scalar and type(m) is not float:
            raise DomainError(f"{where} must be a single number, not {_describe_magnitude(m)}")
        _check_values(m, where, self._expected, positive=self.positive, nonnegative=self.nonnegative,
                      inf_ok=self.inf_ok, maximum=self.maximum, minimum=self.minimum)
        # Integer arrays are whole by type; for floats one trunc-and-compare pass (infinities
        # are whole to trunc, NaN was refused above).
        if self.integer and type(m) is float:
            if not m.is_integer() and abs(m) != _INF:  # infinities are whole to trunc
                raise DomainError(f"{where} must be {self._expected}; got {m!r} (not a whole number)")
        elif self.integer and getattr(m, "dtype", _FLOAT).kind not in "iub":
            with np.errstate(invalid="ignore"):
                frac = np.trunc(m) != m
            if np.any(frac):
                raise DomainError(
                    f"{where} must be {self._expected}; got {_first_offender(np.asarray(frac), m)} "
                    "(not a whole number)"
                )
        return m

    def _coerce(self, value: Any, where: str) -> Any:
        if isinstance(value, pint.Quantity):
            if not isinstance(value, _Quantity):  # another registry: its 'GB' is dimensionless
                value = _from_foreign(value, where, self._expected)
            if value.dimensionless:
                value = value.to("").magnitude
            else:
                raise UnitError(f"{where} expects {self._expected} (no units); got {_describe(value)}")
        if isinstance(value, str):
            raise UnitError(f"{where} expects {self._expected} (no units); got the string {_describe(value)}")
        try:
            return _as_magnitude(value)
        except TypeError:
            raise UnitError(f"{where} expects {self._expected}; got {_describe(value)}") from None
        except _Refused as why:
            raise UnitError(f"{where} expects {self._expected}; got {why.args[0]}") from None


_FLOAT = np.dtype(float)
_INF = float("inf")


def Count(*, minimum: float = 1, inf_ok: bool = False, **kw: Any) -> Number:  # noqa: N802
    """A whole count (accelerators, nodes, servers), at least ``minimum``."""
    return Number(minimum=minimum, integer=True, signed=False, inf_ok=inf_ok,
                  what=kw.pop("what", f"a whole count >= {minimum:g}"), **kw)


def Fraction(*, what: str = "a fraction in [0, 1]", **kw: Any) -> Number:  # noqa: N802
    """A fraction in [0, 1]."""
    return Number(minimum=0.0, maximum=1.0, signed=False, what=what, **kw)


class Probability(Number):
    """A probability in the open interval (0, 1) (e.g. a confidence level)."""

    def __init__(self, what: str = "a probability in the open interval (0, 1)"):
        super().__init__(minimum=0.0, maximum=1.0, signed=False, what=what)

    def convert(self, value: Any, where: str) -> Any:
        m = value if type(value) is float else self._coerce(value, where)
        if type(m) is float:
            if 0.0 < m < 1.0:  # NaN fails this too
                return m
        else:
            with np.errstate(invalid="ignore"):
                if ((m > 0.0) & (m < 1.0)).all():
                    return m
        super().convert(m, where)  # names NaN, infinities and values outside [0, 1]
        edge = (m <= 0) | (m >= 1)
        raise DomainError(f"{where} must be {self._expected}; got {_first_offender(edge, m)}")


class Choice(Param):
    """One of a fixed set of strings."""

    def __init__(self, *choices: str):
        self.choices = choices

    def describe(self) -> str:
        return "one of " + ", ".join(repr(c) for c in self.choices)

    def convert(self, value: Any, where: str) -> Any:
        if isinstance(value, str) and value in self.choices:
            return value
        raise DomainError(f"{where} must be {self.describe()}; got {_describe(value)}")


class Instance(Param):
    """An instance of a class (e.g. a catalog spec such as ``StorageDevice``).

    A string is resolved by the class's ``from_name`` classmethod when it has
    one (the hardware specs look names up in their catalog), so this module
    never imports a catalog.
    """

    def __init__(self, *classes: type):
        self.classes = classes

    def describe(self) -> str:
        return "a " + " or ".join(c.__name__ for c in self.classes)

    def convert(self, value: Any, where: str) -> Any:
        if isinstance(value, self.classes):
            return value
        if isinstance(value, str):
            lookups = [c.from_name for c in self.classes if callable(getattr(c, "from_name", None))]
            for lookup in lookups:
                try:
                    spec = lookup(value)
                except KeyError as exc:
                    raise DomainError(f"{where} expects {self.describe()}; {exc.args[0]}") from None
                if isinstance(spec, self.classes):
                    return spec
                value = spec
                break
        raise UnitError(f"{where} expects {self.describe()}; got {type(value).__name__} {_describe(value)}")


class Flag(Param):
    """A bool, or an array of bools (a switch such as ``overlap``)."""

    def describe(self) -> str:
        return "a bool or an array of bools"

    def convert(self, value: Any, where: str) -> Any:
        if isinstance(value, (bool, np.bool_)):
            return bool(value)
        if type(value) is np.ndarray and value.dtype == bool:
            return value
        raise UnitError(f"{where} expects {self.describe()}; got {_describe(value)}")


class ListOf(Param):
    """A non-empty list or tuple whose every item ``inner`` accepts; the body receives a list."""

    def __init__(self, inner: Param, *, max_length: int = 1000):
        self.inner = inner
        self.max_length = max_length

    def describe(self) -> str:
        return f"a list of {self.inner.describe()}"

    def convert(self, value: Any, where: str) -> Any:
        if isinstance(value, np.ndarray) and value.ndim == 1 and type(value) is np.ndarray:
            value = list(value)
        if not isinstance(value, (list, tuple)):
            raise UnitError(f"{where} expects {self.describe()}; got {_describe(value)}")
        if not value or len(value) > self.max_length:
            raise DomainError(f"{where} must hold 1 to {self.max_length} items; got {len(value)}")
        return [self.inner.convert(v, f"{where}[{i}]") for i, v in enumerate(value)]


class Optional(Param):
    """``None`` or what ``inner`` accepts."""

    def __init__(self, inner: Param):
        self.inner = inner

    def describe(self) -> str:
        return f"None or {self.inner.describe()}"

    def convert(self, value: Any, where: str) -> Any:
        if value is None:
            return None
        return self.inner.convert(value, where)


def check(value: Any, param: Param, where: str) -> Any:
    """Validate one value outside a decorated function (e.g. inside a record)."""
    return param.convert(value, where)


_MISSING = object()


def _has_nan(x: Any) -> bool:
    """True if a result (number, array, Quantity or record of them) holds a NaN; fast on scalars."""
    t = type(x)
    if t is float:
        return x != x
    if t is _Quantity:
        x = x._magnitude
        t = type(x)
        if t is float:
            return x != x
    if t is np.ndarray or isinstance(x, np.ndarray):
        if x.dtype.kind == "f":
            return bool(x.size) and bool(np.isnan(x.min()))  # min propagates NaN: one reduction, no mask
        return x.dtype.kind == "c" and bool(np.isnan(x).any())
    if isinstance(x, np.floating):
        return bool(x != x)
    fields = getattr(t, "__attrs_attrs__", None)
    if fields is not None:
        for f in fields:  # a plain loop: a record of scalars is checked in a few microseconds
            v = getattr(x, f.name)
            tv = type(v)
            if tv is float:
                if v != v:
                    return True
            elif tv is _Quantity and type(v._magnitude) is float:
                if v._magnitude != v._magnitude:
                    return True
            elif tv is not str and tv is not bool and v is not None and _has_nan(v):
                return True
    return False


def _refuse_nan(fname: str, out: dict[str, Any], checks: tuple[tuple[str, Param, str], ...]) -> None:
    """A NaN result from NaN-free inputs: refuse it if some inputs lie beyond float64's comfortable range.

    Those inputs are named (|x| above 1e100 or below 1e-100, or infinite).  A
    NaN from ordinary inputs is left to the model, which may document it.
    """
    extreme = []
    for name, _decl, _where in checks:
        v = out.get(name)
        if _extreme(v._magnitude if isinstance(v, _Quantity) else v):
            extreme.append(name)
    if not extreme:  # ordinary inputs: a NaN the model documents (e.g. "not computed") stands
        return
    raise DomainError(
        f"{fname}(): the result would be NaN: extreme values of parameter(s) "
        f"{', '.join(repr(n) for n in extreme)} take the formula beyond the range of float64 arithmetic"
    )


def _extreme(m: Any) -> bool:
    """True if a magnitude has elements beyond float64's comfortable range (|x| > 1e100, < 1e-100, inf)."""
    if type(m) is float:
        a = abs(m)
        return a > 1e100 or 0.0 < a < 1e-100  # inf is above 1e100; NaN is neither
    if isinstance(m, (bool, np.bool_, str)) or m is None:
        return False
    try:
        a = np.abs(np.asarray(m, dtype=float))
    except (TypeError, ValueError):
        return False
    with np.errstate(all="ignore"):
        return bool(a.size and np.any((a > 1e100) | ((a > 0) & (a < 1e-100)) | np.isinf(a)))


def _refuse_failure(fname: str, out: dict[str, Any], checks: tuple[tuple[str, Param, str], ...],
                    exc: BaseException) -> None:
    """The model body failed: if an input is empty or extreme, raise a DomainError naming it.

    Otherwise return, and the caller re-raises the original exception.
    """
    empty, extreme = [], []
    for name, _decl, _where in checks:
        v = out.get(name)
        m = v._magnitude if isinstance(v, _Quantity) else v
        if isinstance(m, np.ndarray) and m.size == 0:
            empty.append(name)
        elif _extreme(m):
            extreme.append(name)
    if empty:
        raise DomainError(f"{fname}(): parameter(s) {', '.join(repr(n) for n in empty)} hold no values "
                          "(an empty array); this model needs at least one") from None
    if extreme:
        raise DomainError(f"{fname}(): extreme values of parameter(s) {', '.join(repr(n) for n in extreme)} "
                          f"take the model beyond the range of float64 arithmetic ({str(exc)[:200]})") from None


def _check_broadcast(fname: str, shaped: list[tuple[str, tuple[int, ...]]]) -> None:
    """Raise DomainError naming the parameters whose array shapes do not broadcast together."""
    try:
        np.broadcast_shapes(*(shape for _, shape in shaped))
        return
    except ValueError:
        pass
    common: tuple[int, ...] = ()
    seen: list[str] = []
    for name, shape in shaped:
        try:
            common = np.broadcast_shapes(common, shape)
        except ValueError:
            others = ", ".join(f"'{n}' {s}" for n, s in shaped if n in seen)
            raise DomainError(
                f"{fname}(): parameter '{name}' has shape {shape}, which does not broadcast with "
                f"{others} (numpy broadcasting: trailing axes must be equal or 1)"
            ) from None
        seen.append(name)


def validated(**declarations: Param) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a model so that each named argument is checked and converted.

    Parameters
    ----------
    **declarations : Param
        One declaration per parameter name.  Every name must be a parameter of
        the decorated function (checked at import).  Parameters without a
        declaration are passed through untouched.

    Notes
    -----
    The wrapper binds arguments with a small hand-written binder rather than
    :meth:`inspect.Signature.bind` (three times faster on the scalar path).
    String defaults are parsed once, here.  The wrapper exposes the function's
    signature (``inspect.signature`` shows the real parameters) and keeps the
    declarations in ``__validators__``.
    """
    for name, decl in declarations.items():
        if not isinstance(decl, Param):
            raise TypeError(f"validated(): declaration for {name!r} is {decl!r}, not a Param")

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        sig = inspect.signature(fn)
        params = sig.parameters
        unknown = [n for n in declarations if n not in params]
        if unknown:
            raise TypeError(f"@validated on {fn.__qualname__}: no parameter named {', '.join(map(repr, unknown))}")
        for p in params.values():
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD, p.POSITIONAL_ONLY):
                raise TypeError(f"@validated on {fn.__qualname__}: parameter {p.name!r} kind {p.kind} unsupported")
        fname = fn.__name__
        positional = [p.name for p in params.values() if p.kind is p.POSITIONAL_OR_KEYWORD]
        npos = len(positional)
        allowed = frozenset(params)
        wheres = {name: f"{fname}(): parameter '{name}'" for name in params}
        checks = tuple((name, declarations[name], wheres[name]) for name in params if name in declarations)
        defaults: dict[str, Any] = {}
        raw_defaults: dict[str, Any] = {}
        for p in params.values():
            if p.default is not p.empty:
                raw_defaults[p.name] = p.default
                if p.name in declarations:
                    defaults[p.name] = declarations[p.name].convert(p.default, wheres[p.name] + " (default)")
                else:
                    defaults[p.name] = p.default
        required = tuple(n for n in params if n not in defaults)
        unchecked_defaults = {n: v for n, v in defaults.items() if n not in declarations}
        checked_defaults = {n: v for n, v in defaults.items() if n in declarations}

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if len(args) > npos:
                raise TypeError(f"{fname}() takes {npos} positional arguments but {len(args)} were given")
            values = dict(zip(positional, args))
            if kwargs:
                for k in kwargs:
                    if k not in allowed:
                        close = difflib.get_close_matches(str(k)[:60], list(allowed), n=1)
                        hint = f"; did you mean {close[0]!r}?" if close else ""
                        raise TypeError(f"{fname}() got an unexpected keyword argument {str(k)[:60]!r}{hint}")
                    if k in values:
                        raise TypeError(f"{fname}() got multiple values for argument {k!r}")
                values.update(kwargs)
            if len(values) < len(params):
                missing = [n for n in required if n not in values]
                if missing:
                    raise TypeError(f"{fname}() missing required argument(s): {', '.join(map(repr, missing))}")
            out = dict(unchecked_defaults)
            shaped = None
            for name, decl, where in checks:
                v = values.pop(name, _MISSING)
                if v is _MISSING or v is raw_defaults.get(name, _MISSING):
                    out[name] = checked_defaults[name]
                else:
                    c = out[name] = decl.convert(v, where)
                    m = c._magnitude if type(c) is _Quantity else c
                    if type(m) is np.ndarray and m.ndim:
                        if shaped is None:
                            shaped = [(name, m.shape)]
                        else:
                            shaped.append((name, m.shape))
            if shaped is not None and len(shaped) > 1:
                _check_broadcast(fname, shaped)
            out.update(values)
            # Inputs are checked; what numpy would warn about inside the formula
            # (overflow to inf in an intermediate, 0 * inf at a limit) is the
            # model's to handle, not the user's to see.
            try:
                with np.errstate(all="ignore"):
                    result = fn(**out)
            except (ValueError, IndexError, ZeroDivisionError, OverflowError, FloatingPointError,
                    UnitError) as exc:
                _refuse_failure(fname, out, checks, exc)  # an empty or extreme input: name it
                raise
            if _has_nan(result):  # inputs have no NaN (checked above): extremes may have overflowed
                _refuse_nan(fname, out, checks)
            return scalar_or_array(result)  # 0-d results as Python scalars

        wrapper.__validators__ = dict(declarations)  # type: ignore[attr-defined]
        wrapper.__wrapped__ = fn  # type: ignore[attr-defined]
        return wrapper

    return decorate
