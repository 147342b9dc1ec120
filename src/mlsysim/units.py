"""The one unit registry of mlsysim.

mlsysim builds its own :class:`pint.UnitRegistry` from pint's default
definitions with three changes, so that quantities that are physically
different cannot pass for each other:

* **Information is a dimension.** pint ships ``bit = []`` (dimensionless), which
  makes ``GB/s`` indistinguishable from ``1/s``: a bandwidth would pass for an
  IOPS or a metadata-operation rate.  Here ``bit = [information]`` and
  ``byte = 8 bit``; decimal (``kB``, ``GB``) and binary (``KiB``, ``GiB``)
  prefixes both work and stay distinct.
* **FLOP is its own dimension** (``[computation]``), so ``"989 TFLOP/s"`` parses
  (pint alone reads ``T`` as tesla) and a FLOP rate cannot pass for an IOPS.
* **USD is a currency dimension** (``[currency]``), so ``"0.08 USD/GB"`` is a
  price per byte and not a dimensionless number.

The global pint state is not touched: no ``set_application_registry``.
Quantities of another registry are converted through their string form by the
validation layer.

This module also holds:

* :func:`parse_quantity`, the one parser of unit strings (models, catalog
  specs, :func:`mlsysim.sweep`, the CLI).  Its guard is installed on
  :data:`ureg` as a preprocessor, so ``Q_("...")`` and ``q.to("...")`` are
  guarded too: every string is accepted or refused in bounded time (a length
  cap, a character whitelist, exponents that are plain bounded numbers).
* :data:`KINDS`, the one table of quantity kinds: dimension, canonical unit,
  example for error messages, and the display ladder :mod:`mlsysim.fmt` uses.
* Pickling: Quantities and Units of :data:`ureg` unpickle into :data:`ureg`,
  in any process.

Spelling reminders (pint is case sensitive): ``kB`` is a kilobyte while ``KB``
is undefined; ``Gbit/s`` (or ``Gbps``) is gigabits per second while ``GB/s`` is
gigabytes per second; ``MiB`` is 2**20 bytes while ``MB`` is 10**6 bytes.

Examples
--------
>>> from mlsysim.units import ureg, Q_
>>> (Q_("50 TB") / Q_("100 Gbit/s")).to("s").m
4000.0000000000005
>>> Q_("1 GB/s").dimensionality == Q_("1/s").dimensionality
False
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from types import MappingProxyType
from typing import Any, Mapping, NamedTuple

import numpy as np
import pint
from pint.util import string_preprocessor as _pint_preprocess

from .errors import UnitError

__all__ = ["ureg", "Q_", "Quantity", "Unit", "information", "DIMENSIONS", "KINDS", "Kind",
           "quantity", "parse_quantity", "MAX_UNIT_STRING"]

_EXTRA_DEFINITIONS = [
    # Operations counted by a FLOP rate: a dimension of its own.
    "FLOP = [computation] = _ = flop = FLOPs",
    # Money.
    "USD = [currency] = _ = US_dollar = dollar",
    "cent = 0.01 USD = ¢",
    # Input/output operations and metadata operations are counts: keep them
    # dimensionless aliases so "800000 IOPS" style strings read naturally.
    "IO = [] = _ = io = op = ops = request = requests",
    "IOPS = IO / second = _ = iops",
]


def _definitions() -> list[str]:
    """Pint's default definitions with ``bit`` given an information dimension."""
    pkg = resources.files("pint")
    text = (pkg / "default_en.txt").read_text(encoding="utf-8")
    constants = (pkg / "constants_en.txt").read_text(encoding="utf-8")
    if text.count("\nbit = []\n") != 1 or "@import constants_en.txt" not in text:
        raise ImportError(
            "mlsysim.units: pint's default_en.txt changed layout "
            f"(pint {pint.__version__}); cannot give bits an information dimension"
        )
    text = text.replace("\nbit = []\n", "\nbit = [information]\n")
    text = text.replace("@import constants_en.txt", constants)
    return text.splitlines() + _EXTRA_DEFINITIONS


