r"""Operations at scale: toil, platform break-even, canary and shadow sizing, sequential tests.

The economics of running many models follow one invariant: operational work
grows faster than the number of models.  Alerts grow like :math:`N`,
coordinated deployments like :math:`N \log_2 N`, and the pairwise contracts
between heterogeneous models like :math:`N(N-1)/2`.  A platform (shared
serving, monitoring, feature store) costs a roughly fixed amount per unit time
and removes a fraction of that toil, so there is a smallest fleet size
:math:`N^*` from which building it pays off.

The validation half of the module sizes the evidence a release needs: how many
live requests a canary or a shadow deployment must watch to be confident a
rare failure mode has not appeared (an exact binomial bound), how long that
takes at a given traffic share, and how much sooner Wald's sequential
probability ratio test reaches a decision than a fixed-size test.

Money per time arrives in the body as USD/s (``"500000 USD/year"`` is
accepted and converted); rates as 1/s; counts, fractions and probabilities as
plain floats or arrays.  Every function broadcasts over all of its arguments.

References
----------
.. [1] B. Beyer, C. Jones, J. Petoff, N. R. Murphy (eds.), *Site Reliability
   Engineering*, O'Reilly 2016, ch. 5 "Eliminating Toil".
.. [2] D. Sculley et al., "Hidden technical debt in machine learning systems",
   NeurIPS 2015.
.. [3] A. Wald, "Sequential tests of statistical hypotheses", Annals of
   Mathematical Statistics 16(2), 117-186, 1945.
"""

from __future__ import annotations

import attrs
import numpy as np

from .._arrays import BLOCK, blockwise, scalar, scalar_or_array
from .._export import exporter
from .._records import Record, unit_field
from .._validate import Count, Fraction, MoneyRate, Number, Probability, Rate, Time, validated
from ..errors import DomainError, warn_regime
from ..units import quantity, ureg

__all__: list[str] = []
export = exporter(__all__)

_Q = quantity  # fast Quantity(magnitude, unit) for results
_USD_PER_S = ureg.Unit("USD/s")
_SECOND = ureg.Unit("s")

#: Whole numbers above this are not all representable as float64.
_EXACT_INTEGER_LIMIT = 2.0**53
#: Largest sample size returned as an int64.
_INT64_LIMIT = 2.0**63

_COSTS = dict(
    alert_cost=MoneyRate(),
    deploy_cost=MoneyRate(),
    dependency_cost=MoneyRate(),
    heterogeneity=Fraction(),
)
_SHARE = Number(minimum=0.0, maximum=1.0, positive=True, what="a traffic fraction in (0, 1]")


# ---------------------------------------------------------------- toil and platform ROI

def _toil_parts(n, a, d, c, h):
    """Alert, deployment and dependency toil (magnitudes, USD/s) for ``n`` models.

    The one place the toil arithmetic lives: :func:`toil_cost`,
    :func:`platform_roi` and :func:`break_even_models` all evaluate it in this
    order, so the break-even count satisfies the ROI sign test exactly as
    :func:`platform_roi` computes it.  One point (a break-even search evaluates
    a few dozen) is computed on floats: the same operations, without the cost
    of 0-d arrays.
    """
    if scalar(n, a, d, c, h):
        n, a, d, c, h = (float(v) for v in (n, a, d, c, h))
        ch = c * h
        return a * n, d * (n * float(np.log2(n))), (ch * (n * (n - 1.0) / 2.0) if ch > 0 else 0.0)
    with np.errstate(over="ignore", invalid="ignore"):
        alerts = a * n
        deploys = d * (n * np.log2(n))
        ch = c * h
        # a zero coefficient contributes nothing, even where the pair count overflows to inf
        dependencies = np.where(ch > 0, ch * (n * (n - 1.0) / 2.0), 0.0)
    return alerts, deploys, dependencies


def _toil(n, a, d, c, h):
    alerts, deploys, dependencies = _toil_parts(n, a, d, c, h)
    return alerts + deploys + dependencies


def _roi(n, p, r, a, d, c, h):
    return r * _toil(n, a, d, c, h) - p


@export
@validated(models=Count(), **_COSTS)
def toil_cost(models, *, alert_cost, deploy_cost, dependency_cost, heterogeneity=1.0):
    r"""Manual operational toil per unit time of running ``models`` models by hand.

    .. math::

        T(N) = c_a N + c_d N \log_2 N + c_p\, h\, \frac{N(N-1)}{2}

    Parameters
    ----------
    models : int or array
        Number of concurrently served models :math:`N` (a whole count >= 1).
    alert_cost : Quantity [currency/time]
        Toil per model per unit time from alert triage and monitoring
        (:math:`c_a`, e.g. ``"5000 USD/year"``).
    deploy_cost : Quantity [currency/time]
        Toil per model per unit time from coordinated releases, per factor of
        :math:`\log_2 N` (:math:`c_d`): rollouts are ordered and staged, so
        each model's share of the coordination grows with the fleet's depth.
    dependency_cost : Quantity [currency/time]
        Toil per dependency pair per unit time from keeping interfaces,
        features and versions consistent (:math:`c_p`).
    heterogeneity : float or array
        Fraction :math:`h \in [0, 1]` of model pairs that are coupled: 0 for
        a fleet of identical, independent models, 1 when every pair shares
        features or feeds one another.

    Returns
    -------
    Quantity [currency/time]
        Toil per unit time, in USD/s.

    Raises
    ------
    UnitError
        A cost is not money per time (e.g. a bare number or ``"USD"``).
    DomainError
        A negative, NaN or infinite cost, ``models`` < 1 or not whole,
        ``heterogeneity`` outside [0, 1].

    Notes
    -----
    The three terms are the lab plan's operations invariant: alerts scale
    with the number of models, deployments with :math:`N \log N` (a staged
    rollout over a fleet is a sort-like ordering problem), and dependencies
    with the number of pairs.  The costs are averages: the model assumes
    every model (and every coupled pair) costs the same, and that toil adds
    up without economies of scale, which is exactly what a platform provides.
    See :func:`toil_breakdown` for the three terms separately.

    References
    ----------
    .. [1] Beyer et al., *Site Reliability Engineering*, 2016, ch. 5 "Eliminating Toil".
    .. [2] D. Sculley et al., "Hidden technical debt in machine learning systems", NeurIPS 2015.

    Examples
    --------
    Twenty-five coupled models at 5,000 USD/year of alerts, 2,000 USD/year of
    deployment work and 1,000 USD/year per pair:
    125,000 + 2,000 * 25 log2(25) + 1,000 * 300 = 125,000 + 232,193 + 300,000
    = 657,193 USD/year.

    >>> toil_cost(25, alert_cost="5000 USD/year", deploy_cost="2000 USD/year",
    ...           dependency_cost="1000 USD/year").to("USD/year").m
    657192.8
    """
    return _Q(_toil(models, alert_cost.m, deploy_cost.m, dependency_cost.m, heterogeneity), _USD_PER_S)


@export
@attrs.frozen
class ToilBreakdown(Record):
    r"""Manual toil per unit time split by its growth law.

    Attributes
    ----------
    alerts : Quantity [currency/time]
        The :math:`O(N)` term.
    deployments : Quantity [currency/time]
        The :math:`O(N \\log N)` term.
    dependencies : Quantity [currency/time]
        The :math:`O(N^2)` term.
    total : Quantity [currency/time]
        The sum, equal to :func:`toil_cost`.
    dependency_share : float or array
        ``dependencies / total`` (0 where the total is 0).
    dominant : str or array of str
        ``"alerts"``, ``"deployments"`` or ``"dependencies"``: the largest term.
    """

    alerts: object = unit_field("USD/s")
    deployments: object = unit_field("USD/s")
    dependencies: object = unit_field("USD/s")
    total: object = unit_field("USD/s")
    dependency_share: object
    dominant: object


