r"""Storage pipelines: what feeds the accelerators.

Closed-form models of moving training data: how long a transfer takes and what
it costs (data gravity), what a storage device delivers for a given access
pattern (sequential vs random, queue depth through Little's law), whether an
input pipeline keeps a fleet of accelerators busy and what limits it, how deep
a prefetch queue must be, how a tiered object store -> NVMe -> DRAM pipeline
shares its load and which upgrade reaches a target utilization most cheaply,
and the storage questions of the edge, mobile and tiny tracks (vehicle fleet
logging, streaming weights from phone flash, a hearable's audio buffer).

Every function takes Quantities or unit strings, broadcasts over numpy arrays
and validates its arguments (:mod:`mlsysim._validate`); results with several
values are records that print as tables and index like their arrays.

>>> from mlsysim.models.storage import input_pipeline
>>> p = input_pipeline(128, "4 MB", "50 ms", "672 GB/s")
>>> print(p.bottleneck, round(p.demand.to("GB/s").m, 2))
compute 10.24
"""

from __future__ import annotations

from typing import Any, Sequence

import attrs
import numpy as np

from .._export import exporter
from .._arrays import broadcast
from .._records import Record
from .._validate import (
    Bandwidth,
    Choice,
    Count,
    Dimensioned,
    Instance,
    Money,
    Number,
    Optional,
    Param,
    Price,
    Rate,
    Size,
    Time,
    check,
    validated,
)
from ..errors import DomainError, UnitError
from ..hardware import UFS_31, StorageDevice, StorageServer
from ..units import quantity, ureg

__all__: list[str] = []
export = exporter(__all__)

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


# --------------------------------------------------------------------------- data movement

@export
@validated(size=Size(), bandwidth=Bandwidth(positive=True))
def transfer_time(size, bandwidth):
    r"""Time to move ``size`` bytes over a link of ``bandwidth``.

    .. math:: T = \frac{D}{B}

    Parameters
    ----------
    size : Quantity [data size]
        Bytes to move (``"50 TB"``).
    bandwidth : Quantity [bandwidth]
        Sustained end-to-end rate of the link (``"100 Gbit/s"``); must be positive.

    Returns
    -------
    Quantity [time]
        Seconds.

    Raises
    ------
    UnitError
        A bare number or a wrong dimension.
    DomainError
        NaN, infinity, a negative size, or a bandwidth that is not positive.

    Notes
    -----
    Assumes the link is sustained at ``bandwidth`` for the whole transfer: no
    protocol overhead, no start-up latency (negligible for bulk transfers),
    no contention.  A real wide-area copy rarely sustains the line rate, so
    this is a lower bound on the time.

    References
    ----------
    .. [1] D. McCrory, "Data Gravity: in the clouds", 2010 (the term).
    .. [2] Machine Learning Systems textbook, Vol. 1 lab 04 "The Data Gravity Trap".

    Examples
    --------
    50 TB over a 100 Gbit/s (12.5 GB/s) link:

    >>> t = transfer_time("50 TB", "100 Gbit/s")
    >>> round(t.to("s").m), round(t.to("min").m, 1)
    (4000, 66.7)
    """
    return _q(size.m / bandwidth.m, _S)


@export
@validated(size=Size(), price=Price())
def egress_cost(size, price):
    r"""What a provider charges to move ``size`` bytes out at ``price`` per byte-unit.

    .. math:: C = D \cdot p

    Parameters
    ----------
    size : Quantity [data size]
        Bytes moved out (``"50 TB"``).
    price : Quantity [currency / data size]
        Egress price (``"0.08 USD/GB"``); zero for a free link.

    Returns
    -------
    Quantity [currency]
        USD.

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    A flat price per byte: tiered (volume-discounted) price schedules and
    request charges are not modelled.  Mind the prefix: ``GB`` is 10**9 bytes,
    as cloud price lists use it.

    References
    ----------
    .. [1] Amazon S3 pricing, data transfer out; the textbook lab assumes 0.08 USD/GB.

    Examples
    --------
    >>> round(egress_cost("50 TB", "0.08 USD/GB").to("USD").m, 2)
    4000.0
    """
    return _q(size.m * price.m, _USD)


@export
@attrs.frozen
class DataGravity(Record):
    """Move the data to the compute, or the compute to the data.

    Attributes
    ----------
    transfer_time : Quantity [time]
        Time to copy the dataset over the link.
    egress_cost : Quantity [currency]
        What the copy costs in egress charges.
    training_time : Quantity [time]
        The training run the copy is compared with.
    compute_cost_in_place : Quantity [currency]
        The extra cost of computing where the data lives.
    time_ratio : float or ndarray
        ``transfer_time / training_time``.
    transfer_exceeds_training : bool or ndarray
        The copy takes longer than the training run itself.
    egress_exceeds_compute : bool or ndarray
        The egress bill exceeds the cost of computing in place.
    decision : str or ndarray of str
        ``"move compute"`` when either comparison goes against the copy, else ``"move data"``.
    reason : str or ndarray of str
        ``"transfer time"``, ``"egress cost"``, ``"transfer time and egress cost"``
        or ``"copy is faster and cheaper"``.
    """

    transfer_time: Any
    egress_cost: Any
    training_time: Any
    compute_cost_in_place: Any
    time_ratio: Any
    transfer_exceeds_training: Any
    egress_exceeds_compute: Any
    decision: Any
    reason: Any


@export
@validated(dataset_size=Size(), link_bandwidth=Bandwidth(positive=True), training_time=Time(positive=True),
           egress_price=Price(), compute_cost_in_place=Money())