#: Longest unit string accepted (characters).  Real quantities are short
#: ("2000 USD/(Gbit/s)" is 17); the cap bounds parsing time (pint's parser is
#: quadratic in the length) and the memory held by the parse cache.
MAX_UNIT_STRING = 256

_MAX_DEPTH = 8  # parenthesis nesting
_INF = float("inf")
_MAX_EXPONENT = 1000.0  # |n| in x**n
_TOKEN = re.compile(
    r"""\s+|(?P<num>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"""
    r"""|(?P<name>[^\W\d]\w*)|(?P<op>\*\*|[*/()+\-]|[%°])""")
# A number after a word, or after a number unless it starts a unit ("50000 1/s", "nan 1/s").
_LOOSE_NUMBER = re.compile(r"(?<![\w.])(?!(?i:nan|inf|infinity)\b)([^\W\d_]\w*)\s+[0-9.]"
                           r"|([0-9.]|(?i:nan|inf|infinity))\s+[0-9.]+(?:[eE][+-]?[0-9]+)?(?![0-9.eE]|\s*/)")
_AMBIGUOUS_DIVISION = re.compile(r"/\s*[0-9.]+(?:[eE][+-]?[0-9]+)?\s*\*?\s*[^\W\d_]")
_UNEXPECTED = re.compile(r"[^\s\w.*/()+\-%°^⁻]")


def _guard(text: str) -> str:
    """Accept or refuse a unit string before pint evaluates it, in time linear in its length.

    pint evaluates ``**`` exactly on Python integers, so ``"9**9**9 s"``
    would never return; its parser is quadratic in the string length.  The
    guard allows only what quantities are written with: numbers, unit names,
    ``* / ( ) + -``, ``%``, and powers whose exponent is a plain number of at
    most 1000 in size that is not itself raised to a power.  When a power is
    present, integer literals become floats, so no arithmetic on numbers can
    produce a huge integer (a float overflows at once instead).  Returns the
    (possibly rewritten) string or raises :class:`~mlsysim.errors.UnitError`.
    """
    if not isinstance(text, str):  # pragma: no cover - pint only passes str
        raise UnitError(f"expected a unit string; got {type(text).__name__}")
    if len(text) > MAX_UNIT_STRING:
        raise UnitError(f"unit string too long ({len(text)} characters; at most {MAX_UNIT_STRING})")
    bad = _UNEXPECTED.search(text)
    if bad:
        char = bad.group()
        hint = {"$": " (write USD for dollars)", "¢": " (write cent)"}.get(char, "")
        raise UnitError(f"unexpected character {char!r} in {text!r}{hint}")
    if _AMBIGUOUS_DIVISION.search(text):  # pint reads "5 GB / 2 s" as (5 GB / 2) * s
        raise UnitError(f"ambiguous division in {text[:60]!r}: write '5 GB / (2 s)' or '2.5 GB/s'")
    loose = _LOOSE_NUMBER.search(text)
    if loose:  # pint would multiply: "5 s 6" is 30 s, "5 6 s" is 30 s; a typo, not a quantity
        raise UnitError(f"a number after {(loose.group(1) or loose.group(2))!r} in {text[:60]!r} "
                        "(write '*' to multiply)")
    expanded = _pint_preprocess(text)  # what pint will see: '^', '²', 'squared', 'per' ...
    tokens: list[tuple[str, str]] = []
    pos = 0
    depth = 0
    while pos < len(expanded):
        m = _TOKEN.match(expanded, pos)
        if m is None:
            raise UnitError(f"unexpected character {expanded[pos]!r} in {text!r}")
        pos = m.end()
        kind = m.lastgroup
        if kind:
            tok = m.group()
            if tok == "(":
                depth += 1
                if depth > _MAX_DEPTH:
                    raise UnitError(f"parentheses nested deeper than {_MAX_DEPTH} in {text!r}")
            elif tok == ")":
                depth -= 1
            elif kind == "num" and float(tok) in (_INF, 0.0) and any(
                    c in "123456789" for c in tok.lower().split("e")[0]):
                raise UnitError(f"the number {tok[:20]!r} is beyond the range of float64 in {text[:60]!r}")
            tokens.append((kind, tok))
    if "**" not in expanded:
        return text
    return _rewrite_powers(tokens, text)


