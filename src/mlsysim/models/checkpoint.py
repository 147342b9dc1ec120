r"""Fault tolerance: fleet failure math, checkpoint intervals, waste, and where checkpoints go.

A training job on ``N`` accelerators fails when any one of them fails, so the
fleet's mean time between failures is the node MTBF divided by ``N``; the job
survives a day only if every node does, ``P_fleet = P_node ** N``.  The job
protects itself by writing checkpoints: too often and it spends its time
writing, too rarely and it redoes lost work after every failure.  This module
gives the closed forms of that trade-off and of the physical systems it runs on:

* **fleet failure math**: :func:`fleet_mtbf`, :func:`series_mtbf`,
  :func:`failure_probability`, :func:`fleet_survival`,
  :func:`fleet_failure_probability`, :func:`expected_failures`;
* **intervals**: :func:`young_interval` (Young 1974), :func:`daly_interval`
  (Daly 2006) and :func:`optimal_interval`, the exact minimiser of
  :func:`expected_runtime` through the Lambert W function, evaluated stably
  near its branch point;
* **runtime and waste**: :func:`expected_runtime` (exact expectation under
  exponential failures that strike during compute, checkpoint writes and
  restarts) and :func:`waste_breakdown` (the total-time waterfall: useful work,
  checkpointing, rework, restart);
* **where the checkpoint goes**: :func:`checkpoint_write_time`,
  :func:`checkpoint_storm` (N nodes writing at once to shared storage, and
  staggered groups), :func:`checkpoint_plan` (blocking write vs asynchronous
  staging through host DRAM, the interval and waste each yields);
* **silent data corruption**: :func:`sdc_probability`, :func:`sdc_detection`
  (checksums or activation hashes vs dual modular redundancy);
* **preemption and brown-out**: :func:`incremental_checkpoint`,
  :func:`holdup_energy`, :func:`brownout_save` (a FeRAM microcontroller saving
  its state on the energy left in a hold-up capacitor).

All times come back in seconds (convert with ``.to("min")``), probabilities and
counts as plain floats or arrays.

The failure model throughout is the memoryless one: failures arrive as a
Poisson process of rate ``1/M`` (exponential inter-failure times), whatever
the job is doing, and a restart brings the job back to its last checkpoint.
Real fleets show infant mortality and correlated failures (a switch takes down
a rack); the exponential model is the standard first approximation and the one
the classic interval formulas assume.
"""

from __future__ import annotations

import warnings
from typing import Any

import attrs
import numpy as np

from .._export import exporter
from .._arrays import broadcast, scalar_or_array
from .._records import Record
from .._validate import (
    Bandwidth,
    Capacitance,
    Choice,
    Count,
    Fraction,
    Instance,
    Optional,
    Power,
    Rate,
    Size,
    Time,
    Voltage,
    validated,
)
from ..errors import DomainError, RegimeWarning
from ..hardware import FERAM_MCU, Microcontroller
from ..units import quantity

__all__: list[str] = []
export = exporter(__all__)


#: delta/M above which Young's first-order interval is flagged (see young_interval).
YOUNG_REGIME_LIMIT = 0.1
#: delta/M above which Daly's higher-order estimate is flagged (see daly_interval).
DALY_REGIME_LIMIT = 1.0




def _s(m: Any) -> Any:
    """A magnitude in seconds as a Quantity (0-d arrays become scalars)."""
    return quantity(m, "s")  # 0-d magnitudes come back as Python floats


def _plain(x: Any) -> Any:
    """A dimensionless result: a Python float for scalars, a float array otherwise."""
    return scalar_or_array(np.asarray(x, dtype=float))


# =========================================================================== fleet failure math


@export
@validated(node_mtbf=Time(positive=True, inf_ok=True), nodes=Count())
def fleet_mtbf(node_mtbf, nodes):
    r"""Mean time between failures of a fleet of ``nodes`` identical nodes.

    .. math:: M_{\text{fleet}} = \frac{M_{\text{node}}}{N}

    Parameters
    ----------
    node_mtbf : Quantity [time]
        MTBF of one node (``inf`` for a node that never fails).
    nodes : int or array
        Number of nodes, at least 1.

    Returns
    -------
    Quantity [time]
        Fleet MTBF, in seconds.

    Raises
    ------
    UnitError
        ``node_mtbf`` is not a time.
    DomainError
        ``node_mtbf`` not positive or NaN; ``nodes`` not a whole number >= 1.

    Notes
    -----
    The job stops when any node fails (a series system), and with exponential
    failures the rates add: ``N`` nodes of rate ``1/M`` fail at rate ``N/M``.
    Doubling the fleet halves its MTBF, so the optimal checkpoint interval,
    which grows as :math:`\sqrt{M}`, shrinks by :math:`\sqrt{2}`.  Assumes
    independent failures; correlated ones (a shared power feed, a switch) make
    the fleet fail less often than this but in larger pieces.

    References
    ----------
    .. [1] M. Rausand and A. Hoyland, *System Reliability Theory*, 2nd ed.,
       Wiley, 2004, ch. 4 (series structures).

    Examples
    --------
    The seed's 16,384-GPU cluster fails every 4 hours, so each GPU's MTBF is
    ``4 h x 16,384 = 65,536 h`` (about 7.5 years):

    >>> fleet_mtbf("65536 h", 16384).to("h")
    <Quantity(4.0, 'hour')>
    """
    return node_mtbf / nodes