def data_gravity(dataset_size, link_bandwidth, training_time, egress_price, compute_cost_in_place):
    r"""Decide between moving a dataset to the compute and moving the compute to the data.

    .. math::

        T = \frac{D}{B}, \qquad C = D\,p, \qquad
        \text{move compute} \iff T > T_\text{train} \;\lor\; C > C_\text{in place}

    Parameters
    ----------
    dataset_size : Quantity [data size]
        The dataset (``"50 TB"``).
    link_bandwidth : Quantity [bandwidth]
        The link between the data's site and the compute's (``"100 Gbit/s"``).
    training_time : Quantity [time]
        The training run the data is needed for (``"6 h"``).
    egress_price : Quantity [currency / data size]
        Egress price at the data's site (``"0.08 USD/GB"``).
    compute_cost_in_place : Quantity [currency]
        The extra cost of running the job where the data lives instead of
        where the compute is now (spinning up or renting accelerators there,
        a regional price premium).  Zero means computing in place costs
        nothing extra.

    Returns
    -------
    DataGravity
        Transfer time, egress cost, both comparisons, the decision and its reason.

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    Two rules, either of which sends the compute to the data: the copy takes
    longer than the training run it feeds (time gravity), or its egress bill
    exceeds the cost of computing in place (cost gravity).  The copy is
    assumed to run at the full link rate and to finish before training starts
    (no streaming while training).  Storage costs at the destination are not
    counted.

    References
    ----------
    .. [1] D. McCrory, "Data Gravity: in the clouds", 2010.
    .. [2] Machine Learning Systems textbook, Vol. 1 lab 04 "The Data Gravity Trap".

    Examples
    --------
    The seed: 50 TB over 100 Gbit/s for a 6-hour run, 0.08 USD/GB egress, and
    8 A100s at 20 USD/h for 6 h (120 USD) where the data lives:

    >>> g = data_gravity("50 TB", "100 Gbit/s", "6 h", "0.08 USD/GB", "120 USD")
    >>> round(g.transfer_time.to("s").m), round(g.egress_cost.to("USD").m)
    (4000, 4000)
    >>> g.transfer_exceeds_training, g.decision, g.reason
    (False, 'move compute', 'egress cost')
    """
    t = dataset_size.m / link_bandwidth.m
    cost = dataset_size.m * egress_price.m
    exceeds = np.asarray(t > training_time.m)
    costlier = np.asarray(cost > compute_cost_in_place.m)
    decision = np.where(exceeds | costlier, "move compute", "move data")
    reason = np.select([exceeds & costlier, exceeds, costlier],
                       ["transfer time and egress cost", "transfer time", "egress cost"],
                       "copy is faster and cheaper")
    fields = broadcast(_q(t, _S), _q(cost, _USD), training_time, compute_cost_in_place,
                       t / training_time.m, exceeds, costlier, decision, reason)
    return DataGravity(*fields[:7], _strings(fields[7]), _strings(fields[8]))


# --------------------------------------------------------------------------- devices

@export
@validated(device=Instance(StorageDevice), block_size=Size(positive=True),
           queue_depth=_positive_count("a positive number of outstanding requests"),
           access=Choice("random", "sequential"))
def device_throughput(device, block_size, queue_depth=1, access="random"):
    r"""Read throughput of a storage device for a block size and a queue depth.

    .. math::

        X = \min\left(B_\text{seq},\; \text{IOPS}\cdot b,\; \frac{Q\,b}{L}\right)

    the sequential ceiling, the IOPS ceiling, and Little's law (``Q`` requests
    in flight, each taking the read latency ``L``).

    Parameters
    ----------
    device : StorageDevice or str
        A catalog device (``hardware.NVME_GEN4``) or its catalog name.
    block_size : Quantity [data size]
        Bytes per request (``"4 KiB"`` random, ``"1 MiB"`` streaming).
    queue_depth : float or ndarray
        Requests in flight (``>0``; an average, so it may be fractional).
    access : {"random", "sequential"}, optional
        ``"random"`` (default) is the formula above, every request paying a
        random access (for a disk: a seek and half a rotation).
        ``"sequential"``: consecutive blocks of one stream, read ahead by the
        device, so neither the random-IOPS nor the random-latency ceiling
        applies and :math:`X = B_\text{seq}`.  This matters for disks, whose
        random IOPS (seek-bound) would otherwise cap a 1 MiB stream far below
        the rated sequential rate.

    Returns
    -------
    Quantity [bandwidth]
        Bytes per second.

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    A roofline-style bound: each ceiling is reached exactly and the curve bends
    sharply between them.  The Little's-law term charges every request the
    queue-depth-1 latency, so it ignores the transfer time of large blocks
    (``b / B_seq``) and queueing inside the device; a real device approaches
    the ceilings more gently.  The IOPS figure is the datasheet's (4 KiB at a
    high queue depth); applying it to larger blocks assumes the controller's
    request rate, not the flash, is what limits small requests.  The same
    formula draws the IOPS-vs-throughput curve and the sequential/random gap.

    References
    ----------
    .. [1] J. D. C. Little, "A proof for the queuing formula L = lambda W",
       Operations Research 9(3), 1961.
    .. [2] Machine Learning Systems textbook, Vol. 2 lab 04 "Data Storage".

    Examples
    --------
    4 KiB random reads at queue depth 1 against 1 MiB streaming reads on a Gen4 NVMe SSD:

    >>> from mlsysim.hardware import NVME_GEN4
    >>> random = device_throughput(NVME_GEN4, "4 KiB")
    >>> stream = device_throughput(NVME_GEN4, "1 MiB")
    >>> round(random.to("MB/s").m, 1), round(stream.to("GB/s").m, 1)
    (48.2, 7.0)
    >>> round(device_throughput(NVME_GEN4, "4 KiB", 256).to("GB/s").m, 3)   # the IOPS ceiling
    4.096

    A hard disk streams at its rated rate but reads scattered 1 MiB blocks at
    its seek-bound IOPS (152 x 1 MiB = 159 MB/s):

    >>> from mlsysim.hardware import HDD
    >>> round(device_throughput(HDD, "1 MiB", 32).to("MB/s").m, 1)
    159.4
    >>> round(device_throughput(HDD, "1 MiB", access="sequential").to("MB/s").m, 1)
    270.0
    """
    seq, iops, latency = _device_numbers(device)
    if access == "sequential":
        return _q(seq + 0.0 * block_size.m * queue_depth, _BPS)
    return _q(_access_bound(seq, iops, block_size.m, queue_depth, latency), _BPS)


