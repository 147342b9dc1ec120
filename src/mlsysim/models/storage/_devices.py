"""Storage: devices (private; the public path is mlsysim.models.storage)."""


from __future__ import annotations

from typing import Any

import attrs
import numpy as np

from ..._export import exporter
from ..._records import Record, unit_field
from ..._validate import (
    Bandwidth,
    Choice,
    Count,
    Instance,
    Size,
    Time,
    validated,
)
from ..._validate import Optional as _Optional
from ...errors import DomainError, UnitError
from ...hardware import Provenance, StorageDevice, StorageServer
from ...units import ureg
from ._common import (
    _B,
    _BPS,
    _bound_throughput,
    _device_physics,
    _f,
    _Physics,
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
    fractional); flash whose rated IOPS allow no more than one access at a
    time (``c <= 1``, e.g. NOR flash on one SPI bus) is served serially, one
    access plus transfer after another, as a disk is.  The queue model routes requests to channels at random, so it
    reaches the datasheet IOPS only as ``Q`` grows without bound (90 % at
    ``Q = 9(c - 1)``), whereas controllers that schedule requests get closer
    at the datasheet's queue depth; above ``Q = 4096`` it is extrapolated
    with the channels-only form.  The disk's ``P(Q)`` is an interpolation
    between the measured ends (queue depth 1 and the rated IOPS), not a model
    of the scheduler.  The bound is the default for catalog devices: it
    reproduces the datasheet where the datasheet is measured (queue depth 1
    and the rated IOPS and bandwidth), where the queue model with the
    catalog's numbers falls short of the rated IOPS (16 % at the 870 EVO's
    rated queue depth of 32), and it costs a few array operations instead of
    a recursion over the queue depth.  For a measured curve the queue model
    is the better predictor: fitted to one virtio disk ("Devices, measured"
    in the documentation) it halves the bound's error, so :func:`fit_device`
    fits it by default; predict a fitted device with ``model="queue"``.

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




# ------------------------------------------------------------------ measurements: fio and fitting

_KIB = {"": 1, "B": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}


def _fio_size(text: Any, where: str) -> float:
    """A fio size option (``"4k"``, ``"1m"``, ``"4096"``; fio's default base 1024) in bytes."""
    s = str(text).strip().upper()
    s = s[:-2] if s.endswith("IB") else s[:-1] if s.endswith("B") else s
    number, suffix = (s[:-1], s[-1]) if s and s[-1] in "KMGT" else (s, "")
    try:
        return float(number) * _KIB[suffix]
    except ValueError:
        raise DomainError(f"{where}: cannot read the block size {text!r}") from None


@export
@attrs.frozen
class FioRuns(Record):
    """Read jobs of fio's JSON output, one element per job.

    Attributes
    ----------
    job : ndarray of str
        fio job names.
    access : ndarray of str
        ``"random"`` (``rw=randread``, ``randrw``) or ``"sequential"`` (``read``, ``rw``).
    block_size : Quantity [data size]
        Bytes per request (``bs``).
    queue_depth : ndarray
        ``iodepth`` times ``numjobs`` (requests in flight).
    throughput : Quantity [bandwidth]
        Bytes read per second (``read.bw_bytes``).
    iops : Quantity [rate]
        Reads per second.
    latency : Quantity [time]
        Mean completion latency of a read (``read.lat_ns.mean``).
    source : str
        fio's version and the time of each run read.
    """

    job: Any
    access: Any
    block_size: Any = unit_field("B")
    queue_depth: Any
    throughput: Any = unit_field("B/s")
    iops: Any = unit_field("1/s")
    latency: Any = unit_field("s")
    source: Any


