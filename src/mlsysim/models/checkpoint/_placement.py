"""Checkpoint: where the checkpoint goes (private; the public path is mlsysim.models.checkpoint)."""


from __future__ import annotations

from typing import Any

import attrs
import numpy as np

from ..._export import exporter
from ..._records import Record, renamed_field, unit_field
from ..._validate import (
    Bandwidth,
    Count,
    Optional,
    Size,
    Time,
    validated,
)
from ._common import _s
from ._intervals import _optimal_fraction
from ._runtime import _segment_parts

__all__: list[str] = []
export = exporter(__all__)

@export
@validated(state_size=Size(), bandwidth=Bandwidth(positive=True), latency=Time())
def checkpoint_write_time(state_size, bandwidth, latency="0 s"):
    r"""Time to write a checkpoint of ``state_size`` at ``bandwidth``.

    .. math:: \delta = L + \frac{S}{B}

    Parameters
    ----------
    state_size : Quantity [data size]
        Bytes written (model weights, optimizer state, data-loader position).
    bandwidth : Quantity [bandwidth]
        Sustained write bandwidth the writer gets.
    latency : Quantity [time], optional
        Fixed cost per checkpoint (open, fsync, commit), default 0.

    Returns
    -------
    Quantity [time]

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    Sequential, bandwidth-bound write.  When many writers share the target,
    give each its share of the bandwidth (:func:`checkpoint_storm`).

    References
    ----------
    .. [1] Machine Learning Systems textbook, Vol. 2 lab 04 "Data Storage" and
       lab 07 "Fault Tolerance" (lab plans).

    Examples
    --------
    350 GB at a D7-P5500's 4.3 GB/s sequential write: ``350 / 4.3 = 81.4 s``:

    >>> round(checkpoint_write_time("350 GB", "4.3 GB/s").to("s").m, 3)
    81.395
    """
    return _s(latency.m + state_size.m / bandwidth.m)


@export
@attrs.frozen
class CheckpointStorm(Record):
    """N nodes writing a checkpoint to shared storage, all at once or in staggered groups.

    Attributes
    ----------
    total_size : Quantity [data size]
        Bytes the fleet writes (``nodes x state_size``).
    demand : Quantity [bandwidth]
        Peak aggregate demand: the nodes of one group writing at full link speed.
    supply : Quantity [bandwidth]
        The shared storage's write bandwidth.
    oversubscription : float or array
        ``demand / supply``; above 1 the storage is saturated.
    saturated : bool or array
        Whether ``demand > supply``.
    per_node_bandwidth : Quantity [bandwidth]
        What each writer of the largest group gets.
    node_stall : Quantity [time]
        Time one node spends writing (its group's write time).
    window : Quantity [time]
        Time from the first write to the last: all groups one after another.
    groups_needed : float or array
        Fewest groups for which one group's demand fits the supply (``nodes``
        when even one node oversubscribes it).
    bottleneck : str or array
        ``"shared storage"`` or ``"node link"``.
    """

    total_size: Any = unit_field("B")
    demand: Any = unit_field("B/s")
    supply: Any = unit_field("B/s")
    oversubscription: Any
    saturated: Any
    per_node_bandwidth: Any = unit_field("B/s")
    node_stall: Any = unit_field("s")
    window: Any = unit_field("s")
    groups_needed: Any
    bottleneck: Any


@export
@validated(state_size=Size(positive=True), nodes=Count(), node_bandwidth=Bandwidth(positive=True),
           storage_bandwidth=Bandwidth(positive=True), groups=Count())
