"""mlsysim.models.ops: toil, platform break-even, canary/shadow sizing, SPRT, ensembles.

Expected values come from hand calculations (in the comments), from the lab
plan's figures (2,995 requests; 500,000 USD platform; one-week cycle) or from
independent computations in the test itself (explicit binomial sums, Decimal
logarithms), never from the code under test.
"""

import inspect
import math
from decimal import Decimal, getcontext

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _helpers import check_row, rows
from mlsysim import Q_, DomainError, RegimeWarning, UnitError
from mlsysim.models import ops
from mlsysim.testing import magnitudes

COSTS = dict(alert_cost="5000 USD/year", deploy_cost="2000 USD/year", dependency_cost="1000 USD/year")
PLATFORM = dict(platform_cost="500000 USD/year", toil_reduction=0.8)


def binom_cdf(k, n, p):
    """P(X <= k) for X ~ Binomial(n, p) as an explicit sum (independent of scipy)."""
    return math.fsum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k + 1))


def brute_force_canary(c, p, k):
    n = k + 1
    while binom_cdf(k, n, p) > 1 - c:
        n += 1
    return n


# ---------------------------------------------------------------- API contract

@pytest.mark.parametrize("name, params, kwonly", [
    ("canary_sample_size", ["confidence", "failure_rate", "allowed_failures"], []),
    ("shadow_duration", ["confidence", "failure_rate", "request_rate", "traffic_fraction"], []),
    ("toil_cost", ["models"], ["alert_cost", "deploy_cost", "dependency_cost", "heterogeneity"]),
    ("platform_roi", ["models"], ["platform_cost", "toil_reduction", "alert_cost", "deploy_cost",
                                  "dependency_cost", "heterogeneity"]),
    ("break_even_models", [], ["platform_cost", "toil_reduction", "alert_cost", "deploy_cost",
                               "dependency_cost", "heterogeneity"]),
])
def test_signatures_match_api(name, params, kwonly):
    sig = inspect.signature(getattr(ops, name)).parameters
    positional = [n for n, p in sig.items() if p.kind is p.POSITIONAL_OR_KEYWORD]
    keyword = [n for n, p in sig.items() if p.kind is p.KEYWORD_ONLY]
    assert positional == params
    assert keyword[: len(kwonly)] == kwonly
    assert name in ops.__all__


# ---------------------------------------------------------------- known answers: toil and ROI

def test_toil_cost_known_answer():
    # 25 models: 5,000*25 + 2,000*25*log2(25) + 1,000*25*24/2
    #          = 125,000 + 2,000*116.096 + 300,000 = 657,192.8 USD/year
    out = ops.toil_cost(25, **COSTS)
    assert out.to("USD/year").m == pytest.approx(657_192.8, rel=1e-6)
    # one model: no deployment ordering, no pairs: just the alert toil
    assert ops.toil_cost(1, **COSTS).to("USD/year").m == pytest.approx(5000, rel=1e-12)


def test_platform_roi_known_answer():
    # 0.8 * 657,192.8 - 500,000 = 25,754.2 USD/year
    out = ops.platform_roi(25, **PLATFORM, **COSTS)
    assert out.to("USD/year").m == pytest.approx(25_754.2, rel=1e-5)


@pytest.mark.parametrize("heterogeneity, expected", [
    # Need 0.8 T(N) >= 500,000, i.e. T(N) >= 625,000 USD/year; T in kUSD/year:
    # h=1: T(24) = 120 + 48*4.5850 + 276 = 616.1 < 625;  T(25) = 125 + 232.2 + 300 = 657.2 >= 625
    (1.0, 25.0),
    # h=0.1: T(36) = 180 + 72*5.1699 + 63 = 615.2 < 625;  T(37) = 185 + 74*5.2095 + 66.6 = 637.1
    (0.1, 37.0),
    # h=0: T(39) = 195 + 78*5.2854 = 607.3 < 625;  T(40) = 200 + 80*5.3219 = 625.75 >= 625
    (0.0, 40.0),
])
def test_break_even_hand_computed(heterogeneity, expected):
    assert ops.break_even_models(heterogeneity=heterogeneity, **PLATFORM, **COSTS) == expected


