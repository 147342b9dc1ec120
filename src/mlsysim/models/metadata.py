r"""Metadata saturation: when file opens, not bandwidth, stop the cluster.

A parallel file system serves bytes from many storage servers (Lustre OSTs)
but every ``open``, ``stat`` and ``close`` goes through a metadata server
(MDS). Bandwidth scales when storage servers are added; the metadata rate
does not. A training cluster that reads one small file per sample therefore
hits the metadata wall long before the bandwidth wall. This module models:

* **demand**: metadata operations per second from the accelerator count and
  the loader workers (:func:`metadata_demand`) or from the dataset layout
  (:func:`layout_demand`: one file per sample, tar/WebDataset shards, or an
  object store that has no metadata server);
* **capacity and saturation**: :func:`mds_saturation` (utilization, the
  ``overloaded`` flag, how many servers the demand needs, with a stated
  scaling efficiency for several MDS/MDTs) and :func:`max_accelerators`;
* **what fails first**: :func:`scaling_wall` compares the accelerator count
  at which storage bandwidth, network bandwidth and metadata saturate;
* **latency near saturation**: the Erlang C formula (:func:`erlang_c`,
  :func:`mmc_wait_time`), computed in log space so it stays exact for
  millions of servers and utilizations close to one, and the open latency a
  loader worker sees (:func:`open_latency`);
* **object stores**: per-prefix request-rate limits and the number of
  prefixes a workload needs (:func:`prefix_load`).

Every rate arrives and leaves in ``1/s``: a metadata operation, a file open,
a sample and a GET request are counts, so ``"50 1/s"`` (or ``"50 ops/s"``)
is how a rate is written.

Scenario of Machine Learning Systems, Vol. 2, Lab 04 (Data Storage): 4,096 GPUs x 8 loader workers x 50 opens/s
x 3 metadata operations per open = 4,915,200 ops/s against one MDS of
50,000 ops/s: a 98x overload, 99 servers needed, while the bandwidth demand
(4,096 x 80 MB/s = 328 GB/s) is a quarter of what 48 OSTs deliver
(1,344 GB/s).

>>> from mlsysim.models import metadata
>>> demand = metadata.metadata_demand(4096, 8, "50 1/s")
>>> metadata.mds_saturation(demand).servers_needed
99.0
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np

from .. import hardware
from .._arrays import BLOCK, blockwise, broadcast, scalar, scalar_or_array, smallest
from .._export import exporter
from .._records import Record, renamed_field, unit_field
from .._validate import Bandwidth, Choice, Count, Fraction, Instance, Number, Optional, Rate, validated
from ..hardware.specs import MetadataServer, ObjectStore
from ..units import quantity, ureg

__all__: list[str] = []
export = exporter(__all__)

_Q = quantity  # fast Quantity(magnitude, unit) for results
_PER_SECOND = ureg.Unit("1/s")
_SECOND = ureg.Unit("s")

# A ratio within this many float spacings (ulps) of a whole number counts as
# that whole number when rounding a server or accelerator count: 100,000 /
# 50,000 must need 2 servers even if floating point gave 2.0000000000000004.
# The tolerance is in ulps, not relative, so counts above 1e12 round exactly
# (a relative 1e-12 would shift a count of 1e15 by a thousand units).
_ROUND_ULPS = 2.0
_INF = float("inf")

_EFFICIENCY = Fraction(what="a scaling efficiency in [0, 1]")
_TARGET = Number(positive=True, signed=False, maximum=1.0,
                 what="a target utilization in (0, 1]")
_OPS_PER_OPEN = Number(signed=False, what="a non-negative number of metadata operations per open")


def _ceil(x: Any) -> Any:
    """``ceil(x)``, except that ``x`` within a few ulps above a whole number gives that number."""
    low = np.floor(x)
    with np.errstate(invalid="ignore"):
        return np.where(x - low <= _ROUND_ULPS * np.spacing(np.abs(x)), low, low + 1.0)


def _floor(x: Any) -> Any:
    """``floor(x)``, except that ``x`` within a few ulps below a whole number gives that number."""
    if scalar(x):  # one point: the same test on floats
        x = float(x)
        high = float(np.ceil(x))
        return high if high - x <= _ROUND_ULPS * float(np.spacing(abs(x))) else high - 1.0
    high = np.ceil(x)
    with np.errstate(invalid="ignore"):
        return np.where(high - x <= _ROUND_ULPS * np.spacing(np.abs(x)), high, high - 1.0)


def _pooled_capacity(unit_rate: Any, units: Any, efficiency: Any) -> Any:
    """Rate of ``units`` servers when each one beyond the first adds ``efficiency`` of one."""
    return unit_rate * (1.0 + (units - 1.0) * efficiency)


def _units_needed(demand: Any, unit_rate: Any, efficiency: Any, target: Any) -> Any:
    """Smallest whole n >= 1 with ``target * _pooled_capacity(unit_rate, n, efficiency) >= demand``."""
    load = demand / (unit_rate * target)  # the demand in servers' worth at the target utilization
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        n = 1.0 + np.divide(load - 1.0, efficiency)  # efficiency 0 with load > 1: inf, never enough
    return np.where(load <= 1.0, 1.0, _ceil(n))


def _largest_count(capacity: Any, per_unit: Any) -> Any:
    """Largest whole N with ``N * per_unit <= capacity`` (inf when ``per_unit`` is 0)."""
    with np.errstate(divide="ignore", over="ignore"):
        return _floor(np.divide(capacity, per_unit))


# --------------------------------------------------------------------------- demand


@export
@validated(accelerators=Count(), workers_per_accelerator=Count(), opens_per_worker=Rate(),
           ops_per_open=_OPS_PER_OPEN)
def metadata_demand(accelerators, workers_per_accelerator, opens_per_worker, ops_per_open=3):
    r"""Metadata operations per second that a training cluster's data loaders issue.

    .. math:: D = N \, W \, f_{open} \, m

    Parameters
    ----------
    accelerators : int or array
        Number of accelerators :math:`N` (a whole count >= 1).
    workers_per_accelerator : int or array
        Data-loader worker processes per accelerator :math:`W` (>= 1).
    opens_per_worker : Quantity [1/time]
        Files each worker opens per second :math:`f_{open}`: its sample rate
        for one file per sample, its shard rate for tar/WebDataset shards
        (see :func:`file_open_rate`).
    ops_per_open : float or array, default 3
        Metadata operations per file access :math:`m` (open + stat + close).
        It may be fractional (a cached ``stat`` drops it towards 2) or 0 (an
        object store with no metadata server).

    Returns
    -------
    Quantity [1/time]
        Metadata operations per second arriving at the metadata service.

    Raises
    ------
    UnitError
        ``opens_per_worker`` without units or not a rate.
    DomainError
        Counts that are not whole numbers >= 1, a negative rate or count, NaN, inf.

    Notes
    -----
    Every worker opens files independently and at a steady rate; directory
    lookups, ``readdir`` for listing the dataset, and the client's metadata
    cache are not counted (a warm Lustre client can skip the ``stat``, an
    ``ls`` of a 100-million-file directory is a separate, larger cost).

    References
    ----------
    .. [1] Machine Learning Systems textbook, Vol. 2 lab 04 "Data Storage":
       4,096 GPUs x 8 workers x 50 opens/s x 3 ops = 4,915,200 ops/s.
    .. [2] Lustre Software Release 2.x Operations Manual, "Understanding
       Lustre" (the MDS serves every namespace operation).

    Examples
    --------
    >>> metadata_demand(4096, 8, "50 1/s").to("1/s").m
    4915200.0
    >>> metadata_demand(4096, 8, "0.2 1/s").m  # shards: one open every 5 s
    19660.8
    """
    m = accelerators * workers_per_accelerator * opens_per_worker.m * ops_per_open
    return _Q(m, _PER_SECOND)


@export
@validated(sample_rate=Rate(), samples_per_file=Number(minimum=1.0, what="a number of samples per file >= 1"))
def file_open_rate(sample_rate, samples_per_file=1.0):
    r"""Files opened per second to read samples at a given rate.

    .. math:: f_{open} = \frac{r_{samples}}{s}

    Parameters
    ----------
    sample_rate : Quantity [1/time]
        Samples read per second (of one worker, or of the whole cluster).
    samples_per_file : float or array, default 1
        Samples packed in each file :math:`s`: 1 for one file per sample,
        hundreds to thousands for tar/WebDataset shards.

    Returns
    -------
    Quantity [1/time]
        File opens per second.

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    A shard is read sequentially from start to end and then closed, so each
    open serves ``samples_per_file`` samples. Shuffling is done by sampling
    shards and shuffling within a buffer, not by random access into shards
    (random access would reopen or seek and bring the open rate back).
    The metadata load is this rate times the operations per open
    (:func:`metadata_demand`), with no further factor.

    References
    ----------
    .. [1] WebDataset documentation, https://github.com/webdataset/webdataset
       (samples stored sequentially in POSIX tar shards).

    Examples
    --------
    >>> file_open_rate("50 1/s").to("1/s").m                       # one file per sample
    50.0
    >>> file_open_rate("50 1/s", samples_per_file=250).to("1/s").m  # a 5 s shard
    0.2
    """
    return _Q(sample_rate.m / samples_per_file, _PER_SECOND)


@export
@attrs.frozen
class LayoutDemand(Record):
    """The load a dataset layout puts on the metadata and object services.

    Attributes
    ----------
    open_rate : Quantity [1/time]
        Files (or objects) opened per second.
    metadata_rate : Quantity [1/time]
        Metadata operations per second reaching a metadata server (zero for
        an object store, which has none).
    object_request_rate : Quantity [1/time]
        GET requests per second on an object store (zero for a file system).
    """

    open_rate: Any
    metadata_rate: Any
    object_request_rate: Any


@export
@validated(sample_rate=Rate(), samples_per_file=Number(minimum=1.0, what="a number of samples per file >= 1"),
           ops_per_open=_OPS_PER_OPEN, store=Choice("posix", "object"))
def layout_demand(sample_rate, samples_per_file=1.0, ops_per_open=3, store="posix"):
    r"""Metadata and request load of a dataset layout at a given sample rate.

    .. math::

        f_{open} = \frac{r_{samples}}{s}, \qquad
        D_{MDS} = \begin{cases} m \, f_{open} & \text{POSIX file system} \\
                                0 & \text{object store} \end{cases}, \qquad
        R_{GET} = \begin{cases} 0 & \text{POSIX} \\ f_{open} & \text{object store} \end{cases}

    Parameters
    ----------
    sample_rate : Quantity [1/time]
        Samples the cluster reads per second (all workers together).
    samples_per_file : float or array, default 1
        Samples per file or object :math:`s` (1: a file per sample; shards:
        hundreds to thousands).
    ops_per_open : float or array, default 3
        Metadata operations per file access :math:`m` on a POSIX file system.
    store : {"posix", "object"}
        ``"posix"``: a parallel file system with a metadata server (Lustre,
        GPFS); ``"object"``: an S3-class object store, one GET per object and
        no metadata server (its limit is the per-prefix request rate, see
        :func:`prefix_load`).

    Returns
    -------
    LayoutDemand
        ``open_rate``, ``metadata_rate``, ``object_request_rate``.

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    An object is fetched with one whole-object GET; ranged GETs into a large
    shard multiply the request count by the ranges per object. Listing the
    bucket (LIST, 1,000 keys per request) and HEAD requests are not counted.
    An object store removes the metadata server, not the request-rate
    limit: one object per sample still needs hundreds of S3 prefixes at
    4,096 GPUs (see :func:`prefix_load`).

    References
    ----------
    .. [1] Machine Learning Systems textbook, Vol. 2 lab 04: per-sample files,
       sequential shards and an object store for 4,096 GPUs.
    .. [2] Amazon S3 User Guide, "Best practices design patterns: optimizing
       Amazon S3 performance".

    Examples
    --------
    4,096 GPUs x 8 workers x 50 samples/s = 1,638,400 samples/s:

    >>> layout_demand("1638400 1/s").metadata_rate.m          # per-sample files
    4915200.0
    >>> layout_demand("1638400 1/s", samples_per_file=250).metadata_rate.m  # 5 s shards
    19660.8
    >>> layout_demand("1638400 1/s", store="object").object_request_rate.m
    1638400.0
    """
    opens = sample_rate.m / samples_per_file
    on_posix = 1.0 if store == "posix" else 0.0
    meta = opens * ops_per_open * on_posix  # carries the shape of ops_per_open too
    gets = opens * (1.0 - on_posix)
    opens, meta, gets = broadcast(_Q(opens, _PER_SECOND), _Q(meta, _PER_SECOND), _Q(gets, _PER_SECOND))
    return LayoutDemand(open_rate=opens, metadata_rate=meta, object_request_rate=gets)


# --------------------------------------------------------------------------- capacity


@export
@attrs.frozen
class MdsSaturation(Record):
    """How loaded the metadata service is.

    Attributes
    ----------
    capacity : Quantity [1/time]
        Metadata operations per second the configured servers sustain.
    utilization : float or array
        ``demand / capacity``; above 1 the demand exceeds the capacity by
        that factor (98.3 in the Vol. 2 Lab 04 scenario).
    overloaded : bool or array
        ``demand > capacity``: queues grow without bound and loaders stall.
    servers_needed : float or array
        The smallest whole number of servers that carries the demand at the
        target utilization (``inf`` when extra servers add nothing).
    """

    capacity: Any
    utilization: Any
    overloaded: Any
    servers_needed: Any


def _saturation(demand: Any, unit_rate: Any, units: Any, efficiency: Any, target: Any) -> dict[str, Any]:
    """Capacity, utilization, whether it is over 1, and the units needed, by name (shared by two records)."""
    capacity = _pooled_capacity(unit_rate, units, efficiency)
    utilization = demand / capacity
    needed = _units_needed(demand, unit_rate, efficiency, target)
    return dict(capacity=_Q(capacity, _PER_SECOND), utilization=utilization, over=utilization > 1.0, needed=needed)


@export
@validated(demand=Rate(), servers=Count(), server=Instance(MetadataServer),
           scaling_efficiency=_EFFICIENCY, target_utilization=_TARGET)
def mds_saturation(demand, servers=1, server=hardware.LUSTRE_MDS, scaling_efficiency=1.0,
                   target_utilization=1.0):
    r"""Utilization of a metadata service and the servers a demand needs.

    .. math::

        C(n) = R \,[1 + (n - 1)\,e], \qquad \rho = \frac{D}{C(n)}, \qquad
        n_{needed} = \min\{\, n \ge 1 : u \, C(n) \ge D \,\}
                   = 1 + \left\lceil \frac{D / (u R) - 1}{e} \right\rceil

    Parameters
    ----------
    demand : Quantity [1/time]
        Metadata operations per second :math:`D` (see :func:`metadata_demand`).
    servers : int or array, default 1
        Metadata servers (Lustre MDS/MDT pairs) :math:`n`.
    server : MetadataServer or str, default ``hardware.LUSTRE_MDS``
        One server; its ``ops_rate`` is :math:`R` (50,000 ops/s for the
        catalog's Lustre MDS, a textbook planning figure).
    scaling_efficiency : float or array in [0, 1], default 1.0
        Fraction :math:`e` of one server's rate that each server beyond the
        first adds. 1 is perfect scaling (the namespace spread evenly, no
        cross-server operations); 0 means extra servers add nothing, as when
        the whole dataset sits in one directory on one MDT.
    target_utilization : float or array in (0, 1], default 1.0
        The utilization :math:`u` ``servers_needed`` plans for. 1 finds the
        servers that merely keep up; queueing delay grows without bound as
        utilization approaches 1 (see :func:`open_latency`), so plan with
        0.7 to 0.8.

    Returns
    -------
    MdsSaturation
        ``capacity``, ``utilization`` (``demand / capacity``), ``overloaded``
        (``utilization > 1``) and ``servers_needed``.

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    Capacity is a sustained throughput; the model says nothing about latency
    (use :func:`open_latency`). Scaling is linear with a constant marginal
    efficiency. Lustre's Distributed Namespace (DNE) places each directory on
    one MDT unless the directory is striped, so a flat dataset directory
    behaves like ``scaling_efficiency=0``; striped directories and a
    namespace spread over many directories approach 1. Vol. 2 Lab 04's
    ``ceil(D / R)`` servers is the ``scaling_efficiency=1`` case. A
    configuration that cannot keep up is returned with ``overloaded`` set,
    never as an error.

    References
    ----------
    .. [1] Lustre Software Release 2.x Operations Manual, "Lustre File System
       Scalability and Performance" and "Distributed Namespace (DNE)".
    .. [2] Machine Learning Systems textbook, Vol. 2 lab 04 (one MDS at
       50,000 ops/s against 4,915,200 ops/s).

    Examples
    --------
    >>> s = mds_saturation("4915200 1/s")
    >>> round(s.utilization, 2), s.overloaded, s.servers_needed
    (98.3, True, 99.0)
    >>> mds_saturation("19660.8 1/s").utilization  # shards: 39 % of one MDS
    0.393216
    >>> mds_saturation("4915200 1/s", scaling_efficiency=0.8).servers_needed
    123.0
    """
    s = _saturation(demand.m, server.ops_rate.m_as(_PER_SECOND), servers, scaling_efficiency, target_utilization)
    return MdsSaturation.build(capacity=s["capacity"], utilization=s["utilization"], overloaded=s["over"],
                               servers_needed=s["needed"])


@export
@validated(workers_per_accelerator=Count(), opens_per_worker=Rate(), ops_per_open=_OPS_PER_OPEN,
           servers=Count(), server=Instance(MetadataServer), scaling_efficiency=_EFFICIENCY,
           target_utilization=_TARGET)
def max_accelerators(workers_per_accelerator, opens_per_worker, ops_per_open=3, servers=1,
                     server=hardware.LUSTRE_MDS, scaling_efficiency=1.0, target_utilization=1.0):
    r"""The largest accelerator count a metadata configuration supports.

    .. math::

        N_{max} = \left\lfloor \frac{u \, R \,[1 + (n - 1)\,e]}{W \, f_{open} \, m} \right\rfloor

    Parameters
    ----------
    workers_per_accelerator : int or array
        Data-loader workers per accelerator :math:`W`.
    opens_per_worker : Quantity [1/time]
        Files each worker opens per second :math:`f_{open}`.
    ops_per_open : float or array, default 3
        Metadata operations per file access :math:`m`.
    servers, server, scaling_efficiency, target_utilization
        The metadata service, as in :func:`mds_saturation`.

    Returns
    -------
    float or array
        Whole accelerator count (0 when even one accelerator overloads the
        service, ``inf`` when the workload issues no metadata operations).

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    Demand grows linearly with the accelerator count (:func:`metadata_demand`);
    the count returned is the last one whose demand stays at or below
    ``target_utilization`` times the capacity.

    References
    ----------
    .. [1] Machine Learning Systems textbook, Vol. 2 lab 04.

    Examples
    --------
    One 50,000 ops/s MDS, 8 workers per GPU, 3 ops per open:

    >>> max_accelerators(8, "50 1/s")   # per-sample files: 50,000 / 1,200
    41.0
    >>> max_accelerators(8, "0.2 1/s")  # 5 s shards: 50,000 / 4.8
    10416.0
    """
    capacity = _pooled_capacity(server.ops_rate.m_as(_PER_SECOND), servers, scaling_efficiency)
    per_accelerator = workers_per_accelerator * opens_per_worker.m * ops_per_open
    return scalar_or_array(_largest_count(target_utilization * capacity, per_accelerator))


@export
@attrs.frozen
class ScalingWall(Record):
    """Accelerator counts at which each resource saturates, and which comes first.

    Attributes
    ----------
    storage_limit : float or array
        Largest accelerator count the storage bandwidth feeds.
    network_limit : float or array
        Largest count the network bandwidth feeds (``inf`` without a network limit).
    metadata_limit : float or array
        Largest count the metadata service keeps up with (``inf`` without opens).
    max_accelerators : float or array
        The smallest of the three: the most accelerators the cluster feeds,
        the count at which the first wall is hit.  Called ``limit`` before
        0.2; that name still works for one release and warns.
    first_wall : str or array of str
        ``"storage"``, ``"network"`` or ``"metadata"``; ties go to the first
        in that order.
    """

    storage_limit: Any
    network_limit: Any
    metadata_limit: Any
    max_accelerators: Any
    first_wall: Any

    limit = renamed_field("ScalingWall", "limit", "max_accelerators")


_WALLS = np.array(["storage", "network", "metadata"])


@export
@validated(per_accelerator_bandwidth=Bandwidth(positive=True), storage_bandwidth=Bandwidth(positive=True),
           workers_per_accelerator=Count(), opens_per_worker=Rate(),
           network_bandwidth=Optional(Bandwidth(positive=True)), ops_per_open=_OPS_PER_OPEN,
           servers=Count(), server=Instance(MetadataServer), scaling_efficiency=_EFFICIENCY)
def scaling_wall(per_accelerator_bandwidth, storage_bandwidth, workers_per_accelerator, opens_per_worker,
                 network_bandwidth=None, ops_per_open=3, servers=1, server=hardware.LUSTRE_MDS,
                 scaling_efficiency=1.0):
    r"""What fails first as the accelerator count grows: bandwidth or metadata.

    .. math::

        N_{storage} = \left\lfloor \frac{B_{storage}}{b} \right\rfloor, \quad
        N_{network} = \left\lfloor \frac{B_{network}}{b} \right\rfloor, \quad
        N_{metadata} = \left\lfloor \frac{R \,[1 + (n-1)\,e]}{W f_{open} m} \right\rfloor, \quad
        N^{*} = \min(N_{storage}, N_{network}, N_{metadata})

    Parameters
    ----------
    per_accelerator_bandwidth : Quantity [data/time]
        Bytes per second one accelerator consumes :math:`b` (80 MB/s in Vol. 2 Lab 04).
    storage_bandwidth : Quantity [data/time]
        Aggregate deliverable storage bandwidth :math:`B_{storage}` (48 OSTs x
        28 GB/s = 1,344 GB/s in Vol. 2 Lab 04).
    workers_per_accelerator : int or array
        Data-loader workers per accelerator :math:`W`.
    opens_per_worker : Quantity [1/time]
        Files each worker opens per second :math:`f_{open}`.
    network_bandwidth : Quantity [data/time], optional
        Aggregate bandwidth of the storage network :math:`B_{network}` (e.g.
        one HDR200 port per storage server: 48 x 25 GB/s = 1,200 GB/s).
        ``None``: the network is not a limit.
    ops_per_open, servers, server, scaling_efficiency
        As in :func:`metadata_demand` and :func:`mds_saturation`.

    Returns
    -------
    ScalingWall
        ``storage_limit``, ``network_limit``, ``metadata_limit``, ``max_accelerators`` and
        ``first_wall``.

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    Bandwidth and metadata demand both grow linearly with the accelerator
    count, so each resource has one saturation count and the smallest is the
    first wall. Adding storage servers moves the storage (and, with their
    ports, the network) limit; only metadata servers or fewer opens per
    sample (shards) move the metadata limit. Each limit is a throughput
    bound at 100 % utilization; latency grows before it (:func:`open_latency`).

    Give the storage servers' ports as ``network_bandwidth``: with one
    HDR200 port (25 GB/s) per server they bind before the drives.

    References
    ----------
    .. [1] Machine Learning Systems textbook, Vol. 2 lab 04, Act II ("The
       bandwidth math is correct. Something else will fail first.").

    Examples
    --------
    >>> w = scaling_wall("80 MB/s", "1344 GB/s", 8, "50 1/s", network_bandwidth="1200 GB/s")
    >>> w.storage_limit, w.network_limit, w.metadata_limit, w.first_wall
    (16800.0, 15000.0, 41.0, 'metadata')
    >>> scaling_wall("80 MB/s", "1344 GB/s", 8, "0.005 1/s").first_wall  # 10,000-sample shards
    'storage'
    """
    b = per_accelerator_bandwidth.m
    storage = _largest_count(storage_bandwidth.m, b)
    network = np.inf if network_bandwidth is None else _largest_count(network_bandwidth.m, b)
    capacity = _pooled_capacity(server.ops_rate.m_as(_PER_SECOND), servers, scaling_efficiency)
    meta = _largest_count(capacity, workers_per_accelerator * opens_per_worker.m * ops_per_open)
    storage, network, meta = broadcast(storage, network, meta)
    most, first = smallest([storage, network, meta], _WALLS)
    return ScalingWall(storage_limit=storage, network_limit=network, metadata_limit=meta,
                       max_accelerators=scalar_or_array(most), first_wall=scalar_or_array(first))


# --------------------------------------------------------------------------- queueing


def _stirling_error(n: Any) -> Any:
    r"""``ln n! - (n ln n - n + ln sqrt(2 pi n))`` for real n >= 1, accurate to ~1e-16.

    Below 16 the difference of logs is small and computed directly; above,
    the asymptotic (Bernoulli) series, whose first omitted term is < 2e-16 there.
    """
    from scipy.special import gammaln

    small = n < 16.0
    ns = np.where(small, n, 1.0)
    direct = gammaln(ns + 1.0) - (ns * np.log(ns) - ns + 0.5 * np.log(2.0 * np.pi * ns))
    inv = 1.0 / np.where(small, 16.0, n)
    inv2 = inv * inv
    series = inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 * (1 / 1680 - inv2 / 1188))))
    return np.where(small, direct, series)


def _log_poisson_pmf(c: Any, a: Any) -> Any:
    r"""``ln(e^{-a} a^c / c!)`` for c >= 1, a >= 0 without cancellation.

    The naive ``c ln a - a - ln c!`` subtracts numbers of size ``c ln c``; the
    saddle-point form (Loader 2000) keeps only the deviance
    ``c ln(c/a) - (c - a) >= 0`` and the Stirling error, both small near a = c.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        deviance = c * np.log1p(np.divide(c - a, a)) - (c - a)
    deviance = np.where(a > 0, deviance, np.inf)
    return -deviance - 0.5 * np.log(2.0 * np.pi * c) - _stirling_error(c)


def _erlang_c_one(a: float, c: float) -> float:
    """:func:`_erlang_c` for one point, on floats: the same operations, branch by branch."""
    from scipy.special import gammaincc, gammaln

    if not a < c:
        return 1.0
    if c == 1.0:
        return a
    deviance = c * float(np.log1p((c - a) / a)) - (c - a) if a > 0 else _INF
    if c < 16.0:
        stirling = float(gammaln(c + 1.0)) - (c * float(np.log(c)) - c + 0.5 * float(np.log(2.0 * np.pi * c)))
    else:
        inv = 1.0 / c
        inv2 = inv * inv
        stirling = inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 * (1 / 1680 - inv2 / 1188))))
    log_pmf = -deviance - 0.5 * float(np.log(2.0 * np.pi * c)) - stirling
    b = float(np.exp(log_pmf)) / float(gammaincc(c + 1.0, a))
    rho = a / c
    return b / ((c - a) / c + rho * b)