@export
@validated(component_mtbf=Time(positive=True, inf_ok=True), count=Count(minimum=0))
def series_mtbf(component_mtbf, count=1):
    r"""MTBF of a series system of heterogeneous components: failure rates add.

    .. math:: M = \Bigl(\sum_i \frac{n_i}{M_i}\Bigr)^{-1}

    Parameters
    ----------
    component_mtbf : Quantity [time], array
        MTBF of each kind of component along the **last axis** (``inf`` for a
        component that never fails).  Leading axes are independent systems.
    count : int or array
        How many of each component the system holds (0 allowed), broadcast
        against ``component_mtbf``.

    Returns
    -------
    Quantity [time]
        System MTBF, with the last axis reduced; ``inf`` when nothing can fail.

    Raises
    ------
    UnitError, DomainError
        As for :func:`fleet_mtbf`; ``count`` must be a whole number >= 0.

    Notes
    -----
    Exponential, independent component failures, and any component failure
    stops the system.  With one kind of component this is :func:`fleet_mtbf`.

    References
    ----------
    .. [1] M. Rausand and A. Hoyland, *System Reliability Theory*, 2nd ed.,
       Wiley, 2004, ch. 4.

    Examples
    --------
    A node of 8 GPUs (MTBF 50,000 h each), 2 CPUs (200,000 h) and a NIC
    (100,000 h): rates ``8/50k + 2/200k + 1/100k = 18/100k`` per hour:

    >>> from mlsysim import Q_
    >>> series_mtbf(Q_([50_000, 200_000, 100_000], "h"), [8, 2, 1]).to("h")
    <Quantity(5555.55556, 'hour')>
    """
    m = np.atleast_1d(component_mtbf.m)
    n = np.broadcast_to(count, np.broadcast_shapes(np.shape(m), np.shape(count)))
    m = np.broadcast_to(m, n.shape)
    rate = np.sum(n / m, axis=-1)
    with np.errstate(divide="ignore"):
        return _s(1.0 / rate)


@export
@validated(mtbf=Time(positive=True, inf_ok=True), duration=Time())
def failure_probability(mtbf, duration):
    r"""Probability of at least one failure in ``duration`` (exponential failures).

    .. math:: P = 1 - e^{-t/M} = -\operatorname{expm1}(-t/M)

    Parameters
    ----------
    mtbf : Quantity [time]
        Mean time between failures (``inf``: never fails).
    duration : Quantity [time]
        Length of the exposure, ``>= 0``.

    Returns
    -------
    float or array
        Probability in [0, 1].

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    ``expm1`` keeps full relative accuracy when ``t/M`` is tiny (a node over
    one hour), where ``1 - exp(-t/M)`` would lose every digit.

    References
    ----------
    .. [1] M. Rausand and A. Hoyland, *System Reliability Theory*, 2nd ed.,
       Wiley, 2004, ch. 2.

    Examples
    --------
    A 4-hour-MTBF fleet over a 24-hour day: :math:`1 - e^{-6} = 0.9975`:

    >>> round(failure_probability("4 h", "24 h"), 4)
    0.9975
    """
    return _plain(-np.expm1(-duration.m / mtbf.m))


@export
@validated(node_survival=Fraction(what="a survival probability in [0, 1]"), nodes=Count())
def fleet_survival(node_survival, nodes):
    r"""Probability that all ``nodes`` survive, given each node's survival probability.

    .. math:: P_{\text{fleet}} = P_{\text{node}}^{\,N}

    Parameters
    ----------
    node_survival : float or array
        Probability that one node survives the period, in [0, 1].
    nodes : int or array
        Number of nodes, >= 1.

    Returns
    -------
    float or array
        Fleet survival probability in [0, 1].

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    Independent nodes.  ``P ** N`` is exact to rounding for a given ``P``;
    when you know the node's *failure* probability ``q`` instead, use
    :func:`fleet_failure_probability`, which keeps the digits that
    ``1 - q`` would round away.

    References
    ----------
    .. [1] M. Rausand and A. Hoyland, *System Reliability Theory*, 2nd ed.,
       Wiley, 2004, ch. 4.

    Examples
    --------
    Nodes that are 99.99 % reliable over a day; 16,384 of them together
    survive the day with probability :math:`0.9999^{16384} = e^{16384 \ln 0.9999} = 0.194`:

    >>> round(fleet_survival(0.9999, 16384), 3)
    0.194
    """
    return _plain(np.power(node_survival, nodes))


@export
@validated(node_failure_probability=Fraction(what="a failure probability in [0, 1]"), nodes=Count())
def fleet_failure_probability(node_failure_probability, nodes):
    r"""Probability that at least one of ``nodes`` nodes fails, from each node's failure probability.

    .. math:: P = 1 - (1 - q)^N = -\operatorname{expm1}\bigl(N \operatorname{log1p}(-q)\bigr)

    Parameters
    ----------
    node_failure_probability : float or array
        Probability ``q`` that one node fails in the period, in [0, 1].
    nodes : int or array
        Number of nodes, >= 1.

    Returns
    -------
    float or array
        Probability in [0, 1].

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    Computed in log space, accurate for ``q`` far below machine epsilon
    (``1 - q`` would round to 1 and return 0).

    References
    ----------
    .. [1] N. J. Higham, *Accuracy and Stability of Numerical Algorithms*,
       2nd ed., SIAM, 2002, sec. 1.14 (log1p and expm1).

    Examples
    --------
    >>> fleet_failure_probability(1e-18, 1000)
    1e-15
    """
    with np.errstate(divide="ignore"):
        return _plain(-np.expm1(nodes * np.log1p(-node_failure_probability)))


@export
@validated(mtbf=Time(positive=True, inf_ok=True), duration=Time())
def expected_failures(mtbf, duration):
    r"""Expected number of failures in ``duration`` of wall-clock time.

    .. math:: \mathbb{E}[F] = t / M

    Parameters
    ----------
    mtbf : Quantity [time]
        Mean time between failures.
    duration : Quantity [time]
        Wall-clock time exposed to failures (for a job that checkpoints, its
        :func:`expected_runtime`, which already includes the time lost to
        failures).

    Returns
    -------
    float or array
        Expected count (a Poisson mean).

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    Failures arrive at rate ``1/M`` whatever the job is doing, so by Wald's
    identity the expected number of failures during a run equals its expected
    length over ``M``; this holds exactly for the process of
    :func:`expected_runtime`.

    References
    ----------
    .. [1] S. M. Ross, *Introduction to Probability Models*, 11th ed.,
       Academic Press, 2014, sec. 5.3 (Poisson process).

    Examples
    --------
    A 30-day run on a 4-hour-MTBF fleet: ``720 h / 4 h = 180`` failures:

    >>> expected_failures("4 h", "30 day")
    180.0
    """
    return _plain(duration.m / mtbf.m)