def checkpoint_storm(state_size, nodes, node_bandwidth, storage_bandwidth, groups=1):
    r"""The checkpoint storm: ``N`` nodes writing to shared storage at once, or in ``g`` staggered groups.

    .. math::

        t_{\text{group}}(k) = \frac{S}{\min(b,\; B/k)}, \qquad
        T_{\text{window}} = \sum_{\text{groups}} t_{\text{group}}(k_j)
            \;\ge\; \frac{N S}{B}

    Parameters
    ----------
    state_size : Quantity [data size]
        Checkpoint bytes **per node** ``S``.
    nodes : int or array
        Nodes ``N`` that checkpoint.
    node_bandwidth : Quantity [bandwidth]
        What one node can push ``b`` (its storage-network link).
    storage_bandwidth : Quantity [bandwidth]
        Aggregate write bandwidth ``B`` of the shared storage.
    groups : int or array, optional
        Staggered groups ``g`` writing one after another (1: all at once).
        The nodes split as evenly as possible (group sizes ``ceil(N/g)`` and
        ``floor(N/g)``); more groups than nodes count as ``N`` groups of one.

    Returns
    -------
    CheckpointStorm

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    Fluid bandwidth sharing: ``k`` concurrent writers each get
    ``min(b, B/k)``, and a saturated storage system delivers its full ``B``
    (real parallel file systems often deliver less under heavy contention:
    lock traffic and metadata load make the collapse worse than this model).
    While the storage is the bottleneck the window is ``N S / B`` however the
    writers are grouped: staggering does not make the fleet's checkpoint
    faster; it caps the load at what the storage sustains, and each node
    writes for only ``1/g`` of the window.  A synchronous data-parallel job
    still waits for the whole window unless the writes are asynchronous
    (:func:`checkpoint_plan`): then each node stalls only for its own copy.
    Once groups are small enough for node links to bind, more groups only
    lengthen the window.

    References
    ----------
    .. [1] Machine Learning Systems textbook, Vol. 2 lab 04 "Data Storage"
       (the 1,024-node, 350 GB checkpoint storm) and lab 07 "Fault Tolerance"
       (staggered checkpoints).

    Examples
    --------
    1,024 nodes, 350 GB each, 25 GB/s links (HDR200), 384 GB/s of Lustre
    write bandwidth (24 OSTs x 16 GB/s): ``358.4 TB / 384 GB/s = 933 s``:

    >>> s = checkpoint_storm("350 GB", 1024, "25 GB/s", "384 GB/s")
    >>> round(s.window.to("min").m, 3), s.saturated, s.groups_needed
    (15.556, True, 69.0)
    """
    size, n, b, big_b = state_size.m, nodes, node_bandwidth.m, storage_bandwidth.m
    g = np.minimum(groups, n)
    small = np.floor(n / g)
    extra = n - g * small  # groups with one more node
    large = small + (extra > 0)

    def group_time(k: np.ndarray) -> np.ndarray:
        return size / np.minimum(b, big_b / k)

    window = extra * group_time(small + 1.0) + (g - extra) * group_time(small)
    per_node = np.minimum(b, big_b / large)
    demand = large * b
    fit = np.maximum(1.0, np.floor(big_b / b))  # writers the storage can feed at full link speed
    needed = np.minimum(np.ceil(n / fit), n)
    bottleneck = np.where(b * large > big_b, "shared storage", "node link")
    return CheckpointStorm.build(total_size=n * size + 0.0 * g, demand=demand, supply=big_b + 0.0 * demand,
                                 oversubscription=np.asarray(demand / big_b, float), saturated=np.asarray(demand > big_b),
                                 per_node_bandwidth=per_node, node_stall=group_time(large), window=window,
                                 groups_needed=np.asarray(needed + 0.0 * g, float), bottleneck=bottleneck)