def _erlang_c(a: Any, c: Any) -> Any:
    r"""Erlang C probability of waiting for offered load a (Erlangs) on c servers.

    Erlang B is the Poisson pmf over the Poisson cdf:
    ``B = p(c; a) / P(X <= c)`` with ``P(X <= c) = Q(c + 1, a)``, the regularized
    upper incomplete gamma function; then ``C = B / (1 - rho + rho B)``.
    For a < c the cdf is at least about 1/2, so nothing underflows but the
    pmf itself (to 0, correctly, when a << c). Returns 1 where a >= c.
    """
    from scipy.special import gammaincc

    if scalar(a, c):
        return _erlang_c_one(float(a), float(c))
    if np.size(a) > BLOCK or np.size(c) > BLOCK:  # a dozen temporaries per point: in cache-sized blocks
        return blockwise(_erlang_c, a, c)
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        b = np.exp(_log_poisson_pmf(c, a)) / gammaincc(c + 1.0, a)
        rho = a / c
        wait = np.divide(b, (c - a) / c + rho * b)
    # c = 1 is M/M/1, where C = rho exactly: skip the rounding of the general form.
    return np.where(a < c, np.where(c == 1.0, a, wait), 1.0)


@export
@validated(offered_load=Number(signed=False, what="a non-negative offered load in Erlangs"), servers=Count())
def erlang_c(offered_load, servers):
    r"""Erlang C: the probability that an arrival to an M/M/c queue waits.

    .. math::

        C(c, a) = \frac{\dfrac{a^c}{c!}\,\dfrac{c}{c - a}}
                       {\displaystyle\sum_{k=0}^{c-1} \frac{a^k}{k!} + \frac{a^c}{c!}\,\frac{c}{c - a}}
                = \frac{B}{1 - \rho + \rho B}, \qquad
        B(c, a) = \frac{e^{-a} a^c / c!}{Q(c + 1, a)}, \qquad \rho = \frac{a}{c}

    Parameters
    ----------
    offered_load : float or array
        :math:`a = \lambda / \mu` in Erlangs (mean busy servers).
    servers : int or array
        Servers :math:`c` (whole count >= 1).

    Returns
    -------
    float or array
        Probability of waiting in [0, 1]; 1 where ``offered_load >= servers``
        (the queue is unstable and every arrival waits).

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    Computed in log space through Erlang B: the Poisson probability
    :math:`e^{-a}a^c/c!` from its saddle-point (deviance) form and the
    Poisson cdf as the regularized upper incomplete gamma function
    :math:`Q(c+1, a)` (``scipy.special.gammaincc``). No factorial or power is
    formed. Checked against a 40-50 digit evaluation of the Erlang B
    recurrence for up to 1,000,000 servers and utilizations from 0.5 to
    1 - 1e-8: relative error below 1.1e-12 (below 1e-13 once
    :math:`C > 0.1`).

    References
    ----------
    .. [1] L. Kleinrock, *Queueing Systems, Volume 1: Theory*, Wiley, 1975,
       section 3.5 (M/M/m), eq. 3.40 (Erlang's C formula).
    .. [2] C. Loader, "Fast and accurate computation of binomial
       probabilities", 2000 (saddle-point form of the Poisson pmf).

    Examples
    --------
    Two servers at one Erlang: :math:`C = (1/2 \cdot 2) / (1 + 1 + 1) = 1/3`.

    >>> erlang_c(1.0, 2)
    0.3333333333333333
    >>> erlang_c(0.5, 1)  # M/M/1: C = rho
    0.5
    """
    return scalar_or_array(_erlang_c(offered_load, servers))


