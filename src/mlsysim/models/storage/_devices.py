"""Storage: devices (private; the public path is mlsysim.models.storage)."""


from __future__ import annotations

import numpy as np

from ..._export import exporter
from ..._validate import (
    Bandwidth,
    Choice,
    Count,
    Instance,
    Size,
    Time,
    validated,
)
from ...hardware import StorageDevice, StorageServer
from ._common import (
    _BPS,
    _access_bound,
    _device_numbers,
    _f,
    _positive_count,
    _q,
)

__all__: list[str] = []
export = exporter(__all__)

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


