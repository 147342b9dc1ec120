"""Checkpoint runtime, finite jobs and drain loss against an event-driven Monte Carlo and mpmath.

The oracle below is written from the failure model's description, not from the
formulas: each trial walks through compute, checkpoint copy, background drain,
failures and restarts event by event (vectorised over trials).
"""

import mpmath
import numpy as np
import pytest

from mlsysim.models import checkpoint as ck


def simulate(segments, delta, mtbf, restart, drain, trials, seed):
    """Wall-clock times of ``trials`` runs of a job (event-driven, all times in one unit).

    ``segments``: compute lengths of the job's segments, each followed by a
    checkpoint copy of ``delta`` that stops compute.  With ``drain > 0`` the
    copy lands in a staging buffer and becomes durable only ``drain`` later,
    while the next segment computes; a failure before that loses it.  The job
    ends when its last checkpoint is durable.  Failures: Poisson of mean gap
    ``mtbf`` at all times (compute, copy, drain, restart); a failure starts a
    restart of length ``restart`` (itself interruptible), after which compute
    resumes after the last durable checkpoint.
    """
    rng = np.random.default_rng(seed)
    seg = np.asarray(segments, dtype=float)
    n = len(seg)
    t = np.zeros(trials)
    durable = np.zeros(trials, dtype=np.int64)   # segments covered by a durable checkpoint
    taken = np.zeros(trials, dtype=np.int64)     # segments covered by the last checkpoint taken
    restarting = np.zeros(trials, dtype=bool)
    for _ in range(100_000):
        active = durable < n
        if not active.any():
            return t
        f = rng.exponential(mtbf, trials)
        pending = taken > durable  # a snapshot is draining
        # restart phase
        r = active & restarting
        ok = r & (f >= restart)
        t = np.where(r, t + np.where(ok, restart, f), t)
        restarting = np.where(ok, False, restarting)
        taken = np.where(ok, durable, taken)
        # final drain: everything computed, the last snapshot still draining
        fin = active & ~r & (taken == n)
        fin_ok = fin & (f >= drain)
        t = np.where(fin, t + np.where(fin_ok, drain, f), t)
        durable = np.where(fin_ok, n, durable)
        restarting = restarting | (fin & ~fin_ok)
        # a segment plus its checkpoint copy
        c = active & ~r & (taken < n)
        length = seg[np.minimum(taken, n - 1)] + delta
        c_ok = c & (f >= length)
        c_fail = c & ~c_ok
        t = np.where(c, t + np.where(c_ok, length, f), t)
        drained = pending & (np.where(c_ok, length, f) >= drain)  # the previous snapshot made it
        durable = np.where(c & drained, taken, durable)
        # success: a new snapshot (durable at once when blocking)
        taken = np.where(c_ok, taken + 1, taken)
        if drain == 0:
            durable = np.where(c_ok, taken, durable)
        restarting = restarting | c_fail
    raise AssertionError("simulation did not finish")


def close(samples, expected, z=4.5):
    mean = samples.mean()
    se = samples.std(ddof=1) / np.sqrt(samples.size)
    assert abs(mean - expected) < z * se + 1e-12 * abs(expected), (mean, expected, se)