def test_break_even_alert_only_closed_form():
    # Only alerts: 0.5 * 1,000 N >= 10,000  <=>  N >= 20, and 20 exactly meets it.
    out = ops.break_even_models(platform_cost="10000 USD/year", toil_reduction=0.5, alert_cost="1000 USD/year",
                                deploy_cost="0 USD/year", dependency_cost="0 USD/year")
    assert out == 20.0


@pytest.mark.parametrize("kwargs, expected", [
    # nothing removed: never pays off
    (dict(platform_cost="1 USD/year", toil_reduction=0.0), np.inf),
    # no toil at all and a platform that costs something: never
    (dict(platform_cost="1 USD/year", toil_reduction=1.0, alert_cost="0 USD/s", deploy_cost="0 USD/s",
          dependency_cost="0 USD/s"), np.inf),
    # a free platform pays off from the first model
    (dict(platform_cost="0 USD/year", toil_reduction=0.0), 1.0),
    # only pairs: 1 * N(N-1)/2 * 1,000 >= 500,000 <=> N(N-1) >= 1,000: 32*31 = 992 < 1,000, 33*32 = 1,056
    (dict(platform_cost="500000 USD/year", toil_reduction=1.0, alert_cost="0 USD/s", deploy_cost="0 USD/s"),
     33.0),
    # pairs present but heterogeneity 0 and no other toil: never
    (dict(platform_cost="1 USD/year", toil_reduction=1.0, alert_cost="0 USD/s", deploy_cost="0 USD/s",
          heterogeneity=0.0), np.inf),
])
def test_break_even_limits(kwargs, expected):
    args = dict(COSTS, **kwargs)
    assert ops.break_even_models(**args) == expected


def test_toil_breakdown_known_answer():
    # N = 50: alerts 250,000; deployments 2,000*50*log2(50) = 564,385.6; pairs 1,000*1,225 = 1,225,000
    b = ops.toil_breakdown(50, **COSTS)
    assert b.alerts.to("USD/year").m == pytest.approx(250_000, rel=1e-9)
    assert b.deployments.to("USD/year").m == pytest.approx(564_385.6, rel=1e-6)
    assert b.dependencies.to("USD/year").m == pytest.approx(1_225_000, rel=1e-9)
    assert b.dependency_share == pytest.approx(1_225_000 / 2_039_385.6, rel=1e-6)
    assert b.dominant == "dependencies"
    assert "ToilBreakdown" in str(b)
    # two models at equal unit costs: alerts 2, deployments 2*1 = 2, pairs 1: the first (alerts) wins the tie
    small = ops.toil_breakdown(np.array([2, 10]), alert_cost="1 USD/s", deploy_cost="1 USD/s",
                               dependency_cost="1 USD/s", heterogeneity=0.0)
    assert list(small.dominant) == ["alerts", "deployments"]


# ---------------------------------------------------------------- known answers: canary, shadow

def test_canary_lab_figure():
    # ln(0.05) / ln(0.999) = -2.995732 / -0.00100050 = 2994.23 -> 2,995 requests
    n = ops.canary_sample_size(0.95, 1e-3)
    assert n == 2995
    assert isinstance(n, int)


@pytest.mark.parametrize("confidence, rate", [(0.95, 1e-12), (0.99, 1e-9), (0.5, 1e-12), (0.999999, 3e-7)])
def test_canary_exact_for_tiny_rates(confidence, rate):
    # Independent 40-digit computation of ceil(ln(1-c) / ln(1-p)) with Decimal.
    getcontext().prec = 40
    c, p = Decimal(confidence), Decimal(rate)
    expected = math.ceil((1 - c).ln() / (1 - p).ln())
    assert ops.canary_sample_size(confidence, rate) == expected