@export
@validated(models=Count(), **_COSTS)
def toil_breakdown(models, *, alert_cost, deploy_cost, dependency_cost, heterogeneity=1.0):
    r"""The three terms of :func:`toil_cost` and which one dominates.

    .. math::

        T(N) = \underbrace{c_a N}_{\text{alerts}}
             + \underbrace{c_d N \log_2 N}_{\text{deployments}}
             + \underbrace{c_p h N(N-1)/2}_{\text{dependencies}}

    Parameters
    ----------
    models, alert_cost, deploy_cost, dependency_cost, heterogeneity
        As in :func:`toil_cost`.

    Returns
    -------
    ToilBreakdown
        Record with ``alerts``, ``deployments``, ``dependencies``, ``total``,
        ``dependency_share`` and ``dominant``.

    Raises
    ------
    UnitError, DomainError
        As :func:`toil_cost`.

    Notes
    -----
    With equal unit costs the dependency term overtakes the alert term at
    :math:`h(N-1)/2 > 1`, i.e. from three fully coupled models on; it is why
    heterogeneity, not raw scale, decides when manual operations break.

    References
    ----------
    .. [1] D. Sculley et al., "Hidden technical debt in machine learning systems", NeurIPS 2015.

    Examples
    --------
    Fifty coupled models: alerts 250,000, deployments 2,000 * 50 log2(50) =
    564,386 and dependencies 1,000 * 1,225 = 1,225,000 USD/year, so pairs are
    1,225,000 / 2,039,386 = 60% of the toil:

    >>> b = toil_breakdown(50, alert_cost="5000 USD/year", deploy_cost="2000 USD/year",
    ...                    dependency_cost="1000 USD/year")
    >>> b.dominant, round(b.dependency_share, 2)
    ('dependencies', 0.6)
    """
    alerts, deploys, deps = _toil_parts(models, alert_cost.m, deploy_cost.m, dependency_cost.m, heterogeneity)
    total = alerts + deploys + deps
    alerts, deploys, deps, total = np.broadcast_arrays(*(np.asarray(x, dtype=float)
                                                         for x in (alerts, deploys, deps, total)))
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(total > 0, deps / total, 0.0)
    stacked = np.stack([alerts, deploys, deps])
    dominant = np.array(["alerts", "deployments", "dependencies"])[np.argmax(stacked, axis=0)]
    return ToilBreakdown.build(alerts=alerts, deployments=deploys, dependencies=deps, total=total,
                               dependency_share=share, dominant=dominant)


@export
@validated(models=Count(), platform_cost=MoneyRate(), toil_reduction=Fraction(), **_COSTS)
def platform_roi(models, *, platform_cost, toil_reduction, alert_cost, deploy_cost, dependency_cost,
                 heterogeneity=1.0):
    r"""Net saving per unit time of running ``models`` models on a platform.

    .. math::

        \mathrm{ROI}(N) = T(N) - \bigl(C_\text{platform} + (1-\rho)\,T(N)\bigr)
                        = \rho\, T(N) - C_\text{platform}

    Parameters
    ----------
    models : int or array
        Number of models :math:`N` (whole, >= 1).
    platform_cost : Quantity [currency/time]
        What the platform costs per unit time: its capital cost amortised over
        its life plus the team that runs it (e.g. ``"500000 USD/year"``).
    toil_reduction : float or array
        Fraction :math:`\rho \in [0, 1]` of the manual toil the platform
        removes; :math:`(1-\rho)T(N)` is the toil left on the platform.
    alert_cost, deploy_cost, dependency_cost, heterogeneity
        As in :func:`toil_cost`.

    Returns
    -------
    Quantity [currency/time]
        Positive where the platform pays for itself, in USD/s.

    Raises
    ------
    UnitError, DomainError
        As :func:`toil_cost`; also for a bad ``platform_cost`` or a
        ``toil_reduction`` outside [0, 1].

    Notes
    -----
    This is the lab plan's :math:`ROI_{platform} = Toil_{manual} -
    (Capex_{platform} + Toil_{platform})` with the capex expressed per unit
    time, so both sides are rates and the comparison does not depend on a
    horizon.  The platform's cost is assumed independent of :math:`N` over
    the range of interest.

    References
    ----------
    .. [1] Beyer et al., *Site Reliability Engineering*, 2016, ch. 5 "Eliminating Toil".

    Examples
    --------
    At 25 models, 80% of 657,193 USD/year of toil is 525,754 USD/year saved
    against a 500,000 USD/year platform:

    >>> platform_roi(25, platform_cost="500000 USD/year", toil_reduction=0.8,
    ...              alert_cost="5000 USD/year", deploy_cost="2000 USD/year",
    ...              dependency_cost="1000 USD/year").to("USD/year").m
    25754.2
    """
    roi = _roi(models, platform_cost.m, toil_reduction, alert_cost.m, deploy_cost.m, dependency_cost.m,
               heterogeneity)
    return _Q(roi, _USD_PER_S)


def _smallest_true(pred, lo, hi, max_iter=2200):
    """Vectorised bisection on whole numbers.

    ``pred`` is monotone (False then True); ``pred(lo)`` is False (or ``lo``
    is a virtual lower end never evaluated) and ``pred(hi)`` is True.  Returns
    the smallest whole number in ``(lo, hi]`` where ``pred`` holds.  The loop
    runs over bisection steps (about ``log2(hi - lo)``), never over elements.
    """
    lo = np.array(lo, dtype=float)
    hi = np.array(hi, dtype=float)
    for _ in range(max_iter):
        mid = np.floor(lo + (hi - lo) / 2.0)
        active = (hi - lo > 1.0) & (mid > lo) & (mid < hi)
        if not active.any():
            break
        probe = np.where(active, mid, hi)
        ok = pred(probe)
        hi = np.where(active & ok, mid, hi)
        lo = np.where(active & ~ok, mid, lo)
    return hi


_INF = float("inf")
_LOG2_E = float(1.0 / np.log(2.0))


def _break_even_one(p, r, a, d, c, h):
    """:func:`break_even_models` for one point (or None where the array path must decide).

    Newton's method on the real root, then whole steps.

    ``g(N) = r T(N) - p`` is convex and increasing for ``N >= 1``, so Newton
    from the closed-form upper bound descends monotonically onto the root;
    the whole-number answer is then settled with the sign test itself
    (``_roi(N) >= 0`` and ``_roi(N - 1) < 0``), so it is the smallest
    whole number where the ROI, as computed, is non-negative: the answer the
    array path's bisection finds (tested element by element).
    """
    ch = c * h
    if not (r > 0 and (a > 0 or d > 0 or ch > 0)):  # toil removed does not grow
        return 1.0 if p == 0 else (float("inf") if p > 0 else 1.0)
    if p == 0:
        return 1.0
    x = p / r
    bounds = [x / a if a > 0 else _INF, max(2.0, x / d) if d > 0 else _INF,
              1.0 + float(np.sqrt(2.0 * x / ch)) if ch > 0 else _INF]
    hi = float(np.ceil(min(bounds) * (1.0 + 1e-9))) + 1.0
    if not hi < _INF:
        return _INF
    if not hi <= 2.0**53 or any(0.0 < v < 1e-290 for v in (p, r, a, d, ch)):
        # beyond 2**53 whole numbers are not distinct floats, and subnormal factors round the
        # sign test coarsely: there the array path's search decides (its answer, as computed)
        return None

    def pays(n):
        return _roi(n, p, r, a, d, c, h) >= 0

    n = hi
    for _ in range(100):  # Newton from above (quadratic near the root)
        g = _roi(n, p, r, a, d, c, h)
        slope = r * (a + d * (float(np.log2(n)) + _LOG2_E) + ch * (n - 0.5))
        if not (g > 0 and slope > 0):
            break
        step = g / slope
        n = max(n - step, 1.0)
        if step < 0.5:
            break
    n = max(float(np.ceil(n)), 1.0)
    for _ in range(64):  # rounding: a few whole steps at most
        if not pays(n):
            n += 1.0
        elif n > 1.0 and pays(n - 1.0):
            n -= 1.0
        else:
            return n
    return None  # not settled in a few whole steps: the array path's search decides