class TestExpectedRuntimeFiniteJob:
    @pytest.mark.parametrize("work, interval", [(10.5, 4.0), (1.0, 10.0), (7.0, 1.0), (2.0, 0.7)])
    def test_whole_segments_default_matches_simulation(self, work, interval):
        # hours; MTBF 4 h, 2-minute copies, 10-minute restarts
        delta, mtbf, restart = 2 / 60, 4.0, 10 / 60
        full = int(np.floor(work / interval + 1e-12))
        segs = [interval] * full + ([work - full * interval] if work - full * interval > 1e-9 else [])
        times = simulate(segs, delta, mtbf, restart, 0.0, 40_000, seed=1)
        got = ck.expected_runtime(f"{work} h", f"{interval} h", "2 min", "4 h", "10 min").to("h").m
        close(times, got)

    def test_smooth_is_the_old_fractional(self):
        a = ck.expected_runtime("10.5 h", "4 h", "2 min", "4 h", segments="smooth")
        b = ck.expected_runtime("10.5 h", "4 h", "2 min", "4 h", segments="fractional")
        assert a == b

    def test_long_interval_is_finite(self):
        # a 1 h job at a 1e6 h interval is one 1 h segment: 4 h * expm1(62/240) = 1.17908 h
        got = ck.expected_runtime("1 h", "1e6 h", "2 min", "4 h").to("h").m
        assert got == pytest.approx(4 * np.expm1(62 / 240), rel=1e-12)

    def test_waste_fraction_tiny_keeps_digits(self):
        # 1 s writes on a 1e12 s MTBF, hourly: waste ~ 3e-4; at 1e-9 s writes and 1e15 s MTBF ~ 1e-12
        mpmath.mp.dps = 50
        for d, m, tau in [(1e-9, 1e15, 60.0), (1.0, 1e12, 3600.0)]:
            w = ck.waste_breakdown(f"{100 * tau} s", f"{tau} s", f"{d} s", f"{m} s")
            total = 100 * mpmath.mpf(m) * mpmath.expm1((mpmath.mpf(tau) + mpmath.mpf(d)) / mpmath.mpf(m))
            exact = 1 - 100 * mpmath.mpf(tau) / total
            assert float(exact) == pytest.approx(w.waste_fraction, rel=1e-10)


class TestOptimalSegments:
    @pytest.mark.parametrize("work_h", [0.2, 0.5, 2.5, 7.0, 33.3, 200.0])
    def test_brute_force(self, work_h):
        mpmath.mp.dps = 30
        w, d, m = mpmath.mpf(work_h) * 3600, mpmath.mpf(120), mpmath.mpf(14400)
        costs = [n * mpmath.expm1((w / n + d) / m) for n in range(1, 6 * int(work_h * 2) + 10)]
        best = 1 + min(range(len(costs)), key=lambda i: costs[i])
        got = ck.optimal_segments(f"{work_h} h", "2 min", "4 h", "5 min")
        assert got.segments == best
        assert got.interval.to("s").m == pytest.approx(float(w) / best, rel=1e-12)
        exact_total = m * mpmath.exp(mpmath.mpf(300) / m) * costs[best - 1]
        assert got.expected_runtime.to("s").m == pytest.approx(float(exact_total), rel=1e-12)
        # and it is what expected_runtime says for that plan
        assert got.expected_runtime.to("s").m == pytest.approx(
            ck.expected_runtime(f"{work_h} h", got.interval, "2 min", "4 h", "5 min").to("s").m, rel=1e-9)

    def test_short_job_is_one_segment(self):
        assert ck.optimal_segments("5 min", "2 min", "4 h").segments == 1.0

    def test_arrays(self):
        got = ck.optimal_segments(np.array([0.2, 2.5, 200.0]) * ck.young_interval("2 min", "4 h").units * 3600,
                                  "2 min", "4 h")
        assert got.segments.shape == (3,)