@pytest.mark.parametrize("k", [1, 2, 3])
def test_canary_allowed_failures_against_binomial_sum(k):
    # Brute force over n with the explicit binomial sum (k=1: 4,742; Poisson estimate m = 4.744/p).
    expected = brute_force_canary(0.95, 1e-3, k)
    assert ops.canary_sample_size(0.95, 1e-3, k) == expected


def test_canary_allowed_failure_tiny_rate_closed_form():
    # k = 1: P(X <= 1) = (1-p)^n (1 + n p / (1-p)), in log space; Poisson: n ~ 4.7439 / p.
    p = 1e-9
    n = ops.canary_sample_size(0.95, p, 1)

    def cdf1(m):
        return math.exp(m * math.log1p(-p)) * (1 + m * p / (1 - p))

    assert cdf1(n) <= 0.05 < cdf1(n - 1)
    assert n == pytest.approx(4.7439e9, rel=1e-4)


def test_canary_regime_warning_above_2_53():
    # 2.996 / 1e-16 = 3.0e16 > 2**53 = 9.0e15
    with pytest.warns(RegimeWarning, match="2\\*\\*53"):
        ops.canary_sample_size(0.95, 1e-16)
    with pytest.raises(DomainError, match="2\\*\\*63"):
        ops.canary_sample_size(0.95, 1e-20)


def test_shadow_duration_known_answer():
    # 2,995 requests / (10 /s * 5%) = 5,990 s
    out = ops.shadow_duration(0.95, 1e-3, "10 1/s", 0.05)
    assert out.to("s").m == pytest.approx(5990, rel=1e-12)
    # Full traffic at 36,000 requests per hour: 2,995 / 10 per s = 299.5 s
    assert ops.shadow_duration(0.95, 1e-3, "36000 1/h").to("s").m == pytest.approx(299.5, rel=1e-12)


def test_shadow_plan_one_week():
    # 1-in-a-million at 95%: ceil(2,995,732.27 - ...) requests; Decimal gives the exact count.
    getcontext().prec = 40
    n = math.ceil((1 - Decimal(0.95)).ln() / (1 - Decimal(1e-6)).ln())
    plan = ops.shadow_plan(0.95, np.array([1e-3, 1e-6]), "10 1/s", 0.05)
    assert list(plan.requests) == [2995, n]
    # n / 0.5 per s = 5.99e6 s = 69.3 days > 7 days; required share n / (10 * 604,800) = 0.495
    assert list(plan.fits) == [True, False]
    assert plan.required_fraction[1] == pytest.approx(n / 6_048_000, rel=1e-12)
    assert plan.release_cycle.to("day").m[0] == pytest.approx(7)
    assert plan[1].cycle_share == pytest.approx(n / 0.5 / 604_800, rel=1e-12)
    # a 90-day release cycle would hold it
    assert ops.shadow_plan(0.95, 1e-6, "10 1/s", 0.05, release_cycle="90 day").fits is True


# ---------------------------------------------------------------- known answers: SPRT, ensembles

