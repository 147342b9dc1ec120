"""Checkpoint: runtime and waste (private; the public path is mlsysim.models.checkpoint)."""


from __future__ import annotations

from typing import Any

import attrs
import numpy as np

from ..._arrays import scalar
from ..._export import exporter
from ..._records import Record, unit_field
from ..._validate import (
    Choice,
    Time,
    validated,
)
from ._common import _s, _whole_segments
from ._intervals import _optimal_fraction

__all__: list[str] = []
export = exporter(__all__)

def _expm1_minus_x(x: np.ndarray) -> np.ndarray:
    """``expm1(x) - x`` without cancellation for small ``x >= 0``."""
    if scalar(x):  # the same operations on one float: ~1 us instead of ~25 on a 0-d array
        xf = float(x)
        if xf < 0.1:
            acc = 1.0
            for k in range(14, 2, -1):
                acc = 1.0 + xf / k * acc
            return 0.5 * xf * xf * acc
        return float(np.expm1(xf)) - xf
    small = x < 0.1  # above, expm1(x) - x loses at most a factor 2/x = 20 (4e-15 relative)
    xs = np.where(small, x, 0.0)
    acc = np.ones_like(xs)
    for k in range(14, 2, -1):  # x^2/2 (1 + x/3 (1 + x/4 (1 + ...))) = sum_{k>=2} x^k / k!; x^13/13! < 2e-23
        acc = 1.0 + xs / k * acc
    acc = 0.5 * xs * xs * acc
    xl = np.where(small, 0.0, x)
    return np.where(small, acc, np.expm1(xl) - xl)


def _segment_time(t: Any, delta: Any, mtbf: Any, restart: Any) -> Any:
    """Expected wall-clock time of one segment of compute ``t`` (seconds in, seconds out)."""
    with np.errstate(over="ignore", invalid="ignore"):
        return mtbf * np.exp(restart / mtbf) * np.expm1((t + delta) / mtbf)


def _segment_parts(t: np.ndarray, delta: np.ndarray, mtbf: np.ndarray, restart: np.ndarray) -> tuple:
    """Expected (useful, checkpointing, rework, restart) time of one segment of compute ``t``."""
    with np.errstate(over="ignore", invalid="ignore"):
        x = (t + delta) / mtbf
        em = np.expm1(x)
        er = np.expm1(restart / mtbf)
        rework = mtbf * _expm1_minus_x(x)
        restart_total = np.where(er == 0.0, 0.0, mtbf * em * er)
    return t, delta + 0.0 * t, rework, restart_total


def _segments(work: np.ndarray, interval: np.ndarray, delta: np.ndarray, mtbf: np.ndarray,
              restart: np.ndarray, segments: str) -> tuple:
    """The four expected parts of a whole job, summed over its segments, and the count of segments."""
    if segments != "whole":  # "smooth" (alias "fractional")
        count = work / interval
        return (*(count * part for part in _segment_parts(interval, delta, mtbf, restart)), count)
    whole, rest = _whole_segments(work, interval)
    count = whole + (rest > 0.0)
    if scalar(rest, delta, mtbf, restart, interval):
        # one scalar job: the full and the last segment each on floats (same operations)
        full = _segment_parts(interval, delta, mtbf, restart)
        last = _segment_parts(float(rest), delta, mtbf, restart) if rest > 0.0 else (0.0,) * 4
        n = float(whole)
        return (*((n * f if n > 0 else 0.0) + part for f, part in zip(full, last)), count)
    # the full and the last segment in one pass: half the array operations of two calls
    tau, rest, delta, mtbf, restart = np.broadcast_arrays(interval, rest, delta, mtbf, restart)
    parts = _segment_parts(np.stack([tau, rest]), delta, mtbf, restart)
    full = [part[0] for part in parts]
    last = [part[1] for part in parts]
    has_last = rest > 0.0
    # A job shorter than one interval has no full segment: its (possibly
    # overflowing) full-segment parts must not enter as 0 * inf = NaN.
    with np.errstate(invalid="ignore"):
        parts = [np.where(whole > 0, whole * f, 0.0) + np.where(has_last, part, 0.0) for f, part in zip(full, last)]
    return (*parts, count)


