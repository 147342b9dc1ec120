"""Checkpoint: Monte Carlo of checkpoint/restart under any failure law (private; public path mlsysim.models.checkpoint)."""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np

from ..._export import exporter
from ..._records import Record, unit_field
from ..._validate import Choice, Count, Time, check, validated
from ...errors import DomainError, UnitError, warn_regime
from ...units import ureg
from ._common import _whole_segments
from ._intervals import optimal_interval
from ._laws import _Law

__all__: list[str] = []
export = exporter(__all__)

_Quantity = ureg.Quantity
_OBSERVED = Time(positive=True)
#: Largest number of (point, trial) pairs simulated at once; larger grids go in blocks.
_BLOCK = 1_000_000


class _Observed:
    """Resampling (with replacement) of observed times between failures, in seconds."""

    __slots__ = ("mean", "times")

    def __init__(self, times: np.ndarray):
        self.times = times
        self.mean = float(times.mean())

    def _draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return self.times[rng.integers(0, self.times.size, size)]

    def _survival_s(self, t: np.ndarray) -> np.ndarray:
        """``P(X > t)`` for a resampled gap: the share of observed gaps longer than ``t`` (seconds)."""
        return 1.0 - np.searchsorted(np.sort(self.times), t, side="right") / self.times.size

    def _draw_residual(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """A gap chosen with probability proportional to its length, times a uniform."""
        cdf = np.cumsum(self.times)
        i = np.minimum(np.searchsorted(cdf, rng.random(size) * cdf[-1], side="right"), self.times.size - 1)
        return self.times[i] * rng.random(size)


def _failure_source(failures: Any, where: str) -> Any:
    """A law, or observed times (a 1-d time array) wrapped for resampling."""
    if isinstance(failures, _Law):
        return failures
    if isinstance(failures, (_Quantity, list, tuple, np.ndarray)) or hasattr(failures, "units"):
        q = check(failures, _OBSERVED, where)
        m = np.asarray(q.m, dtype=float)
        if m.ndim != 1 or m.size == 0:
            raise UnitError(f"{where} expects a one-dimensional array of observed times between failures; "
                            f"got shape {m.shape}")
        return _Observed(m)
    raise UnitError(f"{where} expects an Exponential, a Weibull, or a Quantity array of observed times "
                    f"between failures; got {type(failures).__name__} {failures!r}")


def _one_count(value: Any, name: str, fn: str) -> int:
    if np.ndim(value):
        raise UnitError(f"{fn}(): parameter '{name}' must be one whole number, not an array")
    return int(value)


def _mean_s(source: Any) -> float:
    return source.mean if isinstance(source, _Observed) else float(source.mtbf.m_as("s"))


def _seed_sequence(seed: Any, fn: str) -> np.random.SeedSequence:
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):  # one draw from it fixes the streams of every point
        return np.random.SeedSequence(int(seed.integers(2**63)))
    if seed is None or (isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) and seed >= 0):
        return np.random.SeedSequence(seed)
    raise UnitError(f"{fn}(): parameter 'seed' must be None, a non-negative int, a SeedSequence or a "
                    f"numpy Generator; got {seed!r}")