def test_sequential_test_hand_calculation():
    # p0 = 1e-4, p1 = 1e-3, alpha = beta = 0.05:
    # ln A = ln(0.95/0.05) = ln 19 = 2.94444; ln B = -2.94444
    # failure weight ln 10 = 2.302585
    # success weight ln 0.999 - ln 0.9999 = -1.0005003e-3 + 1.00005e-4 = -9.004953e-4
    # E0[z] = 1e-4*2.302585 + 0.9999*(-9.004953e-4) = 2.302585e-4 - 9.004053e-4 = -6.701468e-4
    # E0[n] = (0.95*(-2.94444) + 0.05*2.94444) / E0[z] = 2.649995 / 6.701468e-4 = 3954.4
    # E1[z] = 1e-3*2.302585 + 0.999*(-9.004953e-4) = 2.302585e-3 - 8.995948e-4 = 1.402990e-3
    # E1[n] = (0.95 - 0.05)*2.94444 / 1.402990e-3 = 1888.8
    t = ops.sequential_test(1e-4, 1e-3)
    assert t.upper_boundary == pytest.approx(math.log(19), rel=1e-12)
    assert t.lower_boundary == pytest.approx(-math.log(19), rel=1e-12)
    assert t.failure_weight == pytest.approx(math.log(10), rel=1e-12)
    assert t.success_weight == pytest.approx(-9.004953e-4, rel=1e-6)
    assert t.expected_requests_baseline == pytest.approx(3954.4, rel=1e-4)
    assert t.expected_requests_regressed == pytest.approx(1888.8, rel=1e-4)
    # ceil(2.94444 / 9.004953e-4) = ceil(3269.8) = 3270 clean requests; ceil(2.94444 / 2.302585) = 2 failures
    assert t.requests_to_accept == 3270
    assert t.failures_to_reject == 2
    # Fixed-size test: k=0 needs 2,995 (false alarms 1 - 0.9999^2995 = 26%), k=1 needs 4,742 (8.2%),
    # k=2 needs 6,294 (2.6% <= 5%): the explicit binomial sums agree.
    for k, n, ok in [(0, 2995, False), (1, 4742, False), (2, 6294, True)]:
        assert brute_force_canary(0.95, 1e-3, k) == n
        assert (1 - binom_cdf(k, n, 1e-4) <= 0.05) is ok
    assert (t.fixed_requests, t.fixed_allowed_failures) == (6294, 2)
    assert t.savings_baseline == pytest.approx(1 - 3954.4 / 6294, rel=1e-3)
    assert "SequentialTest" in str(t)


def test_sequential_test_degenerates_to_zero_failure_canary():
    # p0 -> 0 and alpha -> 0: accept after ln(beta) / ln(1 - p1) clean requests, the canary of 2,995.
    t = ops.sequential_test(1e-15, 1e-3, alpha=1e-12, beta=0.05)
    assert t.requests_to_accept == 2995
    assert t.failures_to_reject == 1


def test_ensemble_dependencies_known_answer():
    # N = 50, h = 1: 50*49/2 = 1,225 contracts; 49 checks per release; 50*49 = 2,450 per round
    e = ops.ensemble_dependencies(np.array([2, 50]))
    assert list(e.contracts) == [1, 1225]
    assert list(e.checks_per_release) == [1, 49]
    assert list(e.checks_per_round) == [2, 2450]
    # half the pairs coupled, two releases a cycle: 0.5*45 = 22.5 contracts; 2*10*0.5*9 = 90 checks
    h = ops.ensemble_dependencies(10, heterogeneity=0.5, releases_per_model=2)
    assert (h.contracts, h.upstream_per_model, h.checks_per_round, h.checks_per_model) == (22.5, 2.25, 90.0, 9.0)


# ---------------------------------------------------------------- properties

money = magnitudes(0.0, 1e6, log_uniform=False).map(lambda m: Q_(m, "USD/year"))
positive_money = magnitudes(1.0, 1e6).map(lambda m: Q_(m, "USD/year"))
unit_interval = st.floats(0.0, 1.0)


@given(n=st.integers(2, 100_000), a=money, d=money, c=positive_money, h=st.floats(0.01, 1.0))
def test_toil_increasing_and_convex(n, a, d, c, h):
    t = ops.toil_cost(np.array([n - 1, n, n + 1]), alert_cost=a, deploy_cost=d, dependency_cost=c,
                      heterogeneity=h).m
    assert t[0] < t[1] < t[2]
    assert t[2] - t[1] >= (t[1] - t[0]) * (1 - 1e-9)


@given(n=st.integers(1, 1000), a=money, d=money, c=money, h=unit_interval)
def test_breakdown_parts_sum_to_toil_cost(n, a, d, c, h):
    b = ops.toil_breakdown(n, alert_cost=a, deploy_cost=d, dependency_cost=c, heterogeneity=h)
    total = ops.toil_cost(n, alert_cost=a, deploy_cost=d, dependency_cost=c, heterogeneity=h)
    assert b.total.m == total.m
    assert (b.alerts + b.deployments + b.dependencies).m == pytest.approx(total.m, rel=1e-12)