_SEGMENT_DOC = """segments : {"whole", "smooth", "fractional"}, optional
        ``"whole"`` (default): ``floor(W/tau)`` full segments and one
        shorter last segment of the remainder, also ending with a
        checkpoint: the exact expectation for any ``W`` (a 1 h job with a
        10 h interval is one segment of 1 h).  ``"smooth"`` (``"fractional"``
        is an alias kept from 0.1): the job is ``W/tau`` segments and a
        fractional count prices the last partial segment as that fraction
        of a full one.  It is exact only when ``tau`` divides ``W`` and is
        the smooth function :func:`optimal_interval` minimises; for a job
        shorter than a few intervals it is badly wrong (a 1 h job at a 10 h
        interval is priced as a tenth of a 10 h segment: 3.7x too long
        at a 4 h MTBF)."""


@export
@validated(work=Time(positive=True), interval=Time(positive=True), write_time=Time(),
           mtbf=Time(positive=True), restart_time=Time(), segments=Choice("whole", "smooth", "fractional"))
def expected_runtime(work, interval, write_time, mtbf, restart_time="0 s", segments="whole"):
    r"""Exact expected wall-clock time of a checkpointed job under exponential failures.

    .. math::

        \mathbb{E}[T] = M e^{R/M} \left[ n\, \operatorname{expm1}\!\left(\frac{\tau + \delta}{M}\right)
            + \operatorname{expm1}\!\left(\frac{r + \delta}{M}\right) \right],
        \qquad n = \left\lfloor \frac{W}{\tau} \right\rfloor,\quad r = W - n\tau

    (the last term is absent when ``r = 0``; ``segments="smooth"`` replaces
    the bracket by ``(W/tau) expm1((tau + delta)/M)``).

    Parameters
    ----------
    work : Quantity [time]
        Failure-free compute time ``W`` the job needs.
    interval : Quantity [time]
        Compute time ``tau`` between checkpoints.
    write_time : Quantity [time]
        Checkpoint write time ``delta`` (the job is stopped meanwhile), >= 0.
    mtbf : Quantity [time]
        Job (fleet) MTBF ``M``.
    restart_time : Quantity [time], optional
        Time ``R`` from a failure until compute resumes from the last
        checkpoint (detection, replacement, reload), default 0.
    {segments}

    Returns
    -------
    Quantity [time]
        Expected runtime in seconds; ``inf`` where it overflows a float
        (a segment hundreds of MTBFs long practically never completes).

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    Failures form a Poisson process of rate ``1/M`` that runs during compute,
    checkpoint writes and restarts alike.  A failure loses the segment's work
    and any partial checkpoint; the job restarts (which takes ``R`` and can
    itself be interrupted) and redoes the segment from its beginning.  One
    segment of ``tau + delta`` then takes ``M e^{R/M} expm1((tau+delta)/M)``
    in expectation (Daly 2006, eq. 13; Bougeret et al. 2011), evaluated with
    ``expm1`` so that it stays accurate when ``(tau + delta)/M`` is tiny
    (where it tends to ``tau + delta``).  The job is ``floor(W/tau)`` such
    segments and a last, shorter one of the remainder (each ending with a
    checkpoint), so the sum is the exact expectation for any ``W``.
    :func:`optimal_interval` minimises the smooth form ``W/tau`` segments
    (the long-job limit); for a finite job the best plan is ``n`` equal
    segments of ``W/n`` (:func:`optimal_segments`).  :func:`waste_breakdown`
    splits the expectation into its parts.

    References
    ----------
    .. [1] J. T. Daly, "A higher order estimate of the optimum checkpoint
       interval for restart dumps", *FGCS* 22(3):303-312, 2006.
    .. [2] G. Bougeret, H. Casanova, M. Rabie, Y. Robert, F. Vivien,
       "Checkpointing strategies for parallel jobs", SC'11, 2011.

    Examples
    --------
    1,000 hours of work, hourly 2-minute checkpoints, MTBF 4 hours, 10-minute
    restarts: ``1000 * 4 h * e^(1/24) * expm1(3720/14400)
    = 4000 h * 1.042547 * 0.294770 = 1229.2 h``:

    >>> round(expected_runtime("1000 h", "1 h", "2 min", "4 h", "10 min").to("h").m, 1)
    1229.2

    A 1 h job with a 10 h interval is one 1 h segment and its checkpoint:
    ``4 h * 1.042547 * expm1(62/240) = 4.1702 h * 0.294770 = 1.2292 h``;
    the smooth form prices a tenth of a 10 h segment,
    ``0.1 * 4.1702 h * expm1(602/240) = 0.41702 h * 11.2848 = 4.71 h``:

    >>> round(expected_runtime("1 h", "10 h", "2 min", "4 h", "10 min").to("h").m, 4)
    1.2292
    >>> round(expected_runtime("1 h", "10 h", "2 min", "4 h", "10 min", segments="smooth").to("h").m, 2)
    4.71
    """
    with np.errstate(over="ignore", invalid="ignore"):
        if segments != "whole":
            seg = _segment_time(interval.m, write_time.m, mtbf.m, restart_time.m)
            return _s(work.m / interval.m * seg)
        w, tau, d, m, r = work.m, interval.m, write_time.m, mtbf.m, restart_time.m
        whole, rest = _whole_segments(w, tau)
        if scalar(whole):  # one job cut for every point (a sweep over the rest): no per-point choice
            total = whole * _segment_time(tau, d, m, r) if whole > 0 else 0.0
            if rest > 0.0:
                total = total + _segment_time(rest, d, m, r)
            return _s(total)
        full = np.where(whole > 0, whole * _segment_time(tau, d, m, r), 0.0)
        return _s(full + np.where(rest > 0.0, _segment_time(rest, d, m, r), 0.0))