def _run(work: np.ndarray, interval: np.ndarray, delta: np.ndarray, restart: np.ndarray, source: Any,
         trials: int, seq: np.random.SeedSequence, max_failures: int, stationary: bool = False) -> tuple:
    """Per-trial (rework, restart, failures, finished) of shape (points, trials); inputs 1-d in seconds.

    Every point sees the same failure sequence per trial: the ``j``-th failure
    of trial ``i`` uses draw ``i`` of the ``j``-th batch of ``trials`` draws
    (common random numbers across points, and equal results whatever grid a
    point is simulated in).
    """
    p = work.size
    whole, rest = _whole_segments(work, interval)  # the job expected_runtime(segments="whole") prices
    seg_pt, last_pt = interval + delta, rest + delta
    has_last_pt = rest > 0.0
    n = p * trials
    rework = np.zeros(n)
    restarting = np.zeros(n)
    failures = np.zeros(n)
    finished = np.zeros(n, dtype=bool)
    # state of the active (point, trial) pairs, compacted as they finish
    idx = np.arange(n)
    trial = idx % trials
    point = idx // trials
    # A restart that no failure-free gap can outlast (survival exactly 0: an observed log's longest
    # gap, or a law's tail below the float range) never completes: a trial that fails there stops at
    # once, unfinished, with the failures and time it had so far, instead of looping max_failures
    # times (a 1e300 s restart took seconds to say so).  Any restart with a chance, however small,
    # is simulated as before.
    stuck_pt = source._survival_s(restart) == 0.0
    seg, nf, last, has_last, r = seg_pt[point], whole[point], last_pt[point], has_last_pt[point], restart[point]
    stuck = stuck_pt[point]
    done_segments = np.zeros(n)
    acc_rw, acc_rs, acc_f = np.zeros(n), np.zeros(n), np.zeros(n)
    in_restart = np.zeros(n, dtype=bool)
    rng = np.random.default_rng(seq)
    rounds = 0
    while idx.size and rounds <= max_failures:
        rounds += 1
        if stationary and rounds == 1:  # the job starts at a random moment of a running fleet
            x = source._draw_residual(rng, trials)[trial]
        else:  # time from a renewal (the start, or the last failure) to the next failure
            x = source._draw(rng, trials)[trial]
        rr = np.where(in_restart, r, 0.0)
        cut = x < rr  # the failure strikes during the restart
        acc_rs += np.minimum(x, rr)
        avail = x - rr
        k = np.where(cut, 0.0, np.minimum(np.floor(avail / seg), nf - done_segments))
        done_segments += k
        avail -= k * seg
        fin = ~cut & (done_segments >= nf) & (~has_last | (avail >= last))
        lost = ~cut & ~fin
        acc_rw += np.where(lost, avail, 0.0)
        acc_f += ~fin
        in_restart = ~fin
        gone = stuck & ~fin  # failed where the restart never completes: unfinished, stop now
        if fin.any() or gone.any():
            g = idx[fin]
            rework[g], restarting[g], failures[g], finished[g] = acc_rw[fin], acc_rs[fin], acc_f[fin], True
            g = idx[gone]
            rework[g], restarting[g], failures[g] = acc_rw[gone], acc_rs[gone], acc_f[gone]
            keep = ~(fin | gone)
            idx, trial = idx[keep], trial[keep]
            seg, nf, last, has_last, r, stuck = seg[keep], nf[keep], last[keep], has_last[keep], r[keep], stuck[keep]
            done_segments, in_restart = done_segments[keep], in_restart[keep]
            acc_rw, acc_rs, acc_f = acc_rw[keep], acc_rs[keep], acc_f[keep]
    if idx.size:  # trials still running after max_failures failures
        rework[idx], restarting[idx], failures[idx] = acc_rw, acc_rs, acc_f
    shape = (p, trials)
    return (rework.reshape(shape), restarting.reshape(shape), failures.reshape(shape),
            finished.reshape(shape), (whole + has_last_pt) * delta)