break_even_args = st.fixed_dictionaries(dict(
    platform_cost=magnitudes(1.0, 1e9).map(lambda m: Q_(m, "USD/year")),
    toil_reduction=st.floats(0.0, 1.0),
    alert_cost=money, deploy_cost=money, dependency_cost=money, heterogeneity=unit_interval))


@given(args=break_even_args)
def test_roi_sign_flips_exactly_at_break_even(args):
    n = ops.break_even_models(**args)
    roi_args = dict(args)
    if np.isinf(n):
        assert ops.platform_roi(10**6, **roi_args).m < 0
        return
    assert ops.platform_roi(n, **roi_args).m >= 0
    if 1 < n < 2**53:  # above 2**53 n - 1 is the same float as n (documented)
        assert ops.platform_roi(n - 1, **roi_args).m < 0


@given(args=break_even_args, factor=st.floats(1.0, 100.0))
def test_dearer_platform_never_breaks_even_sooner(args, factor):
    cheap = ops.break_even_models(**args)
    dear = ops.break_even_models(**dict(args, platform_cost=args["platform_cost"] * factor))
    assert dear >= cheap


@given(args=break_even_args)
def test_break_even_vectorised_equals_elementwise(args):
    hs = np.array([0.0, 0.3, 1.0])
    costs = Q_(np.array([[1e3], [1e5]]), "USD/year")
    vec = ops.break_even_models(**dict(args, heterogeneity=hs, platform_cost=costs))
    assert vec.shape == (2, 3)
    for i in range(2):
        for j in range(3):
            one = ops.break_even_models(**dict(args, heterogeneity=hs[j], platform_cost=costs[i, 0]))
            assert vec[i, j] == one


@given(c1=st.floats(0.01, 0.999), c2=st.floats(0.01, 0.999), p=magnitudes(1e-12, 0.5), k=st.integers(0, 5))
@settings(max_examples=40)
def test_more_confidence_never_needs_fewer_requests(c1, c2, p, k):
    lo, hi = sorted((c1, c2))
    assert ops.canary_sample_size(hi, p, k) >= ops.canary_sample_size(lo, p, k)


@given(c=st.floats(0.01, 0.999999), p=magnitudes(1e-12, 0.9))
def test_canary_zero_failures_is_the_smallest_n_in_log_space(c, p):
    n = ops.canary_sample_size(c, p)
    assert n * math.log1p(-p) <= math.log1p(-c)
    assert n == 1 or (n - 1) * math.log1p(-p) > math.log1p(-c)


@given(c=st.floats(0.5, 0.99), p=st.floats(0.01, 0.3), k=st.integers(1, 4))
@settings(max_examples=25)
def test_canary_allowed_failures_is_the_smallest_n(c, p, k):
    n = ops.canary_sample_size(c, p, k)
    assert binom_cdf(k, n, p) <= 1 - c + 1e-12
    assert binom_cdf(k, n - 1, p) > 1 - c - 1e-12


@given(c=st.floats(0.5, 0.999), p=magnitudes(1e-9, 0.1))
@settings(max_examples=25)
def test_canary_vectorised_equals_elementwise(c, p):
    ks = np.array([[0], [1], [3]])
    rates = np.array([p, p / 2, min(0.5, 3 * p)])
    vec = ops.canary_sample_size(c, rates, ks)
    assert vec.shape == (3, 3) and vec.dtype == np.int64
    for i in range(3):
        for j in range(3):
            assert vec[i, j] == ops.canary_sample_size(c, rates[j], int(ks[i, 0]))


@given(p0=magnitudes(1e-6, 0.02), ratio=st.floats(1.5, 20.0))
@settings(max_examples=25)
def test_sequential_test_vectorised_and_saves_requests(p0, ratio):
    p1 = np.array([p0 * ratio, p0 * ratio * 2])
    vec = ops.sequential_test(p0, p1)
    for i in range(2):
        one = ops.sequential_test(p0, float(p1[i]))
        np.testing.assert_equal(vec[i].as_dict(), one.as_dict())  # nan (exact fields not asked) == nan
        # Wald: on average the sequential test needs fewer requests than the fixed one
        assert one.expected_requests_baseline < one.fixed_requests
        assert one.expected_requests_regressed < one.fixed_requests