def _rewrite_powers(tokens: list[tuple[str, str]], text: str) -> str:
    out: list[str] = []
    i = 0
    n = len(tokens)
    while i < n:
        kind, tok = tokens[i]
        if tok != "**":
            out.append(tok + ".0" if kind == "num" and tok.isdigit() else tok)
            i += 1
            continue
        # an exponent: [ ( ] [sign] number [ ) ], not followed by another power
        j = i + 1
        paren = j < n and tokens[j][1] == "("
        j += paren
        sign = tokens[j][1] if j < n and tokens[j][1] in "+-" else ""
        j += bool(sign)
        if j >= n or tokens[j][0] != "num":
            raise UnitError(f"exponents must be plain numbers (as in 'm**2' or 's**-1') in {text!r}")
        exponent = tokens[j][1]
        j += 1
        if paren:
            if j >= n or tokens[j][1] != ")":
                raise UnitError(f"exponents must be plain numbers (as in 'm**2' or 's**-1') in {text!r}")
            j += 1
        if abs(float(exponent)) > _MAX_EXPONENT:
            raise UnitError(f"exponent {sign}{exponent} too large (at most {_MAX_EXPONENT:g}) in {text!r}")
        if j < n and tokens[j][1] == "**":
            raise UnitError(f"a power of a power ('a**b**c') is not accepted in {text!r}")
        out.append(f"**({sign}{exponent})")
        i = j
    return " ".join(out)


#: Bump when the layout of the cache file changes.
_CACHE_FORMAT = "mlsysim-units-cache-1"


def _cache_key(text: str) -> str:
    """What the cached registry depends on: our definitions, pint, Python and the cache format."""
    import hashlib
    import sys

    h = hashlib.sha256()
    for part in (_CACHE_FORMAT, pint.__version__, sys.version, text):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:24]


def _cache_folder() -> Any:
    """The per-user cache folder, or None when caching is off (``MLSYSIM_CACHE_DIR=off``).

    ``MLSYSIM_CACHE_DIR`` names another folder.  A folder that another user
    owns or that anyone may write is not used: a cache holds pickles, and a
    pickle is code.
    """
    import os
    import pathlib

    setting = os.environ.get("MLSYSIM_CACHE_DIR", "")
    if setting.lower() in ("off", "0", "no", "false"):
        return None
    if setting:
        return pathlib.Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return pathlib.Path(base) / "mlsysim"


def _trusted(path: Any) -> bool:
    """A file or folder this user owns and nobody else may write."""
    import os

    try:
        st = path.stat()
    except OSError:
        return False
    owner_ok = not hasattr(os, "getuid") or st.st_uid == os.getuid()
    return owner_ok and not st.st_mode & 0o022


def _new_registry() -> pint.UnitRegistry:
    return pint.UnitRegistry(None, cache_folder=None, autoconvert_offset_to_baseunit=True)


def _sane(reg: pint.UnitRegistry) -> bool:
    """A cached registry converts as the definitions say (else it is rebuilt)."""
    q = reg.Quantity
    return (q(1.0, "GB/s").to("Gbit/s").magnitude == 8.0 and q(1.0, "h").to("s").magnitude == 3600.0
            and q(1.0, "TFLOP/s").to("FLOP/s").magnitude == 1e12 and str(q(1.0, "bit").dimensionality) == "[information]"
            and abs(q(1.0, "USD/GB").to("USD/kB").magnitude - 1e-6) < 1e-18)


def _registry_from_text(text: str) -> tuple[pint.UnitRegistry, Any]:
    reg = _new_registry()
    parsed = reg._def_parser.parse_string(text)
    for definition in reg._def_parser.iter_parsed_project(parsed):
        reg._helper_dispatch_adder(definition)
    reg._build_cache()
    return reg, parsed


