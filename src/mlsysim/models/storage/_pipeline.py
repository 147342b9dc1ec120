"""Storage: input pipeline (private; the public path is mlsysim.models.storage)."""


from __future__ import annotations

from typing import Any

import attrs
import numpy as np

from ..._arrays import select
from ..._export import exporter
from ..._records import Record, unit_field
from ..._validate import (
    Bandwidth,
    Count,
    Flag,
    Number,
    Optional,
    Size,
    Time,
    validated,
)
from ._common import (
    _B,
    _batches_ahead,
    _counts,
    _q,
    _step,
)

__all__: list[str] = []
export = exporter(__all__)

@export
@attrs.frozen
class InputPipeline(Record):
    """Whether the storage feeds the accelerators, and what limits it.

    Attributes
    ----------
    demand : Quantity [bandwidth]
        Aggregate bytes per second the accelerators consume when never starved.
    supply : Quantity [bandwidth]
        ``min(storage_bandwidth * access_efficiency, network_bandwidth)``.
    per_accelerator_bandwidth : Quantity [bandwidth]
        Each accelerator's share of the supply.
    io_time : Quantity [time]
        Time to read one batch at that share.
    compute_time : Quantity [time]
        Time to compute on one batch.
    step_time : Quantity [time]
        ``max(compute, io)`` with overlap, ``compute + io`` without.
    stall_time : Quantity [time]
        Time per step an accelerator waits for data (``step - compute``).
    utilization : float or ndarray
        ``compute_time / step_time``.
    delivered_bandwidth : Quantity [bandwidth]
        Bytes per second actually read (``accelerators * batch / step``).
    storage_utilization : float or ndarray
        Delivered bandwidth over the storage's rated (sequential) bandwidth.
    bottleneck : str or ndarray of str
        ``"compute"`` when the supply meets the demand (``io <= compute``),
        else ``"storage"`` or ``"network"``, whichever bounds the supply.
    """

    demand: Any = unit_field("B/s")
    supply: Any = unit_field("B/s")
    per_accelerator_bandwidth: Any = unit_field("B/s")
    io_time: Any = unit_field("s")
    compute_time: Any = unit_field("s")
    step_time: Any = unit_field("s")
    stall_time: Any = unit_field("s")
    utilization: Any
    delivered_bandwidth: Any = unit_field("B/s")
    storage_utilization: Any
    bottleneck: Any


@export
@validated(accelerators=Count(), batch_bytes=Size(positive=True), compute_time=Time(positive=True),
           storage_bandwidth=Bandwidth(positive=True),
           access_efficiency=Number(positive=True, signed=False, maximum=1.0, what="a fraction in (0, 1]"),
           network_bandwidth=Optional(Bandwidth(positive=True, inf_ok=True)), overlap=Flag())
def input_pipeline(accelerators, batch_bytes, compute_time, storage_bandwidth, access_efficiency=1.0,
                   network_bandwidth=None, overlap=True):
    r"""Do ``accelerators`` starve for input? Demand, supply, stall and the bottleneck.

    .. math::

        D = \frac{N\,b}{t_c}, \quad
        S = \min(B_\text{storage}\,\eta,\; B_\text{network}), \quad
        t_{io} = \frac{b}{S/N}, \quad
        t_\text{step} = \begin{cases}\max(t_c, t_{io}) & \text{overlap}\\ t_c + t_{io} & \text{otherwise}\end{cases},
        \quad U = \frac{t_c}{t_\text{step}}

    Parameters
    ----------
    accelerators : int or ndarray
        Accelerators reading concurrently (``N``).
    batch_bytes : Quantity [data size]
        Bytes each accelerator reads per step (``b``).
    compute_time : Quantity [time]
        Compute time per step (``t_c``).
    storage_bandwidth : Quantity [bandwidth]
        The storage's rated (sequential) read bandwidth.
    access_efficiency : float or ndarray
        Fraction of the rated bandwidth the access pattern achieves (``eta``,
        in (0, 1]); compute it from the physics with :func:`storage_throughput`
        or :func:`device_throughput` divided by the rated bandwidth.
    network_bandwidth : Quantity [bandwidth] or None
        Aggregate network ceiling between storage and accelerators (e.g. the
        compute nodes' ports, 16 x 200 Gbit/s); None for no network limit.
    overlap : bool or ndarray of bool
        The loader reads the next batch while the accelerator computes.
        Without overlap every step pays ``compute + io`` even when storage
        keeps up, so utilization is below 1 while ``bottleneck`` stays
        ``"compute"``: the bottleneck names the slowest *rate*
        (supply against demand), and the serial I/O time is the cost of
        not overlapping, not a bandwidth limit.

    Returns
    -------
    InputPipeline

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    Steady state: every accelerator reads the same batch size per step and
    shares the supply equally.  With overlap (a prefetching loader) a step
    takes ``max(compute, io)``; prefetching deeper hides latency and jitter
    but never a bandwidth deficit: when ``io > compute`` the queue drains at
    ``io - compute`` per step whatever its depth, so depth does not appear in
    the steady-state formula.  Data-loader workers enter through the
    efficiency: they are reads in flight, and Little's law
    (:func:`storage_throughput`) turns them into bandwidth.  Host-side decode
    and augmentation are not modelled; add them to ``compute_time`` when they
    do not overlap.  Where the textbook lab computes this differently: the
    storage guide, "Where the lab material differs".

    References
    ----------
    .. [1] Machine Learning Systems, Vol. 2, Lab 04: Data Storage, and Vol. 1,
       Lab 04: The Data Gravity Trap.
    .. [2] J. Mohan et al., "Analyzing and Mitigating Data Stalls in DNN
       Training", VLDB 14(5), 2021.

    Examples
    --------
    128 H100s reading 4 MB batches every 50 ms from 24 Lustre OSTs (672 GB/s)
    through 16 HDR200 ports (400 GB/s):

    >>> p = input_pipeline(128, "4 MB", "50 ms", "672 GB/s", network_bandwidth="3200 Gbit/s")
    >>> print(p.bottleneck, round(p.utilization, 3), round(p.storage_utilization * 100, 2))
    compute 1.0 1.52

    The same storage at 0.9 % efficiency (synchronous 4 KiB random reads):

    >>> p = input_pipeline(128, "4 MB", "50 ms", "672 GB/s", access_efficiency=0.009)
    >>> print(p.bottleneck, round(p.utilization, 3))
    storage 0.591
    """
    n = accelerators
    b = batch_bytes.m
    tc = compute_time.m
    storage = storage_bandwidth.m * access_efficiency
    network = np.inf if network_bandwidth is None else network_bandwidth.m
    supply = np.minimum(storage, network)
    demand = n * b / tc
    per_acc = supply / n
    io = b / per_acc
    step = _step(overlap, tc, io)
    stall = step - tc
    util = tc / step
    delivered = n * b / step
    storage_util = delivered / storage_bandwidth.m
    bottleneck = select([io <= tc, storage <= network], ["compute", "storage"], "network")
    return InputPipeline.build(demand=demand, supply=supply, per_accelerator_bandwidth=per_acc, io_time=io,
                               compute_time=tc, step_time=step, stall_time=stall, utilization=util,
                               delivered_bandwidth=delivered, storage_utilization=storage_util,
                               bottleneck=bottleneck)