# =========================================================================== intervals


@export
@validated(write_time=Time(positive=True), mtbf=Time(positive=True))
def young_interval(write_time, mtbf):
    r"""Young's first-order optimal checkpoint interval.

    .. math:: \tau_Y = \sqrt{2\,\delta\,M}

    Parameters
    ----------
    write_time : Quantity [time]
        Time ``delta`` the job stops to write one checkpoint.
    mtbf : Quantity [time]
        Mean time between failures ``M`` of the whole job (the fleet).

    Returns
    -------
    Quantity [time]
        Compute time between checkpoints, in seconds.

    Raises
    ------
    UnitError, DomainError

    Warns
    -----
    RegimeWarning
        Where ``delta / M > 0.1`` (:data:`YOUNG_REGIME_LIMIT`).

    Notes
    -----
    Young balances the checkpoint overhead ``delta/tau`` against the expected
    rework ``tau/(2M)`` per unit time, assuming at most one failure per
    interval, no failure during a checkpoint or restart, and ``tau << M``.
    Its relative error against the exact optimum (:func:`optimal_interval`) is
    about :math:`\sqrt{2\delta/M}/3`: 1.5 % at ``delta/M = 1e-3``, 5 % at
    ``1e-2``, 17 % at ``0.1``.  Beyond ``delta/M = 0.1`` the interval it gives
    is a large fraction of the MTBF (``tau_Y > 0.45 M``), so the
    one-failure-per-interval assumption is gone and the error keeps growing
    (68 % at ``delta = M``); the function warns there and still returns the
    formula.  The expected runtime is flat near its minimum, so the cost of
    Young's error is second order (0.5 % extra runtime at ``delta/M = 0.1``).

    References
    ----------
    .. [1] J. W. Young, "A first order approximation to the optimum checkpoint
       interval", *Communications of the ACM* 17(9):530-531, 1974.

    Examples
    --------
    A 2-minute checkpoint on a 4-hour-MTBF fleet:
    :math:`\sqrt{2 \cdot 120 \cdot 14400}` s = 1859 s = 31.0 min:

    >>> young_interval("2 min", "4 h").to("min")
    <Quantity(30.98, 'minute')>
    """
    d = write_time.m / mtbf.m
    if np.any(d > YOUNG_REGIME_LIMIT * (1 + 1e-12)):  # rounding noise at the limit does not warn
        warnings.warn(
            f"young_interval(): write_time/mtbf = {np.max(d):.3g} exceeds {YOUNG_REGIME_LIMIT}; Young's "
            "first-order interval is more than 15% off the exact optimum there (use optimal_interval)",
            RegimeWarning, stacklevel=2)
    return _s(np.sqrt(2.0 * write_time.m * mtbf.m))


@export
@validated(write_time=Time(positive=True), mtbf=Time(positive=True))
def daly_interval(write_time, mtbf):
    r"""Daly's higher-order estimate of the optimal checkpoint interval.

    .. math::

        \tau_D = \begin{cases}
            \sqrt{2\delta M}\left[1 + \frac{1}{3}\sqrt{\frac{\delta}{2M}}
                + \frac{1}{9}\,\frac{\delta}{2M}\right] - \delta & \delta < 2M \\
            M & \delta \ge 2M
        \end{cases}

    Parameters
    ----------
    write_time : Quantity [time]
        Checkpoint write time ``delta``.
    mtbf : Quantity [time]
        Job (fleet) MTBF ``M``.

    Returns
    -------
    Quantity [time]
        Compute time between checkpoints, in seconds.

    Raises
    ------
    UnitError, DomainError

    Warns
    -----
    RegimeWarning
        Where ``delta / M > 1`` (:data:`DALY_REGIME_LIMIT`).

    Notes
    -----
    Daly keeps failures during checkpoints and restarts and expands the
    optimum in powers of :math:`\sqrt{\delta/M}`.  Against the exact optimum
    (:func:`optimal_interval`) its relative error is 1e-5 at ``delta/M =
    0.01``, 4e-4 at ``0.1`` and 1.8 % at ``1``; between ``M`` and ``2M`` the
    series loses its grip (6 % short just below ``2M``) and above ``2M`` it
    is replaced by the cap ``M``, so the function warns above ``delta = M``.
    Like the exact optimum, it does not depend on the restart time.

    References
    ----------
    .. [1] J. T. Daly, "A higher order estimate of the optimum checkpoint
       interval for restart dumps", *Future Generation Computer Systems*
       22(3):303-312, 2006.

    Examples
    --------
    2 minutes on a 4-hour MTBF: ``delta/(2M) = 1/240``, so
    ``1859.032 * (1 + 0.0215166 + 0.0004630) - 120 = 1779.89 s``:

    >>> round(daly_interval("2 min", "4 h").to("s").m, 2)
    1779.89
    """
    d = write_time.m / mtbf.m
    if np.any(d > DALY_REGIME_LIMIT * (1 + 1e-12)):  # rounding noise at the limit does not warn
        warnings.warn(
            f"daly_interval(): write_time/mtbf = {np.max(d):.3g} exceeds {DALY_REGIME_LIMIT}; Daly's "
            "estimate is more than 2% off the exact optimum there and becomes the cap M at 2M "
            "(use optimal_interval)", RegimeWarning, stacklevel=2)
    h = np.sqrt(0.5 * d)  # sqrt(delta / 2M)
    scaled = 2.0 * h * (1.0 + h / 3.0 + h * h / 9.0) - d  # tau / M
    return _s(mtbf.m * np.where(d < 2.0, scaled, 1.0))


# Branch-point series of 1 + W0(z) in p = sqrt(2 (1 + e z)) (Corless et al. 1996, eq. 4.22).
_BRANCH_SERIES = (1.0, -1.0 / 3.0, 11.0 / 72.0, -43.0 / 540.0, 769.0 / 17280.0, -221.0 / 8505.0,
                  680863.0 / 43545600.0, -1963.0 / 204120.0, 226287557.0 / 37623398400.0)