class TestDrainLoss:
    """checkpoint_plan's long-run waste against the simulated time per segment."""

    @pytest.mark.parametrize("drain_bw, restart", [("4.3 GB/s", "0 s"), ("0.5 GB/s", "10 min")])
    def test_long_run_waste(self, drain_bw, restart):
        plan = ck.checkpoint_plan("350 GB", "4 h", "512 GB/s", drain_bandwidth=drain_bw, restart_time=restart)
        tau, delta, drain = (x.to("s").m for x in (plan.interval, plan.write_time, plan.drain_time))
        restart_s = {"0 s": 0.0, "10 min": 600.0}[restart]
        n1, n2, trials = 40, 200, 12_000
        t1 = simulate([tau] * n1, delta, 14400.0, restart_s, drain, trials, seed=2)
        t2 = simulate([tau] * n2, delta, 14400.0, restart_s, drain, trials, seed=3)
        per_segment = (t2.mean() - t1.mean()) / (n2 - n1)
        se = np.sqrt(t1.var(ddof=1) / trials + t2.var(ddof=1) / trials) / (n2 - n1)
        expected = tau / (1.0 - plan.waste_fraction)
        assert abs(per_segment - expected) < 4.5 * se, (per_segment, expected, se)
        # the old model (drain ignored) is far outside the noise
        old = tau / (1.0 - ck.waste_breakdown(f"{tau} s", f"{tau} s", f"{delta} s", "4 h", restart).waste_fraction)
        assert abs(per_segment - old) > 10 * se

    def test_finite_job_formula_in_notes(self):
        # n segments pay n e^{D/M} segments plus one last drain M e^{R/M} expm1(D/M)
        tau, delta, drain, m, restart, n = 0.1, 0.005, 0.08, 1.0, 0.02, 12
        times = simulate([tau] * n, delta, m, restart, drain, 100_000, seed=4)
        seg = m * np.exp(restart / m) * np.expm1((tau + delta) / m)
        close(times, n * np.exp(drain / m) * seg + m * np.exp(restart / m) * np.expm1(drain / m))

    def test_example_numbers(self):
        # 350 GB: copy 350/512 = 0.6836 s, drain 350/4.3 = 81.395 s; tau* = 139.9 s
        dram = ck.checkpoint_plan("350 GB", "4 h", "512 GB/s", drain_bandwidth="4.3 GB/s")
        assert dram.drain_loss == pytest.approx(-np.expm1(-81.3953488 / 14400), rel=1e-6)
        assert dram.waste_fraction == pytest.approx(0.0153, abs=5e-5)

    def test_interval_optimum_sees_drain(self):
        # brute force over tau >= D of the simulated-model cost e^{D/M} S(tau)/tau
        plan = ck.checkpoint_plan("350 GB", "4 h", "512 GB/s", drain_bandwidth="1 GB/s")
        delta, drain, m = 350 / 512, 350.0, 14400.0
        taus = np.linspace(drain, 3 * drain, 20001)
        cost = np.exp(drain / m) * np.expm1((taus + delta) / m) / taus
        assert plan.interval.to("s").m == pytest.approx(taus[np.argmin(cost)], abs=(taus[1] - taus[0]))
        assert plan.interval_set_by == "drain"


class TestProperties:
    def test_optimal_segments_beats_every_interval(self):
        # the whole-segment optimum is no worse than expected_runtime at any interval on a fine grid
        taus = np.linspace(5, 400, 2000)
        for work in ("0.7 h", "3 h", "11 h"):
            best = ck.optimal_segments(work, "2 min", "4 h", "5 min").expected_runtime.to("s").m
            grid = ck.expected_runtime(work, mlsysim_q(taus, "min"), "2 min", "4 h", "5 min").to("s").m
            assert best <= grid.min() * (1 + 1e-12)

    def test_drain_waste_grows_with_drain_and_never_below_blocking_stall(self):
        bws = np.array([100.0, 20.0, 4.3, 1.0, 0.375])
        plan = ck.checkpoint_plan("350 GB", "4 h", "512 GB/s", drain_bandwidth=mlsysim_q(bws, "GB/s"))
        assert np.all(np.diff(plan.waste_fraction) > 0)
        assert np.all(np.diff(plan.drain_loss) > 0)
        no_drain = ck.checkpoint_plan("350 GB", "4 h", "512 GB/s")
        assert np.all(plan.waste_fraction > no_drain.waste_fraction)

    def test_optimal_segments_tiny_waste_keeps_digits(self):
        mpmath.mp.dps = 50
        got = ck.optimal_segments("1000 s", "1e-9 s", "1e12 s")
        n = int(got.segments)
        w, d, m = mpmath.mpf(1000), mpmath.mpf("1e-9"), mpmath.mpf(10) ** 12
        total = n * m * mpmath.expm1((w / n + d) / m)  # waste ~ 4e-11: 1 - W/total would lose 5 digits
        assert got.waste_fraction == pytest.approx(float(1 - w / total), rel=1e-9)


def mlsysim_q(values, unit):
    from mlsysim import Q_

    return Q_(np.asarray(values, dtype=float), unit)