@export
@validated(latency=Time(), compute_time=Time(positive=True))
def prefetch_depth(latency, compute_time):
    r"""Batches a loader must fetch ahead to hide a fetch latency.

    .. math:: d = \left\lceil \frac{L}{t_c} \right\rceil

    Parameters
    ----------
    latency : Quantity [time]
        Time from requesting a batch to having it (use a tail value, e.g. the
        p99 of an object store's first-byte latency, to hide jitter too).
    compute_time : Quantity [time]
        Compute time per step.

    Returns
    -------
    int or ndarray of int
        Batches in flight ahead of the one being computed on.  Depths above
        2**53 (absurd ratios, e.g. hours of latency over nanosecond steps),
        where floats no longer hold every integer, come back as floats
        (``inf`` when the ratio overflows) rather than overflowing int64.

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    A request issued ``d`` steps ahead has ``d * t_c`` to arrive.  This hides
    latency (and jitter up to the latency given) only when the bandwidth keeps
    up (``io_time <= compute_time``, see :func:`input_pipeline`); with a
    bandwidth deficit any finite queue drains and the stall returns.  The
    depth is the requirement from the timing, not a fitted factor.  Ratios
    within 1e-9 of a whole number are rounded to it before the ceiling, so
    30 ms over 10 ms is 3, not 4.

    References
    ----------
    .. [1] Machine Learning Systems, Vol. 2, Lab 04: Data Storage (prefetch depth).

    Examples
    --------
    A 30 ms object-store first byte hidden behind 0.84 ms ResNet-50 steps:

    >>> int(prefetch_depth("30 ms", "0.84 ms"))
    36
    >>> int(prefetch_depth("30 ms", "10 ms"))
    3
    """
    with np.errstate(over="ignore"):
        return _counts(_batches_ahead(latency.m, compute_time.m))


@export
@validated(batch_bytes=Size(), latency=Time(), compute_time=Time(positive=True), accelerators=Count())
def prefetch_memory(batch_bytes, latency, compute_time, accelerators=1):
    r"""Host memory a prefetch queue deep enough to hide ``latency`` occupies.

    .. math:: M = N \, \left\lceil \frac{L}{t_c} \right\rceil \, b

    Parameters
    ----------
    batch_bytes : Quantity [data size]
        Bytes of one batch as staged in host memory (decoded size if the
        loader decodes before queuing).
    latency : Quantity [time]
        Latency to hide (a tail value hides jitter too).
    compute_time : Quantity [time]
        Compute time per step.
    accelerators : int or ndarray
        Accelerators whose queues share the host (e.g. 8 per server).

    Returns
    -------
    Quantity [data size]

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    Counts the batches in flight ahead (:func:`prefetch_depth`); the batch
    being consumed and per-worker copies are extra.  The memory buys latency
    hiding only; it cannot cover a bandwidth deficit.

    References
    ----------
    .. [1] PyTorch ``DataLoader`` documentation (``prefetch_factor``).

    Examples
    --------
    >>> round(prefetch_memory("38.5 MB", "30 ms", "0.84 ms", accelerators=8).to("GB").m, 2)
    11.09
    """
    depth = _batches_ahead(latency.m, compute_time.m)
    return _q(accelerators * depth * batch_bytes.m, _B)