expected_runtime.__doc__ = expected_runtime.__doc__.replace("{segments}", _SEGMENT_DOC)


@export
@attrs.frozen
class WasteBreakdown(Record):
    """Where the expected runtime of a checkpointed job goes (the total-time waterfall).

    Attributes
    ----------
    useful : Quantity [time]
        The failure-free work ``W``.
    checkpointing : Quantity [time]
        Checkpoints that complete: ``delta`` per segment.
    rework : Quantity [time]
        Time lost to failures: compute and partial checkpoint writes that a
        failure threw away.
    restart : Quantity [time]
        Time spent restarting, including restarts that a further failure
        interrupted.
    total : Quantity [time]
        ``useful + checkpointing + rework + restart``: the expected runtime.
    waste_fraction : float or array
        ``1 - useful / total``: the reliability tax.
    failures : float or array
        Expected number of failures during the run (``total / M``).
    segments : float or array
        Number of segments (checkpoints written).
    """

    useful: Any = unit_field("s")
    checkpointing: Any = unit_field("s")
    rework: Any = unit_field("s")
    restart: Any = unit_field("s")
    total: Any = unit_field("s")
    waste_fraction: Any
    failures: Any
    segments: Any

    def waterfall(self) -> list[tuple[str, Any, Any]]:
        """The waterfall's bars: ``(label, start, end)`` with each bar starting where the last ended.

        >>> w = waste_breakdown("100 h", "1 h", "2 min", "4 h")
        >>> [label for label, start, end in w.waterfall()]
        ['useful', 'checkpointing', 'rework', 'restart']
        """
        bars = []
        start = self.useful * 0.0
        for name in ("useful", "checkpointing", "rework", "restart"):
            end = start + getattr(self, name)
            bars.append((name, start, end))
            start = end
        return bars


