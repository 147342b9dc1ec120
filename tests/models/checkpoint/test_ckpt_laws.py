"""mlsysim.models.checkpoint failure laws and fits: Exponential, Weibull, fit_failures.

Oracles: mpmath's gamma function, numerical differentiation of the survival function,
scipy.stats.weibull_min.fit and a direct numerical maximisation of the censored likelihood,
the closed-form censored exponential MLE, and the asymptotic variance of the Weibull shape MLE
(6 k^2 / (pi^2 n), Lawless 2003).
"""

import pickle

import mpmath
import numpy as np
import pytest

from _helpers import check_row, rows
from mlsysim import Q_, DomainError, UnitError
from mlsysim.models import checkpoint as ck

H = 3600.0


# ============================================================ laws


@pytest.mark.parametrize("k", [0.5, 0.7, 1.0, 1.5, 3.0])
def test_weibull_scale_is_the_mean_over_gamma(k):
    law = ck.Weibull(k, "4 h")
    expected = 4.0 / float(mpmath.gamma(1 + mpmath.mpf(1) / k))
    assert law.scale.to("h").m == pytest.approx(expected, rel=1e-13)
    # S(lambda) = e^-1 for every shape
    assert law.survival(law.scale) == pytest.approx(np.exp(-1.0), rel=1e-13)


@pytest.mark.parametrize("k", [0.7, 1.0, 2.0])
def test_hazard_is_minus_the_derivative_of_log_survival(k):
    law = ck.Weibull(k, "3 h")
    t = np.array([0.1, 1.0, 5.0]) * H
    h = 1e-4 * t
    log_s = lambda x: np.log(law.survival(Q_(x, "s")))
    numeric = -(log_s(t + h) - log_s(t - h)) / (2 * h)
    np.testing.assert_allclose(law.hazard(Q_(t, "s")).to("1/s").m, numeric, rtol=1e-6)


def test_exponential_is_memoryless_and_weibull_one_is_exponential():
    e, w = ck.Exponential("4 h"), ck.Weibull(1, "4 h")
    assert e.shape == 1.0 and e.scale == Q_(4, "h")
    assert e.hazard("1 h").to("1/h").m == pytest.approx(0.25, rel=1e-15)
    assert e.hazard("100 h").to("1/h").m == pytest.approx(0.25, rel=1e-15)
    assert w.survival("3 h") == e.survival("3 h") == pytest.approx(np.exp(-0.75), rel=1e-15)
    np.testing.assert_array_equal(e.sample(7, 100).m, w.sample(7, 100).m)


def test_samples_have_the_stated_mean():
    law = ck.Weibull(0.7, "4 h")
    x = law.sample(np.random.default_rng(0), 200_000).to("h").m
    se = x.std(ddof=1) / np.sqrt(x.size)
    assert abs(x.mean() - 4.0) < 4 * se
    # the median: lambda (ln 2)^(1/k)
    assert np.median(x) == pytest.approx(law.scale.to("h").m * np.log(2) ** (1 / 0.7), rel=0.02)


@pytest.mark.parametrize("k", [0.7, 1.0, 2.0])
def test_residual_life_has_the_inspection_paradox_mean(k):
    # forward recurrence time of a stationary renewal process: E[X^2] / (2 E[X])
    # = lambda Gamma(1 + 2/k) / (2 Gamma(1 + 1/k)); for k = 1 that is M itself
    law = ck.Weibull(k, "4 h")
    lam = 4.0 / float(mpmath.gamma(1 + mpmath.mpf(1) / k))
    expected = lam * float(mpmath.gamma(1 + mpmath.mpf(2) / k)) / (2 * float(mpmath.gamma(1 + mpmath.mpf(1) / k)))
    x = law.sample_residual(np.random.default_rng(1), 100_000).to("h").m
    assert abs(x.mean() - expected) < 4 * x.std(ddof=1) / np.sqrt(x.size)
    if k == 1.0:
        assert expected == pytest.approx(4.0)


def test_a_decreasing_hazard_below_shape_one():
    law = ck.Weibull(0.7, "4 h")
    rates = law.hazard(Q_([0.1, 1.0, 10.0], "h")).to("1/h").m
    assert rates[0] > rates[1] > rates[2]


def test_laws_pickle_and_compare():
    for law in (ck.Exponential("4 h"), ck.Weibull(0.7, "90 min")):
        assert pickle.loads(pickle.dumps(law)) == law


@pytest.mark.parametrize("make, error", [
    (lambda: ck.Exponential(4.0), UnitError),
    (lambda: ck.Exponential("4 GB"), UnitError),
    (lambda: ck.Exponential("0 h"), DomainError),
    (lambda: ck.Exponential(Q_([1.0, 2.0], "h")), UnitError),
    (lambda: ck.Weibull(0, "4 h"), DomainError),
    (lambda: ck.Weibull(float("nan"), "4 h"), DomainError),
    (lambda: ck.Weibull("0.7", "4 h"), UnitError),
    (lambda: ck.Weibull(np.array([0.7, 1.0]), "4 h"), UnitError),
    (lambda: ck.Weibull(0.7, "-4 h"), DomainError),
])
def test_laws_reject_bad_input(make, error):
    with pytest.raises(error, match="Exponential|Weibull"):
        make()


# ============================================================ fits