def _simulate(work, interval, delta, restart, source, trials, seq, max_failures, where, stationary=False,
              summary=None):
    """Broadcast the inputs and simulate in blocks of points.

    Returns the broadcast shape and, per point, ``summary(total, rework,
    restart, failures)`` of each block's per-trial arrays (shape (points,
    trials)) concatenated; without ``summary``, the per-trial runtimes.
    Blocks bound the memory: a block holds at most ``_BLOCK`` (point, trial)
    pairs.
    """
    w, tau, d, r = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (work, interval, delta, restart)))
    shape = w.shape
    w, tau, d, r = (v.ravel() for v in (w, tau, d, r))
    # A point whose failure-free runtime spans far more than max_failures mean gaps cannot
    # finish within max_failures failures: it is infinite without simulating (else an absurd
    # input, say a 1e300 h job, would loop max_failures times before saying so).
    with np.errstate(over="ignore", invalid="ignore"):
        hopeless = ~((w + _checkpointing(w, tau, d)) / _mean_s(source) <= 50.0 * max_failures)
    if hopeless.any():
        w, tau, d, r = (np.where(hopeless, 1.0, v) for v in (w, tau, d, r))
    step = max(1, _BLOCK // trials)
    outs, unfinished = [], 0
    for i in range(0, max(w.size, 1), step):
        block = slice(i, i + step)
        rework, restarting, failures, finished, ckpt = _run(w[block], tau[block], d[block], r[block], source,
                                                            trials, seq, max_failures, stationary)
        finished = finished & ~hopeless[block][:, None]
        total = np.where(finished, (w[block] + ckpt)[:, None] + rework + restarting, np.inf)
        unfinished += int((~finished).sum())
        outs.append(summary(total, rework, restarting, failures) if summary else (total,))
    if unfinished:
        warn_regime(f"{where}: {unfinished} trial(s) still running after max_failures failures, or failed "
                    "where no time between failures can outlast the restart; their runtime "
                    "counts as infinite (segments or restarts far longer than the time between failures "
                    "practically never complete)")
    return shape, [np.concatenate(x) for x in zip(*outs)]


def _mean_se(x: np.ndarray) -> tuple:
    with np.errstate(invalid="ignore"):
        mean = x.mean(axis=-1)
        se = x.std(axis=-1, ddof=1) / np.sqrt(x.shape[-1])
    return mean, np.where(np.isinf(mean), np.inf, se)


def _summary(total, rework, restarting, failures) -> tuple:
    """Per-point statistics of one block's per-trial arrays."""
    with np.errstate(invalid="ignore"):
        std = total.std(axis=-1, ddof=1)
        p95 = np.percentile(total, 95, axis=-1, method="inverted_cdf")  # no interpolation: inf stays inf
    return (*_mean_se(total), *_mean_se(rework), *_mean_se(restarting), *_mean_se(failures), std, p95)


def _checkpointing(work, interval, delta):
    """``delta`` per segment: ``floor(W/tau)`` whole segments and a last one unless the rest is a residue."""
    whole, rest = _whole_segments(work, interval)
    return (whole + (rest > 0.0)) * delta


@export
@attrs.frozen
class SimulatedRuntime(Record):
    """The Monte Carlo estimate of a checkpointed job's runtime and where it goes.

    Attributes
    ----------
    mean : Quantity [time]
        Mean wall-clock runtime over the trials (``inf`` if a trial never finished).
    standard_error : Quantity [time]
        Standard error of ``mean`` (sample standard deviation over ``sqrt(trials)``).
    useful : Quantity [time]
        The failure-free work ``W``.
    checkpointing : Quantity [time]
        Checkpoints that complete: ``delta`` per segment (the same in every trial).
    rework : Quantity [time]
        Mean time lost to failures (compute and partial writes thrown away).
    restart : Quantity [time]
        Mean time spent restarting, interrupted restarts included.
    failures : float or array
        Mean number of failures during the run.
    waste_fraction : float or array
        ``1 - useful / mean``.
    rework_standard_error, restart_standard_error : Quantity [time]
        Standard errors of ``rework`` and ``restart``.
    failures_standard_error : float or array
        Standard error of ``failures``.
    std : Quantity [time]
        Standard deviation of the runtime across trials (the spread a single run sees).
    p95 : Quantity [time]
        95th percentile of the runtime across trials.
    trials : int
        Number of simulated runs per point.
    """

    mean: Any = unit_field("s")
    standard_error: Any = unit_field("s")
    useful: Any = unit_field("s")
    checkpointing: Any = unit_field("s")
    rework: Any = unit_field("s")
    restart: Any = unit_field("s")
    failures: Any = attrs.field()
    waste_fraction: Any = attrs.field()
    rework_standard_error: Any = unit_field("s")
    restart_standard_error: Any = unit_field("s")
    failures_standard_error: Any = attrs.field()
    std: Any = unit_field("s")
    p95: Any = unit_field("s")
    trials: Any = attrs.field()


@export
@validated(work=Time(positive=True), interval=Time(positive=True), write_time=Time(), restart_time=Time(),
           trials=Count(minimum=2, maximum=1e7), max_failures=Count(maximum=1e9),
           start=Choice("renewal", "stationary"))
def simulate_runtime(work, interval, write_time, failures, restart_time="0 s", *, trials=10000, seed=None,
                     max_failures=100_000, start="renewal"):
    r"""Monte Carlo of a checkpointed job under a failure law or an observed failure log.

    .. math::

        T = W + \lceil W/\tau \rceil\,\delta
            + \sum_{\text{failures}} (\text{work and write lost})
            + \sum_{\text{failures}} \min(R,\ \text{time to the next failure})

    Parameters
    ----------
    work : Quantity [time]
        Failure-free compute time ``W`` the job needs.
    interval : Quantity [time]
        Compute time ``tau`` between checkpoints.
    write_time : Quantity [time]
        Checkpoint write time ``delta`` (the job is stopped meanwhile), >= 0.
    failures : Exponential, Weibull or Quantity array [time]
        The law of the times between failures, or observed times between
        failures (one-dimensional), resampled with replacement.
    restart_time : Quantity [time], optional
        Time ``R`` from a failure until compute resumes from the last
        checkpoint, default 0.
    trials : int, optional
        Simulated runs per point (>= 2, at most 1e7), default 10,000.  Memory
        is about 200 bytes per trial of the points simulated at once.
    seed : int, SeedSequence or None, optional
        Seed of the random streams; the same seed gives the same result.
    max_failures : int, optional
        A trial still running after this many failures is stopped and counted
        as never finishing (``inf``), with a :class:`RegimeWarning`.
    start : {"renewal", "stationary"}, optional
        ``"renewal"`` (default): the job starts just after a failure (a fresh
        fleet, or a job launched on repair).  ``"stationary"``: it starts at a
        random moment of a long-running fleet, so its first wait is the
        forward recurrence time (:meth:`Weibull.sample_residual`); the same
        law for an :class:`Exponential`, longer on average for ``k < 1``.

    Returns
    -------
    SimulatedRuntime
        Record with ``mean``, ``standard_error``, ``useful``,
        ``checkpointing``, ``rework``, ``restart``, ``failures`` (mean count),
        ``waste_fraction`` and the standard errors of the parts.

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    The job is the one of :func:`expected_runtime` with ``segments="whole"``
    (its default):
    ``floor(W/tau)`` segments of ``tau`` compute and one shorter last segment
    of the remainder, each followed by a checkpoint of ``delta``.  Failures
    strike during compute, writes and restarts alike; a failure loses the
    segment's compute and any partial write, then a restart of ``R`` (which a
    failure can interrupt, starting it again) returns the job to the start of
    the segment.  With :class:`Exponential` failures this is exactly the
    process whose expectation :func:`expected_runtime` and
    :func:`waste_breakdown` give, and the simulation agrees with them within
    its standard error.

    Failures form a **renewal process**: the clock starts fresh at every
    failure (and at the start of the job, unless ``start="stationary"``),
    each time between failures an independent draw of the law (or of the
    log).  For a :class:`Weibull` law
    this assumes each repair brings the fleet back to the state after the
    previous repair, and that the job starts just after one; it ignores
    trends (burn-in, ageing) and correlation between successive gaps.

    The simulation is vectorised over trials and over the broadcast shape of
    ``work``, ``interval``, ``write_time`` and ``restart_time``: each round
    of a loop advances every running trial to its next failure (or to the
    end), so the loop runs as many rounds as the largest number of failures
    of any trial.  Every point of a broadcast grid sees the same failure
    sequence in trial ``i`` (common random numbers), so a grid of intervals
    compares them with far less noise than independent runs, and a point
    gives the same result whatever grid it is simulated in.

    References
    ----------
    .. [1] J. T. Daly, "A higher order estimate of the optimum checkpoint
       interval for restart dumps", *FGCS* 22(3):303-312, 2006.
    .. [2] B. Schroeder, G. A. Gibson, "A large-scale study of failures in
       high-performance computing systems", DSN 2006.

    See Also
    --------
    expected_runtime, waste_breakdown : the exact expectation for exponential failures.
    simulated_optimal_interval : the interval that minimises the simulated runtime.

    Examples
    --------
    Failures exactly every 3 h (a log of one gap), a 10 h job, 1 h segments,
    6-minute writes, 12-minute restarts.  Each 3 h gap covers the restart,
    then whole 66-minute segments: ``2 x 66 = 132`` of the first 180 min, the
    rest (48 min) lost; after each failure ``180 - 12 = 168`` min complete
    two segments and lose 36 min.  Ten segments: four failures (after
    segments 2, 4, 6 and 8), and the fifth gap finishes segments 9 and 10.
    Lost: 48 + 3 x 36 = 156 min; restarts 4 x 12 = 48 min; total 600 + 60 + 156 + 48 = 864 min:

    >>> from mlsysim import Q_
    >>> sim = simulate_runtime("10 h", "1 h", "6 min", Q_([3.0], "h"), "12 min", trials=2, seed=0)
    >>> round(sim.mean.to("min").m, 6), sim.failures
    (864.0, 4.0)

    Exponential failures agree with the exact expectation:

    >>> from mlsysim.models.checkpoint import expected_runtime
    >>> sim = simulate_runtime("100 h", "1 h", "2 min", Exponential("4 h"), "10 min", seed=1)
    >>> exact = expected_runtime("100 h", "1 h", "2 min", "4 h", "10 min", segments="whole")
    >>> abs(sim.mean - exact) < 4 * sim.standard_error
    True
    """
    where = "simulate_runtime(): parameter 'failures'"
    source = _failure_source(failures, where)
    trials = _one_count(trials, "trials", "simulate_runtime")
    max_failures = _one_count(max_failures, "max_failures", "simulate_runtime")
    shape, stats = _simulate(
        work.m, interval.m, write_time.m, restart_time.m, source, trials, _seed_sequence(seed, "simulate_runtime"),
        max_failures, "simulate_runtime()", start == "stationary", _summary)
    mean, se, rw, rw_se, rs, rs_se, nf, nf_se, std, p95 = (x.reshape(shape) for x in stats)
    w = np.broadcast_to(work.m, shape)
    ckpt = np.broadcast_to(_checkpointing(work.m, interval.m, write_time.m), shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        waste = np.where(np.isinf(mean), 1.0, 1.0 - w / mean)
    return SimulatedRuntime.build(
        mean=mean, standard_error=se, useful=w, checkpointing=ckpt, rework=rw, restart=rs,
        failures=nf, waste_fraction=waste, rework_standard_error=rw_se, restart_standard_error=rs_se,
        failures_standard_error=nf_se, std=np.where(np.isinf(mean), np.inf, std),
        p95=p95, trials=trials)


@export
@attrs.frozen
class SimulatedOptimum(Record):
    """The checkpoint interval that minimises the simulated runtime, beside the exponential answer.

    Attributes
    ----------
    interval : Quantity [time]
        The interval of least simulated mean runtime.
    runtime : Quantity [time]
        Simulated mean runtime at ``interval``.
    standard_error : Quantity [time]
        Its standard error.
    waste_fraction : float
        ``1 - work / runtime`` at ``interval``.
    exponential_interval : Quantity [time]
        :func:`optimal_interval` for the law's mean time between failures
        (the exponential answer).
    exponential_runtime : Quantity [time]
        Simulated mean runtime at ``exponential_interval`` under the same law
        and the same random numbers.
    exponential_waste_fraction : float
        ``1 - work / exponential_runtime``.
    saving : Quantity [time]
        ``exponential_runtime - runtime``: what the better interval saves.
    saving_standard_error : Quantity [time]
        Standard error of ``saving`` (paired over the same trials).
    trials : int
        Trials per evaluated interval.
    """

    interval: Any = unit_field("s")
    runtime: Any = unit_field("s")
    standard_error: Any = unit_field("s")
    waste_fraction: Any = attrs.field()
    exponential_interval: Any = unit_field("s")
    exponential_runtime: Any = unit_field("s")
    exponential_waste_fraction: Any = attrs.field()
    saving: Any = unit_field("s")
    saving_standard_error: Any = unit_field("s")
    trials: Any = attrs.field()


def _scalar(q: Any, name: str) -> None:
    if np.ndim(q.m):
        raise UnitError(f"simulated_optimal_interval(): parameter '{name}' must be one value (a scalar); "
                        "call it once per case, or sweep intervals with simulate_runtime")


@export
@validated(work=Time(positive=True), write_time=Time(positive=True), restart_time=Time(),
           trials=Count(minimum=2, maximum=1e7), candidates=Count(minimum=5, maximum=1000),
           start=Choice("renewal", "stationary"))
def simulated_optimal_interval(work, write_time, failures, restart_time="0 s", *, trials=2000, seed=None,
                               bounds=None, candidates=25, start="renewal"):
    r"""The checkpoint interval that minimises the simulated mean runtime under any failure law.

    .. math::

        \tau^\star_\text{sim} = \arg\min_\tau\ \overline{T}(\tau),
        \qquad \overline{T}(\tau) = \frac{1}{n}\sum_{i=1}^{n} T_i(\tau)

    Parameters
    ----------
    work : Quantity [time]
        Failure-free compute time ``W`` (one value).
    write_time : Quantity [time]
        Checkpoint write time ``delta`` (positive, one value).
    failures : Exponential, Weibull or Quantity array [time]
        As for :func:`simulate_runtime`.
    restart_time : Quantity [time], optional
        Restart time ``R`` (one value), default 0.
    trials : int, optional
        Trials per candidate interval, default 2,000.
    seed : int or None, optional
        Seed of the random streams (the same for every candidate).
    bounds : (Quantity, Quantity), optional
        Range of intervals searched; default one tenth to ten times the
        exponential optimum for the law's mean.
    candidates : int, optional
        Intervals per stage of the search (>= 5), default 25.
    start : {"renewal", "stationary"}, optional
        As for :func:`simulate_runtime`.

    Returns
    -------
    SimulatedOptimum
        The interval, its runtime and waste, and the exponential answer
        (:func:`optimal_interval` at the law's mean) simulated under the same
        law and random numbers, with the saving between them.

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    Two stages of ``candidates`` log-spaced intervals, the second between the
    neighbours of the first stage's best; every candidate is simulated with
    the same random numbers (:func:`simulate_runtime` with one seed over a
    grid of intervals), so differences between candidates are far less noisy
    than the runtimes themselves.  A parabola in ``ln tau`` fitted to the
    second stage smooths what noise is left; its vertex is the answer when it
    lies inside the second stage, else the best candidate.  The objective is
    flat near its minimum, so the interval is less certain than the runtime
    it achieves: read ``saving`` and its standard error to judge whether the
    difference from the exponential answer matters.  Scalars only.

    See Also
    --------
    optimal_interval : the exact optimum for exponential failures.
    simulate_runtime : the simulation it minimises.

    Examples
    --------
    With exponential failures the simulated optimum lands on the exact one,
    ``optimal_interval("5 min", "4 h")``: Young's ``sqrt(2 x 300 s x 14,400 s)
    = 2,939 s`` less about ``2 delta / 3 = 200 s``, i.e. 2,740 s (45.7 min),
    within the flatness of the curve, and saves nothing over it:

    >>> opt = simulated_optimal_interval("200 h", "5 min", Exponential("4 h"), seed=3)
    >>> round(opt.exponential_interval.to("min").m, 1)
    45.7
    >>> 0.7 < opt.interval / opt.exponential_interval < 1.4
    True
    >>> abs(opt.saving) < 4 * opt.saving_standard_error + 0.001 * opt.runtime
    True
    """
    for name, q in (("work", work), ("write_time", write_time), ("restart_time", restart_time)):
        _scalar(q, name)
    source = _failure_source(failures, "simulated_optimal_interval(): parameter 'failures'")
    trials = _one_count(trials, "trials", "simulated_optimal_interval")
    n = _one_count(candidates, "candidates", "simulated_optimal_interval")
    m = _mean_s(source)
    tau_exp = float(optimal_interval(write_time, _Quantity(m, "s")).m_as("s"))
    if bounds is None:
        lo, hi = tau_exp / 10.0, tau_exp * 10.0
    else:
        try:
            lo_q, hi_q = bounds
        except (TypeError, ValueError):
            raise UnitError("simulated_optimal_interval(): parameter 'bounds' expects a pair of times "
                            f"(low, high); got {bounds!r}") from None
        t = Time(positive=True)
        lo = float(check(lo_q, t, "simulated_optimal_interval(): parameter 'bounds[0]'").m)
        hi = float(check(hi_q, t, "simulated_optimal_interval(): parameter 'bounds[1]'").m)
        if not hi > lo:
            raise DomainError(f"simulated_optimal_interval(): parameter 'bounds' must be (low, high) with "
                              f"low < high; got ({lo} s, {hi} s)")
    root = _seed_sequence(seed, "simulated_optimal_interval")
    # one stream for the search (the same for every candidate: common random
    # numbers), an independent one to price the choice without selection bias
    search, verify = np.random.SeedSequence(root.entropy, spawn_key=root.spawn_key).spawn(2)
    where = "simulated_optimal_interval()"

    def run(taus: np.ndarray, seq: Any = search) -> np.ndarray:
        return _simulate(work.m, taus, write_time.m, restart_time.m, source, trials, seq, 100_000, where,
                         start == "stationary")[1][0]

    grid = np.geomspace(lo, hi, n)
    coarse = run(grid).mean(axis=-1)
    b = int(np.argmin(coarse))
    fine = np.geomspace(grid[max(b - 1, 0)], grid[min(b + 1, n - 1)], n)
    runtimes = run(fine).mean(axis=-1)
    choices = [fine[int(np.argmin(runtimes))], tau_exp]
    x = np.log(fine)
    ok = np.isfinite(runtimes)
    if ok.sum() >= 3:
        c2, c1, _ = np.polyfit(x[ok], runtimes[ok], 2)
        if c2 > 0 and x[0] <= -c1 / (2.0 * c2) <= x[-1]:
            choices.append(float(np.exp(-c1 / (2.0 * c2))))
    best = choices[int(np.argmin(run(np.array(choices)).mean(axis=-1)))]
    both = run(np.array([best, tau_exp]), verify)
    mean, se = _mean_se(both)
    diff = both[1] - both[0]
    _, diff_se = _mean_se(diff[None, :])
    w = float(work.m)
    return SimulatedOptimum.build(
        interval=best, runtime=mean[0], standard_error=se[0], waste_fraction=1.0 - w / mean[0],
        exponential_interval=tau_exp, exponential_runtime=mean[1], exponential_waste_fraction=1.0 - w / mean[1],
        saving=mean[1] - mean[0], saving_standard_error=diff_se[0], trials=trials)
