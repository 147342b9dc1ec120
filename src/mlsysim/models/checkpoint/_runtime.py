"""Checkpoint: runtime and waste (private; the public path is mlsysim.models.checkpoint)."""


from __future__ import annotations

from typing import Any

import attrs
import numpy as np

from ..._arrays import broadcast
from ..._export import exporter
from ..._records import Record
from ..._validate import (
    Choice,
    Time,
    validated,
)
from ...units import quantity
from ._common import _s

__all__: list[str] = []
export = exporter(__all__)

def _expm1_minus_x(x: np.ndarray) -> np.ndarray:
    """``expm1(x) - x`` without cancellation for small ``x >= 0``."""
    small = x < 0.5
    xs = np.where(small, x, 0.0)
    acc = np.ones_like(xs)
    for k in range(22, 2, -1):  # x^2/2 (1 + x/3 (1 + x/4 (1 + ...))) = sum_{k>=2} x^k / k!
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
    """The four expected parts of a whole job, summed over its segments."""
    if segments == "fractional":
        count = work / interval
        return tuple(count * part for part in _segment_parts(interval, delta, mtbf, restart))
    whole = np.floor(work / interval)
    rest = work - whole * interval
    # A rounding residue after whole segments is no extra segment; with no whole
    # segment the rest is the whole job, however short next to the interval.
    rest = np.where((whole > 0) & (rest <= 1e-9 * interval), 0.0, rest)
    full = _segment_parts(interval, delta, mtbf, restart)
    last = _segment_parts(rest, delta, mtbf, restart)
    has_last = rest > 0.0
    # A job shorter than one interval has no full segment: its (possibly
    # overflowing) full-segment parts must not enter as 0 * inf = NaN.
    with np.errstate(invalid="ignore"):
        return tuple(np.where(whole > 0, whole * f, 0.0) + np.where(has_last, l, 0.0) for f, l in zip(full, last))


_SEGMENT_DOC = """segments : {"fractional", "whole"}, optional
        ``"fractional"`` (default): the job is ``W/tau`` segments, each of
        ``tau`` compute followed by a checkpoint; a fractional count prices
        the last partial segment as that fraction of a full one (exact when
        ``tau`` divides ``W``, and the smooth function the optimum minimises).
        ``"whole"``: ``floor(W/tau)`` full segments and one shorter last
        segment of the remainder, also ending with a checkpoint: the exact
        expectation for any ``W``."""


@export
@validated(work=Time(positive=True), interval=Time(positive=True), write_time=Time(),
           mtbf=Time(positive=True), restart_time=Time(), segments=Choice("fractional", "whole"))
def expected_runtime(work, interval, write_time, mtbf, restart_time="0 s", segments="fractional"):
    r"""Exact expected wall-clock time of a checkpointed job under exponential failures.

    .. math::

        \mathbb{E}[T] = \frac{W}{\tau}\; M\, e^{R/M}
            \left(e^{(\tau + \delta)/M} - 1\right)

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
    (where it tends to ``tau + delta``).  :func:`optimal_interval` minimises
    it exactly; :func:`waste_breakdown` splits it into its parts.

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
    """
    with np.errstate(over="ignore", invalid="ignore"):
        if segments == "fractional":
            seg = _segment_time(interval.m, write_time.m, mtbf.m, restart_time.m)
            return _s(work.m / interval.m * seg)
        parts = _segments(work.m, interval.m, write_time.m, mtbf.m, restart_time.m, segments)
        return _s(parts[0] + parts[1] + parts[2] + parts[3])


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

    useful: Any
    checkpointing: Any
    rework: Any
    restart: Any
    total: Any
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
           mtbf=Time(positive=True), restart_time=Time(), segments=Choice("fractional", "whole"))
def waste_breakdown(work, interval, write_time, mtbf, restart_time="0 s", segments="fractional"):
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
    parts = _segments(work.m, interval.m, write_time.m, mtbf.m, restart_time.m, segments)
    useful, ckpt, rework, restart = parts
    total = useful + ckpt + rework + restart
    with np.errstate(invalid="ignore", divide="ignore"):
        waste = np.where(np.isinf(total), 1.0, 1.0 - useful / total)
    failures = total / mtbf.m
    if segments == "fractional":
        count = work.m / interval.m
    else:
        whole = np.floor(work.m / interval.m)
        count = whole + (work.m - whole * interval.m > 1e-9 * interval.m)
    q = [quantity(np.asarray(v, dtype=float), "s") for v in (useful, ckpt, rework, restart, total)]
    fields = broadcast(*q, np.asarray(waste, float), np.asarray(failures, float), np.asarray(count, float))
    return WasteBreakdown(*fields)


waste_breakdown.__doc__ = waste_breakdown.__doc__.replace("{segments}", _SEGMENT_DOC)