def _make_registry() -> pint.UnitRegistry:
    """The registry, from a per-user cache when one is valid, else built from the definitions.

    Building from text costs ~0.2-0.4 s (pint parses ~1,000 definitions, then
    derives every unit's dimensionality); the cache holds the parsed
    definitions and pint's derived tables in one pickle and brings a start to
    ~20 ms.  The cache is keyed by a hash of our definitions, the pint version
    and the Python version, so it is rebuilt when any changes; it is written
    atomically (a temporary file renamed into place), so concurrent starts
    sharing it are safe; a read-only, foreign-owned or world-writable folder,
    a corrupt file, or anything unexpected from pint's internals falls back to
    building from text.  ``MLSYSIM_CACHE_DIR=off`` disables it.
    """
    import pickle

    text = "\n".join(_definitions())
    folder = _cache_folder()
    path = None
    if folder is not None:
        path = folder / f"units-{_cache_key(text)}.pickle"
        try:
            if _trusted(folder) and _trusted(path):
                with open(path, "rb") as fh:
                    parsed, cache = pickle.load(fh)
                reg = _new_registry()
                for definition in reg._def_parser.iter_parsed_project(parsed):
                    reg._helper_dispatch_adder(definition)
                reg._cache = cache
                if _sane(reg):
                    return _finish(reg)
        except Exception:  # noqa: BLE001 - any failure of the cache means: build from text
            pass
    reg, parsed = _registry_from_text(text)
    if path is not None:
        _save(path, (parsed, reg._cache))
    return _finish(reg)


def _save(path: Any, payload: Any) -> None:
    """Write the cache atomically; a folder that cannot be written is not an error."""
    import os
    import pickle
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not _trusted(path.parent):
            return
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".units-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except Exception:  # noqa: BLE001 - read-only or full disk: run without a cache
        pass


@functools.lru_cache(maxsize=4096)
def _guarded(text: str) -> str:
    """:func:`_guard`, remembered per string (a refusal raises again each time)."""
    return _guard(text)


def _finish(reg: pint.UnitRegistry) -> pint.UnitRegistry:
    reg.formatter.default_format = "~P"
    # Installed after the definitions are loaded: every string the registry
    # parses from now on (Q_("..."), Unit("..."), q.to("..."), parse_quantity)
    # passes the guard first.
    # pint runs the preprocessors on every ``q.m_as("B/s")`` (twice); the guard is a
    # pure function of the string, so its answers are cached (refusals are not).
    reg.preprocessors.append(_guarded)
    # pint caches a parsed unit expression only when it is a single unit name, so
    # ``q.m_as("B/s")`` re-ran every preprocessor on each call (about 10 us); the
    # registry's units never change after this point, so a bounded cache of
    # expression -> UnitsContainer is safe (errors are raised again, never cached).
    reg._parse_units_as_container = functools.lru_cache(maxsize=1024)(reg._parse_units_as_container)
    return reg


ureg: pint.UnitRegistry = _make_registry()
Q_ = ureg.Quantity
Quantity = ureg.Quantity
Unit = ureg.Unit

_UnitsContainer = type(ureg.second._units)


def _raw_quantity(magnitude: Any, units: Any) -> Any:
    """A Quantity of ``ureg`` built without pint's general-purpose constructor.

    ``magnitude`` must be a float or an ndarray and ``units`` a pint
    ``UnitsContainer``: exactly what ``Quantity.__new__`` would store for
    them.  Checked against the regular constructor at import (below).
    """
    q = object.__new__(Quantity)
    q._magnitude = magnitude
    q._units = units
    return q


def _fast_construction_works() -> bool:
    try:
        units = ureg.Unit("B/s")._units
        fast, slow = _raw_quantity(2.5, units), Quantity(2.5, units)
        return (fast == slow and fast.units == slow.units and fast.to("GB/s").m == slow.to("GB/s").m
                and vars(fast) == vars(slow))
    except Exception:  # pragma: no cover - depends on pint internals
        return False


if not _fast_construction_works():  # pragma: no cover
    def _raw_quantity(magnitude: Any, units: Any) -> Any:  # noqa: F811
        return Quantity(magnitude, units)


@functools.lru_cache(maxsize=512)
def _units_of(unit: str) -> Any:
    return ureg.parse_units(unit)._units


# ---- fast unit conversion: q.m_as("B/s") and q.to("min") without pint's machinery
#
# pint converts by looking up both units' root factors on every call (about
# 10-15 us for a scalar).  For a multiplicative unit the result is
# ``magnitude * factor`` with the factor pint itself computes, so the factor of
# each (unit, target) pair is asked of pint once and remembered; values are
# bit-identical to pint's (checked at import below).  Offset units (degC),
# active contexts and magnitudes other than float, int and float arrays take
# pint's own path.

