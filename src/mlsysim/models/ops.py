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

import warnings

import attrs
import numpy as np

from .._export import exporter
from .._arrays import broadcast, scalar_or_array
from .._records import Record
from .._validate import Count, Fraction, MoneyRate, Number, Probability, Rate, Time, validated
from ..errors import DomainError, RegimeWarning
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
    :func:`platform_roi` computes it.
    """
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
    """Manual toil per unit time split by its growth law.

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

    alerts: object
    deployments: object
    dependencies: object
    total: object
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
    fields = broadcast(_Q(alerts, _USD_PER_S), _Q(deploys, _USD_PER_S), _Q(deps, _USD_PER_S),
                       _Q(total, _USD_PER_S), share)
    return ToilBreakdown(*fields, scalar_or_array(dominant))


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
    p, r, a, d, c, h = (np.asarray(x, dtype=float) for x in np.broadcast_arrays(
        platform_cost.m, toil_reduction, alert_cost.m, deploy_cost.m, dependency_cost.m, heterogeneity))
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


def _canary_n(c, p, k):
    """Sample sizes as floats (broadcast arrays ``c``, ``p``, ``k``)."""
    c, p, k = (np.asarray(x, dtype=float) for x in np.broadcast_arrays(c, p, k))
    log_tail = np.log1p(-c)
    log_q = np.log1p(-p)
    # k = 0: (1 - p)^n <= 1 - c  <=>  n log1p(-p) <= log1p(-c), checked exactly in log space.
    n0 = np.maximum(np.ceil(log_tail / log_q), 1.0)
    n0 = np.where((n0 > 1.0) & ((n0 - 1.0) * log_q <= log_tail), n0 - 1.0, n0)
    n0 = np.where(n0 * log_q <= log_tail, n0, n0 + 1.0)
    if not np.any(k > 0):
        return n0
    # k > 0: union bound over k + 1 blocks each failure-free with probability <= (1 - c)/(k + 1).
    block = np.ceil((log_tail - np.log1p(k)) / log_q)
    hi = np.where(k > 0, (k + 1.0) * np.maximum(block, 1.0) + k, 1.0)
    cc, pp, kk = c, p, k

    def enough(n):
        return (kk == 0) | _tail_at_most(kk, n, pp, cc)

    for _ in range(64):
        short = ~enough(hi)
        if not short.any():
            break
        hi = np.where(short, 2.0 * hi, hi)
    # Allowing failures never needs fewer requests than the k = 0 window: P(X <= k) >= P(X = 0).
    nk = _smallest_true(enough, np.where(k > 0, np.maximum(k, n0 - 1.0), 0.0), hi)
    return np.where(k > 0, nk, n0)


def _as_counts(n, where):
    """Float sample sizes as int64, warning above 2**53 and refusing beyond int64."""
    if np.any(n >= _INT64_LIMIT):
        raise DomainError(f"{where}: the sample size exceeds 2**63 requests (failure_rate too small to "
                          "count in int64); use a larger failure_rate")
    if np.any(n > _EXACT_INTEGER_LIMIT):
        warnings.warn(f"{where}: sample sizes above 2**53 are not exact in float64 arithmetic",
                      RegimeWarning, stacklevel=3)
    return scalar_or_array(np.asarray(n).astype(np.int64))


@export
@validated(confidence=Probability(), failure_rate=Probability(), allowed_failures=Count(minimum=0))
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
    failure rate is stationary over the window).  For :math:`k=0` the closed
    form is evaluated with ``log1p`` so it stays exact for failure rates down
    to 1e-12 and below, and the ceiling is checked against :math:`n-1` in log
    space.  For :math:`k>0` the binomial tail is the regularized incomplete
    beta :math:`P(X \le k) = 1 - I_p(k+1, n-k)`, evaluated at :math:`p`
    itself (not :math:`1-p`), and :math:`n^*` is found by a vectorised
    bisection bracketed below by the :math:`k=0` size and above by a union
    bound over :math:`k+1` blocks.  The "rule of three" :math:`3/p`
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
    return _as_counts(n, "canary_sample_size()")


@export
@validated(confidence=Probability(), failure_rate=Probability(), request_rate=Rate(positive=True),
           traffic_fraction=_SHARE, allowed_failures=Count(minimum=0))
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
    duration: object
    release_cycle: object
    fits: object
    required_fraction: object
    cycle_share: object


@export
@validated(confidence=Probability(), failure_rate=Probability(), request_rate=Rate(positive=True),
           traffic_fraction=_SHARE, allowed_failures=Count(minimum=0), release_cycle=Time(positive=True))
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
    requests = _as_counts(n, "shadow_plan()")
    requests, duration, cycle, fraction, share = broadcast(
        requests, _Q(duration, _SECOND), _Q(cycle, _SECOND), n / (lam * cycle), duration / cycle)
    fits = scalar_or_array(np.asarray(duration.m <= cycle.m))
    return ShadowPlan(requests, duration, cycle, fits, fraction, share)


# ---------------------------------------------------------------- sequential validation

@export
@attrs.frozen
class SequentialTest(Record):
    """Wald's sequential probability ratio test for a failure rate, beside the fixed-size test.

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


def _fixed_design(p0, p1, alpha, beta):
    """Smallest fixed-size test: for each threshold k the size n_k that keeps the
    miss rate at p1 below beta, and the smallest k whose false-alarm rate at p0
    is at most alpha (bisection over k)."""
    from scipy.special import betainc

    conf = 1.0 - beta

    def alarm_ok(k):
        n = _canary_n(conf, p1, k)
        return betainc(k + 1.0, np.maximum(n - k, 1.0), p0) <= alpha

    hi = np.ones_like(p0)
    for _ in range(64):
        short = ~alarm_ok(hi)
        if not short.any():
            break
        hi = np.where(short, 2.0 * hi, hi)
    ok0 = alarm_ok(np.zeros_like(p0))
    k = np.where(ok0, 0.0, _smallest_true(alarm_ok, np.zeros_like(p0), hi))
    return _canary_n(conf, p1, k), k


@export
@validated(baseline_rate=Probability(), regressed_rate=Probability(), alpha=Probability(), beta=Probability())
def sequential_test(baseline_rate, regressed_rate, *, alpha=0.05, beta=0.05):
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
    the overshoot of the last step past a boundary, so the true error rates
    are slightly below :math:`\alpha, \beta` and the expected sample numbers
    slightly above the formula; the overshoot matters most when one failure
    (weight :math:`\ln(p_1/p_0)`) is a large step relative to :math:`\ln A`.
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
    """
    p0, p1, a, b = (np.asarray(x, dtype=float) for x in np.broadcast_arrays(
        baseline_rate, regressed_rate, alpha, beta))
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
    fixed_n, fixed_k = _fixed_design(p0, p1, a, b)
    fields = broadcast(log_a, log_b, w_fail, w_ok, np.ceil(log_b / w_ok), np.ceil(log_a / w_fail), e0, e1,
                       fixed_n, fixed_k, 1.0 - e0 / fixed_n, 1.0 - e1 / fixed_n)
    return SequentialTest(*fields)


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
    fields = broadcast(contracts, per_side, per_side, per_release, per_round, r * per_release)
    return EnsembleDependencies(*fields)