@export
@validated(platform_cost=MoneyRate(), toil_reduction=Fraction(), **_COSTS)
def break_even_models(*, platform_cost, toil_reduction, alert_cost, deploy_cost, dependency_cost,
                      heterogeneity=1.0):
    r"""Smallest whole number of models from which a platform pays for itself.

    .. math::

        N^* = \min\{N \in \mathbb{N}_{\ge 1} : \rho\, T(N) \ge C_\text{platform}\}

    Parameters
    ----------
    platform_cost, toil_reduction, alert_cost, deploy_cost, dependency_cost, heterogeneity
        As in :func:`platform_roi`.

    Returns
    -------
    float or array of float
        :math:`N^*` (a whole number), or ``inf`` where the platform never pays
        off (no toil is removed, or toil does not grow while the platform
        costs something).

    Raises
    ------
    UnitError, DomainError
        As :func:`platform_roi`.

    Notes
    -----
    :math:`T(N)` is non-decreasing in :math:`N` for non-negative costs, so
    :math:`N^*` is bracketed by the smallest of three closed-form bounds, one
    per term on its own (:math:`X/c_a`, :math:`\max(2, X/c_d)`,
    :math:`1+\sqrt{2X/(c_p h)}` with :math:`X = C/\rho`), and then found by a
    vectorised bisection on whole numbers.  The sign test uses the same
    floating-point arithmetic as :func:`platform_roi`, so
    ``platform_roi(N*) >= 0`` and ``platform_roi(N* - 1) < 0`` hold exactly
    as that function computes them.  A break-even beyond the float range is
    reported as ``inf``; beyond :math:`2^{53}` models neighbouring whole
    numbers are no longer distinct floats.

    References
    ----------
    .. [1] Beyer et al., *Site Reliability Engineering*, 2016, ch. 5 "Eliminating Toil".
    .. [2] D. Sculley et al., "Hidden technical debt in machine learning systems", NeurIPS 2015.

    Examples
    --------
    >>> costs = dict(alert_cost="5000 USD/year", deploy_cost="2000 USD/year",
    ...              dependency_cost="1000 USD/year")
    >>> break_even_models(platform_cost="500000 USD/year", toil_reduction=0.8, **costs)
    25.0
    >>> break_even_models(platform_cost="500000 USD/year", toil_reduction=0.8,
    ...                   heterogeneity=[0.0, 0.1, 1.0], **costs)
    array([40., 37., 25.])
    """
    args = (platform_cost.m, toil_reduction, alert_cost.m, deploy_cost.m, dependency_cost.m, heterogeneity)
    if scalar(*args):
        one = _break_even_one(*(float(x) for x in args))
        if one is not None:
            return one
    p, r, a, d, c, h = (np.asarray(x, dtype=float) for x in np.broadcast_arrays(*args))
    ch = c * h
    grows = (r > 0) & ((a > 0) | (d > 0) | (ch > 0))
    never = (p > 0) & ~grows
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        x = np.where(grows, p / r, 0.0)
        bound_a = np.where(a > 0, x / a, np.inf)
        bound_d = np.where(d > 0, np.maximum(2.0, x / d), np.inf)
        bound_c = np.where(ch > 0, 1.0 + np.sqrt(2.0 * x / ch), np.inf)
        hi = np.ceil(np.minimum(np.minimum(bound_a, bound_d), bound_c) * (1.0 + 1e-9)) + 1.0
    hi = np.where(p == 0, 1.0, np.where(never, 1.0, hi))
    beyond = ~np.isfinite(hi)
    hi = np.where(beyond, 1.0, hi)
    skip = never | beyond

    def pays(n):
        with np.errstate(over="ignore", invalid="ignore"):
            return skip | (_roi(n, p, r, a, d, c, h) >= 0)

    # Float safety: the bound holds exactly; make sure it holds as computed too.
    for _ in range(64):
        short = ~pays(hi)
        if not short.any():
            break
        with np.errstate(over="ignore"):  # a bound past the float range is inf: never pays
            hi = np.where(short, 2.0 * hi, hi)
    n_star = _smallest_true(pays, np.zeros_like(hi), hi)
    n_star = np.where(skip, np.inf, n_star)
    return scalar_or_array(n_star)


# ---------------------------------------------------------------- canary and shadow sizing

def _tail_at_most(k, n, p, c):
    """Whether ``P(X <= k) <= 1 - c`` for ``X ~ Binomial(n, p)`` (arrays, ``n > k``).

    Uses the regularized incomplete beta with ``p`` itself as the argument
    (never ``1 - p``, which loses the digits of a small ``p``):
    ``P(X <= k) = 1 - I_p(k + 1, n - k)`` and ``P(X > k) = I_p(k + 1, n - k)``.
    For ``c >= 0.5`` the small side ``P(X <= k)`` is compared with ``1 - c``
    (exact there); otherwise ``P(X > k)`` is compared with ``c``.
    """
    from scipy.special import betainc, betaincc

    b = np.maximum(n - k, 1.0)
    high = c >= 0.5
    with np.errstate(invalid="ignore"):
        if high.all():
            ok = betaincc(k + 1.0, b, p) <= 1.0 - c
        else:
            ok = np.where(high, betaincc(k + 1.0, b, p) <= 1.0 - c, betainc(k + 1.0, b, p) >= c)
    return ok & (n > k)


_LD = np.longdouble
#: Largest dynamic-programming table sequential_test(exact=True) builds (8 bytes a cell).
_EXACT_CELLS = 5e7
_F64_EPS = float(np.finfo(float).eps)
#: Relative error bound of log1p(-c)/log1p(-p) in long double (a few ulps each).
_LD_TOL = 32.0 * float(np.finfo(np.longdouble).eps)
#: Largest allowed_failures summed term by term (beyond: the incomplete beta).
_TERMWISE_K = 64


def _zero_failure_exact(c, p):
    """``ceil(ln(1-c) / ln(1-p))`` for one pair, in 60-digit decimal arithmetic (exact floats in)."""
    from decimal import ROUND_CEILING, Decimal, localcontext

    with localcontext() as ctx:
        ctx.prec = 60
        ratio = (1 - Decimal(float(c))).ln() / (1 - Decimal(float(p))).ln()
        return float(max(int(ratio.to_integral_value(rounding=ROUND_CEILING)), 1))


def _near_whole(x, tol):
    """Where ``x`` is within ``tol`` of a whole number (its ceiling cannot be trusted)."""
    return (x - np.floor(x) <= tol) | (np.ceil(x) - x <= tol)


def _zero_failure_n(c, p):
    """Smallest ``n`` with ``(1 - p)^n <= 1 - c``, exact up to ``2**53`` (1-d arrays).

    ``n = ceil(L)``, ``L = ln(1-c)/ln(1-p)``: in float64 (relative error below
    ``4 eps``); the ``L`` within that error of a whole number again in long
    double (a few 1e-19 on x86-64), and the ones still undecided (at most
    2**53) in 60-digit decimal arithmetic.
    """
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        ratio = np.log1p(-c) / np.log1p(-p)
        n = np.maximum(np.ceil(ratio), 1.0)
        near = _near_whole(ratio, 8.0 * _F64_EPS * ratio) & (ratio <= 2.0**53)
        if not near.any():
            return n
        idx = np.flatnonzero(near)
        ratio_ld = np.log1p(-c[idx].astype(_LD)) / np.log1p(-p[idx].astype(_LD))
        n[idx] = np.maximum(np.ceil(ratio_ld), 1.0).astype(float)
        still = _near_whole(ratio_ld, _LD_TOL * ratio_ld)
    for i in idx[still]:  # rare: within 1e-18 relative of a whole number
        n[i] = _zero_failure_exact(c[i], p[i])
    return n


def _log_tail_terms(n, k, p, kmax, derivative):
    """``ln P(X <= k)`` for ``X ~ Binomial(n, p)`` by its ``k + 1`` terms (and d/dn if asked).

    ``P(X <= k) = (1-p)^n sum_{i<=k} C(n, i) r^i`` with ``r = p / (1 - p)``;
    ``n`` may be a real number (the polynomial ``C(n, i)``), for Newton steps.
    Elements whose ``k`` is reached drop out of the loop at a few points, so
    a few large ``k`` do not make every element pay for ``kmax`` terms.
    """
    # callers pass arrays of one shape (no broadcast_arrays: it costs more than a term)
    log_q = np.log1p(-p)
    total_out = np.ones(n.shape, dtype=n.dtype)
    slope_out = np.zeros(n.shape, dtype=n.dtype)
    where = None  # indices of the elements still summing (None: all)
    nn, kk, r = n, k, p / (1.0 - p)
    term = np.ones_like(nn)
    total = np.ones_like(nn)
    harmonic = np.zeros_like(nn)
    slope = np.zeros_like(nn)
    for i in range(1, kmax + 1):
        if i in (3, 9, 33) and nn.ndim:
            keep = kk >= i
            if not keep.all():
                done = np.flatnonzero(~keep) if where is None else where[~keep]
                total_out[done] = total[~keep]
                slope_out[done] = slope[~keep]
                where = np.flatnonzero(keep) if where is None else where[keep]
                nn, kk, r, term, total, harmonic, slope = (a[keep] for a in
                                                           (nn, kk, r, term, total, harmonic, slope))
        if derivative:
            harmonic += 1.0 / np.maximum(nn - (i - 1), 1e-300)
        # a term past an element's k is 0 from then on (0 times a finite factor), so the sums
        # need no mask of their own: the same totals with two fewer passes a term
        term = np.where(i <= kk, term * ((nn - (i - 1)) / i * r), 0.0)
        total += term
        if derivative:
            slope += term * harmonic
    if where is None:
        total_out, slope_out = total, slope
    else:
        total_out[where] = total
        slope_out[where] = slope
    value = n * log_q + np.log(total_out)
    return (value, log_q + slope_out / total_out) if derivative else value