_plain_m_as = Quantity.m_as
_plain_to = Quantity.to
_CONVERSION: dict[tuple[Any, Any], Any] = {}
_UnitClass = type(ureg.second)


def _conversion(units: Any, target: Any) -> Any:
    """``(factor, target UnitsContainer)`` from ``units`` to ``target`` (str or Unit), or None."""
    key = (units, target)
    try:
        return _CONVERSION[key]
    except KeyError:
        pass
    except TypeError:  # an unhashable target
        return None
    dst = _units_of(target) if type(target) is str else target._units
    one = _plain_m_as(_raw_quantity(1.0, units), dst)
    zero = _plain_m_as(_raw_quantity(0.0, units), dst)  # DimensionalityError propagates, uncached
    found = (float(one), dst) if zero == 0 and type(one) is float else None
    if len(_CONVERSION) < 4096:
        _CONVERSION[key] = found
    return found


def _fast_m_as(self: Any, units: Any) -> Any:
    """Pint's ``Quantity.m_as`` with the conversion factor cached per unit pair."""
    t = type(units)
    if (t is str or t is _UnitClass) and not ureg._active_ctx.contexts:
        m = self._magnitude
        tm = type(m)
        if tm is float or tm is int or (tm is np.ndarray and m.dtype.kind == "f"):
            conv = _conversion(self._units, units)
            if conv is not None:
                if conv[1] == self._units:
                    return m  # pint returns the magnitude itself when the units are the same
                if tm is not int:  # pint multiplies an int by its own factor (an int for KiB, min, bit: exact)
                    return m * conv[0]
    return _plain_m_as(self, units)


def _fast_to(self: Any, other: Any = None, *contexts: Any, **ctx_kwargs: Any) -> Any:
    """Pint's ``Quantity.to`` with the conversion factor cached per unit pair."""
    t = type(other)
    if (t is str or t is _UnitClass) and not contexts and not ctx_kwargs and not ureg._active_ctx.contexts:
        m = self._magnitude
        tm = type(m)
        if tm is float or (tm is np.ndarray and m.dtype.kind == "f"):
            conv = _conversion(self._units, other)
            if conv is not None:
                return _raw_quantity(m if conv[1] == self._units else m * conv[0], conv[1])
    return _plain_to(self, other, *contexts, **ctx_kwargs)


def _fast_conversion_works() -> bool:
    """The cached conversion gives pint's values bit for bit (for the units models use)."""
    try:
        pairs = [("GB/s", "B/s"), ("h", "s"), ("uF", "F"), ("KiB", "B"), ("USD/year", "USD/s"), ("mW", "W"),
                 ("s", "min"), ("TB", "GiB"), ("1/h", "1/s"), ("ms", "s")]
        for src, dst in pairs:
            for v in (1.0, 3.7, 1e-300, 123456789.123, np.array([0.1, 2.5e10])):
                a, b = _raw_quantity(v, _units_of(src)), _raw_quantity(v, _units_of(src))
                want_m, want_q = _plain_m_as(a, dst), _plain_to(a, dst)
                got_m, got_q = _fast_m_as(b, dst), _fast_to(b, dst)
                if not (np.array_equal(want_m, got_m) and np.array_equal(want_q._magnitude, got_q._magnitude)
                        and want_q._units == got_q._units):
                    return False
        return True
    except Exception:  # pragma: no cover - depends on pint internals
        return False


if _fast_conversion_works():
    Quantity.m_as = _fast_m_as
    Quantity.to = _fast_to


