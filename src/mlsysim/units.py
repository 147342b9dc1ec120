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


def _make_registry() -> pint.UnitRegistry:
    reg = pint.UnitRegistry(None, cache_folder=None, autoconvert_offset_to_baseunit=True)
    reg.load_definitions(_definitions())
    reg._build_cache()
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