def _few_failures_n(c, p, k, n0):
    """Smallest whole ``n`` with ``P(X <= k) <= 1 - c`` for ``1 <= k <= 64`` and ``p <= 0.25``.

    Newton's iteration on the real ``n`` (the log tail is smooth and
    decreasing in ``n``), started from a union bound to the right of the
    root, then the whole candidates around the root decided in long double,
    stepping by one where needed.  Elements not settled after a few steps
    (none in testing) go to the incomplete-beta bisection.
    """
    from scipy.special import ndtri

    kmax = int(np.max(k))
    target = np.log1p(-c)
    lo = np.maximum(k + 1.0, n0)  # P(X <= k) >= P(X = 0): never fewer than the k = 0 window
    # Start: the Poisson limit, lambda from the Wilson-Hilferty chi-square quantile.
    kk = k + 1.0
    lam = kk * (1.0 - 1.0 / (9.0 * kk) + ndtri(c) / (3.0 * np.sqrt(kk))) ** 3
    x = np.maximum(lam / -np.log1p(-p), lo)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for _ in range(30):
            f, df = _log_tail_terms(x, k, p, kmax, True)
            step = np.where(np.isfinite(f) & (df < 0), (f - target) / df, 0.0)
            x = np.maximum(x - step, lo)
            if np.all(np.abs(step) <= 1e-12 * x + 0.25):  # the whole-number steps below finish it
                break
        # two polishing steps in long double: at n ~ 1e15 a float64 tail is off by units of n
        big = x > 1e9
        if big.any():
            xb, kb, pb, tb = x[big].astype(_LD), k[big], p[big].astype(_LD), np.log1p(-c[big].astype(_LD))
            for _ in range(2):
                f, df = _log_tail_terms(xb, kb, pb, kmax, True)
                xb = xb - (f - tb) / df
            x[big] = np.maximum(xb.astype(float), lo[big])
        n = np.maximum(np.ceil(x), lo)

        def ok(m):
            """``ln P(X <= k) <= ln(1 - c)`` at whole ``m``: float64 where its error cannot decide otherwise."""
            value = _log_tail_terms(m, k, p, kmax, False)
            err = 64.0 * _F64_EPS * (np.abs(m * np.log1p(-p)) + np.abs(value) + np.abs(target) + 1.0)
            out = value <= target
            close = np.flatnonzero(np.abs(value - target) <= err)
            if close.size:
                exact = _log_tail_terms(m[close].astype(_LD), k[close], p[close].astype(_LD), kmax, False)
                out[close] = exact <= np.log1p(-c[close].astype(_LD))
            return out
        settled = np.zeros(n.shape, dtype=bool)
        for _ in range(4):  # one step at most in practice
            down = (n - 1.0 >= lo) & ok(n - 1.0)
            up = ~ok(n)
            settled = ~(down | up)
            if settled.all():
                return n
            n = np.where(down, n - 1.0, np.where(up, n + 1.0, n))
    left = ~settled
    n[left] = _beta_search_n(c[left], p[left], k[left], n0[left])
    return n


def _canary_n(c, p, k):
    """Sample sizes as floats (broadcast arrays ``c``, ``p``, ``k``), searched block by block."""
    if scalar(c, p, k):
        n = _canary_one(float(c), float(p), float(k))
        if n is not None:
            return np.asarray(n)
    return blockwise(_canary_n_flat, c, p, k)


def _log_tail_one(n, k, p, derivative):
    """:func:`_log_tail_terms` for one point, on floats: the same operations in the same order."""
    log_q = float(np.log1p(-p))
    r = p / (1.0 - p)
    term, total, harmonic, slope = 1.0, 1.0, 0.0, 0.0
    for i in range(1, int(k) + 1):
        if derivative:
            harmonic = harmonic + 1.0 / max(n - (i - 1), 1e-300)
        term = term * ((n - (i - 1)) / i * r)
        total = total + term
        if derivative:
            slope = slope + term * harmonic
    value = n * log_q + float(np.log(total))
    return (value, log_q + slope / total) if derivative else value


def _canary_one(c, p, k):
    """:func:`_canary_n_flat` for one point on floats, or None where the array path must decide.

    The common case (float64 decides every comparison, ``n`` below 1e9, at
    most 64 failures allowed at ``p <= 0.25``) runs the array path's
    operations on floats; a point that needs long double or decimal
    arithmetic, or the incomplete-beta search, returns None and goes through
    the array path, so the answer is always the array path's.
    """
    ratio = float(np.log1p(-c)) / float(np.log1p(-p))
    if not ratio < 2.0**53:
        return None
    n0 = max(float(np.ceil(ratio)), 1.0)
    tol = 8.0 * _F64_EPS * ratio
    if ratio - float(np.floor(ratio)) <= tol or float(np.ceil(ratio)) - ratio <= tol:
        return None  # within rounding of a whole number: long double decides
    if k == 0:
        return n0
    if not (k <= _TERMWISE_K and p <= 0.25):
        return None
    from scipy.special import ndtri

    target = float(np.log1p(-c))
    lo = max(k + 1.0, n0)
    kk = k + 1.0
    lam = kk * float(np.power(1.0 - 1.0 / (9.0 * kk) + float(ndtri(c)) / (3.0 * float(np.sqrt(kk))), 3))
    x = max(lam / -float(np.log1p(-p)), lo)
    for _ in range(30):
        f, df = _log_tail_one(x, k, p, True)
        step = (f - target) / df if (-_INF < f < _INF and df < 0) else 0.0
        x = max(x - step, lo)
        if abs(step) <= 1e-12 * x + 0.25:
            break
    if x > 1e9:
        return None  # the array path polishes in long double there
    n = max(float(np.ceil(x)), lo)
    log_q = float(np.log1p(-p))

    def ok(m):
        value = _log_tail_one(m, k, p, False)
        err = 64.0 * _F64_EPS * (abs(m * log_q) + abs(value) + abs(target) + 1.0)
        return None if abs(value - target) <= err else value <= target

    for _ in range(4):
        below = ok(n - 1.0) if n - 1.0 >= lo else False
        here = ok(n)
        if below is None or here is None:
            return None
        if not below and here:
            return n
        n = n - 1.0 if below else n + 1.0
    return None


def _canary_n_flat(c, p, k):
    """:func:`_canary_n` on 1-d arrays of one length."""
    n = _zero_failure_n(c, p)
    if np.any(k > 0):
        n0 = n.copy()
        termwise = (k > 0) & (k <= _TERMWISE_K) & (p <= 0.25)
        if termwise.any():
            n[termwise] = _few_failures_n(c[termwise], p[termwise], k[termwise], n0[termwise])
        rest = (k > 0) & ~termwise
        if rest.any():
            n[rest] = _beta_search_n(c[rest], p[rest], k[rest], n0[rest])
    return n


def _beta_search_n(c, p, k, n0):
    """``allowed_failures > 0`` by bisection on the incomplete beta (large ``k`` or ``p``)."""
    log_tail = np.log1p(-c)
    log_q = np.log1p(-p)
    # union bound over k + 1 blocks each failure-free with probability <= (1 - c)/(k + 1).
    block = np.ceil((log_tail - np.log1p(k)) / log_q)
    hi = np.where(k > 0, (k + 1.0) * np.maximum(block, 1.0) + k, 1.0)

    def enough(n):
        return (k == 0) | _tail_at_most(k, n, p, c)

    for _ in range(64):
        short = ~enough(hi)
        if not short.any():
            break
        hi = np.where(short, 2.0 * hi, hi)
    # Allowing failures never needs fewer requests than the k = 0 window: P(X <= k) >= P(X = 0).
    return _smallest_true(enough, np.where(k > 0, np.maximum(k, n0 - 1.0), 0.0), hi)


# Failures tolerated: a whole count, exact in float64 (beyond 2**53 the window is not countable exactly).
_ALLOWED_FAILURES = Count(minimum=0, maximum=2.0**53, what="a whole count in [0, 2**53]")


def _as_counts(n, where, allowed_failures=0):
    """Float sample sizes as int64, warning above 2**53 and refusing beyond int64."""
    over = n >= _INT64_LIMIT
    if np.any(over):
        blame = ("allowed_failures too large or failure_rate too small" if np.any(over & (allowed_failures > 0))
                 else "failure_rate too small")
        raise DomainError(f"{where}: the sample size exceeds 2**63 requests ({blame} to count in int64)")
    if np.any(n > _EXACT_INTEGER_LIMIT):
        warn_regime(f"{where}: sample sizes above 2**53 are not exact in float64 arithmetic")
    return scalar_or_array(np.asarray(n).astype(np.int64))