@pytest.mark.parametrize("k", [0.7, 1.0])
def test_fit_recovers_a_known_shape(k):
    n = 2000
    law = ck.Weibull(k, "5 h")
    x = law.sample(np.random.default_rng(int(k * 10)), n)
    fit = ck.fit_failures(x)
    # asymptotic standard error of the shape MLE: sqrt(6/pi^2) k / sqrt(n) (complete samples)
    se = np.sqrt(6 / np.pi**2) * k / np.sqrt(n)
    assert abs(fit.weibull.shape - k) < 4 * se
    assert fit.shape_standard_error == pytest.approx(se, rel=0.1)
    assert fit.weibull.mtbf.to("h").m == pytest.approx(5.0, rel=0.1)
    assert fit.exponential.mtbf.to("s").m == pytest.approx(x.to("s").m.mean(), rel=1e-12)
    assert fit.observations == n and fit.failures == n
    if k == 0.7:
        assert fit.preferred == "weibull" and fit.law is fit.weibull and fit.p_value < 1e-6


def test_fit_agrees_with_scipy_on_complete_data():
    from scipy.stats import weibull_min

    x = ck.Weibull(0.8, "2 h").sample(3, 500)
    fit = ck.fit_failures(x)
    c, _, scale = weibull_min.fit(x.to("h").m, floc=0)  # a general-purpose optimiser: close, not exact
    assert fit.weibull.shape == pytest.approx(c, rel=1e-4)
    assert fit.weibull.scale.to("h").m == pytest.approx(scale, rel=1e-4)
    # log-likelihoods with densities per second; ours is at least as high as scipy's optimum
    ll = weibull_min.logpdf(x.to("s").m, fit.weibull.shape, 0, fit.weibull.scale.to("s").m).sum()
    assert fit.weibull_log_likelihood == pytest.approx(ll, rel=1e-10)
    assert ll >= weibull_min.logpdf(x.to("s").m, c, 0, scale * H).sum() - 1e-9
    m = x.to("s").m.mean()
    assert fit.exponential_log_likelihood == pytest.approx(np.sum(-np.log(m) - x.to("s").m / m), rel=1e-12)
    assert fit.likelihood_ratio == pytest.approx(2 * (fit.weibull_log_likelihood - fit.exponential_log_likelihood))
    assert fit.weibull_aic - fit.exponential_aic == pytest.approx(2 - fit.likelihood_ratio)


def test_censored_exponential_mle_is_total_time_over_failures():
    # 4 failures after 2, 3, 7 and 4 h, then 6 h without one (censored): M = 22 h / 4 = 5.5 h
    fit = ck.fit_failures(Q_([2, 3, 7, 4, 6], "h"), censored_last=True)
    assert fit.exponential.mtbf.to("h").m == pytest.approx(5.5, rel=1e-14)
    assert fit.failures == 4 and fit.observations == 5 and fit.total_time.to("h").m == pytest.approx(22)
    # the same with an explicit mask, and a mask anywhere
    mask = np.array([False, False, False, False, True])
    assert ck.fit_failures(Q_([2, 3, 7, 4, 6], "h"), censored=mask).exponential == fit.exponential
    other = ck.fit_failures(Q_([6, 2, 3, 7, 4], "h"), censored=mask[::-1])
    assert other.exponential.mtbf.to("h").m == pytest.approx(5.5, rel=1e-14)
    # l = -d ln M - d, with M in seconds
    assert fit.exponential_log_likelihood == pytest.approx(-4 * np.log(5.5 * H) - 4, rel=1e-13)


def test_censored_weibull_mle_maximises_the_censored_likelihood():
    from scipy.optimize import minimize

    rng = np.random.default_rng(5)
    x = ck.Weibull(0.75, "3 h").sample(rng, 300).to("h").m
    cens = rng.random(300) < 0.3
    t = np.where(cens, x * rng.random(300), x)  # censored times end before the failure would have
    fit = ck.fit_failures(Q_(t, "h"), censored=cens)

    def nll(p):  # independent: direct log-likelihood in hours, log-parameters
        k, lam = np.exp(p)
        z = t / lam
        return -(np.sum(np.log(k / lam) + (k - 1) * np.log(z[~cens])) - np.sum(z**k))

    best = minimize(nll, [0.0, np.log(t.mean())], method="Nelder-Mead",
                    options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 4000})
    k, lam = np.exp(best.x)
    assert fit.weibull.shape == pytest.approx(k, rel=1e-5)
    assert fit.weibull.scale.to("h").m == pytest.approx(lam, rel=1e-5)
    # the censored fit differs from pretending the censored times were failures
    naive = ck.fit_failures(Q_(t, "h"))
    assert naive.exponential.mtbf < fit.exponential.mtbf


@pytest.mark.parametrize("args, kwargs, error", [
    ((Q_([1.0], "h"),), {}, DomainError),  # one failure
    ((Q_([1.0, 2.0], "h"),), {"censored_last": True}, DomainError),  # one failure left
    ((Q_([[1.0, 2.0, 3.0]], "h"),), {}, UnitError),
    ((Q_([1.0, 2.0, 0.0], "h"),), {}, DomainError),
    ((Q_([1.0, 2.0, 3.0], "GB"),), {}, UnitError),
    (([1.0, 2.0, 3.0],), {}, UnitError),
    ((Q_([2.0, 2.0, 2.0], "h"),), {}, DomainError),  # all equal: shape unbounded
    ((Q_([1.0, 2.0, 3.0], "h"),), {"censored": np.array([1, 0, 0])}, UnitError),
    ((Q_([1.0, 2.0, 3.0], "h"),), {"censored": np.array([True, False])}, DomainError),
])
def test_fit_failures_rejects_bad_input(args, kwargs, error):
    with pytest.raises(error, match="fit_failures"):
        ck.fit_failures(*args, **kwargs)


# (function, kwargs, exception, parameter named): the shared format of tests/_helpers.py
BAD = [
    (ck.fit_failures, dict(times_between_failures=Q_([1.0], "h")), DomainError, "times_between_failures"),
]


@pytest.mark.parametrize("row", rows(BAD), ids=lambda r: r.id)
def test_bad_input(row):
    check_row(row)