@export
@validated(server=Instance(StorageServer), block_size=Size(positive=True),
           outstanding_reads=_positive_count("a positive number of reads in flight"),
           servers=Count(), extra_latency=Time())
def storage_throughput(server, block_size, outstanding_reads, servers=1, extra_latency="0 s"):
    r"""Aggregate read throughput of ``servers`` storage servers (e.g. Lustre OSTs).

    .. math::

        X = \min\left(S\,B_\text{server},\; S\,d\,B_\text{seq},\; S\,d\,\text{IOPS}\cdot b,\;
        \frac{Q\,b}{L_\text{dev} + L_\text{extra}}\right)

    with ``S`` servers of ``d`` drives each and ``Q`` reads in flight across
    the whole file system.

    Parameters
    ----------
    server : StorageServer or str
        A catalog server (``hardware.LUSTRE_OST``) or its name.
    block_size : Quantity [data size]
        Bytes per read.
    outstanding_reads : float or ndarray
        Reads in flight across all clients: accelerators x data-loader workers
        x reads each worker keeps in flight (a synchronous worker keeps one).
    servers : int or ndarray
        Number of servers the data is striped over.
    extra_latency : Quantity [time]
        Latency each read pays beyond the drive's own (network round trip,
        file-system RPC and server software).  Default ``"0 s"``.

    Returns
    -------
    Quantity [bandwidth]

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    Assumes the reads are spread evenly over all drives (wide striping), so
    Little's law applies to the aggregate: ``Q`` reads each taking ``L``
    deliver ``Q b / L``.  This is how data-loader workers enter: as reads in
    flight, not as an efficiency factor.  Client-side limits (the compute
    nodes' network ports) are a separate ceiling; pass them to
    :func:`input_pipeline` as ``network_bandwidth``.

    References
    ----------
    .. [1] J. D. C. Little, Operations Research 9(3), 1961.
    .. [2] Lustre Operations Manual, striping and OSS sizing.

    Examples
    --------
    24 OSTs (4 NVMe drives each) read sequentially in 1 MiB blocks by 1,024
    workers, then in 4 KiB random reads by 128 synchronous workers:

    >>> from mlsysim.hardware import LUSTRE_OST
    >>> round(storage_throughput(LUSTRE_OST, "1 MiB", 1024, servers=24).to("GB/s").m)
    672
    >>> round(storage_throughput(LUSTRE_OST, "4 KiB", 128, servers=24).to("GB/s").m, 2)
    6.17
    """
    seq, iops, latency = _device_numbers(server.device)
    drives = servers * server.devices
    server_bw = float(server.read_bandwidth.m_as(_BPS))
    ceiling = np.minimum(servers * server_bw, drives * seq)
    out = _access_bound(ceiling, drives * iops, block_size.m, outstanding_reads, latency + extra_latency.m)
    return _q(out, _BPS)


@export
@validated(bandwidth=Bandwidth(), block_size=Size(positive=True), latency=Time(positive=True))
def outstanding_reads(bandwidth, block_size, latency):
    r"""Reads that must be in flight to sustain ``bandwidth`` (Little's law).

    .. math:: Q = \frac{X\,L}{b}

    Parameters
    ----------
    bandwidth : Quantity [bandwidth]
        The throughput to sustain.
    block_size : Quantity [data size]
        Bytes per read.
    latency : Quantity [time]
        Time one read takes, end to end.

    Returns
    -------
    float or ndarray
        Average number of reads in flight (divide by the accelerators and
        round up for data-loader workers each, with one read per worker).

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    Little's law ``L = lambda W`` with the arrival rate ``X / b`` reads per
    second.  It holds for any stable queue; it says nothing about whether the
    device can reach ``bandwidth`` (see :func:`device_throughput`).

    References
    ----------
    .. [1] J. D. C. Little, Operations Research 9(3), 1961.

    Examples
    --------
    10.24 GB/s of 4 KiB reads that take 85 us each:

    >>> round(outstanding_reads("10.24 GB/s", "4 KiB", "85 us"), 1)
    212.5
    """
    return _f(bandwidth.m * latency.m / block_size.m)


# --------------------------------------------------------------------------- input pipeline

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

    demand: Any
    supply: Any
    per_accelerator_bandwidth: Any
    io_time: Any
    compute_time: Any
    step_time: Any
    stall_time: Any
    utilization: Any
    delivered_bandwidth: Any
    storage_utilization: Any
    bottleneck: Any