def quantity(magnitude: Any, unit: Any) -> Any:
    """``Quantity(magnitude, unit)``, fast, with 0-d magnitudes as Python floats.

    Models build their results with it: pint's constructor costs ~2-5 us per
    call (parsing the unit string each time), this one a fraction of a
    microsecond.  ``unit`` is a unit string (parsed once and cached), a
    :class:`Unit` or a ``UnitsContainer``; ``magnitude`` a number or an
    ndarray (anything else goes through pint's constructor).

    >>> q = quantity(2.0, "s")
    >>> q.m, q.units == ureg.second
    (2.0, True)
    """
    if isinstance(unit, str):
        units = _units_of(unit)
    elif isinstance(unit, _UnitsContainer):
        units = unit
    else:
        units = getattr(unit, "_units", None)
        if units is None:
            return Quantity(magnitude, unit)
    t = type(magnitude)
    if t is float:
        return _raw_quantity(magnitude, units)
    if t is np.ndarray:
        if magnitude.ndim == 0:
            return _raw_quantity(float(magnitude), units) if magnitude.dtype.kind == "f" else Quantity(
                magnitude.item(), units)
        return _raw_quantity(magnitude, units)
    if isinstance(magnitude, np.floating):
        return _raw_quantity(float(magnitude), units)
    return Quantity(magnitude, units)


# --------------------------------------------------------------------------- pickling
# pint pickles a Quantity as (magnitude, units) and unpickles it into the
# *application* registry, where "GB" is dimensionless and "teraFLOP" unknown.
# Quantities and Units of this registry unpickle into this registry instead,
# in any process (process pools, dask.distributed).  Only this registry's own
# classes are changed; pint's global state is not.


def _unpickle_quantity(magnitude: Any, units: Any) -> Any:
    """Rebuild a pickled Quantity in :data:`ureg`."""
    return Quantity(magnitude, units)


def _unpickle_unit(units: Any) -> Any:
    """Rebuild a pickled Unit in :data:`ureg`."""
    return Unit(units)


def _reduce_quantity(self: Any) -> tuple[Any, tuple[Any, Any]]:
    return _unpickle_quantity, (self._magnitude, self._units)


def _reduce_unit(self: Any) -> tuple[Any, tuple[Any]]:
    return _unpickle_unit, (self._units,)


Quantity.__reduce__ = _reduce_quantity  # type: ignore[method-assign]
Unit.__reduce__ = _reduce_unit  # type: ignore[method-assign]


# --------------------------------------------------------------------------- quantity kinds


class Kind(NamedTuple):
    """One kind of quantity: its dimension, canonical unit, an example and how it is displayed.

    ``canonical`` is the unit a validated argument arrives in; ``example`` is
    quoted in error messages; ``display`` is the ladder of human units
    :mod:`mlsysim.fmt` picks from (smallest first; empty: pint's compact form).
    """

    name: str
    dimensionality: Any
    canonical: str
    example: str
    display: tuple[str, ...]


def _kind(name: str, canonical: str, example: str, display: tuple[str, ...] = ()) -> Kind:
    return Kind(name, ureg.Unit(canonical).dimensionality, canonical, example, display)


#: The one table of quantity kinds, by the word used in error messages.
KINDS: Mapping[str, Kind] = MappingProxyType({k.name: k for k in (
    _kind("time", "s", "'4 h'", ("ns", "µs", "ms", "s", "min", "h", "day", "year")),
    _kind("data size", "B", "'350 GB'", ("B", "kB", "MB", "GB", "TB", "PB", "EB")),
    _kind("bandwidth", "B/s", "'7 GB/s' or '200 Gbit/s'", ("B/s", "kB/s", "MB/s", "GB/s", "TB/s", "PB/s")),
    _kind("rate", "1/s", "'50000 1/s'", ("1/s",)),
    _kind("money", "USD", "'500000 USD'", ("USD",)),
    _kind("price per data size", "USD/B", "'0.08 USD/GB'", ("USD/GB",)),
    _kind("money per time", "USD/s", "'1000 USD/day'", ("USD/year",)),
    _kind("price per bandwidth", "USD/(B/s)", "'2000 USD/(Gbit/s)'"),
    _kind("power", "W", "'700 W'", ("µW", "mW", "W", "kW", "MW")),
    _kind("energy", "J", "'1 mJ'", ("nJ", "µJ", "mJ", "J", "kJ", "MJ")),
    _kind("voltage", "V", "'3.3 V'"),
    _kind("capacitance", "F", "'100 uF'"),
    _kind("computation", "FLOP", "'1 PFLOP'"),
    _kind("FLOP rate", "FLOP/s", "'989 TFLOP/s'", ("FLOP/s", "GFLOP/s", "TFLOP/s", "PFLOP/s", "EFLOP/s")),
    _kind("length", "m", "'1 m'"),
)})