def _mmc_wait(lam: Any, mu: Any, c: Any) -> Any:
    """Mean M/M/c queueing wait (s) from magnitudes in 1/s; inf where lam >= c mu."""
    a = lam / mu
    if scalar(a, c):  # one point
        return _erlang_c_one(float(a), float(c)) / (mu * (c - a)) if a < c else _INF
    stable = a < c
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        wq = np.divide(_erlang_c(a, c), mu * (c - a))
    return np.where(stable, wq, np.inf)


@export
@validated(arrival_rate=Rate(), service_rate=Rate(positive=True), servers=Count())
def mmc_wait_time(arrival_rate, service_rate, servers):
    r"""Mean time an arrival waits in the queue of an M/M/c system (Erlang C).

    .. math::

        W_q = \frac{C(c, a)}{c\,\mu - \lambda}, \qquad a = \frac{\lambda}{\mu},
        \qquad \rho = \frac{\lambda}{c\,\mu} < 1

    Parameters
    ----------
    arrival_rate : Quantity [1/time]
        Poisson arrival rate :math:`\lambda`.
    service_rate : Quantity [1/time]
        Service rate of one server :math:`\mu` (1 / mean service time).
    servers : int or array
        Identical servers :math:`c` sharing one queue.

    Returns
    -------
    Quantity [time]
        Mean wait before service starts (excluding the service time itself);
        ``inf`` where :math:`\lambda \ge c\mu` (the queue grows without bound).

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    Assumes Poisson arrivals, exponential service times, one FIFO queue
    feeding ``servers`` identical servers, and steady state. Deterministic or
    less variable service shortens the wait (Pollaczek-Khinchine: by up to
    half for M/D/1), bursty arrivals lengthen it; the divergence as
    :math:`\rho \to 1` is the same. :math:`C(c, a)` is computed in log space
    (see :func:`erlang_c`). Limits: :math:`c = 1` gives
    :math:`W_q = \rho / (\mu - \lambda)`; :math:`\lambda = 0` gives 0.

    References
    ----------
    .. [1] L. Kleinrock, *Queueing Systems, Volume 1: Theory*, Wiley, 1975,
       section 3.5, eqs. 3.40 and 3.43.
    .. [2] D. Gross, J. F. Shortle, J. M. Thompson, C. M. Harris,
       *Fundamentals of Queueing Theory*, 4th ed., Wiley, 2008, section 2.3.

    Examples
    --------
    >>> round(mmc_wait_time("1 1/s", "1 1/s", 2).to("s").m, 6)   # C = 1/3, c mu - lambda = 1/s
    0.333333
    >>> round(mmc_wait_time("45000 1/s", "50000 1/s", 1).to("us").m, 6)  # 0.9 / 5,000 1/s
    180.0
    >>> mmc_wait_time("3 1/s", "1 1/s", 3).to("s").m
    inf
    """
    return _Q(scalar_or_array(_mmc_wait(arrival_rate.m, service_rate.m, servers)), _SECOND)