# Coefficients 1/k, k = 2..19, of h(y) = -log1p(-y) - y = sum_k y^k / k (Horner order).
_H_SERIES = tuple(1.0 / k for k in range(19, 1, -1))


def _h(y: np.ndarray) -> np.ndarray:
    """``-log1p(-y) - y`` to full relative accuracy on [0, 1) (a series below 0.1).

    Below 0.1 the series' truncation error is under ``y^18 / 20 < 1e-19``
    relative; above, the subtraction loses at most a factor 20 (4e-15).
    """
    small = y < 0.1
    ys = np.where(small, y, 0.0)
    acc = np.zeros_like(ys)
    for c in _H_SERIES:
        acc = acc * ys + c
    yl = np.where(small, 0.5, y)
    return np.where(small, ys * ys * acc, -np.log1p(-yl) - yl)


def _optimal_fraction(d: Any) -> np.ndarray:
    r"""``y = 1 + W0(-exp(-1 - d))``: the optimal interval over the MTBF, for ``d = delta/M > 0``.

    ``y`` is the root in (0, 1) of ``h(y) = -log1p(-y) - y = d`` (the same
    equation rearranged, without the cancellation of ``1 + W`` near the
    branch point).  A starting value from the branch-point series
    (``d < 1``, relative error below 1e-2) or the series of W0 about 0
    (``d >= 1``, below 1e-2) is polished by two Halley steps (cubic
    convergence: 1e-6, then rounding) on ``h(y) - d``, with ``h`` evaluated by its own series for
    small ``y``.  Relative error below 1e-15 for ``d`` in [1e-300, 1e3].
    """
    d = np.asarray(d, dtype=float)
    p = np.sqrt(-2.0 * np.expm1(-d))  # sqrt(2 (1 + e z)) with 1 + e z = 1 - e^{-d}, exactly
    acc = np.zeros_like(p)
    for c in _BRANCH_SERIES[::-1]:
        acc = acc * p + c
    near_branch = p * acc
    z = -np.exp(-1.0 - d)
    near_zero = 1.0 + z * (1.0 + z * (-1.0 + z * (1.5 + z * (-8.0 / 3.0 + z * 125.0 / 24.0))))
    top = np.nextafter(1.0, 0.0)
    y = np.clip(np.where(d < 1.0, near_branch, near_zero), np.finfo(float).tiny, top)
    with np.errstate(all="ignore"):
        for _ in range(2):
            f = _h(y) - d
            one_minus = 1.0 - y
            fp = y / one_minus
            fpp = 1.0 / (one_minus * one_minus)
            y = np.clip(y - 2.0 * f * fp / (2.0 * fp * fp - f * fpp), np.finfo(float).tiny, top)
    # Beyond d = 30 the W0 series is exact to rounding and 1 - y nears the float spacing.
    return np.where(d > 30.0, near_zero, y)


@export
@validated(write_time=Time(positive=True), mtbf=Time(positive=True), restart_time=Time())
def optimal_interval(write_time, mtbf, restart_time="0 s"):
    r"""The exact optimal checkpoint interval: the minimiser of :func:`expected_runtime`.

    .. math::

        \tau^\star = M\left[1 + W_0\!\left(-e^{-1-\delta/M}\right)\right]

    Parameters
    ----------
    write_time : Quantity [time]
        Checkpoint write time ``delta``.
    mtbf : Quantity [time]
        Job (fleet) MTBF ``M``.
    restart_time : Quantity [time], optional
        Restart time ``R``; accepted for symmetry with :func:`expected_runtime`:
        the optimum does not depend on it.

    Returns
    -------
    Quantity [time]
        Compute time between checkpoints, in seconds (always below ``M``).

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    The expected runtime is ``W/tau * M e^{R/M} (e^{(tau+delta)/M} - 1)``
    (:func:`expected_runtime`); setting the derivative of
    ``expm1((tau+delta)/M)/tau`` to zero gives ``(1 - tau/M) e^{tau/M} =
    e^{-delta/M}``, whose root in (0, M) is the formula above (``W0``: the
    principal branch of Lambert's W).  ``R`` only scales the runtime by
    ``e^{R/M}`` and drops out.  At the optimum ``expm1((tau+delta)/M) =
    (tau/M) / (1 - tau/M)``, so with ``R = 0`` the waste fraction
    ``1 - tau / E[T_segment]`` equals ``tau*/M`` exactly.

    The usual case, ``delta << M``, puts the argument next to the branch point
    ``-1/e``, where ``1 + lambertw(...)`` loses about half the digits (all of
    them below ``delta/M ~ 1e-16``).  Here the root is found from the
    equivalent ``-log1p(-y) - y = delta/M`` with ``y = tau/M``, starting from
    the branch-point series and polished by Halley steps: relative error
    below 1e-15 for every ``delta/M`` from 1e-10 to 10 (tested against
    mpmath at 50 digits), scalar or vectorised.  For small ``delta/M`` it
    expands as ``sqrt(2 delta M) - 2 delta/3 + ...``, whose first term is
    Young's interval.

    References
    ----------
    .. [1] J. T. Daly, "A higher order estimate of the optimum checkpoint
       interval for restart dumps", *FGCS* 22(3):303-312, 2006.
    .. [2] G. Bougeret, H. Casanova, M. Rabie, Y. Robert, F. Vivien, "Checkpointing
       strategies for parallel jobs", SC'11, 2011 (the Lambert W optimum).
    .. [3] R. M. Corless, G. H. Gonnet, D. E. G. Hare, D. J. Jeffrey,
       D. E. Knuth, "On the Lambert W function", *Adv. Comput. Math.*
       5:329-359, 1996 (branch-point series).

    Examples
    --------
    Write 2 minutes, MTBF 4 hours (``delta/M = 1/120``): the branch-point
    series with ``p = sqrt(2 (1 - e^(-1/120))) = 0.128831`` gives
    ``p - p^2/3 + 11 p^3/72 - ... = 0.1236047``, i.e. 14,400 s x 0.1236047 =
    1779.91 s, shorter than Young's 1859.03 s by about ``2 delta / 3``
    (and 0.015 s longer than Daly's 1779.89 s):

    >>> round(optimal_interval("2 min", "4 h").to("s").m, 2)
    1779.91
    """
    tau = mtbf.m * _optimal_fraction(write_time.m / mtbf.m)
    # The optimum does not depend on the restart time, but the result still has
    # the broadcast shape of every argument, restart_time included.
    return _s(tau + 0.0 * restart_time.m)