@export
@attrs.frozen
class CheckpointPlan(Record):
    """The interval and waste a checkpoint destination yields.

    Attributes
    ----------
    mode : str or array
        ``"blocking"`` (the accelerator waits for the durable write) or
        ``"asynchronous"`` (it waits only for the copy to the staging buffer).
    write_time : Quantity [time]
        The accelerator's stall per checkpoint (``delta`` of the interval models).
    drain_time : Quantity [time]
        Background drain from the staging buffer to durable storage (0 when blocking).
    optimal_interval : Quantity [time]
        :func:`optimal_interval` for ``write_time`` (the drain does not move it).
    interval : Quantity [time]
        The interval to use: the optimum, or the drain time when the drain
        needs longer (it must finish before the next checkpoint).
    interval_set_by : str or array
        What sets ``interval``: ``"failures"`` (the optimum) or ``"drain"``.
        Called ``limited_by`` before 0.2; that name still works for one
        release and warns.
    waste_fraction : float or array
        Expected long-run share of wall-clock time not spent on useful work
        at ``interval``, snapshots lost during their drain included.
    drain_loss : float or array
        The part of ``waste_fraction`` due to snapshots lost during their
        drain, ``1 - exp(-drain_time / M)`` (0 when blocking).
    buffer_required : Quantity [data size]
        Staging buffer the asynchronous scheme needs (``state_size``; 0 when blocking).
    feasible : bool or array
        False when the staging buffer is smaller than the checkpoint.
    infeasible_because : str or array
        Why the plan fails: ``"none"`` (it works) or ``"staging buffer"``.
        Called ``limiting`` before 0.2; that name still works for one
        release and warns.
    """

    mode: Any
    write_time: Any = unit_field("s")
    drain_time: Any = unit_field("s")
    optimal_interval: Any = unit_field("s")
    interval: Any = unit_field("s")
    interval_set_by: Any
    waste_fraction: Any
    drain_loss: Any
    buffer_required: Any = unit_field("B")
    feasible: Any
    infeasible_because: Any

    limited_by = renamed_field("CheckpointPlan", "limited_by", "interval_set_by")
    limiting = renamed_field("CheckpointPlan", "limiting", "infeasible_because")


@export
@validated(state_size=Size(positive=True), mtbf=Time(positive=True), write_bandwidth=Bandwidth(positive=True),
           drain_bandwidth=Optional(Bandwidth(positive=True)), restart_time=Time(),
           buffer_capacity=Optional(Size()))
