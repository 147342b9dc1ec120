"""One-point fast paths give the array path's values exactly, far beyond the audit's ranges.

Several models evaluate a one-point call on Python floats (the same operations
in the same order) instead of 0-d arrays, which costs a fraction of the time.
The array path is the oracle: every element of a wide random draw, called on
its own, must give the array call's value bit for bit.
"""

import numpy as np
import pytest

from mlsysim import Q_
from mlsysim.models import checkpoint, ops
from mlsysim.models.checkpoint import _intervals, _runtime

RNG = np.random.default_rng(20261126)


def _log_uniform(lo, hi, n, zeros=0.0):
    x = 10.0 ** RNG.uniform(lo, hi, n)
    x[RNG.random(n) < zeros] = 0.0
    return x


def test_optimal_fraction_one_point_equals_array():
    d = np.concatenate([_log_uniform(-300, 3, 20000), [1e-300, 0.1, 1.0, np.nextafter(1.0, 0), 30.0, 30.5, 1e3]])
    want = _intervals._optimal_fraction(d)
    got = np.array([_intervals._optimal_fraction(x) for x in d])
    np.testing.assert_array_equal(got, want)


def test_expm1_minus_x_one_point_equals_array():
    x = np.concatenate([_log_uniform(-300, 2.8, 20000, zeros=0.01), [0.1, np.nextafter(0.1, 0), 700.0]])
    want = _runtime._expm1_minus_x(x)
    got = np.array([_runtime._expm1_minus_x(np.float64(v)) for v in x])
    np.testing.assert_array_equal(got, want)


def test_waste_breakdown_one_point_equals_array():
    n = 400
    work, tau = _log_uniform(1, 8, n), _log_uniform(1, 6, n)  # jobs shorter and longer than an interval
    w, m, r = _log_uniform(-1, 4, n), _log_uniform(2, 7, n), _log_uniform(-1, 4, n, zeros=0.2)
    arr = checkpoint.waste_breakdown(Q_(work, "s"), Q_(tau, "s"), Q_(w, "s"), Q_(m, "s"), Q_(r, "s"))
    for i in range(n):
        one = checkpoint.waste_breakdown(Q_(work[i], "s"), Q_(tau[i], "s"), Q_(w[i], "s"), Q_(m[i], "s"),
                                         Q_(r[i], "s"))
        for name in ("useful", "checkpointing", "rework", "restart", "total"):
            assert getattr(one, name).m == getattr(arr, name).m[i] or (
                np.isinf(getattr(one, name).m) and np.isinf(getattr(arr, name).m[i])), (name, i)


@pytest.mark.parametrize("seed", range(3))
def test_break_even_one_point_equals_array(seed):
    rng = np.random.default_rng(seed)
    n = 3000

    def cost(scale):
        x = 10.0 ** rng.uniform(-3, scale, n)
        x[rng.random(n) < 0.15] = 0.0  # terms switched off, and a free platform
        return x

    p, a, d, c = cost(12), cost(6), cost(6), cost(6)
    r, h = rng.uniform(0, 1, n), rng.uniform(0, 1, n)
    r[rng.random(n) < 0.05] = 0.0
    # and the float extremes: subnormal reductions (hypothesis found one) and vast platforms
    r[rng.random(n) < 0.05] = 10.0 ** rng.uniform(-322, -290)
    p[rng.random(n) < 0.05] = 10.0 ** rng.uniform(250, 300)
    h[rng.random(n) < 0.1] = 0.0
    u = "USD/year"
    arr = ops.break_even_models(platform_cost=Q_(p, u), toil_reduction=r, alert_cost=Q_(a, u),
                                deploy_cost=Q_(d, u), dependency_cost=Q_(c, u), heterogeneity=h)
    for i in range(n):
        one = ops.break_even_models(platform_cost=Q_(p[i], u), toil_reduction=float(r[i]), alert_cost=Q_(a[i], u),
                                    deploy_cost=Q_(d[i], u), dependency_cost=Q_(c[i], u),
                                    heterogeneity=float(h[i]))
        assert one == arr[i], i


@pytest.mark.parametrize("seed", range(2))
def test_canary_one_point_equals_array(seed):
    rng = np.random.default_rng(100 + seed)
    n = 1200
    c = 1.0 - 10.0 ** rng.uniform(-12, np.log10(0.5), n)
    p = 10.0 ** rng.uniform(-12, np.log10(0.4), n)  # beyond 0.25: the incomplete-beta search
    k = np.floor(10.0 ** rng.uniform(0, 2.2, n)) - 1.0  # 0 .. ~160: beyond 64 as well
    arr = ops.canary_sample_size(c, p, allowed_failures=k)
    for i in range(n):
        assert ops.canary_sample_size(float(c[i]), float(p[i]), allowed_failures=float(k[i])) == arr[i], i


def test_sequential_test_one_point_equals_array():
    rng = np.random.default_rng(7)
    n = 600
    p0 = 10.0 ** rng.uniform(-8, np.log10(0.3), n)
    p1 = np.minimum(p0 * 10.0 ** rng.uniform(0.05, 2.5, n), 0.9)  # close to and far from the baseline
    a, b = rng.uniform(0.001, 0.3, n), rng.uniform(0.001, 0.3, n)
    arr = ops.sequential_test(p0, p1, alpha=a, beta=b)
    for i in range(n):
        one = ops.sequential_test(float(p0[i]), float(p1[i]), alpha=float(a[i]), beta=float(b[i]))
        for name in ("fixed_requests", "fixed_allowed_failures", "upper_boundary", "lower_boundary",
                     "expected_requests_baseline", "expected_requests_regressed", "savings_baseline"):
            assert getattr(one, name) == getattr(arr, name)[i], (name, i)


def test_erlang_c_and_mmc_wait_one_point_equal_array():
    from mlsysim.models import metadata

    n = 3000
    c = np.floor(10.0 ** RNG.uniform(0, 4, n))  # 1 to 10,000 servers: both Stirling branches
    a = c * RNG.uniform(0, 1.2, n)  # light, heavy and unstable loads
    a[RNG.random(n) < 0.05] = 0.0
    mu = 10.0 ** RNG.uniform(1, 4, n)
    erlang = metadata.erlang_c(a, c)
    wait = metadata.mmc_wait_time(Q_(a * mu, "1/s"), Q_(mu, "1/s"), c)
    for i in range(n):
        assert metadata.erlang_c(float(a[i]), float(c[i])) == erlang[i], i
        one = metadata.mmc_wait_time(Q_(a[i] * mu[i], "1/s"), Q_(mu[i], "1/s"), float(c[i])).m
        assert one == wait.m[i] or (np.isinf(one) and np.isinf(wait.m[i])), i