@export
@attrs.frozen
class OpenLatency(Record):
    """What a loader worker waits for one file open.

    Attributes
    ----------
    utilization : float or array
        Utilization of each metadata server (``inf`` latency from 1 on).
    queue_wait : Quantity [time]
        Mean queueing wait of one metadata operation (Erlang C).
    service_time : Quantity [time]
        Mean service time of one metadata operation on an idle server.
    latency : Quantity [time]
        Mean time of one open: ``ops_per_open * (queue_wait + service_time)``.
    slowdown : float or array
        ``latency`` over its value on an idle server.
    """

    utilization: Any
    queue_wait: Any = unit_field("s")
    service_time: Any = unit_field("s")
    latency: Any = unit_field("s")
    slowdown: Any


@export
@validated(demand=Rate(), threads=Count(), servers=Count(), server=Instance(MetadataServer),
           ops_per_open=_OPS_PER_OPEN, scaling_efficiency=_EFFICIENCY)
def open_latency(demand, threads, servers=1, server=hardware.LUSTRE_MDS, ops_per_open=3,
                 scaling_efficiency=1.0):
    r"""The mean latency of a file open as metadata utilization climbs.

    The service behaves as :math:`n_e = 1 + (n-1)\,e` full servers sharing
    the demand evenly; each is an M/M/k queue with :math:`k` service threads
    of rate :math:`\mu = R/k`, receiving :math:`D/n_e` operations per second:

    .. math::

        T_{open} = m \left[ W_q\!\left(\frac{D}{n_e}, \mu, k\right) + \frac{1}{\mu} \right],
        \qquad \rho = \frac{D}{C(n)}, \qquad C(n) = R\,[1 + (n-1)\,e] = n_e R

    Parameters
    ----------
    demand : Quantity [1/time]
        Metadata operations per second :math:`D` on the whole service.
    threads : int or array
        Service threads per server :math:`k` that work in parallel. With the
        throughput :math:`R` fixed, it sets the idle service time of one
        operation, :math:`k / R`: choose :math:`k = R \times` (measured idle
        operation time), e.g. 50,000 ops/s x 0.5 ms = 25. ``threads=1`` is
        the M/M/1 view of the server as one fast queue.
    servers, server, scaling_efficiency
        The metadata service, as in :func:`mds_saturation`.
    ops_per_open : float or array, default 3
        Metadata operations per file access :math:`m`, issued one after
        another (open, stat, close).

    Returns
    -------
    OpenLatency
        ``utilization``, ``queue_wait`` and ``service_time`` (per operation),
        ``latency`` (per open) and ``slowdown`` (over an idle server).

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    Operations arrive as a Poisson stream (tens of thousands of independent
    workers) and service times are exponential; each server keeps its own
    queue, with the demand split evenly (a partitioned namespace, not one
    shared queue).  A server that adds only ``e`` of one server's capacity
    is counted as ``e`` of a server that takes its share of the demand at
    full speed, so an operation's idle service time ``k/R`` does not depend
    on ``n``: with ``scaling_efficiency=0`` extra servers take no load and
    the latency is that of one server (they neither help nor slow it); with
    1, ``n`` servers each take ``D/n``. Network round trips and client-side caching are left out.
    The latency is finite only below utilization 1; at 0.9 an M/M/1 server
    already makes each operation wait nine service times, so utilization
    below 100 % is not enough: the loaders slow down well before the server
    is saturated.

    References
    ----------
    .. [1] L. Kleinrock, *Queueing Systems, Volume 1: Theory*, Wiley, 1975,
       section 3.5.
    .. [2] Lustre Software Release 2.x Operations Manual, "Lustre Operating
       Tips" (MDS service threads).

    Examples
    --------
    One MDS at 50,000 ops/s seen as M/M/1 (20 us per operation) at 90 %:

    >>> t = open_latency("45000 1/s", threads=1)
    >>> round(t.latency.to("us").m, 6), round(t.slowdown, 6)
    (600.0, 10.0)
    """
    rate = server.ops_rate.m_as(_PER_SECOND)
    effective = _pooled_capacity(1.0, servers, scaling_efficiency)  # servers' worth of capacity
    per_server = demand.m / effective
    mu = rate / threads  # one thread of one server: extra servers do not slow an operation
    wait = _mmc_wait(per_server, mu, threads)
    service = 1.0 / mu
    per_op = wait + service
    with np.errstate(invalid="ignore"):  # no operations per open cost nothing, even on a saturated server
        latency = np.where(ops_per_open == 0, 0.0, ops_per_open * per_op)
    return OpenLatency.build(utilization=per_server / rate, queue_wait=wait, service_time=service,
                             latency=latency, slowdown=per_op / service)