#: The information dimension (bits and bytes).
information = ureg.bit.dimensionality

#: Named dimensions used across the library (derived from :data:`KINDS`).
DIMENSIONS: Mapping[str, Any] = MappingProxyType({name: k.dimensionality for name, k in KINDS.items()})


# --------------------------------------------------------------------------- the one parser

# Units people type that pint does not know, and what they most likely meant.
_SPELLING_HINTS: Mapping[str, str] = MappingProxyType({
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
})


def _suggest_unit(text: str, exc: Exception | None) -> str:
    """A hint for a unit string pint could not parse."""
    import difflib

    tokens = re.findall(r"[A-Za-z_$¢µ]+", text[:MAX_UNIT_STRING])
    hints = [f"'{t}' -> {_SPELLING_HINTS[t]}" for t in tokens if t in _SPELLING_HINTS]
    if not hints and exc is not None:
        bad = getattr(exc, "unit_names", None) or ()
        if isinstance(bad, str):
            bad = (bad,)
        known = list(_known_unit_names())
        for name in list(bad)[:3]:
            close = difflib.get_close_matches(str(name)[:40], known, n=3, cutoff=0.6)
            if close:
                hints.append(f"'{name}' -> did you mean {', '.join(close)}?")
    return ("; hint: " + "; ".join(hints)) if hints else ""


@functools.lru_cache(maxsize=1)
def _known_unit_names() -> tuple[str, ...]:
    names = set(ureg._units) | {
        p + s for p in ("k", "M", "G", "T", "P", "Ki", "Mi", "Gi", "Ti") for s in ("B", "bit", "FLOP")
    }
    return tuple(sorted(names))


def _clip(text: str) -> str:
    return repr(text) if len(text) <= 60 else repr(text[:40]) + f"... ({len(text)} characters)"


def parse_quantity(text: str, where: str = "") -> Any:
    """Parse ``text`` (e.g. ``"4 h"``) into a scalar Quantity of :data:`ureg`.

    The one parser for unit strings: models, spec fields, :func:`mlsysim.sweep`
    and the CLI all read strings through it.  Every string is accepted or
    refused in bounded time (see :data:`MAX_UNIT_STRING`); results are cached
    in an LRU cache of at most 4,096 strings, so at most ~1 MB of text.

    Raises
    ------
    UnitError
        When the string is not a real scalar with units mlsysim.ureg knows
        (with a spelling hint where one applies), prefixed by ``where``.

    >>> round(parse_quantity("4 h").to("s").m)
    14400
    """
    if not isinstance(text, str):
        raise UnitError(f"{where + ': ' if where else ''}expected a string such as '4 h'; "
                        f"got {type(text).__name__}")
    try:
        magnitude, units = _parse_cached(text)
    except Exception as exc:  # pint raises several unrelated types here
        prefix = f"{where}: " if where else ""
        detail = str(exc)
        if len(detail) > 200:
            detail = detail[:200] + "..."
        raise UnitError(
            f"{prefix}cannot parse {_clip(text)} as a quantity ({detail}){_suggest_unit(text, exc)}"
        ) from None
    return _raw_quantity(magnitude, units)


@functools.lru_cache(maxsize=4096)
def _parse_cached(text: str) -> tuple[float, Any]:
    """(magnitude, UnitsContainer) of a unit string.

    Cached because pint's parser takes ~100 us and textbook scripts pass the
    same strings again and again.  Only immutable parts are cached; every call
    builds a new Quantity.  Strings are at most :data:`MAX_UNIT_STRING` long
    (the guard refuses longer ones before they are cached), so the cache holds
    at most 4,096 x 256 characters.
    """
    q = ureg.Quantity(text)
    if not isinstance(q, Quantity):  # pragma: no cover - pint returns a Quantity
        q = Quantity(q)
    m = q.magnitude
    if isinstance(m, bool) or not isinstance(m, (int, float)):
        raise ValueError("does not parse to a real scalar")
    return float(m), q._units
