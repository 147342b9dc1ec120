"""Storage: training workloads and how many accelerators a storage system keeps busy.

Private; the public path is mlsysim.models.storage.
"""

from __future__ import annotations

import numpy as np

from ..._export import exporter
from ..._validate import Bandwidth, Count, Number, Optional, validated
from ...workloads.params import Workload
from ._common import _BPS, _counts, _q

__all__: list[str] = []
export = exporter(__all__)

_UTILIZATION = Number(positive=True, signed=False, maximum=1.0, what="a fraction in (0, 1]")


@export
@validated(workload=Workload(), accelerators=Count(minimum=0))
def workload_demand(workload, accelerators=1):
    r"""Read bandwidth that ``accelerators`` running ``workload`` ask for when never starved.

    .. math:: D = N \, \frac{b \, s}{t_c}

    with ``b`` the batch size (samples per step per accelerator), ``s`` the
    sample size and ``t_c`` the compute time of one step.

    Parameters
    ----------
    workload : TrainingWorkload or str
        A catalog entry (:mod:`mlsysim.workloads`) or its name, e.g. ``"unet3d_h100"``.
    accelerators : int or ndarray
        Accelerators reading concurrently (``N``, 0 allowed).

    Returns
    -------
    Quantity [bandwidth]

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    The bytes of the samples as stored, read once per step; decoding,
    augmentation and caching are not modelled.  This is the bandwidth at
    which storage time per step equals compute time: storage that delivers
    it keeps the accelerators busy only if I/O overlaps compute (DLIO
    prefetches), see :func:`supported_accelerators`.

    References
    ----------
    .. [1] MLCommons, MLPerf Storage v1.0 benchmark rules and DLIO workload
       configurations, https://github.com/mlcommons/storage (tag v1.0).

    Examples
    --------
    One H100 training 3D U-Net reads 7 samples of 146.6 MB every 0.323 s:

    >>> round(workload_demand("unet3d_h100").to("GB/s").m, 3)
    3.177
    >>> round(workload_demand("resnet50_a100", 8).to("GB/s").m, 3)
    0.843
    """
    batch = workload.batch_size * float(workload.sample_size.m_as("B"))
    return _q(accelerators * batch / float(workload.compute_time.m_as("s")), _BPS)


@export
@validated(workload=Workload(), storage_bandwidth=Bandwidth(positive=True),
           client_bandwidth=Optional(Bandwidth(positive=True)), clients=Count(),
           min_utilization=Optional(_UTILIZATION))
def supported_accelerators(workload, storage_bandwidth, *, client_bandwidth=None, clients=1, min_utilization=None):
    r"""The most accelerators a storage system keeps at or above a utilization threshold.

    ``N`` accelerators each read ``B = b\,s`` bytes per step and compute for
    ``t_c``; I/O overlaps compute (prefetch), so a step takes
    ``max(t_c, t_io)`` and the utilization is

    .. math::

        U(N) = \frac{t_c}{\max(t_c,\ t_\text{io})}, \qquad
        t_\text{io} = \frac{B}{\text{per-accelerator share of the bandwidth}}.

    Storage of bandwidth ``S`` shared by ``N`` gives each ``S / N``; a host
    that delivers at most ``C`` and carries ``n`` accelerators gives each
    ``C / n``.  ``U >= u`` holds iff ``t_io <= t_c / u``, so

    .. math::

        N_\max = \min\left(\left\lfloor \frac{S\,t_c}{u\,B} \right\rfloor,\;
        k \left\lfloor \frac{C\,t_c}{u\,B} \right\rfloor\right)

    with ``k`` client hosts each carrying a whole number of accelerators (the
    second term only when ``client_bandwidth`` is given).

    Parameters
    ----------
    workload : TrainingWorkload or str
        A catalog entry (:mod:`mlsysim.workloads`) or its name.
    storage_bandwidth : Quantity [bandwidth]
        What the storage system delivers to all clients together (``S``).
    client_bandwidth : Quantity [bandwidth] or None
        The most one client host delivers to its accelerators (``C``: its NIC,
        its CPU's decode or reader threads, as a byte rate); None for no
        host limit.
    clients : int or ndarray
        Client hosts (``k``) the accelerators are spread over.
    min_utilization : float or None
        The threshold ``u`` in (0, 1]; None for the workload's own pass
        threshold (0.9 for unet3d and resnet50, 0.7 for cosmoflow).

    Returns
    -------
    int or ndarray of int
        ``N_max`` (0 when not even one accelerator reaches ``u``).  Counts
        above 2**53, where floats no longer hold every integer, come back as
        floats.

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    Steady state with I/O fully overlapped and bandwidth shared evenly; the
    first step of each epoch, whose I/O cannot overlap (and which MLPerf
    Storage leaves out of its utilization), is not counted.  Ratios within
    1e-9 of a whole number are rounded to it before the floor, so a system
    that delivers exactly the demand of 10 accelerators at ``u`` supports 10.
    Checked against every MLPerf Storage v1.0 training result on the docs
    page "How close to reality?".

    References
    ----------
    .. [1] MLCommons, MLPerf Storage v1.0 benchmark rules (accelerator
       utilization thresholds), https://github.com/mlcommons/storage.
    .. [2] Machine Learning Systems, Vol. 2, Lab 04: Data Storage.

    Examples
    --------
    A system that delivers 20 GB/s to H100s training 3D U-Net:

    >>> int(supported_accelerators("unet3d_h100", "20 GB/s"))
    6

    The same storage behind two hosts that each deliver at most 4 GB/s:

    >>> int(supported_accelerators("unet3d_h100", "20 GB/s", client_bandwidth="4 GB/s", clients=2))
    2
    """
    u = workload.min_utilization if min_utilization is None else min_utilization
    batch = workload.batch_size * float(workload.sample_size.m_as("B"))
    per_accelerator = batch * u / float(workload.compute_time.m_as("s"))  # bandwidth one accelerator needs at u
    n = _floor(storage_bandwidth.m / per_accelerator)
    if client_bandwidth is not None:
        n = np.minimum(n, clients * _floor(client_bandwidth.m / per_accelerator))
    return _counts(n)


def _floor(ratio):
    """``floor(ratio)`` with ratios within 1e-9 (relative) of a whole number rounded to it first."""
    ratio = np.asarray(ratio, dtype=float)
    nearest = np.round(ratio)
    close = np.abs(ratio - nearest) <= 1e-9 * np.maximum(1.0, np.abs(nearest))
    return np.where(close, nearest, np.floor(ratio))
