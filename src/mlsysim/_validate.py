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
import re
from typing import Any, Callable

import numpy as np
import pint

from .errors import DomainError, UnitError
from ._arrays import scalar_or_array
from .units import DIMENSIONS, _raw_quantity, ureg

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
    "check",
    "parse_quantity",
]

_Quantity = ureg.Quantity
_dimensionality_of = ureg._get_dimensionality



#: Canonical unit of each dimension: what a validated argument arrives in.
CANONICAL: dict[str, str] = {
    "time": "s",
    "data size": "B",
    "bandwidth": "B/s",
    "rate": "1/s",
    "money": "USD",
    "price per data size": "USD/B",
    "money per time": "USD/s",
    "price per bandwidth": "USD/(B/s)",
    "power": "W",
    "energy": "J",
    "voltage": "V",
    "capacitance": "F",
    "computation": "FLOP",
    "FLOP rate": "FLOP/s",
    "length": "m",
}

_EXAMPLES: dict[str, str] = {
    "time": "'4 h'",
    "data size": "'350 GB'",
    "bandwidth": "'7 GB/s' or '200 Gbit/s'",
    "rate": "'50000 1/s'",
    "money": "'500000 USD'",
    "price per data size": "'0.08 USD/GB'",
    "money per time": "'1000 USD/day'",
    "price per bandwidth": "'2000 USD/(Gbit/s)'",
    "power": "'700 W'",
    "energy": "'1 mJ'",
    "voltage": "'3.3 V'",
    "capacitance": "'100 uF'",
    "computation": "'1 PFLOP'",
    "FLOP rate": "'989 TFLOP/s'",
    "length": "'1 m'",
}

# Units people type that pint does not know, and what they most likely meant.
_SPELLING_HINTS: dict[str, str] = {
    "KB": "kB (kilobyte, 1000 B) or KiB (kibibyte, 1024 B)",
    "Kb": "kbit (kilobit)",
    "kb": "kbit (kilobit) or kB (kilobyte)",
    "Mb": "Mbit (megabit) or MB (megabyte)",
    "Gb": "Gbit (gigabit) or GB (gigabyte)",
    "Tb": "Tbit (terabit) or TB (terabyte)",
    "GBps": "GB/s",
    "MBps": "MB/s",
    "TBps": "TB/s",
    "TFLOPS": "TFLOP/s",
    "PFLOPS": "PFLOP/s",
    "GFLOPS": "GFLOP/s",
    "FLOPS": "FLOP/s",
    "secs": "s",
    "hrs": "h",
    "mins": "min",
    "usd": "USD",
    "$": "USD",
}


def _describe(value: Any) -> str:
    """Short, readable description of an offending value for messages."""
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, _Quantity):
        return _describe_magnitude(value.magnitude) + f" {value.units:~P}"
    if isinstance(value, pint.Quantity):
        return f"{value!r} (a Quantity of another UnitRegistry)"
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, (numbers.Number, np.number)):
        return f"the bare number {value!r}"
    return f"{type(value).__name__} {value!r}"[:200]


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


def _suggest_unit(text: str, exc: Exception) -> str:
    """A hint for a unit string pint could not parse."""
    tokens = re.findall(r"[A-Za-z_$¢µ]+", text)
    hints = [f"'{t}' -> {_SPELLING_HINTS[t]}" for t in tokens if t in _SPELLING_HINTS]
    if not hints:
        bad = getattr(exc, "unit_names", None) or ()
        if isinstance(bad, str):
            bad = (bad,)
        known = list(_known_unit_names())
        for name in bad:
            close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
            if close:
                hints.append(f"'{name}' -> did you mean {', '.join(close)}?")
    return ("; hint: " + "; ".join(hints)) if hints else ""


@functools.lru_cache(maxsize=1)
def _known_unit_names() -> tuple[str, ...]:
    names = set(ureg._units) | {
        p + s for p in ("k", "M", "G", "T", "P", "Ki", "Mi", "Gi", "Ti") for s in ("B", "bit", "FLOP")
    }
    return tuple(sorted(names))


def parse_quantity(text: str, where: str = "") -> Any:
    """Parse ``text`` (e.g. ``"4 h"``) into a Quantity of :data:`mlsysim.ureg`.

    Raises :class:`~mlsysim.errors.UnitError` with a spelling hint when pint
    cannot read it.
    """
    try:
        magnitude, units = _parse_cached(text)
    except Exception as exc:  # pint raises several unrelated types here
        prefix = f"{where}: " if where else ""
        raise UnitError(
            f"{prefix}cannot parse {text!r} as a quantity ({exc}){_suggest_unit(text, exc)}"
        ) from None
    return _raw_quantity(magnitude, units)