def _fio_document(item: Any) -> tuple[dict, str]:
    """Parse one fio JSON document from a path or from its text."""
    import json
    import os

    where = "read_fio_json(path_or_text)"
    if isinstance(item, (bytes, bytearray)):
        item = item.decode()
    if isinstance(item, os.PathLike) or (isinstance(item, str) and "{" not in item):
        try:
            with open(item, encoding="utf-8") as fh:
                text, name = fh.read(), os.path.basename(str(item))
        except OSError as exc:
            raise DomainError(f"{where}: cannot read {str(item)!r} ({exc.strerror})") from None
    elif isinstance(item, str):
        text, name = item, "text"
    else:
        raise UnitError(f"{where} expects a path, fio's JSON text, or a list of them; got {type(item).__name__}")
    start = text.find("{")  # fio may print notes before the document
    try:
        doc = json.loads(text[start:]) if start >= 0 else None
    except json.JSONDecodeError as exc:
        raise DomainError(f"{where}: {name} is not fio JSON output ({exc.msg})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("jobs"), list):
        raise DomainError(f"{where}: {name} has no 'jobs' list (run fio with --output-format=json)")
    return doc, name


@export
def read_fio_json(path_or_text):
    r"""Read the read jobs of fio's JSON output (``fio --output-format=json``).

    Parameters
    ----------
    path_or_text : str, path-like, or a list of them
        A file written by ``fio --output-format=json --output=FILE``, the JSON
        text itself, or several of them (their jobs are concatenated).

    Returns
    -------
    FioRuns
        One element per job that read data: access pattern, block size, queue
        depth, throughput, IOPS and mean latency.

    Raises
    ------
    UnitError
        Not a path or a string.
    DomainError
        A file that cannot be read, is not fio JSON, or has no read jobs.

    Notes
    -----
    Options are taken from each job's ``job options``, falling back to the
    document's ``global options`` and fio's defaults (``bs=4k``,
    ``iodepth=1``, ``numjobs=1``, ``rw=read``); sizes use fio's default
    base 1024 (``4k`` is 4,096 bytes).  With ``group_reporting`` and
    ``numjobs > 1`` a job reports the group, so its queue depth is
    ``iodepth x numjobs``.  Jobs that read nothing (pure writes) are skipped.

    Examples
    --------
    The measured virtio disk of :doc:`devices-measured` (shipped with the
    package):

    >>> from importlib.resources import files
    >>> runs = read_fio_json(files("mlsysim") / "data" / "fio" / "sweep.json")
    >>> print(runs.job[0], runs.access[0], int(runs.block_size[0].m), runs.queue_depth[0])
    rand-4k-qd1 random 4096 1.0
    """
    items = list(path_or_text) if isinstance(path_or_text, (list, tuple)) else [path_or_text]
    if not items:
        raise DomainError("read_fio_json(path_or_text): no fio output given")
    rows, sources = [], []
    for item in items:
        doc, name = _fio_document(item)
        glob = doc.get("global options") or {}
        sources.append(f"{doc.get('fio version', 'fio')} {doc.get('time', '')} ({name})".replace("  ", " "))
        for job in doc["jobs"]:
            opts = {**glob, **(job.get("job options") or {})}
            read = job.get("read") or {}
            if not read.get("io_bytes", read.get("bw_bytes", 0)):
                continue
            rw = str(opts.get("rw", opts.get("readwrite", "read"))).split(":")[0]
            where = f"read_fio_json: job {job.get('jobname')!r}"
            block = _fio_size(str(opts.get("bs", "4k")).split(",")[0], where)
            depth = float(opts.get("iodepth", 1)) * float(opts.get("numjobs", 1))
            lat = read.get("lat_ns", {}).get("mean", np.nan) * 1e-9
            rows.append((str(job.get("jobname", "")), "random" if rw.startswith("rand") else "sequential",
                         block, depth, float(read["bw_bytes"]), float(read.get("iops", np.nan)), lat))
    if not rows:
        raise DomainError("read_fio_json(path_or_text): no job read any data")
    cols = list(zip(*rows))
    runs = FioRuns.build(job=np.array(cols[0]), access=np.array(cols[1]), block_size=np.array(cols[2]),
                         queue_depth=np.array(cols[3]), throughput=np.array(cols[4]),
                         iops=np.array(cols[5]), latency=np.array(cols[6]), source=None)
    return attrs.evolve(runs, source="; ".join(sources))


@export
@attrs.frozen
class DeviceFit(Record):
    """A device model fitted to measured throughputs (see :func:`fit_device`).

    Attributes
    ----------
    device : StorageDevice
        The fitted device (read bandwidth, random IOPS and QD1 latency set by
        the fit; its provenance names the measurement); pass it to
        :func:`device_throughput` with ``model`` to predict other points.
    model : str
        ``"bound"`` or ``"queue"``.
    access : str
        The access pattern of the points.
    block_size : Quantity [data size]
        The measured points' block sizes.
    queue_depth : ndarray
        Their queue depths.
    measured : Quantity [bandwidth]
        Measured throughput.
    predicted : Quantity [bandwidth]
        The fitted model's throughput at the same points.
    relative_error : ndarray
        ``predicted / measured - 1``.
    rms_log_error : float
        Root-mean-square of ``log(predicted / measured)``, what the fit minimises.
    access_latency : Quantity [time]
        Fitted access latency ``A`` (QD1 time less the transfer).
    channels : float
        Fitted effective channels ``c`` (1 for a serial device).
    bandwidth : Quantity [bandwidth]
        Fitted bandwidth ``B``.
    """

    device: Any
    model: Any
    access: Any
    block_size: Any = unit_field("B")
    queue_depth: Any
    measured: Any = unit_field("B/s")
    predicted: Any = unit_field("B/s")
    relative_error: Any
    rms_log_error: Any
    access_latency: Any = unit_field("s")
    channels: Any
    bandwidth: Any = unit_field("B/s")


def _physics_of(theta: Any, serial: bool, disk: bool) -> _Physics:
    """Physics from fit parameters: log A, then log(c - 1) (parallel) or logit(P/A) (serial), log B."""
    access, bandwidth = float(np.exp(theta[0])), float(np.exp(theta[2]))
    if serial:
        floor = access / (1.0 + float(np.exp(-theta[1])))
        return _Physics(bandwidth, access, 1.0, floor, True, disk)
    return _Physics(bandwidth, access, 1.0 + float(np.exp(theta[1])), access, False, False)


@export
@validated(block_size=Size(positive=True), queue_depth=_positive_count("a positive number of outstanding requests"),
           throughput=Bandwidth(positive=True), access=Choice("random", "sequential"),
           base=_Optional(Instance(StorageDevice)), model=Choice("bound", "queue"))
def fit_device(block_size, queue_depth, throughput, *, access="random", base=None, model="queue",
               name=None, source=None):
    r"""Fit :func:`device_throughput`'s model to measured (block size, queue depth, throughput) points.

    Chooses the access latency :math:`A`, the channels :math:`c` (a disk or
    another serial device: its deep-queue positioning :math:`P_\infty`
    instead) and the bandwidth :math:`B` that minimise

    .. math::

        \sum_i \left(\ln X_\text{model}(b_i, Q_i; A, c, B) - \ln X_i\right)^2

    (relative errors, so a 60 MB/s point counts as much as a 2 GB/s one), by
    ``scipy.optimize.least_squares``, and returns them as a
    :class:`~mlsysim.hardware.StorageDevice` in the catalog's terms:
    :math:`L = A + b_0/B`, :math:`\text{IOPS} = c/A` (serial:
    :math:`1/(P_\infty + b_0/B)`), read bandwidth :math:`B`.

    Parameters
    ----------
    block_size : Quantity [data size]
        Bytes per request of each point (broadcast with the others).
    queue_depth : float or ndarray
        Requests in flight of each point.
    throughput : Quantity [bandwidth]
        Measured throughput of each point (e.g. ``read_fio_json(...).throughput``).
    access : {"random", "sequential"}, optional
        The access pattern of all the points.
    base : StorageDevice or str, optional
        A device to start from: its kind (flash or disk), rated block, write
        figures and capacity are kept; its read figures are the initial guess.
        Without one the device is flash with the rated block 4 KiB, the
        initial guess comes from the data, and the write figures and capacity
        (not measured) are placeholders copied from the fitted read figures.
    model : {"queue", "bound"}, optional
        The model to fit (default ``"queue"``, the smooth one, which follows a
        measured curve through its knee).
    name : str, optional
        Name of the fitted device (default: the base's name, or "fitted device").
    source : str, optional
        What was measured and how (e.g. ``FioRuns.source``); recorded in the
        device's provenance.

    Returns
    -------
    DeviceFit

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    Parameters the points do not constrain (the channels when every point
    is at queue depth 1, the bandwidth when every block is small) stay near
    their initial guess or run off (points that rise in proportion to the
    queue depth send the channels to infinity); fit block sizes and queue depths that span the
    regime you will predict.  The points are weighted equally; repeat a
    measurement rather than weighting it.

    References
    ----------
    .. [1] Branch, Coleman and Li, "A subspace, interior, and conjugate
       gradient method for large-scale bound-constrained minimization
       problems", SIAM J. Sci. Comput. 21(1), 1999 (scipy's ``trf``).

    Examples
    --------
    Points made by the queue model itself (60 us access, 4 channels,
    1.5 GB/s): 4 KiB reads at queue depths 1..64 pin the access latency and
    the channels, large reads at queue depth 1 the bandwidth:

    >>> import numpy as np
    >>> import attrs
    >>> from mlsysim import Q_
    >>> from mlsysim.hardware import NVME_GEN4
    >>> truth = attrs.evolve(NVME_GEN4, read_latency=f"{60 + 4096 / 1500:.9f} us",
    ...                      random_read_iops=f"{4 / 60e-6:.6f} IOPS", read_bandwidth="1500 MB/s")
    >>> qd = np.array([1, 2, 4, 8, 16, 32, 64, 1, 1])
    >>> block = Q_(np.array([4, 4, 4, 4, 4, 4, 4, 256, 4096]), "KiB")
    >>> fit = fit_device(block, qd, device_throughput(truth, block, qd, model="queue"))
    >>> a, c, bw = fit.access_latency.to("us").m, fit.channels, fit.bandwidth.to("GB/s").m
    >>> round(a, 3), round(c, 3), round(bw, 3)
    (60.0, 4.0, 1.5)
    >>> print(fit.device.name, round(fit.device.random_read_iops.to("1/s").m))
    fitted device 66667
    """
    from scipy.optimize import least_squares

    if name is not None and not isinstance(name, str):
        raise UnitError(f"fit_device(name) expects a str or None; got {type(name).__name__}")
    if source is not None and not isinstance(source, str):
        raise UnitError(f"fit_device(source) expects a str or None; got {type(source).__name__}")
    b, q, x = (np.ravel(v).astype(float) for v in np.broadcast_arrays(block_size.m, queue_depth, throughput.m))
    if base is not None:
        start = _device_physics(base)
        rated = float(base.iops_block_size.m_as(_B))
        serial, disk = start.serial, start.disk
    else:
        rated, serial, disk = 4096.0, False, False
        bw = 1.1 * float(np.max(x))
        shallow = q <= np.min(q)
        access0 = max(float(np.median(np.minimum(q, 1.0)[shallow] * b[shallow] / x[shallow] - b[shallow] / bw)),
                      1e-6 * float(np.median(b / bw)))
        start = _Physics(bw, access0, max(2.0, 1.2 * float(np.max(x / b)) * access0), access0, False, False)
    if serial:
        ratio = min(max(start.floor / start.access, 1e-6), 1 - 1e-6)
        theta0 = [np.log(start.access), np.log(ratio / (1 - ratio)), np.log(start.bandwidth)]
    else:
        theta0 = [np.log(start.access), np.log(max(start.channels - 1.0, 1e-3)), np.log(start.bandwidth)]
    log_x = np.log(x)

    def solve(theta, kind):
        def residuals(t):
            return np.log(_read_throughput(_physics_of(t, serial, disk), b, q, access, kind)) - log_x

        return least_squares(residuals, np.asarray(theta, dtype=float), method="trf",
                             xtol=1e-12, ftol=1e-12, gtol=1e-12).x

    # the bound's kinks stall a local search far from the answer: start it from the smooth model's fit
    theta = solve(theta0, "queue")
    result_x = theta if model == "queue" else solve(theta, "bound")
    phys = _physics_of(result_x, serial, disk)
    predicted = _read_throughput(phys, b, q, access, model)
    rel = predicted / x - 1.0
    rms = float(np.sqrt(np.mean(np.log(predicted / x) ** 2)))
    device = _fitted_device(phys, rated, base, model, access, b, q, rms, name, source)
    fit = DeviceFit.build(device=None, model=model, access=access, block_size=b, queue_depth=q, measured=x,
                          predicted=predicted, relative_error=rel, rms_log_error=rms,
                          access_latency=phys.access, channels=float(phys.channels), bandwidth=phys.bandwidth)
    return attrs.evolve(fit, device=device, model=model, access=access, rms_log_error=rms,
                        access_latency=_q(phys.access, ureg.s), channels=float(phys.channels),
                        bandwidth=_q(phys.bandwidth, _BPS))


def _fitted_device(phys: _Physics, rated: float, base: Any, model: str, access: str, b: Any, q: Any,
                   rms: float, name: Any, source: Any) -> StorageDevice:
    """The fitted physics as a catalog StorageDevice with provenance."""
    latency = phys.access + rated / phys.bandwidth
    iops = 1.0 / (phys.floor + rated / phys.bandwidth) if phys.serial else phys.channels / phys.access
    what = (f"{model} model of device_throughput fitted by least squares on log throughput to {b.size} "
            f"{access} points (block sizes {_span(b, 'B')}, queue depths {_span(q, '')}); "
            f"rms log error {rms:.3f}")
    prov = Provenance(source=source or "measured points passed to mlsysim.models.storage.fit_device", note=what)
    fields = {
        "read_bandwidth": _q(phys.bandwidth / 1e6, ureg.Unit("MB/s")),
        "random_read_iops": _q(iops, ureg.Unit("IOPS")),
        "read_latency": _q(latency * 1e6, ureg.Unit("us")),
    }
    fitted_sources = {
        "read_bandwidth": Provenance(prov.source, None, f"fitted bandwidth B; {what}"),
        "random_read_iops": Provenance(prov.source, None, f"fitted: {'1/(P_inf + b0/B)' if phys.serial else 'c/A'}, "
                                                          f"the model's request ceiling at the rated block"),
        "read_latency": Provenance(prov.source, None, "fitted: A + b0/B, one rated-block read at queue depth 1"),
    }
    if base is not None:
        sources = {k: base.source_of(k) for k in ("write_bandwidth", "random_write_iops", "capacity")}
        return attrs.evolve(base, name=name or f"{base.name} (fitted)", provenance=prov,
                            field_sources={**sources, **fitted_sources}, **fields)
    placeholder = Provenance(prov.source, None, "not measured: a placeholder equal to the fitted read figure")
    return StorageDevice(
        name=name or "fitted device", write_bandwidth=fields["read_bandwidth"],
        random_write_iops=fields["random_read_iops"], capacity=_q(1.0, ureg.Unit("TB")), iops_block_size=_q(rated, _B),
        kind="SSD", provenance=prov, **fields,
        field_sources={**fitted_sources, "write_bandwidth": placeholder, "random_write_iops": placeholder,
                       "capacity": Provenance(prov.source, None, "not measured: a 1 TB placeholder")})


def _span(values: Any, unit: str) -> str:
    """'a..b' of distinct values, or the one value."""
    lo, hi = float(np.min(values)), float(np.max(values))
    text = f"{lo:g}" if lo == hi else f"{lo:g}..{hi:g}"
    return f"{text} {unit}".strip()
