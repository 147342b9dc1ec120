"""mlsysim.models.checkpoint, expected runtime and its waste breakdown: known answers, properties, Monte Carlo, regimes."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from _helpers import check_row, rows
from mlsysim import Q_, DomainError, UnitError
from mlsysim.models import checkpoint as ck
from mlsysim.testing import magnitudes, quantities

# ============================================================ known answers (hand calculations)


def test_expected_runtime_known_answer():
    # 1000 h of work, tau = 1 h, delta = 2 min, M = 4 h, R = 10 min:
    # 1000 x 4 h x e^{1/24} x expm1(3720/14400) = 4000 h x 1.0425469 x 0.2947704 = 1229.248 h
    out = ck.expected_runtime("1000 h", "1 h", "2 min", "4 h", "10 min")
    assert out.to("h").m == pytest.approx(1229.248, rel=2e-6)


def test_expected_runtime_keeps_digits_when_failures_are_rare():
    # M = 1e12 s, tau = 1 s, delta = 0: E = W (1 + tau/(2M) + ...) = 3600 (1 + 5e-13)
    out = ck.expected_runtime("1 h", "1 s", "0 s", Q_(1e12, "s"))
    assert (out.m - 3600.0) / 3600.0 == pytest.approx(5e-13, rel=1e-3)


def test_whole_segments_known_answer():
    # W = 2.5 h, tau = 1 h, delta = 0.1 h, M = 10 h, R = 0:
    # whole: 2 x 10 expm1(0.11) + 10 expm1(0.06) = 2 x 1.1627807 + 0.6183655 = 2.9439269 h
    # smooth (formerly the default, "fractional"): 2.5 x 1.1627807 = 2.9069518 h
    whole = ck.expected_runtime("2.5 h", "1 h", "0.1 h", "10 h")  # the default
    frac = ck.expected_runtime("2.5 h", "1 h", "0.1 h", "10 h", segments="smooth")
    assert whole.to("h").m == pytest.approx(2.9439269, rel=1e-7)
    assert frac.to("h").m == pytest.approx(2.9069518, rel=1e-7)
    # when tau divides W the two agree: 3 h of work in 1 h segments
    a = ck.expected_runtime("3 h", "1 h", "0.1 h", "10 h", segments="whole")
    b = ck.expected_runtime("3 h", "1 h", "0.1 h", "10 h", segments="smooth")
    assert a.m == pytest.approx(b.m, rel=1e-14)
    w = ck.waste_breakdown("2.5 h", "1 h", "0.1 h", "10 h", segments="whole")
    assert w.segments == 3.0 and w.total.to("h").m == pytest.approx(2.9439269, rel=1e-7)
    assert w.checkpointing.to("h").m == pytest.approx(0.3)


def test_waste_at_the_optimum_equals_tau_over_m():
    # at the optimum (1 - y) e^{y + d} = 1, so expm1(y + d) = y/(1 - y) and waste = 1 - y/expm1 = y
    tau = ck.optimal_interval("5 min", "4 h")
    w = ck.waste_breakdown("30 day", tau, "5 min", "4 h", segments="smooth")
    assert w.waste_fraction == pytest.approx((tau / Q_(4, "h")).to("").m, rel=1e-12)


def test_waste_breakdown_known_parts():
    # tau = 1 h, delta = 0.1 h, M = 10 h, R = 0.5 h, W = 10 h (10 segments); x = 0.11
    # rework/segment = M (expm1(x) - x) = 10 x 0.0062781 = 0.062781 h
    # restart/segment = M expm1(x) expm1(R/M) = 10 x 0.1162781 x 0.0512711 = 0.0596171 h
    w = ck.waste_breakdown("10 h", "1 h", "0.1 h", "10 h", "0.5 h")
    assert w.useful.to("h").m == pytest.approx(10.0)
    assert w.checkpointing.to("h").m == pytest.approx(1.0)
    assert w.rework.to("h").m == pytest.approx(0.62781, rel=1e-4)
    assert w.restart.to("h").m == pytest.approx(0.596171, rel=1e-5)
    assert w.failures == pytest.approx(w.total.to("h").m / 10.0)
    bars = w.waterfall()
    assert [b[0] for b in bars] == ["useful", "checkpointing", "rework", "restart"]
    assert bars[-1][2].to("h").m == pytest.approx(w.total.to("h").m, rel=1e-15)
    text = str(w)
    assert "WasteBreakdown" in text and "rework" in text and "waste_fraction" in text


# ============================================================ properties


@given(magnitudes(1e-8, 1.0), magnitudes(1e-3, 10.0), magnitudes(1.0, 1e6))
def test_expected_runtime_convex_with_minimum_at_optimal_interval(d, r, m):
    mtbf, delta, restart = Q_(m, "s"), Q_(d * m, "s"), Q_(r * m, "s")
    tau = ck.optimal_interval(delta, mtbf, restart)
    factors = np.array([0.5, 0.8, 0.95, 0.999, 1.0, 1.001, 1.05, 1.25, 2.0])
    taus = np.minimum(tau.m * factors, 50 * m)
    e = ck.expected_runtime(Q_(1e3 * m, "s"), Q_(taus, "s"), delta, mtbf, restart, segments="smooth").m
    assert np.all(e >= e[4] * (1 - 1e-13))  # minimum at the optimum
    # convexity: on any three points, the middle lies below the chord
    t1, t2, t3 = taus[:-2], taus[1:-1], taus[2:]
    e1, e2, e3 = e[:-2], e[1:-1], e[2:]
    chord = e1 + (e3 - e1) * (t2 - t1) / (t3 - t1)
    assert np.all(e2 <= chord * (1 + 1e-12))


@given(quantities("h", 1.0, 1e4), magnitudes(1e-3, 3.0), magnitudes(0.0, 0.5), magnitudes(0.0, 0.5),
       st.sampled_from(["fractional", "whole"]))
def test_waste_parts_sum_to_the_total(mtbf, t, d, r, segments):
    m = mtbf.to("s").m
    tau, delta, restart = Q_(t * m, "s"), Q_(d * m, "s"), Q_(r * m, "s")
    work = Q_(7.3 * t * m, "s")
    w = ck.waste_breakdown(work, tau, delta, mtbf, restart, segments=segments)
    parts = w.useful + w.checkpointing + w.rework + w.restart
    assert parts.m == pytest.approx(w.total.m, rel=1e-15)
    total = ck.expected_runtime(work, tau, delta, mtbf, restart, segments=segments)
    assert w.total.m == pytest.approx(total.m, rel=1e-12)
    assert w.useful.m == pytest.approx(work.m, rel=1e-15)
    assert 0.0 <= w.waste_fraction < 1.0
    assert min(w.checkpointing.m, w.rework.m, w.restart.m) >= 0.0


# ============================================================ Monte Carlo


def _simulate(compute, delta, mtbf, restart, rng):
    """Simulate the failure process of expected_runtime for segments of compute time ``compute``.

    Returns per-segment (useful, checkpointing, rework, restart, failures).  Vectorised over
    segments; each loop round draws one attempt for every segment still running.
    """
    n = compute.size
    a = compute + delta
    rework = np.zeros(n)
    restarting = np.zeros(n)
    failures = np.zeros(n)
    active = np.arange(n)
    for _ in range(10_000):
        if active.size == 0:
            break
        x = rng.exponential(mtbf, active.size)
        failed = x < a[active]
        idx = active[failed]
        rework[idx] += x[failed]
        failures[idx] += 1
        # each failure triggers a restart, itself interrupted by failures
        pending = idx
        while pending.size:
            y = rng.exponential(mtbf, pending.size)
            ok = y >= restart
            restarting[pending[ok]] += restart
            restarting[pending[~ok]] += y[~ok]
            failures[pending[~ok]] += 1
            pending = pending[~ok]
        active = idx
    else:  # pragma: no cover
        raise AssertionError("simulation did not finish")
    return compute, np.full(n, delta), rework, restarting, failures


def test_monte_carlo_agrees_with_expected_runtime_and_its_parts():
    rng = np.random.default_rng(20240507)
    mtbf, tau, delta, restart = 1.0, 0.5, 0.1, 0.2  # hours; a third of attempts fail
    n = 200_000
    useful, ckpt, rework, rest, failures = _simulate(np.full(n, tau), delta, mtbf, restart, rng)
    total = useful + ckpt + rework + rest
    w = ck.waste_breakdown(Q_(tau, "h"), Q_(tau, "h"), Q_(delta, "h"), Q_(mtbf, "h"), Q_(restart, "h"))
    # one segment: e^{0.2} expm1(0.6) h = 1.2214028 x 0.8221188 = 1.0041376 h
    assert w.total.to("h").m == pytest.approx(1.0041376, rel=1e-6)
    for sample, expected in ((total, w.total), (rework, w.rework), (rest, w.restart)):
        se = sample.std(ddof=1) / np.sqrt(n)
        assert abs(sample.mean() - expected.to("h").m) < 4 * se
    se = failures.std(ddof=1) / np.sqrt(n)
    assert abs(failures.mean() - w.failures) < 4 * se


def test_monte_carlo_whole_segments_with_a_partial_last_one():
    rng = np.random.default_rng(7)
    mtbf, tau, delta, restart, work = 2.0, 0.5, 0.05, 0.1, 2.3  # 4 segments of 0.5 h and one of 0.3 h
    jobs = 40_000
    compute = np.tile([0.5, 0.5, 0.5, 0.5, 0.3], jobs)
    parts = _simulate(compute, delta, mtbf, restart, rng)
    per_job = sum(parts[:4]).reshape(jobs, 5).sum(axis=1)
    expected = ck.expected_runtime(Q_(work, "h"), Q_(tau, "h"), Q_(delta, "h"), Q_(mtbf, "h"), Q_(restart, "h"),
                                   segments="whole").to("h").m
    se = per_job.std(ddof=1) / np.sqrt(jobs)
    assert abs(per_job.mean() - expected) < 4 * se


# ============================================================ regimes


def test_overflow_is_inf_not_nan():
    out = ck.expected_runtime("1 h", "1000 h", "0 s", "1 h", segments="smooth")
    assert out.m == np.inf
    w = ck.waste_breakdown("1 h", "1000 h", "0 s", "1 h", segments="smooth")
    assert w.total.m == np.inf and w.waste_fraction == 1.0
    assert ck.optimal_interval("1e6 s", "1 s").m == pytest.approx(1.0)  # the limit tau -> M


@pytest.mark.parametrize("interval", ["700 h", "1000 h", "1e9 h"])
def test_whole_segments_longer_than_the_job_are_one_short_segment(interval):
    # work 1 h < interval: the whole job is one segment of 1 h, so
    # E = M expm1((W + delta)/M) = 1 h x (e - 1) = 6185.81 s, whatever the interval.
    expected = 3600 * np.expm1(1.0)
    assert ck.expected_runtime("1 h", interval, "0 s", "1 h", segments="whole").to("s").m == pytest.approx(
        expected, rel=1e-12)
    w = ck.waste_breakdown("1 h", interval, "0 s", "1 h", segments="whole")
    assert w.total.to("s").m == pytest.approx(expected, rel=1e-12)
    assert np.isfinite(w.waste_fraction)


# ============================================================ bad input


# (function, kwargs, exception, parameter named): the shared format of tests/_helpers.py
BAD = [
    (ck.expected_runtime, dict(work="1 h", interval="0 s", write_time="1 s", mtbf="1 h"), DomainError, "interval"),
    (ck.expected_runtime, dict(work="1 h", interval="1 h", write_time="nan s", mtbf="1 h"), DomainError, "write_time"),
    (ck.expected_runtime, dict(work="1 h", interval="1 h", write_time="1 s", mtbf="1 h", segments="half"),
     DomainError, "segments"),
    (ck.waste_breakdown, dict(work="0 h", interval="1 h", write_time="1 s", mtbf="1 h"), DomainError, "work"),
    (ck.optimal_segments, dict(work="1 h", write_time="0 s", mtbf="1 h"), DomainError, "write_time"),
    (ck.optimal_segments, dict(work=3600, write_time="1 s", mtbf="1 h"), UnitError, "work"),
    (ck.waste_breakdown, dict(work="1 h", interval="1 h", write_time="1 s", mtbf=None), UnitError, "mtbf"),
]


@pytest.mark.parametrize("row", rows(BAD), ids=lambda r: r.id)
def test_bad_input(row):
    check_row(row)