@export
@validated(confidence=Probability(), failure_rate=Probability(), allowed_failures=_ALLOWED_FAILURES)
def canary_sample_size(confidence, failure_rate, allowed_failures=0):
    r"""Smallest number of requests that exposes a failure mode with the given confidence.

    .. math::

        n^* = \min\Bigl\{n : \sum_{i=0}^{k} \binom{n}{i} p^i (1-p)^{n-i} \le 1 - c\Bigr\},
        \qquad
        n^*_{k=0} = \Bigl\lceil \frac{\ln(1-c)}{\ln(1-p)} \Bigr\rceil

    Parameters
    ----------
    confidence : float or array
        Confidence :math:`c \in (0, 1)` that a model failing at rate
        :math:`p` would have shown more than ``allowed_failures`` failures.
    failure_rate : float or array
        Per-request failure probability :math:`p \in (0, 1)` of the regression
        to catch (``1e-3`` for a 1-in-1,000 edge case).
    allowed_failures : int or array
        Failures :math:`k` tolerated in the window before the release is
        rejected (default 0: any failure rejects it).

    Returns
    -------
    int or array of int64
        :math:`n^*`, the requests to observe.

    Raises
    ------
    UnitError
        An argument carries units or is not a number.
    DomainError
        ``confidence`` or ``failure_rate`` outside (0, 1), ``allowed_failures``
        negative or not whole, or a sample size beyond :math:`2^{63}`.

    Warns
    -----
    RegimeWarning
        Where :math:`n^* > 2^{53}` (failure rates below about 1e-15): whole
        numbers are no longer exact in float64.

    Notes
    -----
    Requests are independent Bernoulli trials (no correlated bursts, the
    failure rate is stationary over the window).  The result is exact (the
    smallest whole :math:`n`, checked against 60-digit arithmetic in the
    tests) up to :math:`2^{53}`.  For :math:`k=0`, :math:`n^* = \lceil L
    \rceil` with :math:`L = \ln(1-c)/\ln(1-p)` from ``log1p`` in float64;
    where :math:`L` lies within its rounding error of a whole number (only
    for huge :math:`n`, or exact ties) it is recomputed in long double and,
    if still undecided, in 60-digit decimal arithmetic (0.1 was one too small
    below failure rates of about 1e-13).  For :math:`0 < k \le 64` and
    :math:`p \le 0.25` the tail is summed term by term,
    :math:`P(X \le k) = (1-p)^n \sum_{i \le k} \binom{n}{i} (p/(1-p))^i`, in
    log space; :math:`n^*` is found by Newton's method on the real
    :math:`n` from the Poisson (Wilson-Hilferty) estimate, and the whole
    candidates are decided in float64 where its error bound allows and in
    long double otherwise.  Larger :math:`k` or :math:`p` use the
    regularized incomplete beta :math:`P(X \le k) = 1 - I_p(k+1, n-k)` at
    :math:`p` itself and a vectorised bisection.  The "rule of three" :math:`3/p`
    is the :math:`c = 95\%`, :math:`k=0` approximation.

    References
    ----------
    .. [1] B. D. Jovanovic, P. S. Levy, "A look at the rule of three", The
       American Statistician 51(2), 1997.
    .. [2] Beyer et al., *Site Reliability Engineering*, 2016, ch. 8 "Release Engineering".

    Examples
    --------
    95% confidence of catching a 1-in-1,000 failure:
    ln(0.05)/ln(0.999) = 2994.23, so 2,995 requests.

    >>> canary_sample_size(0.95, 1e-3)
    2995
    >>> canary_sample_size(0.95, 1e-3, allowed_failures=[0, 1, 2])
    array([2995, 4742, 6294])
    """
    n = _canary_n(confidence, failure_rate, allowed_failures)
    return _as_counts(n, "canary_sample_size()", allowed_failures)


@export
@validated(confidence=Probability(), failure_rate=Probability(), request_rate=Rate(positive=True),
           traffic_fraction=_SHARE, allowed_failures=_ALLOWED_FAILURES)
def shadow_duration(confidence, failure_rate, request_rate, traffic_fraction=1.0, *, allowed_failures=0):
    r"""How long a shadow (or canary) deployment must run to see enough requests.

    .. math::

        t = \frac{n^*(c, p, k)}{\lambda\, f}

    Parameters
    ----------
    confidence, failure_rate
        As in :func:`canary_sample_size`.
    request_rate : Quantity [1/time]
        Fleet request rate :math:`\lambda` (e.g. ``"1000 1/s"``).
    traffic_fraction : float or array
        Share :math:`f \in (0, 1]` of the traffic mirrored to (or routed
        through) the candidate model.
    allowed_failures : int or array, keyword-only
        As in :func:`canary_sample_size`.

    Returns
    -------
    Quantity [time]
        Duration in seconds.

    Raises
    ------
    UnitError
        ``request_rate`` is not a rate (e.g. a bare number or a bandwidth).
    DomainError
        As :func:`canary_sample_size`; a non-positive ``request_rate``; a
        ``traffic_fraction`` outside (0, 1].

    Notes
    -----
    Traffic is assumed steady and representative: diurnal cycles and rare
    request slices stretch the real window (a slice seen in 1% of traffic
    needs 100 times as long).  See :func:`shadow_plan` for the comparison
    with a release cycle.

    References
    ----------
    .. [1] Beyer et al., *Site Reliability Engineering*, 2016, ch. 8 "Release Engineering".

    Examples
    --------
    2,995 requests at 10 requests/s with 5% mirrored take 2,995 / 0.5 = 5,990 s:

    >>> round(shadow_duration(0.95, 1e-3, "10 1/s", 0.05).to("min").m, 2)
    99.83
    """
    n = _canary_n(confidence, failure_rate, allowed_failures)
    return _Q(n / (request_rate.m * traffic_fraction), _SECOND)


@export
@attrs.frozen
class ShadowPlan(Record):
    """A shadow or canary window set against the release cycle.

    Attributes
    ----------
    requests : int or array
        Requests to observe (:func:`canary_sample_size`).
    duration : Quantity [time]
        Time to observe them at the mirrored traffic (:func:`shadow_duration`).
    release_cycle : Quantity [time]
        The release cycle the window must fit in.
    fits : bool or array
        ``duration <= release_cycle``.
    required_fraction : float or array
        Traffic share that would make the window exactly one release cycle
        (above 1: no traffic share fits; raise the request rate, relax the
        confidence or accept more failures).
    cycle_share : float or array
        ``duration / release_cycle``.
    """

    requests: object
    duration: object = unit_field("s")
    release_cycle: object = unit_field("s")
    fits: object
    required_fraction: object
    cycle_share: object


@export
@validated(confidence=Probability(), failure_rate=Probability(), request_rate=Rate(positive=True),
           traffic_fraction=_SHARE, allowed_failures=_ALLOWED_FAILURES, release_cycle=Time(positive=True))
def shadow_plan(confidence, failure_rate, request_rate, traffic_fraction=1.0, *, allowed_failures=0,
                release_cycle="1 week"):
    r"""Whether a shadow window with a given confidence fits the release cycle.

    .. math::

        t = \frac{n^*}{\lambda f} \le T_\text{release}
        \iff f \ge f_\text{min} = \frac{n^*}{\lambda\, T_\text{release}}

    Parameters
    ----------
    confidence, failure_rate, request_rate, traffic_fraction, allowed_failures
        As in :func:`shadow_duration`.
    release_cycle : Quantity [time], keyword-only
        The release cadence the validation must fit in (default one week).

    Returns
    -------
    ShadowPlan
        Record with ``requests``, ``duration``, ``release_cycle``, ``fits``,
        ``required_fraction`` and ``cycle_share``.

    Raises
    ------
    UnitError, DomainError
        As :func:`shadow_duration`; a non-positive ``release_cycle``.

    Notes
    -----
    A window longer than the cycle means releases queue behind validation,
    or ship before the evidence is in; by the time a months-long shadow
    window ends the data has drifted.  :func:`sequential_test` decides
    sooner on average.

    References
    ----------
    .. [1] Beyer et al., *Site Reliability Engineering*, 2016, ch. 8 "Release Engineering".

    Examples
    --------
    A 1-in-a-million failure at 95% needs 2,995,731 requests
    (ln 0.05 / ln(1 - 1e-6)); at 10 requests/s
    and 5% mirrored that is 69 days, and half the traffic would be needed to
    fit one week (2,995,731 / (10/s * 604,800 s) = 0.495):

    >>> plan = shadow_plan(0.95, 1e-6, "10 1/s", 0.05)
    >>> plan.fits, round(plan.required_fraction, 3), round(float(plan.duration.to("day").m))
    (False, 0.495, 69)
    """
    n = _canary_n(confidence, failure_rate, allowed_failures)
    lam = request_rate.m
    duration = n / (lam * traffic_fraction)
    cycle = release_cycle.m
    requests = _as_counts(n, "shadow_plan()", allowed_failures)
    return ShadowPlan.build(requests=requests, duration=duration, release_cycle=cycle,
                            fits=np.asarray(duration <= cycle), required_fraction=n / (lam * cycle),
                            cycle_share=duration / cycle)


