"""Checkpoint: intervals (private; the public path is mlsysim.models.checkpoint)."""


from __future__ import annotations

from typing import Any

import numpy as np

from ..._arrays import BLOCK, blockwise
from ..._export import exporter
from ..._validate import (
    Time,
    validated,
)
from ...errors import warn_regime
from ._common import DALY_REGIME_LIMIT, YOUNG_REGIME_LIMIT, _exceeds, _s

__all__: list[str] = []
export = exporter(__all__)

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

    >>> round(young_interval("2 min", "4 h").to("min").m, 2)
    30.98
    """
    w, m = write_time.m, mtbf.m
    limit = YOUNG_REGIME_LIMIT * (1 + 1e-12)  # rounding noise at the limit does not warn
    # Two reductions decide the common case (every point inside the regime) without a
    # full-array pass; only when they cannot is the ratio computed point by point.
    if np.size(w) and np.size(m) and np.max(w) > limit * np.min(m) and np.any(w > limit * m):
        warn_regime(
            f"young_interval(): write_time/mtbf = {_exceeds(np.max(w / m), YOUNG_REGIME_LIMIT)} exceeds "
            f"{YOUNG_REGIME_LIMIT}; Young's "
            "first-order interval is more than 15% off the exact optimum there (use optimal_interval)")
    out = np.multiply(w, m)
    if isinstance(out, np.ndarray):
        np.multiply(out, 2.0, out=out)
        return _s(np.sqrt(out, out=out))
    return _s(np.sqrt(2.0 * out))


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
        warn_regime(
            f"daly_interval(): write_time/mtbf = {_exceeds(np.max(d), DALY_REGIME_LIMIT)} exceeds "
            f"{DALY_REGIME_LIMIT}; Daly's "
            "estimate is more than 2% off the exact optimum there and becomes the cap M at 2M "
            "(use optimal_interval)")
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
    if d.ndim == 0:
        return np.asarray(_optimal_fraction_scalar(float(d)))
    if d.size > BLOCK:  # a dozen temporaries per point: in cache-sized blocks, memory stays one result
        return blockwise(_optimal_fraction, d)
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


_TINY = float(np.finfo(float).tiny)
_TOP = float(np.nextafter(1.0, 0.0))


def _optimal_fraction_scalar(d: float) -> float:
    """:func:`_optimal_fraction` for one float: the same operations in the same order, branch by branch.

    Python's float arithmetic is IEEE double like numpy's, and the
    transcendental functions are numpy's, so the value is the array path's
    bit for bit (the vectorisation tests compare them); only the per-call
    cost differs (a few microseconds instead of ~60 on 0-d arrays).
    """
    if d < 1.0:
        p = float(np.sqrt(-2.0 * float(np.expm1(-d))))
        acc = 0.0
        for c in _BRANCH_SERIES[::-1]:
            acc = acc * p + c
        y = p * acc
    else:
        z = -float(np.exp(-1.0 - d))
        y = 1.0 + z * (1.0 + z * (-1.0 + z * (1.5 + z * (-8.0 / 3.0 + z * 125.0 / 24.0))))
        if d > 30.0:
            return y
    y = min(max(y, _TINY), _TOP)
    for _ in range(2):
        if y < 0.1:
            acc = 0.0
            for c in _H_SERIES:
                acc = acc * y + c
            h = y * y * acc
        else:
            h = -float(np.log1p(-y)) - y
        f = h - d
        one_minus = 1.0 - y
        fp = y / one_minus
        fpp = 1.0 / (one_minus * one_minus)
        den = 2.0 * fp * fp - f * fpp
        step = 2.0 * f * fp / den if den else float(np.divide(2.0 * f * fp, den))  # numpy's x/0
        y = min(max(y - step, _TINY), _TOP)
    return y


@export
@validated(write_time=Time(positive=True), mtbf=Time(positive=True), restart_time=Time())
def optimal_interval(write_time, mtbf, restart_time="0 s"):
    r"""The exact optimal checkpoint interval of the smooth (long-job) runtime.

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
    This minimises the smooth form of the expected runtime,
    ``W/tau * M e^{R/M} (e^{(tau+delta)/M} - 1)``
    (:func:`expected_runtime` with ``segments="smooth"``), which is exact
    when ``tau`` divides ``W`` and is the long-job limit otherwise: the
    expected time per unit of work, whatever the job's length.  A finite job
    cannot in general use ``tau*`` exactly (``W/tau*`` is not whole); its
    exact optimum is ``n`` equal segments of ``W/n`` with ``n`` the floor or
    ceiling of ``W/tau*`` (:func:`optimal_segments`).  Setting the derivative of
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