@export
@validated(work=Time(positive=True), interval=Time(positive=True), write_time=Time(),
           mtbf=Time(positive=True), restart_time=Time(), segments=Choice("whole", "smooth", "fractional"))
def waste_breakdown(work, interval, write_time, mtbf, restart_time="0 s", segments="whole"):
    r"""Split the exact expected runtime into useful work, checkpointing, rework and restart.

    .. math::

        \begin{aligned}
        \text{per segment:}\quad
        \underbrace{\tau}_{\text{useful}}
        + \underbrace{\delta}_{\text{checkpointing}}
        + \underbrace{M\,[\operatorname{expm1}(x) - x]}_{\text{rework}}
        + \underbrace{M \operatorname{expm1}(x) \operatorname{expm1}(R/M)}_{\text{restart}}
        = M e^{R/M}\operatorname{expm1}(x),\quad x = \frac{\tau+\delta}{M}
        \end{aligned}

    Parameters
    ----------
    work, interval, write_time, mtbf, restart_time
        As for :func:`expected_runtime`.
    {segments}

    Returns
    -------
    WasteBreakdown
        Record with ``useful``, ``checkpointing``, ``rework``, ``restart``,
        ``total``, ``waste_fraction``, ``failures``, ``segments``.

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    The split follows the renewal structure of one segment.  Attempts fail
    until one runs ``tau + delta`` without a failure: ``e^x - 1`` failed
    attempts in expectation, each losing on average
    ``M - (tau+delta)/expm1(x)`` (the mean of an exponential truncated at
    ``tau + delta``).  Their product is the rework, ``M (expm1(x) - x)``,
    computed by series for small ``x`` where the subtraction would cancel.
    Each failure is followed by a restart phase, itself interrupted by
    failures, lasting ``M expm1(R/M)`` on average.  The successful attempt
    contributes ``tau`` (useful) and ``delta`` (checkpointing).  The parts
    add up to the exact expectation algebraically, so ``total`` is their
    sum and equals :func:`expected_runtime` to rounding.

    References
    ----------
    .. [1] J. T. Daly, "A higher order estimate of the optimum checkpoint
       interval for restart dumps", *FGCS* 22(3):303-312, 2006.

    Examples
    --------
    >>> w = waste_breakdown("1000 h", "1 h", "2 min", "4 h", "10 min")
    >>> round(w.total.to("h").m, 1)
    1229.2
    >>> round(w.waste_fraction, 3)
    0.186
    """
    useful, ckpt, rework, restart, count = _segments(work.m, interval.m, write_time.m, mtbf.m, restart_time.m,
                                                     segments)
    lost = ckpt + rework + restart
    total = useful + lost
    with np.errstate(invalid="ignore", divide="ignore"):
        # From the parts, not 1 - useful/total: a tiny waste keeps its digits.
        waste = np.where(np.isinf(total), 1.0, lost / total)
    return WasteBreakdown.build(useful=useful, checkpointing=ckpt, rework=rework, restart=restart, total=total,
                                waste_fraction=waste, failures=total / mtbf.m, segments=count)


waste_breakdown.__doc__ = waste_breakdown.__doc__.replace("{segments}", _SEGMENT_DOC)




@export
@attrs.frozen
class OptimalSegments(Record):
    """The best whole number of equal segments for a finite job.

    Attributes
    ----------
    segments : float or array
        Number ``n`` of equal segments (checkpoints written), a whole number >= 1.
    interval : Quantity [time]
        Their length ``W / n``.
    expected_runtime : Quantity [time]
        Exact expected runtime of that plan (:func:`expected_runtime`).
    waste_fraction : float or array
        ``1 - W / expected_runtime``.
    """

    segments: Any
    interval: Any = unit_field("s")
    expected_runtime: Any = unit_field("s")
    waste_fraction: Any


@export
@validated(work=Time(positive=True), write_time=Time(positive=True), mtbf=Time(positive=True),
           restart_time=Time())