# ---------------------------------------------------------------- sequential validation

@export
@attrs.frozen
class SequentialTest(Record):
    r"""Wald's sequential probability ratio test for a failure rate, beside the fixed-size test.

    Attributes
    ----------
    upper_boundary : float or array
        :math:`\\ln A = \\ln((1-\\beta)/\\alpha)`: reject the candidate (accept
        the regression hypothesis) when the log-likelihood ratio reaches it.
    lower_boundary : float or array
        :math:`\\ln B = \\ln(\\beta/(1-\\alpha))`: accept the candidate when the
        log-likelihood ratio falls to it.
    failure_weight : float or array
        Log-likelihood-ratio step of a failed request, :math:`\\ln(p_1/p_0) > 0`.
    success_weight : float or array
        Step of a good request, :math:`\\ln((1-p_1)/(1-p_0)) < 0`.
    requests_to_accept : float or array
        Failure-free requests after which the test accepts the candidate.
    failures_to_reject : float or array
        Failures at the very start that reject it at once.
    expected_requests_baseline : float or array
        Wald's approximate expected sample number when the candidate is good
        (:math:`p = p_0`).
    expected_requests_regressed : float or array
        The same when it has regressed (:math:`p = p_1`).
    fixed_requests : float or array
        Size of the smallest fixed-size test with the same error rates.
    fixed_allowed_failures : float or array
        That test's rejection threshold: reject on more than this many failures.
    savings_baseline : float or array
        ``1 - expected_requests_baseline / fixed_requests``.
    savings_regressed : float or array
        ``1 - expected_requests_regressed / fixed_requests``.
    alarm_rate : float or array
        The test's true false-alarm probability at :math:`p_0` (exact;
        ``nan`` unless ``exact=True``).
    miss_rate : float or array
        Its true miss probability at :math:`p_1` (exact; ``nan`` unless ``exact=True``).
    exact_requests_baseline : float or array
        True expected sample number at :math:`p_0` (``nan`` unless ``exact=True``).
    exact_requests_regressed : float or array
        True expected sample number at :math:`p_1` (``nan`` unless ``exact=True``).
    """

    upper_boundary: object
    lower_boundary: object
    failure_weight: object
    success_weight: object
    requests_to_accept: object
    failures_to_reject: object
    expected_requests_baseline: object
    expected_requests_regressed: object
    fixed_requests: object
    fixed_allowed_failures: object
    savings_baseline: object
    savings_regressed: object
    alarm_rate: object
    miss_rate: object
    exact_requests_baseline: object
    exact_requests_regressed: object


def _alarm_ok(k, n, p0, alpha):
    """Whether ``P(X > k) <= alpha`` for ``X ~ Binomial(n, p0)`` (1-d arrays)."""
    from scipy.special import betainc

    out = np.zeros(k.shape, dtype=bool)
    termwise = (k <= _TERMWISE_K) & (p0 <= 0.25)
    if termwise.any():
        # P(X > k) <= alpha  <=>  ln P(X <= k) >= ln(1 - alpha), by the k + 1 terms
        kt = k[termwise]
        out[termwise] = _log_tail_terms(n[termwise], kt, p0[termwise], int(kt.max()), False) >= np.log1p(
            -alpha[termwise])
    rest = ~termwise
    if rest.any():
        out[rest] = betainc(k[rest] + 1.0, np.maximum(n[rest] - k[rest], 1.0), p0[rest]) <= alpha[rest]
    return out


def _fixed_design(p0, p1, alpha, beta):
    """Smallest fixed-size test: ``(n, k)`` arrays in the broadcast shape, searched block by block.

    For each threshold k, the size n_k that keeps the miss rate at p1 below
    beta; the answer is the smallest k whose false-alarm rate at p0 is at
    most alpha.  The false-alarm rate falls as k grows, so the answer is the
    first k that passes: the k with ``ok(k) and not ok(k - 1)``.
    """
    if scalar(p0, p1, alpha, beta):
        one = _fixed_design_one(float(p0), float(p1), float(alpha), float(beta))
        if one is not None:
            return one
    p0, p1, alpha, beta = np.broadcast_arrays(p0, p1, alpha, beta)
    shape = p0.shape
    p0, p1, alpha, beta = (np.ravel(a) for a in (p0, p1, alpha, beta))
    # larger blocks than the plain canary search: two searches a block, so the per-block steps
    # weigh more (measured: 65,536 points 0.35 s, 16,384 0.47 s per million)
    n, k = blockwise(_fixed_design_near_guess, p0, p1, alpha, beta, block=4 * BLOCK)
    left = np.flatnonzero(np.isnan(k))  # few (2 in 1e3 in testing): searched together, not block by block
    if left.size:
        n[left], k[left] = blockwise(_fixed_design_search, p0[left], p1[left], alpha[left], beta[left])
    return n.reshape(shape), k.reshape(shape)


def _design_guess(p0, p1, alpha, beta):
    """The fixed design's threshold by the normal approximation (floats or arrays; not yet clipped).

    ``sqrt(n) = (z_a sd0 + z_b sd1) / (p1 - p0)`` and ``k = floor(n p0 + z_a sqrt(n) sd0)``,
    with ``sd_i = sqrt(p_i (1 - p_i))`` and ``z`` the normal quantiles of ``1 - alpha``, ``1 - beta``.
    """
    from scipy.special import ndtri

    za, zb = ndtri(1.0 - alpha), ndtri(1.0 - beta)
    sd0 = np.sqrt(p0 * (1.0 - p0))
    root_n = (za * sd0 + zb * np.sqrt(p1 * (1.0 - p1))) / (p1 - p0)
    return np.floor(root_n * root_n * p0 + za * root_n * sd0)


def _fixed_design_one(p0, p1, alpha, beta):
    """:func:`_fixed_design_near_guess` for one point on floats, or None where the array path must decide."""
    from scipy.special import betainc

    log_alarm = float(np.log1p(-alpha))

    def ok(k):
        n = _canary_one(1.0 - beta, p1, k)
        if n is None:
            return None, None
        if k <= _TERMWISE_K and p0 <= 0.25:
            return _log_tail_one(n, k, p0, False) >= log_alarm, n
        return float(betainc(k + 1.0, max(n - k, 1.0), p0)) <= alpha, n

    guess = float(_design_guess(p0, p1, alpha, beta))
    if not -_INF < guess < _INF:
        return None
    guess = min(max(guess, 1.0), 2.0**40)
    ok_g, n_g = ok(guess)
    if ok_g is None:
        return None
    step = -1.0 if ok_g else 1.0
    ok_s, n_s = ok(guess + step)
    if ok_s is None:
        return None
    if ok_g and not ok_s:
        return n_g, guess
    if ok_g and guess + step == 0.0:
        return n_s, 0.0
    if not ok_g and ok_s:
        return n_s, guess + step
    return None  # the answer is further than one from the guess: the array path searches


def _fixed_design_alarm_ok(k, p0, p1, alpha, beta):
    """Whether threshold ``k`` keeps the false alarms within ``alpha``, and its size ``n_k`` (1-d arrays)."""
    n = _canary_n_flat(1.0 - beta, p1, k)
    return _alarm_ok(k, n, p0, alpha), n


def _fixed_design_near_guess(p0, p1, alpha, beta):
    """``(n, k)`` where the answer is within one of the normal approximation's guess ``g``; ``k`` NaN elsewhere.

    ``ok(g)`` is decided for every element, then ``ok(g - 1)`` where ``g``
    passes and ``ok(g + 1)`` where it fails: two sample-size searches per
    element.
    """
    guess = np.clip(np.nan_to_num(_design_guess(p0, p1, alpha, beta), nan=0.0, posinf=0.0), 1.0, 2.0**40)
    ok_g, n = _fixed_design_alarm_ok(guess, p0, p1, alpha, beta)
    k = np.full(guess.shape, np.nan)
    # where g passes: g is the answer if g - 1 fails; 0 is the answer if g - 1 = 0 passes
    at = np.flatnonzero(ok_g)
    if at.size:
        below = guess[at] - 1.0
        ok_b, n_b = _fixed_design_alarm_ok(below, p0[at], p1[at], alpha[at], beta[at])
        k[at] = np.where(ok_b, np.where(below == 0.0, 0.0, np.nan), guess[at])
        n[at] = np.where(ok_b, n_b, n[at])
    # where g fails: g + 1 is the answer if it passes
    at = np.flatnonzero(~ok_g)
    if at.size:
        above = guess[at] + 1.0
        ok_a, n[at] = _fixed_design_alarm_ok(above, p0[at], p1[at], alpha[at], beta[at])
        k[at] = np.where(ok_a, above, np.nan)
    return n, k