@export
@validated(accelerators=Count(), batch_bytes=Size(positive=True), compute_time=Time(positive=True),
           storage_bandwidth=Bandwidth(positive=True),
           access_efficiency=Number(positive=True, signed=False, maximum=1.0, what="a fraction in (0, 1]"),
           network_bandwidth=Optional(Bandwidth(positive=True, inf_ok=True)), overlap=_Flag())
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
    the steady-state formula.  (The seed lab subtracts ``compute x depth``
    from the I/O time, as if prefetch multiplied bandwidth; that is wrong.)
    Data-loader workers enter through the efficiency: they are reads in
    flight, and Little's law (:func:`storage_throughput`) turns them into
    bandwidth; the seed lab's worker and pattern factors were fitted numbers.
    Host-side decode and augmentation are not modelled; add them to
    ``compute_time`` when they do not overlap.

    References
    ----------
    .. [1] Machine Learning Systems textbook, Vol. 2 lab 04 and Vol. 1 lab 04.
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
    bottleneck = np.select([io <= tc, storage <= network], ["compute", "storage"], "network")
    fields = broadcast(_q(demand, _BPS), _q(supply, _BPS), _q(per_acc, _BPS), _q(io, _S),
                       compute_time, _q(step, _S), _q(stall, _S), util, _q(delivered, _BPS),
                       storage_util, bottleneck)
    return InputPipeline(*fields[:10], _strings(fields[10]))


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
        Batches in flight ahead of the one being computed on.

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    A request issued ``d`` steps ahead has ``d * t_c`` to arrive.  This hides
    latency (and jitter up to the latency given) only when the bandwidth keeps
    up (``io_time <= compute_time``, see :func:`input_pipeline`); with a
    bandwidth deficit any finite queue drains and the stall returns.  The seed
    lab's ``depth = workers x overlap factor`` is a fitted number; this is the
    requirement from the timing.  Ratios within 1e-9 of a whole number are
    rounded to it before the ceiling, so 30 ms over 10 ms is 3, not 4.

    References
    ----------
    .. [1] Machine Learning Systems textbook, Vol. 2 lab 04 (prefetch depth).

    Examples
    --------
    A 30 ms object-store first byte hidden behind 0.84 ms ResNet-50 steps:

    >>> int(prefetch_depth("30 ms", "0.84 ms"))
    36
    >>> int(prefetch_depth("30 ms", "10 ms"))
    3
    """
    depth = _batches_ahead(latency.m, compute_time.m).astype(np.int64)
    return depth if depth.ndim else int(depth)


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


# --------------------------------------------------------------------------- tiers

@export
@validated(cache_capacity=Size(), dataset_size=Size(positive=True))
def cache_hit_fraction(cache_capacity, dataset_size):
    r"""Fraction of reads a cache serves when samples are read uniformly at random.

    .. math:: h = \min\left(1, \frac{C}{D}\right)

    Parameters
    ----------
    cache_capacity : Quantity [data size]
        Cache size (local NVMe, DRAM page cache).
    dataset_size : Quantity [data size]
        Dataset size.

    Returns
    -------
    float or ndarray

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    Uniform random access over epochs with a warm cache: every sample is
    equally likely, so any ``C`` bytes of the dataset are hit with probability
    ``C / D`` whatever the replacement policy.  The first epoch of a cold
    cache (and any single-pass stream) hits nothing.

    References
    ----------
    .. [1] A. Kumar and J. Sivathanu, "Quiver: An Informed Storage Cache for
       Deep Learning", FAST 2020.

    Examples
    --------
    >>> cache_hit_fraction("15.36 TB", "50 TB")
    0.3072
    """
    return _f(np.minimum(1.0, cache_capacity.m / dataset_size.m))


@export
@attrs.frozen
class TieredPipeline(Record):
    """What a set of concurrent storage tiers delivers.

    Attributes
    ----------
    demand : Quantity [bandwidth]
        What the consumers ask for.
    delivered_bandwidth : Quantity [bandwidth]
        ``min_i(bandwidth_i / fraction_i)``: the rate at which every tier keeps up with its share.
    utilization : float or ndarray
        ``min(1, delivered / demand)``.
    bottleneck_tier : str or ndarray of str
        Name of the tier that sets the delivered bandwidth.
    starved : bool or ndarray
        The tiers deliver less than the demand.
    """

    demand: Any
    delivered_bandwidth: Any
    utilization: Any
    bottleneck_tier: Any
    starved: Any


_TIER_BANDWIDTH = Bandwidth(positive=True, inf_ok=True)
_TIER_FRACTION = Number(minimum=0.0, maximum=1.0, signed=False, what="a fraction in [0, 1]")


def _parse_tiers(tiers: Any, where: str) -> tuple[list[str], list[Any], list[Any]]:
    """Validate ``(name, bandwidth, fraction)`` tiers; fractions must sum to one."""
    if isinstance(tiers, (str, bytes)) or not isinstance(tiers, Sequence) or len(tiers) == 0:
        raise UnitError(f"{where} expects a non-empty sequence of (name, bandwidth, fraction) tuples; "
                        f"got {tiers!r:.100}")
    names, bws, fracs = [], [], []
    for i, tier in enumerate(tiers):
        if isinstance(tier, (str, bytes)) or not isinstance(tier, Sequence) or len(tier) != 3 \
                or not isinstance(tier[0], str):
            raise UnitError(f"{where}[{i}] expects a (name: str, bandwidth, fraction) tuple; got {tier!r:.100}")
        names.append(tier[0])
        bws.append(check(tier[1], _TIER_BANDWIDTH, f"{where}[{i}] ({tier[0]!r}) bandwidth").m)
        fracs.append(check(tier[2], _TIER_FRACTION, f"{where}[{i}] ({tier[0]!r}) fraction"))
    total = sum(fracs)
    bad = np.abs(np.asarray(total) - 1.0) > _RTOL
    if np.any(bad):
        first = np.asarray(total)[bad].ravel()[0] if np.ndim(total) else total
        raise DomainError(f"{where}: the tier fractions must sum to 1; they sum to {float(first)!r}")
    return names, bws, fracs


@export
@validated(demand=Bandwidth(positive=True))
def tiered_pipeline(demand, tiers):
    r"""Bandwidth delivered by storage tiers that serve disjoint shares of the bytes concurrently.

    .. math::

        B_\text{delivered} = \min_i \frac{B_i}{f_i}, \qquad \sum_i f_i = 1, \qquad
        U = \min\left(1, \frac{B_\text{delivered}}{D}\right)

    Parameters
    ----------
    demand : Quantity [bandwidth]
        What the consumers read per second when never starved.
    tiers : sequence of (str, bandwidth, fraction)
        Ordered fastest first, e.g. ``[("DRAM", "300 GB/s", 0.1), ("NVMe",
        "28 GB/s", 0.5), ("S3", "10 Gbit/s", 0.4)]``: each tier's name, the
        bandwidth it delivers, and the fraction of the bytes it serves.  The
        fractions must sum to 1; a tier with fraction 0 imposes no limit.
        Bandwidths and fractions may be arrays that broadcast.

    Returns
    -------
    TieredPipeline

    Raises
    ------
    UnitError
        A malformed tier, a bare number or wrong dimension for a bandwidth.
    DomainError
        Fractions outside [0, 1] or not summing to 1 (within 1e-9), NaN, a
        bandwidth that is not positive.

    Notes
    -----
    The tiers work in parallel: to deliver ``X`` bytes per second, tier ``i``
    must serve ``f_i X``, so each tier caps ``X`` at ``B_i / f_i``.  This is
    not a series pipeline (where every byte crosses every stage and the
    slowest stage caps ``X`` regardless of fractions).  Ties go to the tier
    listed first.  Use :func:`cache_hit_fraction` for the fractions under
    uniform random access.

    References
    ----------
    .. [1] Machine Learning Systems textbook, Vol. 2 lab 04 "Sizing the Pipeline".

    Examples
    --------
    >>> t = tiered_pipeline("4 GB/s", [("NVMe", "28 GB/s", 0.3), ("S3", "10 Gbit/s", 0.7)])
    >>> round(t.delivered_bandwidth.to("GB/s").m, 3), round(t.utilization, 3), t.bottleneck_tier
    (1.786, 0.446, 'S3')
    """
    names, bws, fracs = _parse_tiers(tiers, "tiered_pipeline(): parameter 'tiers'")
    limits = [_divide(bw, f) for bw, f in zip(bws, fracs)]
    stacked = np.stack(np.broadcast_arrays(*limits))
    delivered = np.min(stacked, axis=0)
    which = np.asarray(names)[np.argmin(stacked, axis=0)]
    util = np.minimum(1.0, delivered / demand.m)
    starved = delivered < demand.m * (1 - _RTOL)
    fields = broadcast(demand, _q(delivered, _BPS), util, which, starved)
    return TieredPipeline(fields[0], fields[1], fields[2], _strings(fields[3]), fields[4])


@export
@attrs.frozen
class UpgradePlan(Record):
    """The cheapest change (cache capacity or download bandwidth) that reaches a target utilization.

    Attributes
    ----------
    utilization : float or ndarray
        Today's warm-cache utilization.
    target_utilization : float or ndarray
        The goal (e.g. 0.95).
    cold_utilization : float or ndarray
        Utilization while the cache is cold (first epoch, single-pass data):
        ``min(1, download / demand)``; no cache size changes it.
    hit_fraction : float or ndarray
        Today's cache hit fraction.
    needed_hit_fraction : float or ndarray
        The hit fraction that relieves the download link enough.
    cache_capacity_needed : Quantity [data size]
        Total cache for the target with today's link (``inf`` if the cache cannot do it).
    extra_cache_capacity : Quantity [data size]
        Cache to add (``inf`` if the cache cannot do it).
    download_bandwidth_needed : Quantity [bandwidth]
        Total download bandwidth for the target with today's cache (``inf`` if it cannot).
    extra_download_bandwidth : Quantity [bandwidth]
        Download bandwidth to add (``inf`` if it cannot).
    cache_cost, download_cost : Quantity [currency] or None
        Price of each option (None when its price was not given; ``inf`` when infeasible).
    cache_can_help : bool or ndarray
        More cache alone reaches the target.
    cache_limit : str or ndarray of str
        Why more cache cannot help: ``"download link"`` (the cache cannot grow
        enough to relieve it), ``"cache bandwidth"`` (the cache device cannot
        serve the extra hits) or ``"none"``.
    choice : str or ndarray of str
        ``"none needed"``, ``"cache capacity"``, ``"download bandwidth"``,
        ``"either"`` (both work, no prices to compare) or ``"neither"``.
    """

    utilization: Any
    target_utilization: Any
    cold_utilization: Any
    hit_fraction: Any
    needed_hit_fraction: Any
    cache_capacity_needed: Any
    extra_cache_capacity: Any
    download_bandwidth_needed: Any
    extra_download_bandwidth: Any
    cache_cost: Any
    download_cost: Any
    cache_can_help: Any
    cache_limit: Any
    choice: Any


@export
@validated(demand=Bandwidth(positive=True), dataset_size=Size(positive=True), cache_capacity=Size(),
           cache_bandwidth=Bandwidth(positive=True), download_bandwidth=Bandwidth(positive=True),
           target_utilization=Number(positive=True, signed=False, maximum=1.0, what="a fraction in (0, 1]"),
           max_cache_capacity=Optional(Size(inf_ok=True)), capacity_price=Optional(Price()),
           bandwidth_price=Optional(_PriceBandwidth()))
def cheapest_upgrade(demand, dataset_size, cache_capacity, cache_bandwidth, download_bandwidth,
                     target_utilization=0.95, max_cache_capacity=None, capacity_price=None, bandwidth_price=None):
    r"""Size the cheapest change (cache capacity or download link) that reaches a target utilization.

    A two-tier pipeline: a local cache (NVMe) serves the hit fraction
    ``h = min(1, C / D)`` and a download link (object store to node) the rest.
    To deliver ``R = u D_demand`` both tiers must keep up with their shares:

    .. math::

        h\,R \le B_\text{cache}, \qquad (1-h)\,R \le B_\text{download}

    so more cache works by raising ``h`` to
    ``h^* = \max(h, 1 - B_\text{download}/R)``, feasible while
    ``h^* \le \min(1, C_\text{max}/D, B_\text{cache}/R)``; a faster link works
    with today's ``h`` if ``B_\text{download} \ge (1-h) R``, feasible while
    ``h R \le B_\text{cache}``.

    Parameters
    ----------
    demand : Quantity [bandwidth]
        What the accelerators read per second when never starved.
    dataset_size : Quantity [data size]
        The dataset read uniformly at random each epoch.
    cache_capacity : Quantity [data size]
        Today's cache.
    cache_bandwidth : Quantity [bandwidth]
        What the cache device delivers (e.g. 4 x 7 GB/s NVMe).
    download_bandwidth : Quantity [bandwidth]
        Today's link from the object store.
    target_utilization : float
        The goal, in (0, 1] (default 0.95).
    max_cache_capacity : Quantity [data size] or None
        The most cache the node can hold (its NVMe capacity); None for no cap.
    capacity_price : Quantity [currency / data size] or None
        Price of cache capacity (``"0.10 USD/GB"``).
    bandwidth_price : Quantity [currency / bandwidth] or None
        Price of download bandwidth (``"2000 USD/(Gbit/s)"``), over the same
        period as ``capacity_price`` (both one-off, or both per month).

    Returns
    -------
    UpgradePlan

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    Steady state with a warm cache and uniform random access
    (:func:`cache_hit_fraction`); the tiers serve concurrently
    (:func:`tiered_pipeline`).  The cold first epoch, or a single pass over
    streaming data, hits nothing: there only the link counts
    (``cold_utilization``), which is the sense in which "more NVMe cannot help
    when the download link is the bottleneck".  More cache can also hurt: it
    shifts load onto the cache device, which caps the useful hit fraction at
    ``B_cache / R``.  The DRAM tier and host decode are not modelled here; use
    :func:`tiered_pipeline` with three tiers to check a finished design.

    References
    ----------
    .. [1] Machine Learning Systems textbook, Vol. 2 lab 04 "Sizing the Pipeline".

    Examples
    --------
    A node reading 4 GB/s of a 50 TB dataset, 4 TB cached on 28 GB/s of NVMe,
    a 10 Gbit/s link, at most 15.36 TB of NVMe:

    >>> p = cheapest_upgrade("4 GB/s", "50 TB", "4 TB", "28 GB/s", "10 Gbit/s", max_cache_capacity="15.36 TB")
    >>> round(p.utilization, 3), p.cache_can_help, p.cache_limit, p.choice
    (0.34, False, 'download link', 'download bandwidth')
    >>> round(p.extra_download_bandwidth.to("Gbit/s").m, 1)
    18.0
    """
    R = target_utilization * demand.m
    D = dataset_size.m
    cache_bw = cache_bandwidth.m
    down = download_bandwidth.m
    h = np.minimum(1.0, cache_capacity.m / D)
    delivered = np.minimum(_divide(cache_bw, h), _divide(down, 1.0 - h))
    util = np.minimum(1.0, delivered / demand.m)
    met = delivered >= R * (1 - _RTOL)
    h_cap = 1.0 if max_cache_capacity is None else np.minimum(1.0, max_cache_capacity.m / D)
    h_need = np.maximum(h, np.maximum(0.0, 1.0 - down / R))
    link_limit = h_need > h_cap * (1 + _RTOL)
    bw_limit = h_need * R > cache_bw * (1 + _RTOL)
    cache_ok = ~link_limit & ~bw_limit
    cache_total = np.where(cache_ok, h_need * D, np.inf)
    cache_extra = np.where(cache_ok, np.maximum(0.0, h_need * D - cache_capacity.m), np.inf)
    down_ok = h * R <= cache_bw * (1 + _RTOL)
    down_total = np.where(down_ok, (1.0 - h) * R, np.inf)
    down_extra = np.where(down_ok, np.maximum(0.0, (1.0 - h) * R - down), np.inf)
    cache_cost = None if capacity_price is None else _cost(cache_extra, capacity_price.m)
    down_cost = None if bandwidth_price is None else _cost(down_extra, bandwidth_price.m)
    if cache_cost is not None and down_cost is not None:
        both = np.where(cache_cost <= down_cost, "cache capacity", "download bandwidth")
    else:
        both = "either"
    choice = np.select([met, cache_ok & down_ok, cache_ok, down_ok],
                       ["none needed", both, "cache capacity", "download bandwidth"], "neither")
    limit = np.select([link_limit, bw_limit], ["download link", "cache bandwidth"], "none")
    cold = np.minimum(1.0, down / demand.m)
    costs = [_q(c, _USD) for c in (cache_cost, down_cost) if c is not None]
    fields = broadcast(util, target_utilization, cold, h, h_need, _q(cache_total, _B), _q(cache_extra, _B),
                       _q(down_total, _BPS), _q(down_extra, _BPS), *costs, cache_ok, limit, choice)
    head, tail = fields[:9], fields[9:]
    cache_cost_q = tail.pop(0) if cache_cost is not None else None
    down_cost_q = tail.pop(0) if down_cost is not None else None
    return UpgradePlan(*head, cache_cost_q, down_cost_q, tail[0], _strings(tail[1]), _strings(tail[2]))


def _cost(amount: Any, price: Any) -> Any:
    """``amount * price`` with an infeasible (infinite) amount costing ``inf``, even at price 0."""
    amount = np.asarray(amount, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(np.isinf(amount), np.inf, amount * price)


# --------------------------------------------------------------------------- edge, mobile, tiny

@export
@attrs.frozen
class FleetLogging(Record):
    """A vehicle fleet's sensor logs against its uplinks and local storage.

    Attributes
    ----------
    upload_rate : Quantity [bandwidth]
        What each vehicle uploads per second (``min(data rate, available uplink)``).
    upload_fraction : float or ndarray
        Fraction of the logged data that reaches the cloud.
    backlog_rate : Quantity [bandwidth]
        Rate at which each vehicle's local storage fills.
    fill_time : Quantity [time]
        Time until the local storage is full (``inf`` when the uplink keeps up).
    fleet_data_rate : Quantity [bandwidth]
        What the whole fleet logs.
    fleet_upload_rate : Quantity [bandwidth]
        What the whole fleet uploads: the ingest the cloud must absorb.
    storage_fills : bool or ndarray
        Local storage eventually fills (data must be dropped or triaged).
    """

    upload_rate: Any
    upload_fraction: Any
    backlog_rate: Any
    fill_time: Any
    fleet_data_rate: Any
    fleet_upload_rate: Any
    storage_fills: Any


@export
@validated(vehicles=Count(), data_rate=Bandwidth(positive=True), uplink_bandwidth=Bandwidth(),
           local_capacity=Size(), uplink_availability=Number(minimum=0.0, maximum=1.0, signed=False,
                                                              what="a fraction in [0, 1]"))
def fleet_logging(vehicles, data_rate, uplink_bandwidth, local_capacity, uplink_availability=1.0):
    r"""What fraction of a vehicle fleet's logs uploads, and when local storage fills.

    .. math::

        u = \min(r, a\,B_\text{up}), \quad f = \frac{u}{r}, \quad
        T_\text{fill} = \frac{C}{r - u}

    Parameters
    ----------
    vehicles : int or ndarray
        Fleet size.
    data_rate : Quantity [bandwidth]
        What one vehicle logs per second of driving (``"5 TB/h"`` fleet-wide
        divided by the fleet, or per vehicle).
    uplink_bandwidth : Quantity [bandwidth]
        One vehicle's uplink while connected.
    local_capacity : Quantity [data size]
        One vehicle's log storage.
    uplink_availability : float or ndarray
        Fraction of driving time the uplink is usable (coverage, shared cells).

    Returns
    -------
    FleetLogging

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    Steady logging while driving, a fluid model of the backlog (no bursts), no
    compression or on-vehicle triage (apply them to ``data_rate``).  Uploads
    at a depot after the drive are not counted: add them to the availability.

    References
    ----------
    .. [1] Machine Learning Systems textbook, Vol. 2 lab 04, Edge track "The Black-Box Log".

    Examples
    --------
    5 TB/h across 10,000 vehicles (0.5 GB/h each) on a 1 Mbit/s uplink with 256 GB of storage:

    >>> f = fleet_logging(10_000, "0.5 GB/h", "1 Mbit/s", "256 GB")
    >>> round(f.upload_fraction, 2), round(f.fill_time.to("h").m)
    (0.9, 5120)
    """
    up = np.minimum(data_rate.m, uplink_availability * uplink_bandwidth.m)
    backlog = data_rate.m - up
    fill = _divide(local_capacity.m, backlog)
    fields = broadcast(_q(up, _BPS), up / data_rate.m, _q(backlog, _BPS), _q(fill, _S),
                       _q(vehicles * data_rate.m, _BPS), _q(vehicles * up, _BPS), backlog > 0)
    return FleetLogging(*fields)


@export
@attrs.frozen
class WeightStreaming(Record):
    """Streaming model weights from flash within a frame budget.

    Attributes
    ----------
    throughput : Quantity [bandwidth]
        What the flash delivers for the block size and queue depth.
    read_time : Quantity [time]
        Time to read the frame's weights.
    step_time : Quantity [time]
        Frame time: ``max(read, compute)`` with overlap, ``read + compute`` without.
    frame_budget : Quantity [time]
        The deadline.
    slack : Quantity [time]
        ``frame_budget - step_time`` (negative when the frame is late).
    frame_skip : bool or ndarray
        The frame misses its budget.
    max_weight_bytes : Quantity [data size]
        The most weight bytes per frame that fit the budget.
    """

    throughput: Any
    read_time: Any
    step_time: Any
    frame_budget: Any
    slack: Any
    frame_skip: Any
    max_weight_bytes: Any


@export
@validated(weight_bytes=Size(), frame_budget=Time(positive=True), device=Instance(StorageDevice),
           block_size=Size(positive=True), queue_depth=_positive_count("a positive number of outstanding requests"),
           compute_time=Time(), overlap=_Flag())
def weight_streaming(weight_bytes, frame_budget, device=UFS_31, block_size="1 MiB", queue_depth=1,
                     compute_time="0 s", overlap=True):
    r"""Does streaming ``weight_bytes`` from flash each frame skip a frame?

    .. math::

        t_r = \frac{W}{X(b, Q)}, \quad
        t = \begin{cases}\max(t_r, t_c) & \text{overlap}\\ t_r + t_c & \text{otherwise}\end{cases},
        \quad \text{skip} \iff t > T_\text{frame}

    with ``X`` from :func:`device_throughput`.

    Parameters
    ----------
    weight_bytes : Quantity [data size]
        Weights read from flash per frame (the part that does not fit in RAM).
    frame_budget : Quantity [time]
        The deadline (``"50 ms"``: a longer frame is a visible skip).
    device : StorageDevice or str
        The flash (default :data:`mlsysim.hardware.UFS_31`, phone UFS 3.1).
    block_size : Quantity [data size]
        Bytes per read: large when weights are laid out contiguously, 4 KiB
        when they are scattered.
    queue_depth : float or ndarray
        Reads in flight.
    compute_time : Quantity [time]
        Compute per frame.
    overlap : bool or ndarray of bool
        Reads of the next layers overlap compute on the current ones.

    Returns
    -------
    WeightStreaming

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    Inherits the bound model of :func:`device_throughput`; thermal throttling
    and contention with other apps' I/O are not modelled.

    References
    ----------
    .. [1] K. Alizadeh et al., "LLM in a flash: Efficient Large Language Model
       Inference with Limited Memory", ACL 2024.
    .. [2] Machine Learning Systems textbook, Vol. 2 lab 04, Mobile track "The App Cache Wall".

    Examples
    --------
    64 MB per frame from UFS 3.1 in 1 MiB reads, then scattered 4 KiB reads:

    >>> s = weight_streaming("64 MB", "50 ms")
    >>> round(s.read_time.to("ms").m, 1), s.frame_skip
    (30.5, False)
    >>> weight_streaming("64 MB", "50 ms", block_size="4 KiB").frame_skip
    True
    """
    seq, iops, latency = _device_numbers(device)
    x = _access_bound(seq, iops, block_size.m, queue_depth, latency)
    read = weight_bytes.m / x
    tc = compute_time.m
    step = _step(overlap, read, tc)
    slack = frame_budget.m - step
    budget_for_read = np.where(overlap, frame_budget.m, np.maximum(0.0, frame_budget.m - tc))
    max_w = np.where(tc <= frame_budget.m, budget_for_read * x, 0.0)
    fields = broadcast(_q(x, _BPS), _q(read, _S), _q(step, _S), frame_budget, _q(slack, _S),
                       step > frame_budget.m, _q(max_w, _B))
    return WeightStreaming(*fields)


@export
@attrs.frozen
class AudioBuffer(Record):
    """How long a circular audio buffer lasts, and whether a read stall overruns it.

    Attributes
    ----------
    byte_rate : Quantity [bandwidth]
        Bytes per second the audio produces.
    duration : Quantity [time]
        Audio the buffer holds: the longest stall it absorbs.
    read_latency : Quantity [time]
        The stall to absorb (a flash read, erase or program the processor waits on).
    headroom : Quantity [time]
        ``duration - read_latency`` (negative when the audio glitches).
    glitch : bool or ndarray
        The stall outlasts the buffer: samples are lost.
    """

    byte_rate: Any
    duration: Any
    read_latency: Any
    headroom: Any
    glitch: Any


@export
@validated(buffer_size=Size(positive=True), sample_rate=Rate(positive=True), sample_size=Size(positive=True),
           channels=Count(), read_latency=Time())
def audio_buffer(buffer_size, sample_rate, sample_size="2 B", channels=1, read_latency="0 s"):
    r"""How long a circular audio buffer lasts, and whether a flash read glitches the audio.

    .. math::

        r = f_s \, s \, c, \quad T_\text{buffer} = \frac{M}{r}, \quad
        \text{glitch} \iff L > T_\text{buffer}

    Parameters
    ----------
    buffer_size : Quantity [data size]
        The circular buffer (``"64 KiB"``).
    sample_rate : Quantity [rate]
        Samples per second per channel (``"16 kHz"``).
    sample_size : Quantity [data size]
        Bytes per sample (default ``"2 B"``, 16-bit PCM).
    channels : int or ndarray
        Microphone channels.
    read_latency : Quantity [time]
        Longest time the consumer stops draining the buffer (a flash read, or
        a NOR erase/program the read must wait behind).

    Returns
    -------
    AudioBuffer

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    The producer (the microphone's DMA) writes at a constant rate; the
    consumer drains the buffer faster than real time except while stalled.
    Starting from an empty buffer, a stall shorter than the buffer's duration
    is absorbed; a longer one overwrites unread samples.  A buffer that is
    partly full when the stall starts absorbs proportionally less.

    References
    ----------
    .. [1] Machine Learning Systems textbook, Vol. 2 lab 04, Tiny track "The Circular Buffer".

    Examples
    --------
    64 KiB of 16 kHz, 16-bit mono audio lasts 2.048 s; at 48 kHz stereo it
    lasts 0.341 s:

    >>> round(audio_buffer("64 KiB", "16 kHz").duration.to("s").m, 3)
    2.048
    >>> a = audio_buffer("64 KiB", "48 kHz", channels=2, read_latency="400 ms")
    >>> round(a.duration.to("s").m, 3), a.glitch
    (0.341, True)
    """
    rate = sample_rate.m * sample_size.m * channels
    duration = buffer_size.m / rate
    fields = broadcast(_q(rate, _BPS), _q(duration, _S), read_latency, _q(duration - read_latency.m, _S),
                       read_latency.m > duration)
    return AudioBuffer(*fields)
