"""canary_sample_size against exact arithmetic; sequential_test's true operating characteristic
against event-driven Monte Carlo simulations written from the test's definition."""

import mpmath
import numpy as np
import pytest

import mlsysim
from mlsysim.models import ops


def exact_zero_failure(c, p):
    mpmath.mp.dps = 60
    return max(int(mpmath.ceil(mpmath.log(1 - mpmath.mpf(c)) / mpmath.log(1 - mpmath.mpf(p)))), 1)


def exact_tail(n, k, p):
    mpmath.mp.dps = 60
    p = mpmath.mpf(p)
    return mpmath.fsum(mpmath.binomial(n, i) * p**i * (1 - p) ** (n - i) for i in range(k + 1))


class TestCanaryExact:
    @pytest.mark.parametrize("c, p", [(0.95, 1e-15), (0.95, 1e-14), (0.99, 6e-16), (0.5, 1e-13), (0.999, 7e-15)])
    def test_tiny_rates_zero_failures(self, c, p):
        n = ops.canary_sample_size(c, p)
        assert n == exact_zero_failure(c, p)

    def test_issue_example_was_one_short(self):
        # ln(0.05)/ln(1 - 1e-15) = 2995732273553988.6...: 2,995,732,273,553,989 requests
        assert ops.canary_sample_size(0.95, 1e-15) == 2995732273553989

    def test_random_against_mpmath(self):
        rng = np.random.default_rng(11)
        c = np.concatenate([rng.uniform(0.01, 0.99, 60), rng.choice([0.9, 0.95, 0.99], 60)])
        p = 10 ** rng.uniform(-15, -0.5, 120)  # n up to ln(100) 1e15 < 2**53
        got = ops.canary_sample_size(c, p)
        for ci, pi, ni in zip(c, p, got):
            assert ni == exact_zero_failure(ci, pi)

    def test_exact_whole_ratio(self):
        # (1 - 0.5)^3 = 0.125 = 1 - 0.875 exactly: n = 3, not 4
        assert ops.canary_sample_size(0.875, 0.5) == 3

    @pytest.mark.parametrize("k", [1, 2, 5, 20])
    def test_allowed_failures_against_mpmath(self, k):
        rng = np.random.default_rng(k)
        c = rng.uniform(0.5, 0.999, 12)
        p = 10 ** rng.uniform(-14, -1, 12)
        got = ops.canary_sample_size(c, p, allowed_failures=k)
        for ci, pi, ni in zip(c, p, got):
            t = 1 - mpmath.mpf(ci)
            assert exact_tail(int(ni), k, pi) <= t < exact_tail(int(ni) - 1, k, pi), (ci, pi, ni)

    def test_large_k_and_large_p(self):
        # incomplete-beta path: k > 64 or p > 0.25
        for c, p, k in [(0.95, 1e-3, 100), (0.9, 0.3, 3)]:
            n = int(ops.canary_sample_size(c, p, allowed_failures=k))
            t = 1 - mpmath.mpf(c)
            assert exact_tail(n, k, p) <= t < exact_tail(n - 1, k, p)

    def test_warns_beyond_2_to_53(self):
        with pytest.warns(mlsysim.RegimeWarning):
            ops.canary_sample_size(0.95, 1e-16)


def sprt_event_mc(p0, p1, alpha, beta, p, trials, seed):
    """Wald's SPRT run failure by failure: successes between failures lower the log-likelihood ratio
    by ln((1-p1)/(1-p0)) each, a failure raises it by ln(p1/p0); stop at ln A or ln B."""
    rng = np.random.default_rng(seed)
    la, lb = np.log((1 - beta) / alpha), np.log(beta / (1 - alpha))
    wf, wo = np.log(p1 / p0), np.log((1 - p1) / (1 - p0))
    n = np.zeros(trials)
    f = np.zeros(trials)
    done = np.zeros(trials, dtype=bool)
    rejected = np.zeros(trials, dtype=bool)
    while not done.all():
        gap = rng.geometric(p, trials).astype(float)  # the next failure is request n + gap
        llr = f * wf + (n - f) * wo
        # successes j = 1 .. gap - 1: the first j with llr + j wo <= ln B (checked on the walk itself)
        j = np.maximum(np.ceil((lb - llr) / wo), 1.0)
        j = np.where(llr + (j - 1) * wo <= lb, j - 1, j)
        j = np.where(llr + j * wo <= lb, j, j + 1)
        accept = ~done & (j <= gap - 1)
        n = np.where(accept, n + j, n)
        done = done | accept
        go = ~done
        n = np.where(go, n + gap, n)
        f = np.where(go, f + 1, f)
        hit = go & (f * wf + (n - f) * wo >= la)
        rejected = rejected | hit
        done = done | hit
    return rejected, n