def _fixed_design_search(p0, p1, alpha, beta):
    """``(n, k)`` by doubling then bisection over ``k`` (the elements the guess did not settle)."""
    def ok(k):
        return _fixed_design_alarm_ok(k, p0, p1, alpha, beta)[0]

    hi = np.ones(p0.size)
    for _ in range(64):
        short = ~ok(hi)
        if not short.any():
            break
        hi = np.where(short, 2.0 * hi, hi)
    zero = np.zeros(p0.size)
    k = np.where(ok(zero), 0.0, _smallest_true(ok, zero, hi))
    return _canary_n_flat(1.0 - beta, p1, k), k


def _geometric_filter(u, q):
    """``y[:, t] = q y[:, t-1] + u[:, t]`` (``y[:, -1] = 0``) for a per-row ``q`` in (0, 1).

    A cumulative sum with weights ``q^-t``, taken in blocks short enough that
    no weight exceeds ``e^30`` (so nothing overflows however long the row).
    """
    rows, width = u.shape
    log_q = np.log(q)[:, None]
    worst = float(np.max(-log_q)) if rows else 0.0
    block = width if worst * width <= 30.0 else max(1, int(30.0 / worst))
    out = np.empty_like(u)
    carry = np.zeros((rows, 1))
    for start in range(0, width, block):  # one pass unless q is far below 1 on a long row
        seg = u[:, start:start + block]
        j = np.arange(seg.shape[1])[None, :]
        acc = np.cumsum(seg * np.exp(-log_q * j), axis=1)
        out[:, start:start + seg.shape[1]] = np.exp(log_q * j) * (carry * q[:, None] + acc)
        carry = out[:, start + seg.shape[1] - 1:start + seg.shape[1]]
    return out


def _sprt_exact(p0, p1, log_a, log_b, p, tol=1e-15, max_levels=1_000_000):
    """Exact rejection probability and expected sample number of the Bernoulli SPRT at true rate ``p``.

    After ``n`` requests with ``f`` failures the log-likelihood ratio is
    ``f D - n s`` (``D = ln(p1/p0) + s``, ``s = ln((1-p0)/(1-p1)) > 0``), so
    with ``f`` failures the test accepts at request ``a_f = ceil((f D - ln B)/s)``
    unless another failure comes first, and a failure at request ``m`` that
    makes ``f`` rejects iff ``m <= floor((f D - ln A)/s)``.  The state after
    the ``f``-th failure is the distribution of the request ``m`` it came at,
    on a window about ``(ln A - ln B + D)/s`` requests wide; one failure
    level to the next is a geometric convolution (:func:`_geometric_filter`).
    The loop runs over failure levels until the probability still undecided
    is below ``tol``; it is vectorised over elements (rows padded to the
    widest window), so memory is ``elements x window``.
    Returns (reject probability, accept probability, E[N], undecided).
    """
    p0, p1, log_a, log_b, p = (np.ravel(np.asarray(x, dtype=float)) for x in
                               np.broadcast_arrays(p0, p1, log_a, log_b, p))
    rows = p0.size
    s = np.log1p(-p0) - np.log1p(-p1)
    d = np.log(p1) - np.log(p0) + s
    q = 1.0 - p
    log_q = np.log1p(-p)
    base = np.zeros(rows)  # request index of the window's first cell
    vec = np.ones((rows, 1))
    reject, accept, mean_n = np.zeros(rows), np.zeros(rows), np.zeros(rows)
    left = np.ones(rows)
    with np.errstate(under="ignore"):
        for f in range(max_levels):
            span = (np.ceil((f * d - log_b) / s) - base).astype(np.int64)  # requests to acceptance
            width = max(int(span.max()), 1)
            if vec.shape[1] < width:
                vec = np.pad(vec, ((0, 0), (0, width - vec.shape[1])))
            vec = vec[:, :width]
            j = np.arange(width)[None, :]
            vec = np.where(j < span[:, None], vec, 0.0)
            accepted = np.sum(vec * np.exp(log_q[:, None] * (span[:, None] - j)), axis=1)
            accept += accepted
            mean_n += (base + span) * accepted
            # the next failure at request base + t, t = 1..span
            g = p[:, None] * _geometric_filter(vec, q)
            t = j + 1
            g = np.where(t <= span[:, None], g, 0.0)
            limit = np.floor(((f + 1) * d - log_a) / s)
            at = base[:, None] + t
            hit = at <= limit[:, None]
            reject += np.sum(np.where(hit, g, 0.0), axis=1)
            mean_n += np.sum(np.where(hit, g * at, 0.0), axis=1)
            new_base = np.maximum(limit + 1.0, base + 1.0)
            shift = (new_base - base - 1.0).astype(np.int64)
            idx = j + shift[:, None]
            vec = np.where(idx < width, np.take_along_axis(np.where(hit, 0.0, g), np.minimum(idx, width - 1),
                                                           axis=1), 0.0)
            base = new_base
            left = vec.sum(axis=1)
            if left.max() < tol:
                break
    return reject, accept, mean_n, left


