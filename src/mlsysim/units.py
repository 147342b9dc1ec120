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
from importlib import resources
from typing import Any

import numpy as np
import pint

__all__ = ["ureg", "Q_", "Quantity", "Unit", "information", "DIMENSIONS", "quantity"]

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
    """pint's default definitions with ``bit`` given an information dimension."""
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


def _finish(reg: pint.UnitRegistry) -> pint.UnitRegistry:
    reg.formatter.default_format = "~P"
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


@functools.lru_cache(maxsize=256)
def _units_of(unit: str) -> Any:
    return ureg.parse_units(unit)._units


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


#: The information dimension (bits and bytes).
information = ureg.bit.dimensionality

#: Named dimensions used across the library, by the word used in error messages.
DIMENSIONS: dict[str, pint.util.UnitsContainer] = {
    "time": ureg.second.dimensionality,
    "data size": ureg.byte.dimensionality,
    "bandwidth": (ureg.byte / ureg.second).dimensionality,
    "rate": (1 / ureg.second).dimensionality,
    "money": ureg.USD.dimensionality,
    "price per data size": (ureg.USD / ureg.byte).dimensionality,
    "money per time": (ureg.USD / ureg.second).dimensionality,
    "price per bandwidth": (ureg.USD / (ureg.byte / ureg.second)).dimensionality,
    "power": ureg.watt.dimensionality,
    "energy": ureg.joule.dimensionality,
    "voltage": ureg.volt.dimensionality,
    "capacitance": ureg.farad.dimensionality,
    "computation": ureg.FLOP.dimensionality,
    "FLOP rate": (ureg.FLOP / ureg.second).dimensionality,
    "length": ureg.meter.dimensionality,
}