def test_shadow_and_ensemble_vectorised_equal_elementwise():
    rates = np.array([1e-3, 1e-5])
    fractions = np.array([[0.01], [1.0]])
    vec = ops.shadow_duration(0.95, rates, "100 1/s", fractions)
    plan = ops.shadow_plan(0.95, rates, "100 1/s", fractions)
    for i in range(2):
        for j in range(2):
            one = ops.shadow_duration(0.95, rates[j], "100 1/s", fractions[i, 0])
            assert vec[i, j].m == one.m
            assert plan[i, j].as_dict() == ops.shadow_plan(0.95, rates[j], "100 1/s", fractions[i, 0]).as_dict()
    e = ops.ensemble_dependencies(np.array([3, 30]), heterogeneity=np.array([[0.2], [0.9]]))
    assert e[1, 0].as_dict() == ops.ensemble_dependencies(3, heterogeneity=0.9).as_dict()


# ---------------------------------------------------------------- bad input

def _toil(**kw):
    return dict(dict(models=10, **COSTS), **kw)


def _roi(**kw):
    return dict(dict(models=10, **PLATFORM, **COSTS), **kw)


def _even(**kw):
    return dict(dict(**PLATFORM, **COSTS), **kw)


def _shadow(**kw):
    return dict(dict(confidence=0.95, failure_rate=1e-3, request_rate="10 1/s"), **kw)