@export
@validated(baseline_rate=Probability(), regressed_rate=Probability(), alpha=Probability(), beta=Probability())
def sequential_test(baseline_rate, regressed_rate, *, alpha=0.05, beta=0.05, exact=False):
    r"""Wald's sequential probability ratio test for a per-request failure rate.

    Each request adds to the log-likelihood ratio
    :math:`\Lambda_n = F\ln\frac{p_1}{p_0} + S\ln\frac{1-p_1}{1-p_0}`
    (:math:`F` failures, :math:`S` successes); the test stops the first time

    .. math::

        \Lambda_n \ge \ln A = \ln\frac{1-\beta}{\alpha}
        \quad\text{(reject)}\qquad
        \Lambda_n \le \ln B = \ln\frac{\beta}{1-\alpha}
        \quad\text{(accept)},

    and Wald's expected sample numbers are

    .. math::

        E_0[n] \approx \frac{(1-\alpha)\ln B + \alpha \ln A}{E_0[z]},\qquad
        E_1[n] \approx \frac{\beta\ln B + (1-\beta)\ln A}{E_1[z]},

    with :math:`E_i[z] = p_i \ln\frac{p_1}{p_0} + (1-p_i)\ln\frac{1-p_1}{1-p_0}`.

    Parameters
    ----------
    baseline_rate : float or array
        Acceptable failure rate :math:`p_0` (the current model's), in (0, 1).
    regressed_rate : float or array
        Failure rate :math:`p_1 > p_0` that counts as a regression.
    alpha : float or array, keyword-only
        False-alarm probability: rejecting a candidate that fails at :math:`p_0`.
    beta : float or array, keyword-only
        Miss probability: accepting a candidate that fails at :math:`p_1`.
        :math:`\alpha + \beta < 1`.
    exact : bool, keyword-only
        Also compute the test's true error rates and expected sample numbers
        (``alarm_rate``, ``miss_rate``, ``exact_requests_*``) by dynamic
        programming; default False (they are ``nan``), since that costs
        memory and time proportional to ``elements x (ln A - ln B)/(p1 - p0)``
        (about 9,000 cells per element in the example), far above the
        closed forms.

    Returns
    -------
    SequentialTest
        Boundaries, per-request weights, expected sample numbers and the
        smallest fixed-size test with the same :math:`\alpha, \beta` (exact
        binomial), with the fraction of requests the sequential test saves.

    Raises
    ------
    UnitError
        An argument carries units.
    DomainError
        A rate or error probability outside (0, 1),
        ``regressed_rate <= baseline_rate``, or ``alpha + beta >= 1``.

    Notes
    -----
    Requests are independent Bernoulli trials.  Wald's approximations ignore
    the overshoot of the last step past a boundary.  They are not bounds:
    the true error rates can exceed :math:`\alpha, \beta` (on the example
    below the miss rate is 0.0514 > 0.05) and the expected sample numbers
    can be far above the formula (2,477 true against Wald's 1,889 under the
    regression, 24 % low; 4,165 against 3,954 under the baseline).  The
    overshoot matters most when one failure (weight :math:`\ln(p_1/p_0)`)
    is a large step relative to :math:`\ln A`, which is the usual case for
    rare failures.  ``exact=True`` computes the true values: after ``n``
    requests with ``f`` failures the log-likelihood ratio is
    :math:`f D - n s` on a lattice (:math:`s = -\ln\frac{1-p_1}{1-p_0}`,
    :math:`D = \ln\frac{p_1}{p_0} + s`), so between failures the walk
    descends deterministically and the distribution of the request at which
    the ``f``-th failure came is carried from one failure count to the next
    by a geometric convolution, until less than 1e-15 of the probability is
    undecided (agreement with an event-driven Monte Carlo is tested).
    The fixed-size comparator is the smallest :math:`n` with a threshold
    :math:`k` such that :math:`P(X \le k \mid p_1) \le \beta` and
    :math:`P(X > k \mid p_0) \le \alpha`, searched by bisection over
    :math:`k` (its false-alarm rate falls as :math:`k` grows).  With
    :math:`p_0 \to 0` the test degenerates to the zero-failure canary of
    :func:`canary_sample_size`.

    References
    ----------
    .. [1] A. Wald, "Sequential tests of statistical hypotheses", Annals of
       Mathematical Statistics 16(2), 117-186, 1945.

    Examples
    --------
    Baseline 1 in 10,000, regression 1 in 1,000, 5% error rates both ways:
    ln A = ln 19 = 2.944; E0[z] = -6.70e-4, so E0[n] = 0.9 * 2.944 / 6.70e-4 = 3,954.

    >>> t = sequential_test(1e-4, 1e-3)
    >>> round(t.expected_requests_baseline), round(t.expected_requests_regressed)
    (3954, 1889)
    >>> t.fixed_requests, t.fixed_allowed_failures
    (6294.0, 2.0)

    The true operating characteristic: the miss rate is above beta and the
    expected sample numbers are above Wald's:

    >>> x = sequential_test(1e-4, 1e-3, exact=True)
    >>> round(x.alarm_rate, 4), round(x.miss_rate, 4)
    (0.0235, 0.0514)
    >>> round(x.exact_requests_baseline), round(x.exact_requests_regressed)
    (4165, 2477)
    """
    rates = (baseline_rate, regressed_rate, alpha, beta)
    if scalar(*rates):  # one point: numpy scalars, not 0-d arrays (same values)
        p0, p1, a, b = (np.float64(x) for x in rates)
    else:
        p0, p1, a, b = (np.asarray(x, dtype=float) for x in np.broadcast_arrays(*rates))
    bad = ~(p1 > p0)
    if bad.any():
        idx = np.unravel_index(int(np.argmax(bad)), bad.shape)
        where = f" at index {tuple(int(i) for i in idx)}" if bad.ndim else ""
        raise DomainError(f"sequential_test(): parameter 'regressed_rate' must exceed 'baseline_rate'; "
                          f"got {float(p1[idx])!r} <= {float(p0[idx])!r}{where}")
    if np.any(a + b >= 1.0):
        raise DomainError("sequential_test(): parameters 'alpha' and 'beta' must sum to less than 1 "
                          f"(else the test needs no data); got alpha + beta = {np.max(a + b)!r}")
    log_a = np.log1p(-b) - np.log(a)
    log_b = np.log(b) - np.log1p(-a)
    w_fail = np.log(p1) - np.log(p0)
    w_ok = np.log1p(-p1) - np.log1p(-p0)
    drift0 = p0 * w_fail + (1.0 - p0) * w_ok
    drift1 = p1 * w_fail + (1.0 - p1) * w_ok
    e0 = ((1.0 - a) * log_b + a * log_a) / drift0
    e1 = (b * log_b + (1.0 - b) * log_a) / drift1
    if exact not in (True, False):
        raise DomainError(f"sequential_test(): parameter 'exact' must be True or False; got {exact!r}")
    fixed_n, fixed_k = _fixed_design(p0, p1, a, b)
    nan = np.full(p0.shape, np.nan)
    alarm, miss, n0_true, n1_true = nan, nan, nan, nan
    if exact:
        shape = p0.shape
        pp0, pp1, la, lb = (np.ravel(v) for v in (p0, p1, log_a, log_b))
        cells = 2.0 * pp0.size * float(np.max((la - lb + w_fail - w_ok) / -w_ok))
        if cells > _EXACT_CELLS:
            raise DomainError(f"sequential_test(): parameter 'exact': the exact operating characteristic needs "
                              f"about {cells:.3g} cells (elements x the test's window in requests), above "
                              f"{_EXACT_CELLS:.0e}; use exact=False (Wald's approximations) or fewer elements")
        rej, acc, mean_n, _ = _sprt_exact(np.concatenate([pp0, pp0]), np.concatenate([pp1, pp1]),
                                          np.concatenate([la, la]), np.concatenate([lb, lb]),
                                          np.concatenate([pp0, pp1]))
        half = pp0.size
        alarm, miss = rej[:half].reshape(shape), acc[half:].reshape(shape)
        n0_true, n1_true = mean_n[:half].reshape(shape), mean_n[half:].reshape(shape)
    return SequentialTest.build(
        upper_boundary=log_a, lower_boundary=log_b, failure_weight=w_fail, success_weight=w_ok,
        requests_to_accept=np.ceil(log_b / w_ok), failures_to_reject=np.ceil(log_a / w_fail),
        expected_requests_baseline=e0, expected_requests_regressed=e1, fixed_requests=fixed_n,
        fixed_allowed_failures=fixed_k, savings_baseline=1.0 - e0 / fixed_n, savings_regressed=1.0 - e1 / fixed_n,
        alarm_rate=alarm, miss_rate=miss, exact_requests_baseline=n0_true, exact_requests_regressed=n1_true)


# ---------------------------------------------------------------- ensemble dependencies

@export
@attrs.frozen
class EnsembleDependencies(Record):
    """Pairwise contracts among models and the revalidation they cause.

    Attributes
    ----------
    contracts : float or array
        Coupled model pairs, :math:`h N(N-1)/2`: interfaces (features,
        output formats, score calibrations) that must stay consistent.
    upstream_per_model : float or array
        Expected producers a model consumes from, :math:`h(N-1)/2`.
    downstream_per_model : float or array
        Expected consumers of a model, :math:`h(N-1)/2`.
    checks_per_release : float or array
        Contracts one model's release must revalidate, :math:`h(N-1)`
        (its consumers against its new outputs, itself against its producers).
    checks_per_round : float or array
        Contract checks when each model ships ``releases_per_model`` releases,
        :math:`r N h (N-1)`: twice the contracts per round of releases.
    checks_per_model : float or array
        ``checks_per_round / models``: grows linearly in :math:`N`, which is
        what makes the total quadratic while alerts stay flat per model.
    """

    contracts: object
    upstream_per_model: object
    downstream_per_model: object
    checks_per_release: object
    checks_per_round: object
    checks_per_model: object


@export
@validated(models=Count(), heterogeneity=Fraction(), releases_per_model=Number(minimum=0.0, signed=False))
def ensemble_dependencies(models, *, heterogeneity=1.0, releases_per_model=1.0):
    r"""Contracts among ``models`` coupled models and the checks each release triggers.

    .. math::

        C = h\,\frac{N(N-1)}{2},\qquad
        \text{checks per release} = h(N-1),\qquad
        \text{checks per round} = r\,N\,h\,(N-1) = 2rC

    Parameters
    ----------
    models : int or array
        Models :math:`N` in the ensemble or fleet (whole, >= 1).
    heterogeneity : float or array, keyword-only
        Fraction :math:`h` of model pairs that are coupled (as in
        :func:`toil_cost`); in an ordered pipeline each coupled pair has one
        upstream and one downstream model.
    releases_per_model : float or array, keyword-only
        Releases :math:`r` of each model per round (per release cycle).

    Returns
    -------
    EnsembleDependencies
        Record with ``contracts``, ``upstream_per_model``,
        ``downstream_per_model``, ``checks_per_release``, ``checks_per_round``
        and ``checks_per_model``.

    Raises
    ------
    UnitError, DomainError
        Bad ``models``, ``heterogeneity`` outside [0, 1], negative
        ``releases_per_model``.

    Notes
    -----
    Direct contracts only: with loose versioning an upstream change can also
    break models two hops away (Sculley et al.'s "changing anything changes
    everything"), which only adds to the count.  Strict immutable contracts
    (versioned features, a consumer pinned to the producer version it was
    trained on) turn a silent training-serving skew into an explicit
    revalidation, but do not remove it.

    References
    ----------
    .. [1] D. Sculley et al., "Hidden technical debt in machine learning systems", NeurIPS 2015.

    Examples
    --------
    Ten fully coupled models: 45 contracts; each release rechecks 9; a weekly
    round of one release each is 90 checks.

    >>> e = ensemble_dependencies(10)
    >>> e.contracts, e.checks_per_release, e.checks_per_round
    (45.0, 9.0, 90.0)
    """
    n, h, r = models, heterogeneity, releases_per_model
    contracts = h * (n * (n - 1.0) / 2.0)
    per_side = h * (n - 1.0) / 2.0
    per_release = h * (n - 1.0)
    per_round = r * n * per_release
    return EnsembleDependencies.build(contracts=contracts, upstream_per_model=per_side, downstream_per_model=per_side,
                                      checks_per_release=per_release, checks_per_round=per_round,
                                      checks_per_model=r * per_release)