# =========================================================================== runtime and waste


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

    >>> expected_runtime("1000 h", "1 h", "2 min", "4 h", "10 min").to("h")
    <Quantity(1229.2, 'hour')>
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
    >>> w.total.to("h")
    <Quantity(1229.2, 'hour')>
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


# =========================================================================== where the checkpoint goes


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

    >>> checkpoint_write_time("350 GB", "4.3 GB/s").to("s")
    <Quantity(81.395, 'second')>
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

    total_size: Any
    demand: Any
    supply: Any
    oversubscription: Any
    saturated: Any
    per_node_bandwidth: Any
    node_stall: Any
    window: Any
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
    >>> s.window.to("min"), s.saturated, s.groups_needed
    (<Quantity(15.556, 'minute')>, True, 69.0)
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
    fields = broadcast(quantity(n * size + 0.0 * g, "B"), quantity(demand, "B/s"), quantity(big_b + 0.0 * demand, "B/s"),
                       np.asarray(demand / big_b, float), np.asarray(demand > big_b),
                       quantity(per_node, "B/s"), quantity(group_time(large), "s"), quantity(window, "s"),
                       np.asarray(needed + 0.0 * g, float), bottleneck)
    return CheckpointStorm(*fields)


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
        :func:`optimal_interval` for ``write_time``, ignoring the drain.
    interval : Quantity [time]
        The interval to use: the optimum, or the drain time when the drain
        needs longer (it must finish before the next checkpoint).
    limited_by : str or array
        ``"failures"`` (the optimum) or ``"drain"``.
    waste_fraction : float or array
        Expected share of wall-clock time not spent on useful work at ``interval``.
    buffer_required : Quantity [data size]
        Staging buffer the asynchronous scheme needs (``state_size``; 0 when blocking).
    feasible : bool or array
        False when the staging buffer is smaller than the checkpoint.
    limiting : str or array
        ``"none"`` or ``"staging buffer"``.
    """

    mode: Any
    write_time: Any
    drain_time: Any
    optimal_interval: Any
    interval: Any
    limited_by: Any
    waste_fraction: Any
    buffer_required: Any
    feasible: Any
    limiting: Any


@export
@validated(state_size=Size(positive=True), mtbf=Time(positive=True), write_bandwidth=Bandwidth(positive=True),
           drain_bandwidth=Optional(Bandwidth(positive=True)), restart_time=Time(),
           buffer_capacity=Optional(Size()))
def checkpoint_plan(state_size, mtbf, write_bandwidth, drain_bandwidth=None, restart_time="0 s",
                    buffer_capacity=None):
    r"""Interval and waste of a checkpoint destination: blocking write, or asynchronous staging.

    .. math::

        \delta = \frac{S}{B_{\text{write}}},\quad
        t_{\text{drain}} = \frac{S}{B_{\text{drain}}},\quad
        \tau = \max\bigl(\tau^\star(\delta, M),\; t_{\text{drain}}\bigr),\quad
        \text{waste} = 1 - \frac{\tau}{M e^{R/M}\operatorname{expm1}\bigl((\tau+\delta)/M\bigr)}

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
        to durable storage.  ``None`` (default): a blocking write.
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
    drains the snapshot to durable storage.  With one staging buffer the
    drain must finish before the next snapshot overwrites it, so the interval
    cannot be shorter than the drain, and the buffer must hold a whole
    checkpoint.  The waste uses :func:`expected_runtime` with ``delta`` the
    stall; it ignores that a failure during the drain loses the snapshot
    being drained (rolling back one interval further), which is small when
    the drain is short against the MTBF, and that the drain's traffic may
    slow compute.  Blocking writes pay the full durable-write time as
    ``delta``.

    References
    ----------
    .. [1] B. Nicolae, A. Moody, E. Gonsiorowski, K. Mohror, F. Cappello,
       "VeloC: Towards high performance adaptive asynchronous checkpointing at
       large scale", IPDPS 2019.
    .. [2] J. Mohan, A. Phanishayee, V. Chidambaram, "CheckFreq: Frequent,
       fine-grained DNN checkpointing", FAST 2021.
    .. [3] Machine Learning Systems textbook, Vol. 2 lab 07 "Fault Tolerance"
       (blocking S3 vs local SSD vs async DRAM).

    Examples
    --------
    350 GB per node, MTBF 4 h.  Blocking to local NVMe at 4.3 GB/s stalls
    81 s per checkpoint; staging through host DRAM at 512 GB/s stalls 0.68 s
    and drains to NVMe in the background:

    >>> nvme = checkpoint_plan("350 GB", "4 h", "4.3 GB/s")
    >>> dram = checkpoint_plan("350 GB", "4 h", "512 GB/s", drain_bandwidth="4.3 GB/s")
    >>> round(nvme.waste_fraction, 3), round(dram.waste_fraction, 3), dram.limited_by
    (0.103, 0.01, 'failures')
    """
    size, m = state_size.m, mtbf.m
    delta = size / write_bandwidth.m
    asynchronous = drain_bandwidth is not None
    drain = size / drain_bandwidth.m if asynchronous else 0.0 * delta
    opt = m * _optimal_fraction(delta / m)
    tau = np.maximum(opt, drain)
    waste = 1.0 - tau / _segment_time(tau, delta, m, restart_time.m)
    need = size if asynchronous else 0.0 * size
    if asynchronous and buffer_capacity is not None:
        feasible = np.asarray(buffer_capacity.m >= size)
    else:
        feasible = np.asarray(True)
    mode = np.where(np.asarray(asynchronous), "asynchronous", "blocking")
    fields = broadcast(mode, quantity(delta, "s"), quantity(drain + 0.0 * delta, "s"), quantity(opt, "s"), quantity(tau, "s"),
                       np.where(drain > opt, "drain", "failures"), np.asarray(waste, float),
                       quantity(need + 0.0 * delta, "B"), feasible, np.where(feasible, "none", "staging buffer"))
    return CheckpointPlan(*fields)


# =========================================================================== silent data corruption


@export
@validated(rate=Rate(), duration=Time(), devices=Count())
def sdc_probability(rate, duration, devices=1):
    r"""Probability of at least one silent data corruption in a job.

    .. math:: P = 1 - e^{-\lambda N t}

    Parameters
    ----------
    rate : Quantity [1/time]
        SDC rate ``lambda`` of one device (e.g. ``"1e-7 1/h"``).
    duration : Quantity [time]
        Job length ``t``.
    devices : int or array, optional
        Devices ``N`` whose corruption would taint the job, default 1.

    Returns
    -------
    float or array
        Probability in [0, 1].

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    Independent devices, Poisson arrivals, evaluated with ``expm1``.  SDC
    rates are poorly known and vary by orders of magnitude between device
    populations (a few "mercurial" cores account for most of them); treat the
    rate as a scenario assumption.

    References
    ----------
    .. [1] P. H. Hochschild et al., "Cores that don't count", HotOS 2021.
    .. [2] H. D. Dixit et al., "Silent data corruptions at scale",
       arXiv:2102.11245, 2021.

    Examples
    --------
    16,384 GPUs for 30 days at an assumed 1e-7 SDC per device-hour:
    ``lambda N t = 1.18``, so ``1 - e^-1.18 = 0.69``:

    >>> round(sdc_probability("1e-7 1/h", "30 day", 16384), 2)
    0.69
    """
    return _plain(-np.expm1(-rate.m * devices * duration.m))


@export
@attrs.frozen
class SdcDetection(Record):
    """Cost of detecting silent data corruption: checksums/hashes vs dual modular redundancy.

    Attributes
    ----------
    dmr_overhead : Quantity [time]
        Extra time per step for running the computation a second time.
    hash_overhead : Quantity [time]
        Extra time per step for hashing the checked bytes.
    ratio : float or array
        ``dmr_overhead / hash_overhead``: how many times cheaper hashing is.
    order_of_magnitude_cheaper : bool or array
        ``ratio >= 10``.
    cheaper : str or array
        ``"hash"`` or ``"dmr"``.
    hash_meets_deadline, dmr_meets_deadline : bool or array
        Whether ``compute + overhead`` fits the deadline (True when no deadline is given).
    """

    dmr_overhead: Any
    hash_overhead: Any
    ratio: Any
    order_of_magnitude_cheaper: Any
    cheaper: Any
    hash_meets_deadline: Any
    dmr_meets_deadline: Any


@export
@validated(compute_time=Time(positive=True), checked_bytes=Size(), hash_bandwidth=Bandwidth(positive=True),
           deadline=Optional(Time(positive=True)))
def sdc_detection(compute_time, checked_bytes, hash_bandwidth, deadline=None):
    r"""Compare detecting SDC by hashing data with running the computation twice (DMR).

    .. math::

        t_{\text{DMR}} = t_{\text{compute}}, \qquad
        t_{\text{hash}} = \frac{B_{\text{checked}}}{BW_{\text{hash}}}, \qquad
        \text{ratio} = \frac{t_{\text{DMR}}}{t_{\text{hash}}}

    Parameters
    ----------
    compute_time : Quantity [time]
        Time of one step (an inference, a training step) on the device.
    checked_bytes : Quantity [data size]
        Bytes hashed per step (weights checksummed, activations hashed).
    hash_bandwidth : Quantity [bandwidth]
        Rate at which the device hashes them; hashing is memory-bound, so
        about the memory bandwidth.
    deadline : Quantity [time] or None, optional
        Latency budget of one step (e.g. a 10 ms safety loop).

    Returns
    -------
    SdcDetection

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    DMR run serially on the same device doubles the step (or, run in
    parallel, the hardware); comparing the two outputs catches transient
    faults in compute and memory alike, but not a deterministic defect that
    corrupts both runs the same way.  A checksum or activation hash costs one
    pass over the bytes it covers and detects any corruption of those bytes
    at rest or in transit (a ``k``-bit hash misses with probability
    ``2^-k``), but not an arithmetic fault inside a kernel before the hash is
    taken.  Hashing wins by the arithmetic intensity of the step: a step that
    does many FLOPs per byte it touches is expensive to repeat and cheap to
    hash.

    References
    ----------
    .. [1] S. Mukherjee, *Architecture Design for Soft Errors*, Morgan
       Kaufmann, 2008 (DMR and detection by redundancy).
    .. [2] Machine Learning Systems textbook, Vol. 2 lab 07 "Fault Tolerance"
       (the SDC detective: activation hash vs running the model twice).

    Examples
    --------
    An 8 ms perception step whose 25 MB of weights are hashed at 200 GB/s
    (0.125 ms): hashing is 64 times cheaper, and DMR breaks a 10 ms loop:

    >>> r = sdc_detection("8 ms", "25 MB", "200 GB/s", deadline="10 ms")
    >>> r.ratio, r.hash_meets_deadline, r.dmr_meets_deadline
    (64.0, True, False)
    """
    dmr = compute_time.m
    hashing = checked_bytes.m / hash_bandwidth.m
    with np.errstate(divide="ignore", over="ignore"):  # nothing to hash: infinitely cheaper
        ratio = np.asarray(np.divide(dmr, hashing) + 0.0 * hashing, dtype=float)
    if deadline is None:
        hash_ok = dmr_ok = np.asarray(True)
    else:
        hash_ok = np.asarray(dmr + hashing <= deadline.m)
        dmr_ok = np.asarray(2.0 * dmr + 0.0 * hashing <= deadline.m)
    fields = broadcast(quantity(dmr + 0.0 * hashing, "s"), quantity(hashing + 0.0 * dmr, "s"), ratio, ratio >= 10.0,
                       np.where(ratio > 1.0, "hash", "dmr"), hash_ok, dmr_ok)
    return SdcDetection(*fields)


# =========================================================================== preemption and brown-out


@export
@attrs.frozen
class IncrementalCheckpoint(Record):
    """Resume (or save) time of an incremental checkpoint against a target.

    Attributes
    ----------
    time : Quantity [time]
        ``latency + dirty_fraction x state_size / bandwidth``.
    full_time : Quantity [time]
        The same for the whole state (a full checkpoint).
    meets_target : bool or array
        ``time <= target``.
    margin : Quantity [time]
        ``target - time`` (negative when missed).
    max_dirty_fraction : float or array
        Largest dirty fraction that meets the target (0 when even the latency misses it).
    """

    time: Any
    full_time: Any
    meets_target: Any
    margin: Any
    max_dirty_fraction: Any


@export
@validated(state_size=Size(positive=True), dirty_fraction=Fraction(), bandwidth=Bandwidth(positive=True),
           target=Time(positive=True), latency=Time())
def incremental_checkpoint(state_size, dirty_fraction, bandwidth, target="100 ms", latency="0 s"):
    r"""Time to move only the dirty part of a state through flash, against a target (preemption).

    .. math:: t = L + f\,\frac{S}{B}, \qquad f_{\max} = \frac{(t_{\text{target}} - L)\,B}{S}

    Parameters
    ----------
    state_size : Quantity [data size]
        Whole state ``S`` of the process.
    dirty_fraction : float or array
        Fraction ``f`` of the state changed since the last full checkpoint, in [0, 1].
    bandwidth : Quantity [bandwidth]
        Flash bandwidth ``B``: read bandwidth for the resume, write bandwidth
        for the save when the OS kills the process.
    target : Quantity [time], optional
        The budget, default 100 ms (the AR-glasses resume target).
    latency : Quantity [time], optional
        Fixed cost (file open, first access), default 0.

    Returns
    -------
    IncrementalCheckpoint

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    Bandwidth-bound sequential transfer of the dirty pages.  Assumes the
    clean part is restored for free: it is still in the flash file the
    process maps (weights, the base snapshot) and is paged in on demand.

    References
    ----------
    .. [1] Machine Learning Systems textbook, Vol. 2 lab 07 "Fault Tolerance"
       (the preemption wall: resume in under 100 ms).

    Examples
    --------
    1.5 GB of state on UFS 3.1 (2.1 GB/s reads): a full restore takes 714 ms;
    with 10 % dirty, 71 ms; at most 14 % may be dirty:

    >>> r = incremental_checkpoint("1.5 GB", 0.1, "2.1 GB/s")
    >>> r.time.to("ms"), r.meets_target, round(r.max_dirty_fraction, 3)
    (<Quantity(71.429, 'millisecond')>, True, 0.14)
    """
    s, b, lat = state_size.m, bandwidth.m, latency.m
    t = lat + dirty_fraction * s / b
    full = lat + s / b + 0.0 * t
    fmax = np.clip((target.m - lat) * b / s, 0.0, 1.0)
    fields = broadcast(quantity(t, "s"), quantity(full, "s"), np.asarray(t <= target.m), quantity(target.m - t, "s"),
                       np.asarray(fmax + 0.0 * t, float))
    return IncrementalCheckpoint(*fields)


def _check_voltages(fname: str, start_voltage: Any, cutoff_voltage: Any) -> None:
    bad = np.asarray(start_voltage.m < cutoff_voltage.m)
    if np.any(bad):
        raise DomainError(
            f"{fname}(): parameter 'start_voltage' must be at least 'cutoff_voltage'; got "
            f"{np.max(np.asarray(start_voltage.m) * bad):g} V below the cutoff "
            f"{np.max(np.asarray(cutoff_voltage.m) * bad):g} V")


@export
@validated(capacitance=Capacitance(), start_voltage=Voltage(), cutoff_voltage=Voltage(), efficiency=Fraction())
def holdup_energy(capacitance, start_voltage, cutoff_voltage, efficiency=1.0):
    r"""Energy a hold-up capacitor delivers while its voltage falls from ``V1`` to ``V2``.

    .. math:: E = \eta\,\frac{C\,(V_1^2 - V_2^2)}{2}

    Parameters
    ----------
    capacitance : Quantity [capacitance]
        Capacitance ``C``.
    start_voltage : Quantity [voltage]
        Voltage ``V1`` when the supply fails (the brown-out is detected).
    cutoff_voltage : Quantity [voltage]
        Voltage ``V2`` below which the load stops working (the MCU's minimum
        supply); at most ``start_voltage``.
    efficiency : float, optional
        Fraction ``eta`` of the released energy that reaches the load (a
        regulator's efficiency), default 1.

    Returns
    -------
    Quantity [energy]
        In joules.

    Raises
    ------
    UnitError, DomainError
        Including ``start_voltage < cutoff_voltage``.

    Notes
    -----
    Ideal capacitor (no leakage, no ESR loss); the energy stored is
    ``C V^2 / 2`` and only the part above the cutoff is usable.

    References
    ----------
    .. [1] P. Horowitz and W. Hill, *The Art of Electronics*, 3rd ed.,
       Cambridge University Press, 2015, sec. 1.4.

    Examples
    --------
    10 uF from 3.0 V to 1.8 V: ``10e-6 (9 - 3.24) / 2 = 28.8 uJ``:

    >>> holdup_energy("10 uF", "3.0 V", "1.8 V").to("uJ")
    <Quantity(28.8, 'microjoule')>
    """
    _check_voltages("holdup_energy", start_voltage, cutoff_voltage)
    v1, v2 = start_voltage.m, cutoff_voltage.m
    return scalar_or_array(quantity(efficiency * capacitance.m * (v1 * v1 - v2 * v2) / 2.0, "J"))


@export
@attrs.frozen
class BrownoutSave(Record):
    """Whether a microcontroller can save its state on the energy left when power fails.

    Attributes
    ----------
    save_time : Quantity [time]
        ``overhead_time + state_size / write_bandwidth``.
    energy_required : Quantity [energy]
        ``power x save_time``.
    energy_available : Quantity [energy]
        :func:`holdup_energy` of the capacitor.
    holdup_time : Quantity [time]
        How long the capacitor runs the MCU at ``power``.
    margin : float or array
        ``energy_available / energy_required`` (above 1: feasible).
    feasible : bool or array
        Enough energy and the state fits the non-volatile memory.
    min_capacitance : Quantity [capacitance]
        Smallest capacitor that would just suffice.
    limiting : str or array
        ``"none"``, ``"energy"`` or ``"nvm capacity"``.
    """

    save_time: Any
    energy_required: Any
    energy_available: Any
    holdup_time: Any
    margin: Any
    feasible: Any
    min_capacitance: Any
    limiting: Any


@export
@validated(state_size=Size(positive=True), capacitance=Capacitance(), start_voltage=Voltage(),
           cutoff_voltage=Voltage(), mcu=Instance(Microcontroller),
           write_bandwidth=Optional(Bandwidth(positive=True)), power=Optional(Power(positive=True)),
           efficiency=Fraction(), overhead_time=Time(), nvm_capacity=Optional(Size()))
def brownout_save(state_size, capacitance, start_voltage, cutoff_voltage, mcu=FERAM_MCU, write_bandwidth=None,
                  power=None, efficiency=1.0, overhead_time="0 s", nvm_capacity=None):
    r"""Can a microcontroller write its state to non-volatile memory before the power dies?

    .. math::

        t_{\text{save}} = t_0 + \frac{S}{B_{\text{nvm}}}, \quad
        E_{\text{need}} = P\,t_{\text{save}}, \quad
        E_{\text{have}} = \eta\,\frac{C (V_1^2 - V_2^2)}{2}, \quad
        \text{feasible} \iff E_{\text{have}} \ge E_{\text{need}}

    Parameters
    ----------
    state_size : Quantity [data size]
        Bytes to save (SRAM contents, registers, model state).
    capacitance : Quantity [capacitance]
        Hold-up capacitance ``C``.
    start_voltage, cutoff_voltage : Quantity [voltage]
        Voltage at brown-out detection ``V1`` and the MCU's minimum supply ``V2``.
    mcu : Microcontroller or catalog name, optional
        The MCU; default the TI MSP430FR5994 (FRAM).  Supplies the write
        bandwidth, power and NVM capacity unless they are given.
    write_bandwidth : Quantity [bandwidth] or None, optional
        Override the NVM write bandwidth (e.g. an external NOR flash's page
        program rate, ``hardware.NOR_FLASH.write_bandwidth``).
    power : Quantity [power] or None, optional
        Power drawn while saving; default ``mcu.active_power``.
    efficiency : float, optional
        Regulator efficiency ``eta``, default 1.
    overhead_time : Quantity [time], optional
        Fixed time before the copy starts (interrupt, flash wake-up), default 0.
    nvm_capacity : Quantity [data size] or None, optional
        Capacity of the target memory; default the MCU's own NVM when
        ``write_bandwidth`` is not overridden, else unchecked.

    Returns
    -------
    BrownoutSave

    Raises
    ------
    UnitError, DomainError
        Including ``start_voltage < cutoff_voltage``.

    Notes
    -----
    The MCU draws constant power while it copies at the memory's sustained
    write bandwidth.  FRAM writes a word in one bus cycle with no erase, so
    the copy runs at bus speed (16 MB/s on the MSP430FR5994).  Flash must
    program 256-byte pages (0.4 ms each on a W25Q128JV, 0.64 MB/s) into
    sectors erased beforehand; erasing during the save would add 45 ms or
    more per 4 KiB sector, so this model assumes pre-erased sectors and is
    optimistic for flash.  The external memory's own write current is not
    counted unless included in ``power``.

    References
    ----------
    .. [1] Texas Instruments, MSP430FR5994 data sheet (SLASE54), FRAM write
       speed and active-mode current.
    .. [2] Winbond, W25Q128JV data sheet, page program time.
    .. [3] B. Ransford, J. Sorber, K. Fu, "Mementos: system support for
       long-running computation on RFID-scale devices", ASPLOS 2011.

    Examples
    --------
    8 KiB of SRAM to FRAM at 16 MB/s (0.512 ms, 2.9 uJ at 5.664 mW) on a
    10 uF capacitor falling from 3.0 V to 1.8 V (28.8 uJ): ten times the
    energy needed:

    >>> r = brownout_save("8 KiB", "10 uF", "3.0 V", "1.8 V")
    >>> r.save_time.to("ms"), r.feasible, round(r.margin, 2)
    (<Quantity(0.512, 'millisecond')>, True, 9.93)
    """
    _check_voltages("brownout_save", start_voltage, cutoff_voltage)
    bw = (write_bandwidth if write_bandwidth is not None else mcu.nvm.write_bandwidth).m_as("B/s")
    p = (power if power is not None else mcu.active_power).m_as("W")
    if nvm_capacity is None and write_bandwidth is None:
        nvm_capacity = mcu.nvm.capacity
    size = state_size.m
    t = overhead_time.m + size / bw
    need = p * t
    v1, v2 = start_voltage.m, cutoff_voltage.m
    swing = efficiency * (v1 * v1 - v2 * v2) / 2.0  # joules per farad
    have = capacitance.m * swing
    fits = np.asarray(True) if nvm_capacity is None else np.asarray(size <= nvm_capacity.m_as("B"))
    enough = np.asarray(have >= need)
    with np.errstate(divide="ignore", invalid="ignore"):
        margin = np.asarray(np.divide(have, need), dtype=float)
        cmin = np.asarray(np.divide(need, swing), dtype=float)  # no voltage swing: no capacitor is enough
    limiting = np.where(~fits, "nvm capacity", np.where(enough, "none", "energy"))
    fields = broadcast(quantity(t + 0.0 * have, "s"), quantity(need + 0.0 * have, "J"), quantity(have + 0.0 * need, "J"),
                       quantity(have / p + 0.0 * need, "s"), margin, enough & fits, quantity(cmin, "F"), limiting)
    return BrownoutSave(*fields)