# --------------------------------------------------------------------------- object stores


@export
@attrs.frozen
class PrefixLoad(Record):
    """Request load on the prefixes of an object store.

    Attributes
    ----------
    capacity : Quantity [1/time]
        Requests per second the prefixes accept (per-prefix rate x prefixes).
    utilization : float or array
        ``request_rate / capacity``.
    throttled : bool or array
        ``request_rate > capacity``: the store answers with 503 Slow Down.
    prefixes_needed : float or array
        The smallest number of prefixes that carries the load at the target
        utilization.
    """

    capacity: Any
    utilization: Any
    throttled: Any
    prefixes_needed: Any


@export
@validated(request_rate=Rate(), prefixes=Count(), store=Instance(ObjectStore), method=Choice("GET", "PUT"),
           target_utilization=_TARGET)
def prefix_load(request_rate, prefixes=1, store=hardware.S3_STANDARD, method="GET", target_utilization=1.0):
    r"""Request rate against an object store's per-prefix limits.

    .. math::

        C = P \, r_{prefix}, \qquad \rho = \frac{R}{C}, \qquad
        P_{needed} = \left\lceil \frac{R}{u \, r_{prefix}} \right\rceil

    Parameters
    ----------
    request_rate : Quantity [1/time]
        Requests per second :math:`R` (e.g. ``layout_demand(...).object_request_rate``).
    prefixes : int or array, default 1
        Key prefixes :math:`P` the objects are spread over.
    store : ObjectStore or str, default ``hardware.S3_STANDARD``
        Its ``get_rate_per_prefix`` (5,500/s for S3) or ``put_rate_per_prefix``
        (3,500/s) is :math:`r_{prefix}`.
    method : {"GET", "PUT"}
        Reads (GET/HEAD) or writes (PUT/COPY/POST/DELETE).
    target_utilization : float or array in (0, 1], default 1.0
        The utilization :math:`u` ``prefixes_needed`` plans for.

    Returns
    -------
    PrefixLoad
        ``capacity``, ``utilization``, ``throttled`` and ``prefixes_needed``.

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    An object store has no metadata server, but it is not free of request
    limits: S3 supports at least 3,500 write and 5,500 read requests per
    second per partitioned prefix and scales partitions gradually, returning
    503 Slow Down while it does. Prefixes scale perfectly here (keys spread
    evenly, e.g. by a hash prefix) and the partitioning has caught up; during
    a sudden ramp the limit is lower. Bandwidth is a separate limit.

    References
    ----------
    .. [1] Amazon S3 User Guide, "Best practices design patterns: optimizing
       Amazon S3 performance",
       https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance.html

    Examples
    --------
    1,638,400 GETs/s (one object per sample for 32,768 workers at 50/s):

    >>> p = prefix_load("1638400 1/s")
    >>> p.throttled, p.prefixes_needed
    (True, 298.0)
    """
    rate = store.get_rate_per_prefix if method == "GET" else store.put_rate_per_prefix
    s = _saturation(request_rate.m, rate.m_as(_PER_SECOND), prefixes, 1.0, target_utilization)
    return PrefixLoad.build(capacity=s["capacity"], utilization=s["utilization"], throttled=s["over"],
                            prefixes_needed=s["needed"])