@functools.lru_cache(maxsize=1024)
def _parse_cached(text: str) -> tuple[float, Any]:
    """(magnitude, UnitsContainer) of a unit string.

    Cached because pint's parser takes ~100 us and textbook scripts pass the
    same strings again and again.  Only immutable parts are cached; every call
    builds a new Quantity.
    """
    q = ureg.Quantity(text)
    if not isinstance(q, _Quantity):  # "3" parses to a plain number
        q = _Quantity(q)
    m = q.magnitude
    if isinstance(m, bool) or not isinstance(m, (int, float)):
        raise ValueError(f"{text!r} does not parse to a real scalar")
    return float(m), q._units


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
    else:
        with np.errstate(invalid="ignore"):
            if inf_ok:
                good = ~np.isnan(m)
            else:
                good = np.isfinite(m)
            if positive:
                good &= m > 0
            elif nonnegative:
                good &= m >= 0
            if maximum is not None:
                good &= m <= maximum
            if minimum is not None:
                good &= m >= minimum
        if good.all():
            return
    _diagnose(m, where, expected, positive=positive, nonnegative=nonnegative, inf_ok=inf_ok,
              maximum=maximum, minimum=minimum, unit=unit)


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
    """The numeric magnitude of a plain number or array, or raise TypeError."""
    t = type(value)
    if t is float or t is int:
        return value
    if isinstance(value, (bool, np.bool_)) or value is None:
        raise TypeError
    if isinstance(value, (numbers.Real, np.number)):
        return float(value)
    if isinstance(value, (list, tuple)):
        value = np.asarray(value)
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "iu":
            return value.astype(float)
        if value.dtype.kind == "f":
            return value
    raise TypeError


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
    """

    def __init__(self, kind: str, *, positive: bool = False, signed: bool = False,
                 inf_ok: bool = False, canonical: bool = True):
        if kind not in DIMENSIONS:
            raise ValueError(f"unknown dimension kind {kind!r}; known: {sorted(DIMENSIONS)}")
        self.kind = kind
        self.dimensionality = DIMENSIONS[kind]
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
            if type(m) is int:
                m = float(m)
            elif isinstance(m, np.ndarray):
                if m.dtype.kind != "f":
                    if m.dtype.kind in "iu":
                        m = m.astype(float)
                    else:
                        raise UnitError(f"{where} expects {self._expected}; got a Quantity of dtype {m.dtype}")
            else:
                try:
                    m = _as_magnitude(m)
                except TypeError:
                    raise UnitError(f"{where} expects {self._expected}; got {_describe(value)}") from None
        _check_values(m, where, self._expected, positive=self.positive, nonnegative=self.nonnegative,
                      inf_ok=self.inf_ok, unit=value._units)
        if not self.canonical:
            return value if value._magnitude is m else _raw_quantity(m, units)
        if factor != 1.0:
            m = m * factor
        elif units == self._unit_container and value._magnitude is m:
            return value
        return _raw_quantity(m, self._unit_container)

    def _coerce(self, value: Any, where: str) -> Any:
        if isinstance(value, str):
            return parse_quantity(value, where)
        if isinstance(value, pint.Quantity):  # another registry: go through the string form
            try:
                return _Quantity(value.magnitude, str(value.units))
            except Exception:
                raise UnitError(
                    f"{where} expects {self._expected}; got a Quantity of another UnitRegistry whose unit "
                    f"{value.units!s} mlsysim.ureg cannot read; build it with mlsysim.Q_"
                ) from None
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
                 inf_ok: bool = False, what: str | None = None):
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
        t = type(value)
        if t is float:
            m = value
        elif t is int:
            m = float(value)
        else:
            m = self._coerce(value, where)
        _check_values(m, where, self._expected, positive=self.positive, nonnegative=self.nonnegative,
                      inf_ok=self.inf_ok, maximum=self.maximum, minimum=self.minimum)
        if self.integer:
            with np.errstate(invalid="ignore"):
                frac = np.mod(m, 1.0) != 0
            if np.any(frac & np.isfinite(m)):
                raise DomainError(
                    f"{where} must be {self._expected}; got {_first_offender(frac & np.isfinite(m), m)} "
                    "(not a whole number)"
                )
        return m

    def _coerce(self, value: Any, where: str) -> Any:
        if isinstance(value, pint.Quantity):
            if value.dimensionless:
                value = value.to("").magnitude
            else:
                raise UnitError(f"{where} expects {self._expected} (no units); got {_describe(value)}")
        if isinstance(value, str):
            raise UnitError(f"{where} expects {self._expected} (no units); got the string {value!r}")
        try:
            return _as_magnitude(value)
        except TypeError:
            raise UnitError(f"{where} expects {self._expected}; got {_describe(value)}") from None


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
        t = type(value)
        m = value if t is float else (float(value) if t is int else self._coerce(value, where))
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

    A string is looked up in the hardware catalog by name.
    """

    def __init__(self, *classes: type):
        self.classes = classes

    def describe(self) -> str:
        return "a " + " or ".join(c.__name__ for c in self.classes)

    def convert(self, value: Any, where: str) -> Any:
        if isinstance(value, self.classes):
            return value
        if isinstance(value, str):
            from . import hardware  # the catalog sits above this module

            try:
                spec = hardware.get(value)
            except KeyError as exc:
                raise DomainError(f"{where} expects {self.describe()}; {exc.args[0]}") from None
            if isinstance(spec, self.classes):
                return spec
            value = spec
        raise UnitError(f"{where} expects {self.describe()}; got {type(value).__name__} {_describe(value)}")


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
                        close = difflib.get_close_matches(k, list(allowed), n=1)
                        hint = f"; did you mean {close[0]!r}?" if close else ""
                        raise TypeError(f"{fname}() got an unexpected keyword argument {k!r}{hint}")
                    if k in values:
                        raise TypeError(f"{fname}() got multiple values for argument {k!r}")
                values.update(kwargs)
            if len(values) < len(params):
                missing = [n for n in required if n not in values]
                if missing:
                    raise TypeError(f"{fname}() missing required argument(s): {', '.join(map(repr, missing))}")
            out = dict(unchecked_defaults)
            for name, decl, where in checks:
                v = values.pop(name, _MISSING)
                if v is _MISSING or v is raw_defaults.get(name, _MISSING):
                    out[name] = checked_defaults[name]
                else:
                    out[name] = decl.convert(v, where)
            out.update(values)
            return scalar_or_array(fn(**out))  # 0-d results as Python scalars

        wrapper.__validators__ = dict(declarations)  # type: ignore[attr-defined]
        wrapper.__wrapped__ = fn  # type: ignore[attr-defined]
        return wrapper

    return decorate
