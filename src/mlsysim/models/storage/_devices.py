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
    _bound_throughput,
    _device_physics,
    _f,
    _positive_count,
    _q,
    _read_throughput,
)

__all__: list[str] = []
export = exporter(__all__)

@export
@validated(device=Instance(StorageDevice), block_size=Size(positive=True),
           queue_depth=_positive_count("a positive number of outstanding requests"),
           access=Choice("random", "sequential"), model=Choice("bound", "queue"))
def device_throughput(device, block_size, queue_depth=1, access="random", model="bound"):
    r"""Read throughput of a storage device for a block size and a queue depth.

    Every request costs its access latency plus its transfer.  From the
    catalog's sequential bandwidth :math:`B`, random IOPS (at the rated block
    :math:`b_0`) and queue-depth-1 latency :math:`L` (of one :math:`b_0` read):

    .. math::

        A = L - \frac{b_0}{B}, \qquad
        R_1(b) = A + \frac{b}{B}, \qquad
        c = \text{IOPS}\cdot A, \qquad
        P_\infty = \frac{1}{\text{IOPS}} - \frac{b_0}{B}

    (access latency, the time of one request alone, the channels of a flash
    device, the shortest positioning of a disk).  The bound model
    (``model="bound"``, default) for random reads of ``b`` bytes, ``Q`` in flight:

    .. math::

        X_\text{flash} = \min\left(\frac{Q\,b}{R_1(b)},\; \frac{c\,b}{A},\; B\right), \qquad
        X_\text{disk} = \min\left(\frac{Q\,b}{R_1(b)},\; \frac{b}{P_\infty + b/B}\right)

    Little's law with the time of one request, then the device's ceilings:
    ``c`` flash channels each busy ``A`` per request while the host link
    moves the data at ``B``; one disk actuator that positions then transfers,
    serially, reordering a deep queue down to :math:`P_\infty`.

    The queue model (``model="queue"``) has a smooth knee.  Flash: a closed
    network of ``Q`` requests, each visiting one of ``c`` channels at random
    (service ``A``) then the link (service ``b/B``), solved exactly by
    mean-value analysis over the population :math:`n = 1 \ldots Q`:

    .. math::

        R_c(n) = A\,(1 + N_c(n-1)), \quad R_t(n) = \frac{b}{B}(1 + N_t(n-1)), \quad
        X(n) = \frac{n}{R_c(n) + R_t(n)}, \quad
        N_c(n) = \frac{X(n) R_c(n)}{c}, \quad N_t(n) = X(n) R_t(n)

    (throughput :math:`b\,X(Q)`; with the link negligible,
    :math:`X(Q) = \frac{c}{A}\frac{Q}{Q + c - 1}`).  Disk:
    :math:`X = b / (P(Q) + b/B)` with positioning
    :math:`P(Q) = P_\infty + (A - P_\infty)/Q`.

    Sequential access: flash has no positioning, so a sequential read costs
    what a random one does (both formulas above apply as they stand); a disk
    streams without positioning, :math:`X = B \min(Q, 1)`.

    Parameters
    ----------
    device : StorageDevice or str
        A catalog device (``hardware.NVME_GEN4``) or its catalog name.
    block_size : Quantity [data size]
        Bytes per request (``"4 KiB"`` random, ``"1 MiB"`` streaming).
    queue_depth : float or ndarray
        Requests in flight (``>0``; an average, so it may be fractional:
        below one the device idles part of the time and the throughput is
        ``Q`` times that of one request).
    access : {"random", "sequential"}, optional
        ``"random"`` (default): every request pays a random access (for a
        disk, a seek and a rotation).  ``"sequential"``: consecutive blocks of
        one stream; a disk skips the positioning, flash costs the same.
    model : {"bound", "queue"}, optional
        ``"bound"`` (default): the closed form, exact at queue depth 1 and at
        the rated ceilings, an upper bound in between.  ``"queue"``: queueing
        inside the device, a smooth knee, below the bound everywhere.

    Returns
    -------
    Quantity [bandwidth]
        Bytes per second.

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    No pattern exceeds any ceiling of the device for that block size and
    queue depth: ``B``, the request ceiling ``c b / A`` (``IOPS x b`` at the
    rated block) and ``Q b / R_1(b)``; for a disk the random IOPS are a
    positioning rate, which a sequential stream does not pay (its command
    overhead is not in the catalog, so a disk's small sequential reads are
    rated at ``B``).  ``c`` is an effective number of channels (it may be
    fractional); the queue model routes requests to channels at random, so it
    reaches the datasheet IOPS only as ``Q`` grows without bound (90 % at
    ``Q = 9(c - 1)``), whereas controllers that schedule requests get closer
    at the datasheet's queue depth; above ``Q = 4096`` it is extrapolated
    with the channels-only form.  The disk's ``P(Q)`` is an interpolation
    between the measured ends (queue depth 1 and the rated IOPS), not a model
    of the scheduler.  The bound is the default: it is exact where the
    datasheet is measured, costs a few array operations, and on the measured
    virtio disk of :doc:`devices-measured` the fitted bound and queue models
    predict unmeasured queue depths about equally well (the page shows both).
    :func:`fit_device` fits either model to measurements.

    References
    ----------
    .. [1] J. D. C. Little, "A proof for the queuing formula L = lambda W",
       Operations Research 9(3), 1961.
    .. [2] M. Reiser and S. S. Lavenberg, "Mean-value analysis of closed
       multichain queuing networks", J. ACM 27(2), 1980.
    .. [3] E. D. Lazowska et al., "Quantitative System Performance", 1984,
       ch. 5-6 (asymptotic bounds, mean-value analysis).
    .. [4] Machine Learning Systems, Vol. 2, Lab 04: Data Storage.

    Examples
    --------
    4 KiB random reads at queue depth 1 against 1 MiB reads on a Gen4 NVMe
    SSD (85 us to read 4 KiB; 1 MiB adds its transfer: 84.4 us + 149.8 us):

    >>> from mlsysim.hardware import NVME_GEN4
    >>> random = device_throughput(NVME_GEN4, "4 KiB")
    >>> stream = device_throughput(NVME_GEN4, "1 MiB")
    >>> round(random.to("MB/s").m, 1), round(stream.to("GB/s").m, 2)
    (48.2, 4.48)
    >>> round(device_throughput(NVME_GEN4, "4 KiB", 256).to("GB/s").m, 3)   # the IOPS ceiling
    4.096
    >>> round(device_throughput(NVME_GEN4, "4 KiB", 256, model="queue").to("GB/s").m, 3)
    3.087

    A hard disk reads scattered 1 MiB blocks at one positioning plus one
    transfer each (6.56 ms + 3.88 ms with a deep queue), and streams them at
    its rated rate:

    >>> from mlsysim.hardware import HDD
    >>> round(device_throughput(HDD, "1 MiB", 32).to("MB/s").m, 1)
    100.4
    >>> round(device_throughput(HDD, "1 MiB", access="sequential").to("MB/s").m, 1)
    270.0
    """
    phys = _device_physics(device)
    return _q(_read_throughput(phys, block_size.m, queue_depth, access, model), _BPS)


