"""Shared helpers of the storage family (private)."""


from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..._arrays import scalar
from ..._validate import (
    Dimensioned,
    Number,
)
from ...hardware import StorageDevice
from ...units import quantity, ureg

_S = ureg.Unit("s")
_B = ureg.Unit("B")
_BPS = ureg.Unit("B/s")
_USD = ureg.Unit("USD")

#: Relative tolerance for "fractions sum to one" and "target met" comparisons.
_RTOL = 1e-9




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
    if scalar(num, den):  # one point: IEEE division, as numpy's
        return float(num) / float(den) if den > 0 else float(where_zero)
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


class _Physics(NamedTuple):
    """Service physics of one device (SI magnitudes), derived from its catalog numbers.

    ``access`` is the access latency of one request (the QD1 latency less the
    transfer of the rated block), ``channels`` the requests a flash device
    serves in parallel (dies and planes: ``IOPS x access``), ``floor`` the
    shortest positioning time a serial device reaches (a disk reordering a deep
    queue: ``1/IOPS`` less the rated block's transfer).  ``serial``: one
    request at a time, access then transfer (a disk, or flash whose IOPS do
    not exceed one access at a time); ``disk``: rotating, so a sequential
    stream skips the positioning.
    """

    bandwidth: Any
    access: Any
    channels: Any
    floor: Any
    serial: bool
    disk: bool


def _is_disk(device: StorageDevice) -> bool:
    """A rotating disk (one actuator, positioning per random request)."""
    kind = device.kind.upper()
    return "HDD" in kind or "HARD DISK" in kind


def _physics_from_numbers(bandwidth: float, iops: float, latency: float, rated_block: float,
                          disk: bool) -> _Physics:
    """Service physics from (sequential B/s, random IOPS, QD1 latency s, IOPS block B)."""
    transfer = rated_block / bandwidth
    access = latency - transfer if latency > transfer else latency
    channels = iops * access
    if disk or channels <= 1.0:
        floor = min(max(1.0 / iops - transfer, 0.0), access)
        return _Physics(bandwidth, access, 1.0, floor, True, disk)
    return _Physics(bandwidth, access, channels, access, False, False)


_DEVICE_PHYSICS: dict[int, tuple[Any, _Physics]] = {}


def _device_physics(device: StorageDevice) -> _Physics:
    """:class:`_Physics` of a catalog device, cached per spec."""
    entry = _DEVICE_PHYSICS.get(id(device))
    if entry is not None and entry[0] is device:
        return entry[1]
    seq, iops, latency = _device_numbers(device)
    phys = _physics_from_numbers(seq, iops, latency, float(device.iops_block_size.m_as(_B)), _is_disk(device))
    if len(_DEVICE_PHYSICS) < 256:
        _DEVICE_PHYSICS[id(device)] = (device, phys)
    return phys


def _bound_throughput(p: _Physics, block: Any, outstanding: Any, extra_latency: Any = 0.0) -> Any:
    """Random-read bound (B/s): Little's law on the QD1 time, and the device's ceiling for ``block``."""
    transfer = block / p.bandwidth
    little = outstanding * block / (p.access + transfer + extra_latency)
    if p.serial:
        ceiling = block / (p.floor + transfer)
    else:
        ceiling = np.minimum(p.channels * block / p.access, p.bandwidth)
    return np.minimum(little, ceiling)


#: Populations above this are extrapolated (see :func:`_mva_throughput`).
_MVA_CAP = 4096


def _mva_throughput(access: Any, channels: Any, transfer: Any, population: Any) -> Any:
    """Requests/s of a closed network of channels and a transfer queue.

    ``channels`` symmetric queues (demand ``access/channels``
    each, a request visits one at random) in series with one transfer queue (demand ``transfer``),
    ``population`` requests circulating with no think time; exact mean-value analysis over
    1..ceil(population), linear between whole populations (zero at zero).  Above ``_MVA_CAP``
    the throughput approaches its bound as ``X_b - (X_b - X(cap)) cap / N``, the form of the
    exact channels-only result ``X_b N / (N + c - 1)``.
    """
    access, channels, transfer = (np.asarray(v, dtype=float) for v in (access, channels, transfer))
    population = np.asarray(population, dtype=float)
    nmax = int(min(max(np.ceil(np.max(population)), 1.0), _MVA_CAP))
    scalar = access.size == 1 and channels.size == 1 and transfer.size == 1
    if not scalar:  # every element carries its own parameters: run the recursion on the broadcast shape
        access, channels, transfer, population = np.broadcast_arrays(access, channels, transfer, population)
    q = np.minimum(population, nmax)
    low = np.floor(q)
    frac = q - low
    queue_die = np.zeros(access.shape)
    queue_link = np.zeros(access.shape)
    if scalar:
        table = np.zeros(nmax + 1)
    else:
        x_low = np.zeros(q.shape)
        x_high = np.zeros(q.shape)
    x = 0.0
    for n in range(1, nmax + 1):
        r_die = access * (1.0 + queue_die)
        r_link = transfer * (1.0 + queue_link)
        x = n / (r_die + r_link)
        queue_die = x * r_die / channels
        queue_link = x * r_link
        if scalar:
            table[n] = x.item() if isinstance(x, np.ndarray) else x
        else:
            x_low = np.where(low == n, x, x_low)
            x_high = np.where(low + 1 == n, x, x_high)
    if scalar:
        x_low = table[low.astype(int)]
        x_high = table[np.minimum(low + 1, nmax).astype(int)]
    out = x_low + frac * (x_high - x_low)
    bound = 1.0 / np.maximum(access / channels, transfer)
    with np.errstate(divide="ignore", invalid="ignore"):
        tail = bound - (bound - out) * nmax / population
    return np.where(population > nmax, tail, out)


def _queue_throughput(p: _Physics, block: Any, outstanding: Any) -> Any:
    """Random-read throughput (B/s) with queueing inside the device (the smooth knee)."""
    transfer = block / p.bandwidth
    if p.serial:
        q = np.maximum(outstanding, 1.0)
        positioning = p.floor + (p.access - p.floor) / q
        return np.minimum(outstanding, 1.0) * block / (positioning + transfer)
    return block * _mva_throughput(p.access, p.channels, transfer, outstanding)


def _read_throughput(p: _Physics, block: Any, outstanding: Any, access: str, model: str) -> Any:
    """Read throughput (B/s) of a device for an access pattern and a model (magnitudes)."""
    if access == "sequential" and p.disk:  # no positioning: the head streams
        return np.minimum(outstanding, 1.0) * p.bandwidth + 0.0 * block
    if model == "queue":
        return _queue_throughput(p, block, outstanding)
    return _bound_throughput(p, block, outstanding)


def _step(overlap: Any, first: Any, second: Any) -> Any:
    """Time of one step of two activities: overlapped (``max``) or serial (sum)."""
    return np.where(overlap, np.maximum(first, second), first + second)


def _batches_ahead(latency: Any, compute_time: Any) -> Any:
    """``ceil(latency / compute_time)`` with ratios within 1e-9 of a whole number rounded first."""
    return np.ceil(np.round(latency / compute_time, 9))