def optimal_segments(work, write_time, mtbf, restart_time="0 s"):
    r"""The exact optimum for a finite job: the best whole number of equal segments.

    .. math::

        n^\star = \operatorname*{arg\,min}_{n \in \{\lfloor W/\tau^\star \rfloor,\,
            \lceil W/\tau^\star \rceil\},\ n \ge 1}
            \; n \operatorname{expm1}\!\left(\frac{W/n + \delta}{M}\right),
        \qquad \tau = \frac{W}{n^\star}

    Parameters
    ----------
    work : Quantity [time]
        Failure-free compute time ``W`` of the job.
    write_time : Quantity [time]
        Checkpoint write time ``delta`` (> 0).
    mtbf : Quantity [time]
        Job (fleet) MTBF ``M``.
    restart_time : Quantity [time], optional
        Restart time ``R``; it scales the runtime by ``e^{R/M}`` and does not
        move the optimum.

    Returns
    -------
    OptimalSegments
        ``segments``, ``interval``, ``expected_runtime``, ``waste_fraction``.

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    A job of ``n`` segments of lengths ``t_i`` (summing to ``W``), each
    followed by a checkpoint, takes ``M e^{R/M} sum_i expm1((t_i + delta)/M)``
    in expectation (:func:`expected_runtime`).  The summand is convex in
    ``t_i``, so for a given ``n`` equal segments are best (Jensen), and
    ``g(n) = n expm1((W/n + delta)/M)`` is convex in ``n``
    (``g'' = e^{(W/n+delta)/M} (W/M)^2 / n^3 > 0``) with its continuous
    minimum at ``n = W / tau*``, ``tau*`` the :func:`optimal_interval` (the
    stationarity condition of ``g`` is the Lambert-W equation).  The whole
    optimum is therefore the floor or the ceiling of ``W / tau*``, whichever
    is cheaper: this is the exact optimum over every checkpoint schedule
    with ``n`` checkpoints, the last one at the end of the job.  For a long
    job it is ``tau*`` to within one part in ``W/tau*``; for a job of a few
    intervals it differs visibly (a job shorter than ``tau*`` takes one
    segment).

    References
    ----------
    .. [1] G. Bougeret, H. Casanova, M. Rabie, Y. Robert, F. Vivien,
       "Checkpointing strategies for parallel jobs", SC'11, 2011 (equal
       segments for a job of known length).

    Examples
    --------
    A 2.5 h job, 2-minute checkpoints, MTBF 4 h: ``tau* = 1779.91 s`` gives
    ``W/tau* = 9000/1779.91 = 5.06``; 5 segments cost
    ``5 expm1(1920/14400) = 0.71315`` MTBFs against
    ``6 expm1(1620/14400) = 0.71443`` for 6, so 5 segments of 30 min:

    >>> best = optimal_segments("2.5 h", "2 min", "4 h")
    >>> best.segments, round(best.interval.to("min").m, 6)
    (5.0, 30.0)
    """
    w, d, m = work.m, write_time.m, mtbf.m
    n_c = w / (m * _optimal_fraction(d / m))
    lo = np.maximum(np.floor(n_c), 1.0)
    hi = np.maximum(np.ceil(n_c), 1.0)
    with np.errstate(over="ignore", invalid="ignore"):
        cost_lo = lo * np.expm1((w / lo + d) / m)
        cost_hi = hi * np.expm1((w / hi + d) / m)
        n = np.where(cost_hi < cost_lo, hi, lo)
        useful, ckpt, rework, restart = _segment_parts(w / n, d, m, restart_time.m)
        lost = n * (ckpt + rework + restart)
        total = w + lost
        waste = np.where(np.isinf(total), 1.0, lost / total)  # from the parts: no 1 - x cancellation
    return OptimalSegments.build(segments=n, interval=w / n, expected_runtime=total, waste_fraction=waste)