@export
@validated(server=Instance(StorageServer), block_size=Size(positive=True),
           outstanding_reads=_positive_count("a positive number of reads in flight"),
           servers=Count(), extra_latency=Time())
def storage_throughput(server, block_size, outstanding_reads, servers=1, extra_latency="0 s"):
    r"""Aggregate read throughput of ``servers`` storage servers (e.g. Lustre OSTs).

    .. math::

        X = \min\left(S\,B_\text{server},\; \frac{Q\,b}{R_1(b) + L_\text{extra}},\;
        S\,d\,X_\text{ceiling}(b)\right)

    with ``S`` servers of ``d`` drives each, ``Q`` reads in flight across the
    whole file system, :math:`R_1(b)` the time one ``b``-byte read takes on a
    drive (access plus transfer) and :math:`X_\text{ceiling}(b)` a drive's
    ceiling for that block, as in :func:`device_throughput`'s bound
    (:math:`\min(c\,b/A, B)` for flash).

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
    Little's law applies to the aggregate: ``Q`` reads each taking
    ``R_1 + L_extra`` deliver ``Q b / (R_1 + L_extra)``.  This is how
    data-loader workers enter: as reads in flight, not as an efficiency
    factor.  The bound model of :func:`device_throughput`: an upper bound
    near the knee.  Client-side limits (the compute nodes' network ports) are
    a separate ceiling; pass them to :func:`input_pipeline` as
    ``network_bandwidth``.

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
    phys = _device_physics(server.device)
    drives = servers * server.devices
    server_bw = float(server.read_bandwidth.m_as(_BPS))
    b = block_size.m
    per_drive = _bound_throughput(phys, b, outstanding_reads / drives, extra_latency.m)
    out = np.minimum(servers * server_bw, drives * per_drive)
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