def sprt_request_mc(p0, p1, alpha, beta, p, trials, seed):
    """The same test request by request (no jumps), for small sample sizes."""
    rng = np.random.default_rng(seed)
    la, lb = np.log((1 - beta) / alpha), np.log(beta / (1 - alpha))
    wf, wo = np.log(p1 / p0), np.log((1 - p1) / (1 - p0))
    llr = np.zeros(trials)
    n = np.zeros(trials)
    live = np.ones(trials, dtype=bool)
    rejected = np.zeros(trials, dtype=bool)
    while live.any():
        step = np.where(rng.random(trials) < p, wf, wo)
        llr = np.where(live, llr + step, llr)
        n = n + live
        up, down = live & (llr >= la), live & (llr <= lb)
        rejected |= up
        live &= ~(up | down)
    return rejected, n


class TestSequentialExact:
    def test_issue_example_against_event_simulation(self):
        t = ops.sequential_test(1e-4, 1e-3, exact=True)
        for p, rate, mean in [(1e-3, 1 - t.miss_rate, t.exact_requests_regressed),
                              (1e-4, t.alarm_rate, t.exact_requests_baseline)]:
            rej, n = sprt_event_mc(1e-4, 1e-3, 0.05, 0.05, p, 200_000, seed=5)
            assert abs(rej.mean() - rate) < 4.5 * np.sqrt(rate * (1 - rate) / rej.size)
            assert abs(n.mean() - mean) < 4.5 * n.std() / np.sqrt(n.size)
        # Wald's E1[n] is 24 % low and the miss rate is above beta
        assert t.miss_rate > 0.05
        assert t.expected_requests_regressed / t.exact_requests_regressed == pytest.approx(0.763, abs=0.003)

    @pytest.mark.parametrize("p0, p1, alpha, beta", [(0.02, 0.1, 0.05, 0.1), (0.1, 0.2, 0.1, 0.1)])
    def test_small_tests_against_request_by_request_simulation(self, p0, p1, alpha, beta):
        t = ops.sequential_test(p0, p1, alpha=alpha, beta=beta, exact=True)
        for p, rate, mean in [(p0, t.alarm_rate, t.exact_requests_baseline),
                              (p1, 1 - t.miss_rate, t.exact_requests_regressed)]:
            rej, n = sprt_request_mc(p0, p1, alpha, beta, p, 100_000, seed=9)
            assert abs(rej.mean() - rate) < 4.5 * np.sqrt(rate * (1 - rate) / rej.size)
            assert abs(n.mean() - mean) < 4.5 * n.std() / np.sqrt(n.size)

    def test_vectorised_matches_elementwise(self):
        p0, p1 = np.array([1e-4, 0.02]), np.array([1e-3, 0.1])
        both = ops.sequential_test(p0, p1, exact=True)
        for i in range(2):
            one = ops.sequential_test(p0[i], p1[i], exact=True)
            assert both.miss_rate[i] == pytest.approx(one.miss_rate, rel=1e-12)
            assert both.exact_requests_baseline[i] == pytest.approx(one.exact_requests_baseline, rel=1e-12)

    def test_not_computed_by_default(self):
        t = ops.sequential_test(1e-4, 1e-3)
        assert np.isnan(t.alarm_rate) and np.isnan(t.exact_requests_regressed)
        with pytest.raises(mlsysim.DomainError, match="exact"):
            ops.sequential_test(1e-4, 1e-3, exact="yes")

    def test_refuses_a_table_beyond_memory(self):
        # p1 = 1.01 p0 at 1e-7: a window of ~6e9 requests
        with pytest.raises(mlsysim.DomainError, match="exact"):
            ops.sequential_test(1e-7, 1.01e-7, exact=True)
