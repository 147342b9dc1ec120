"""Storage: edge, mobile, tiny (private; the public path is mlsysim.models.storage)."""


from __future__ import annotations

from typing import Any

import attrs
import numpy as np

from ..._export import exporter
from ..._records import Record, unit_field
from ..._validate import (
    Bandwidth,
    Count,
    Flag,
    Instance,
    Number,
    Rate,
    Size,
    Time,
    validated,
)
from ...errors import warn_regime
from ...hardware import UFS_31, StorageDevice
from ._common import (
    _device_physics,
    _divide,
    _positive_count,
    _read_throughput,
    _step,
)

__all__: list[str] = []
export = exporter(__all__)


def _renamed(old: str, new: str) -> None:
    """Warn that a record field was renamed (the old name works until 0.3)."""
    warn_regime(f"{old} is deprecated and will be removed in 0.3; use {new}", DeprecationWarning)

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

    upload_rate: Any = unit_field("B/s")
    upload_fraction: Any
    backlog_rate: Any = unit_field("B/s")
    fill_time: Any = unit_field("s")
    fleet_data_rate: Any = unit_field("B/s")
    fleet_upload_rate: Any = unit_field("B/s")
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
    .. [1] Machine Learning Systems, Vol. 2, Lab 04: Data Storage, Edge track "The Black-Box Log".

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
    return FleetLogging.build(upload_rate=up, upload_fraction=up / data_rate.m, backlog_rate=backlog,
                              fill_time=fill, fleet_data_rate=vehicles * data_rate.m,
                              fleet_upload_rate=vehicles * up, storage_fills=backlog > 0)


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
    frame_slack : Quantity [time]
        Time to spare in the frame, ``frame_budget - step_time`` (negative when
        the frame is late).  Called ``slack`` before 0.2; that name still works
        for one release and warns.
    frame_skip : bool or ndarray
        The frame misses its budget.
    max_weight_bytes : Quantity [data size]
        The most weight bytes per frame that fit the budget.
    """

    throughput: Any = unit_field("B/s")
    read_time: Any = unit_field("s")
    step_time: Any = unit_field("s")
    frame_budget: Any = unit_field("s")
    frame_slack: Any = unit_field("s")
    frame_skip: Any
    max_weight_bytes: Any = unit_field("B")

    @property
    def slack(self) -> Any:
        """Deprecated name of :attr:`frame_slack` (removed in 0.3)."""
        _renamed("WeightStreaming.slack", "frame_slack")
        return self.frame_slack


@export
@validated(weight_bytes=Size(), frame_budget=Time(positive=True), device=Instance(StorageDevice),
           block_size=Size(positive=True), queue_depth=_positive_count("a positive number of outstanding requests"),
           compute_time=Time(), overlap=Flag())
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
    Inherits the bound model of :func:`device_throughput` (random reads: each
    read pays the flash access latency plus its transfer, so 1 MiB reads from
    UFS 3.1 run at 1.76 GB/s rather than the rated 2.1 GB/s); thermal
    throttling and contention with other apps' I/O are not modelled.

    References
    ----------
    .. [1] K. Alizadeh et al., "LLM in a flash: Efficient Large Language Model
       Inference with Limited Memory", ACL 2024.
    .. [2] Machine Learning Systems, Vol. 2, Lab 04: Data Storage, Mobile track "The App Cache Wall".

    Examples
    --------
    64 MB per frame from UFS 3.1 in 1 MiB reads, then scattered 4 KiB reads:

    >>> s = weight_streaming("64 MB", "50 ms")
    >>> round(s.read_time.to("ms").m, 1), s.frame_skip
    (36.5, False)
    >>> weight_streaming("64 MB", "50 ms", block_size="4 KiB").frame_skip
    True
    """
    x = _read_throughput(_device_physics(device), block_size.m, queue_depth, "random", "bound")
    read = weight_bytes.m / x
    tc = compute_time.m
    step = _step(overlap, read, tc)
    slack = frame_budget.m - step
    budget_for_read = np.where(overlap, frame_budget.m, np.maximum(0.0, frame_budget.m - tc))
    max_w = np.where(tc <= frame_budget.m, budget_for_read * x, 0.0)
    return WeightStreaming.build(throughput=x, read_time=read, step_time=step, frame_budget=frame_budget.m,
                                 frame_slack=slack, frame_skip=step > frame_budget.m, max_weight_bytes=max_w)


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
    buffer_slack : Quantity [time]
        Audio time the buffer has to spare after the stall, ``duration -
        read_latency`` (negative when the audio glitches).  Called ``headroom``
        before 0.2; that name still works for one release and warns.
    glitch : bool or ndarray
        The stall outlasts the buffer: samples are lost.
    """

    byte_rate: Any = unit_field("B/s")
    duration: Any = unit_field("s")
    read_latency: Any = unit_field("s")
    buffer_slack: Any = unit_field("s")
    glitch: Any

    @property
    def headroom(self) -> Any:
        """Deprecated name of :attr:`buffer_slack` (removed in 0.3)."""
        _renamed("AudioBuffer.headroom", "buffer_slack")
        return self.buffer_slack


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
    .. [1] Machine Learning Systems, Vol. 2, Lab 04: Data Storage, Tiny track "The Circular Buffer".

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
    return AudioBuffer.build(byte_rate=rate, duration=duration, read_latency=read_latency.m,
                             buffer_slack=duration - read_latency.m, glitch=read_latency.m > duration)