# (function, kwargs, exception, parameter named): the shared format of tests/_helpers.py
BAD = [
    *[(fn, _toil(**kw), exc, names) for fn in (ops.toil_cost, ops.toil_breakdown) for kw, exc, names in [
        (dict(alert_cost=5000), UnitError, "alert_cost"),                   # bare number
        (dict(deploy_cost="2000 USD"), UnitError, "deploy_cost"),            # money, not money per time
        (dict(dependency_cost="1 GB/s"), UnitError, "dependency_cost"),          # wrong dimension
        (dict(alert_cost="-1 USD/year"), DomainError, "alert_cost"),        # negative
        (dict(deploy_cost=Q_(np.nan, "USD/year")), DomainError, "deploy_cost"),
        (dict(models=0), DomainError, "models"),                        # below 1
        (dict(models=2.5), DomainError, "models"),                      # not whole
        (dict(models="10 s"), UnitError, "models"),                     # count with units
        (dict(heterogeneity=1.5), DomainError, "heterogeneity"),               # fraction above 1
        (dict(heterogeneity=-0.1), DomainError, "heterogeneity"),
    ]],
    (ops.platform_roi, _roi(platform_cost=500000), UnitError, "platform_cost"),
    (ops.platform_roi, _roi(platform_cost="500000 USD"), UnitError, "platform_cost"),
    (ops.platform_roi, _roi(toil_reduction=1.2), DomainError, "toil_reduction"),
    (ops.platform_roi, _roi(platform_cost="inf USD/year"), DomainError, "platform_cost"),
    (ops.platform_roi, _roi(models=np.array([1, -3])), DomainError, "models"),
    (ops.break_even_models, _even(platform_cost="500000 USD"), UnitError, "platform_cost"),
    (ops.break_even_models, _even(platform_cost="-1 USD/year"), DomainError, "platform_cost"),
    (ops.break_even_models, _even(toil_reduction=np.nan), DomainError, "toil_reduction"),
    (ops.break_even_models, _even(toil_reduction="0.8"), UnitError, "toil_reduction"),
    (ops.break_even_models, _even(alert_cost="5000 1/s"), UnitError, "alert_cost"),
    (ops.break_even_models, _even(heterogeneity=2.0), DomainError, "heterogeneity"),
    (ops.canary_sample_size, dict(confidence=1.0, failure_rate=1e-3), DomainError, "confidence"),    # open interval
    (ops.canary_sample_size, dict(confidence=0.0, failure_rate=1e-3), DomainError, "confidence"),
    (ops.canary_sample_size, dict(confidence=95, failure_rate=1e-3), DomainError, "confidence"),     # percent, not fraction
    (ops.canary_sample_size, dict(confidence=0.95, failure_rate=0.0), DomainError, "failure_rate"),
    (ops.canary_sample_size, dict(confidence=0.95, failure_rate=np.array([1e-3, np.nan])), DomainError, "failure_rate"),
    (ops.canary_sample_size, dict(confidence=0.95, failure_rate="1e-3 1/s"), UnitError, "failure_rate"),
    (ops.canary_sample_size, dict(confidence=0.95, failure_rate=1e-3, allowed_failures=-1), DomainError, "allowed_failures"),
    (ops.canary_sample_size, dict(confidence=0.95, failure_rate=1e-3, allowed_failures=0.5), DomainError, "allowed_failures"),
    (ops.shadow_duration, _shadow(request_rate=10), UnitError, "request_rate"),
    (ops.shadow_duration, _shadow(request_rate="10 GB/s"), UnitError, "request_rate"),
    (ops.shadow_duration, _shadow(request_rate="0 1/s"), DomainError, "request_rate"),
    (ops.shadow_duration, _shadow(traffic_fraction=0.0), DomainError, "traffic_fraction"),
    (ops.shadow_duration, _shadow(traffic_fraction=1.1), DomainError, "traffic_fraction"),
    (ops.shadow_duration, _shadow(confidence=1.0), DomainError, "confidence"),
    (ops.shadow_plan, _shadow(release_cycle=7), UnitError, "release_cycle"),
    (ops.shadow_plan, _shadow(release_cycle="0 day"), DomainError, "release_cycle"),
    (ops.shadow_plan, _shadow(request_rate="-5 1/s"), DomainError, "request_rate"),
    (ops.shadow_plan, _shadow(traffic_fraction=np.array([0.5, 0.0])), DomainError, "traffic_fraction"),
    (ops.sequential_test, dict(baseline_rate=1e-3, regressed_rate=1e-4), DomainError, "regressed_rate"),  # p1 must exceed p0
    (ops.sequential_test, dict(baseline_rate=1e-3, regressed_rate=1e-3), DomainError, "regressed_rate"),
    (ops.sequential_test, dict(baseline_rate=0.0, regressed_rate=1e-3), DomainError, "baseline_rate"),
    (ops.sequential_test, dict(baseline_rate=1e-4, regressed_rate=1e-3, alpha=0.6, beta=0.5), DomainError, "alpha"),
    (ops.sequential_test, dict(baseline_rate=1e-4, regressed_rate=1e-3, alpha=1.0), DomainError, "alpha"),
    (ops.sequential_test, dict(baseline_rate="1e-4 1/s", regressed_rate=1e-3), UnitError, "baseline_rate"),
    (ops.ensemble_dependencies, dict(models=0), DomainError, "models"),
    (ops.ensemble_dependencies, dict(models=3.5), DomainError, "models"),
    (ops.ensemble_dependencies, dict(models=5, heterogeneity=1.1), DomainError, "heterogeneity"),
    (ops.ensemble_dependencies, dict(models=5, releases_per_model=-1), DomainError, "releases_per_model"),
    (ops.ensemble_dependencies, dict(models="5 s"), UnitError, "models"),
]


@pytest.mark.parametrize("row", rows(BAD), ids=lambda r: r.id)
def test_bad_input(row):
    check_row(row)


def test_bad_input_message_names_parameter():
    with pytest.raises(UnitError, match="platform_cost.*money per time"):
        ops.platform_roi(10, **dict(PLATFORM, platform_cost="500000 USD"), **COSTS)
    with pytest.raises(DomainError, match="regressed_rate.*at index \\(1,\\)"):
        ops.sequential_test(1e-3, np.array([1e-2, 1e-4]))


def test_positional_costs_are_rejected():
    with pytest.raises(TypeError):
        ops.toil_cost(10, "5000 USD/year", "2000 USD/year", "1000 USD/year")
