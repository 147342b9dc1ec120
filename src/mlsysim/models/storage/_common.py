"""Shared helpers of the storage family (private)."""


from __future__ import annotations

from typing import Any

import numpy as np

from ..._validate import (
    Dimensioned,
    Number,
    Param,
)
from ...errors import UnitError
from ...hardware import StorageDevice
from ...units import quantity, ureg

_Q = quantity  # fast Quantity(magnitude, unit) for results
_S = ureg.Unit("s")
_B = ureg.Unit("B")
_BPS = ureg.Unit("B/s")
_USD = ureg.Unit("USD")

#: Relative tolerance for "fractions sum to one" and "target met" comparisons.
_RTOL = 1e-9




class _Flag(Param):
    """A bool (or an array of bools): a switch such as ``overlap``."""

    def describe(self) -> str:
        return "a bool or an array of bools"

    def convert(self, value: Any, where: str) -> Any:
        if isinstance(value, (bool, np.bool_)):
            return bool(value)
        if isinstance(value, np.ndarray) and value.dtype == bool:
            return value
        raise UnitError(f"{where} expects {self.describe()}; got {value!r}")


def _positive_count(what: str) -> Number:
    """A positive real count (average outstanding requests may be fractional)."""
    return Number(positive=True, signed=False, what=what)


def _PriceBandwidth(**kw: Any) -> Dimensioned:  # noqa: N802 - declarations read as types
    """A price per unit of bandwidth (USD per B/s in the body), e.g. '2000 USD/(Gbit/s)'."""
    return Dimensioned("price per bandwidth", **kw)


_q = quantity  # 0-d magnitudes come back as Python floats


def _f(x: Any) -> Any:
    """A 0-d float result as a Python float (arrays unchanged)."""
    return float(x) if np.ndim(x) == 0 else x


def _strings(x: Any) -> Any:
    """A 0-d string array as ``str``, anything else unchanged."""
    return str(x) if isinstance(x, np.ndarray) and x.ndim == 0 else x


#: Largest count returned as an integer: beyond it floats no longer hold every integer.
_EXACT_COUNT = 2.0 ** 53


def _counts(x: Any) -> Any:
    """Whole-number counts (float magnitudes) as ints while every value is at most 2**53.

    A scalar comes back as a Python ``int``, an array as ``int64``; a count
    above 2**53 (or infinite) cannot be an exact integer, so then the scalar
    is a Python ``float`` and the whole array stays ``float64`` (no overflow,
    no wrap-around).
    """
    x = np.asarray(x, dtype=float)
    if np.all(x <= _EXACT_COUNT):
        return int(x) if x.ndim == 0 else x.astype(np.int64)
    return float(x) if x.ndim == 0 else x


def _divide(num: Any, den: Any, where_zero: float = np.inf) -> Any:
    """``num / den`` with ``where_zero`` where ``den`` is zero (no warning)."""
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out = np.where(den > 0, num / np.where(den > 0, den, 1.0), where_zero)
    return out if out.ndim else float(out)


_DEVICE_NUMBERS: dict[int, tuple[Any, tuple[float, float, float]]] = {}


def _device_numbers(device: StorageDevice) -> tuple[float, float, float]:
    """(sequential read B/s, random read IOPS in 1/s, QD1 read latency in s), cached per spec."""
    entry = _DEVICE_NUMBERS.get(id(device))
    if entry is not None and entry[0] is device:
        return entry[1]
    numbers = (float(device.read_bandwidth.m_as(_BPS)), float(device.random_read_iops.m_as("1/s")),
               float(device.read_latency.m_as(_S)))
    if len(_DEVICE_NUMBERS) < 256:
        _DEVICE_NUMBERS[id(device)] = (device, numbers)
    return numbers


def _access_bound(sequential: Any, iops: Any, block: Any, outstanding: Any, latency: Any) -> Any:
    """The least of the three ceilings on read throughput (B/s magnitudes)."""
    return np.minimum(np.minimum(sequential, iops * block), outstanding * block / latency)


def _step(overlap: Any, first: Any, second: Any) -> Any:
    """Time of one step of two activities: overlapped (``max``) or serial (sum)."""
    return np.where(overlap, np.maximum(first, second), first + second)


def _batches_ahead(latency: Any, compute_time: Any) -> Any:
    """``ceil(latency / compute_time)`` with ratios within 1e-9 of a whole number rounded first."""
    return np.ceil(np.round(latency / compute_time, 9))