def checkpoint_plan(state_size, mtbf, write_bandwidth, drain_bandwidth=None, restart_time="0 s",
                    buffer_capacity=None):
    r"""Interval and waste of a checkpoint destination: blocking write, or asynchronous staging.

    .. math::

        \delta = \frac{S}{B_{\text{write}}},\quad
        D = \frac{S}{B_{\text{drain}}},\quad
        \tau = \max\bigl(\tau^\star(\delta, M),\; D\bigr),\quad
        \text{waste} = 1 - \frac{\tau\, e^{-D/M}}{M e^{R/M}\operatorname{expm1}\bigl((\tau+\delta)/M\bigr)}

    Parameters
    ----------
    state_size : Quantity [data size]
        Checkpoint bytes ``S`` per writer (per node or per accelerator;
        ``write_bandwidth`` and ``drain_bandwidth`` for the same writer).
    mtbf : Quantity [time]
        Job (fleet) MTBF ``M``.
    write_bandwidth : Quantity [bandwidth]
        Bandwidth of the write the accelerator waits for: to durable storage
        (blocking: an object store, local NVMe) or to the staging buffer in
        host DRAM (asynchronous: the device-to-host copy).
    drain_bandwidth : Quantity [bandwidth] or None, optional
        Asynchronous staging: bandwidth of the background drain from host DRAM
        to durable storage.  ``None`` (default): a blocking write (``D = 0``).
    restart_time : Quantity [time], optional
        Restart time ``R``, default 0.
    buffer_capacity : Quantity [data size] or None, optional
        Host DRAM available for staging; ``None``: not checked.

    Returns
    -------
    CheckpointPlan

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    Asynchronous staging splits the checkpoint: the accelerator stalls only
    for the copy into host DRAM (``delta``), then computes while the host
    drains the snapshot to durable storage for ``D``.  With one staging
    buffer the drain must finish before the next snapshot overwrites it, so
    the interval cannot be shorter than the drain, and the buffer must hold
    a whole checkpoint.

    A failure while a snapshot drains loses it (the host copy dies with the
    node), so the job rolls back one interval further, to the previous
    durable checkpoint.  Under Poisson failures of rate ``1/M`` (during
    compute, copies, drains and restarts) the exact long-run cost is a
    factor ``e^{D/M}`` on the blocking expectation: a Markov renewal
    argument over the two states "no snapshot draining" and "a snapshot
    draining" (stationary weights ``1 - q`` and ``q``, ``q =
    e^{-(tau+delta)/M}``) gives the same expected time per attempt in both,
    ``(1 - q) M e^{R/M}``, and durable progress ``q e^{-D/M}`` segments per
    attempt.  Per unit time a drain is exposed for ``D/tau`` of the interval
    and each loss costs one more interval ``tau``, which is why the ratio
    that matters against the blocking waste ``~tau/(2M)`` is ``D/tau``: at
    ``tau = D`` the drain loss (``~D/M``) is twice the rework of the
    blocking model.  The factor does not depend on ``tau``, so the
    optimum over ``tau >= D`` is still ``max(tau*, D)``: the drain raises
    the waste by ``drain_loss = 1 - e^{-D/M}`` of the wall-clock time and
    does not move the interval.  A finite job of ``n`` segments pays
    ``n e^{D/M}`` segments plus one last drain, ``M e^{R/M} expm1(D/M)``.
    The drain's traffic is assumed not to slow compute.  Blocking writes
    pay the full durable-write time as ``delta`` and lose nothing in a
    drain.

    References
    ----------
    .. [1] B. Nicolae, A. Moody, E. Gonsiorowski, K. Mohror, F. Cappello,
       "VeloC: Towards high performance adaptive asynchronous checkpointing at
       large scale", IPDPS 2019.
    .. [2] J. Mohan, A. Phanishayee, V. Chidambaram, "CheckFreq: Frequent,
       fine-grained DNN checkpointing", FAST 2021.
    .. [3] Machine Learning Systems, Vol. 2, Lab 07: Fault Tolerance
       (blocking S3 vs local SSD vs async DRAM).

    Examples
    --------
    350 GB per node, MTBF 4 h.  Blocking to local NVMe at 4.3 GB/s stalls
    81 s per checkpoint; staging through host DRAM at 512 GB/s stalls 0.68 s
    and drains to NVMe in 81.4 s in the background.  The drain loses
    ``1 - e^(-81.4/14400) = 0.56 %`` on top of the 0.97 % the stall and
    rework cost:

    >>> nvme = checkpoint_plan("350 GB", "4 h", "4.3 GB/s")
    >>> dram = checkpoint_plan("350 GB", "4 h", "512 GB/s", drain_bandwidth="4.3 GB/s")
    >>> round(nvme.waste_fraction, 3), round(dram.waste_fraction, 4), dram.interval_set_by
    (0.103, 0.0153, 'failures')
    >>> round(dram.drain_loss, 4)
    0.0056
    """
    size, m = state_size.m, mtbf.m
    delta = size / write_bandwidth.m
    asynchronous = drain_bandwidth is not None
    drain = size / drain_bandwidth.m if asynchronous else 0.0 * delta
    opt = m * _optimal_fraction(delta / m)
    tau = np.maximum(opt, drain)
    useful, ckpt, rework, restart = _segment_parts(tau, delta, m, restart_time.m)
    segment = useful + ckpt + rework + restart
    with np.errstate(over="ignore", invalid="ignore"):
        stretch = np.expm1(drain / m)  # extra time per segment, as a multiple of it
        # From the parts: the lost time over the total, with no 1 - x cancellation.
        waste = np.where(np.isinf(segment), 1.0,
                         (stretch * segment + ckpt + rework + restart) / ((1.0 + stretch) * segment))
    need = size if asynchronous else 0.0 * size
    if asynchronous and buffer_capacity is not None:
        feasible = np.asarray(buffer_capacity.m >= size)
    else:
        feasible = np.asarray(True)
    mode = np.where(np.asarray(asynchronous), "asynchronous", "blocking")
    return CheckpointPlan.build(mode=mode, write_time=delta, drain_time=drain + 0.0 * delta,
                                optimal_interval=opt, interval=tau,
                                interval_set_by=np.where(drain > opt, "drain", "failures"),
                                waste_fraction=waste, drain_loss=-np.expm1(-drain / m),
                                buffer_required=need + 0.0 * delta, feasible=feasible,
                                infeasible_because=np.where(feasible, "none", "staging buffer"))
