"""mlsysim.models.checkpoint simulation: simulate_runtime and simulated_optimal_interval.

Oracles: the exact expectation of expected_runtime / waste_breakdown (exponential failures),
a plain-Python event-driven simulation on an absolute clock fed the same gaps (any law),
and hand calculations with deterministic failure logs.
"""

import pickle

import attrs
import numpy as np
import pytest

from _helpers import check_row, rows
from mlsysim import Q_, DomainError, RegimeWarning, UnitError
from mlsysim.models import checkpoint as ck

H = 3600.0


def _same(a, b):
    """Two records hold identical values, field by field (arrays included)."""
    assert type(a) is type(b)
    for f in attrs.fields(type(a)):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if hasattr(x, "units"):
            assert x.units == y.units, f.name
            x, y = x.m, y.m
        np.testing.assert_array_equal(x, y, err_msg=f.name)
    return True


# ============================================================ exponential: agrees with the exact expectation


REGIMES = {
    # (work, interval, write, mtbf, restart) in hours
    "typical, partial last segment": (20.3, 1.0, 0.05, 4.0, 0.2),
    "delta/M near 1": (5.0, 0.5, 0.8, 1.0, 0.1),
    "restart >> write": (10.0, 0.5, 1 / 60, 2.0, 1.5),
    "interval > work": (3.0, 10.0, 0.2, 4.0, 0.2),
    "no restart, interval divides work": (12.0, 2.0, 0.1, 3.0, 0.0),
}


@pytest.mark.parametrize("regime", sorted(REGIMES))
def test_exponential_simulation_agrees_with_the_whole_segment_expectation(regime):
    work, tau, delta, mtbf, restart = (Q_(x, "h") for x in REGIMES[regime])
    sim = ck.simulate_runtime(work, tau, delta, ck.Exponential(mtbf), restart, trials=4000, seed=11)
    w = ck.waste_breakdown(work, tau, delta, mtbf, restart, segments="whole")
    # the deterministic parts are exact: W, and one write per segment
    assert sim.useful.to("h").m == pytest.approx(w.useful.to("h").m, rel=1e-12)
    assert sim.checkpointing.to("h").m == pytest.approx(w.checkpointing.to("h").m, rel=1e-12)
    for got, se, expected in ((sim.mean, sim.standard_error, w.total),
                              (sim.rework, sim.rework_standard_error, w.rework),
                              (sim.restart, sim.restart_standard_error, w.restart)):
        assert abs((got - expected).to("s").m) <= 4 * se.to("s").m + 1e-9, (regime, got, expected, se)
    assert abs(sim.failures - w.failures) <= 4 * sim.failures_standard_error
    exact = ck.expected_runtime(work, tau, delta, mtbf, restart, segments="whole")
    assert abs((sim.mean - exact).to("s").m) <= 4 * sim.standard_error.to("s").m
    # the whole-segment form is expected_runtime's default
    assert ck.expected_runtime(work, tau, delta, mtbf, restart).to("s").m == exact.to("s").m
    assert sim.waste_fraction == pytest.approx(1 - work.to("s").m / sim.mean.to("s").m, rel=1e-12)


def test_parts_add_up_to_the_mean_and_the_spread_is_reported():
    sim = ck.simulate_runtime("50 h", "1 h", "3 min", ck.Weibull(0.7, "5 h"), "10 min", trials=500, seed=2)
    parts = sim.useful + sim.checkpointing + sim.rework + sim.restart
    assert parts.to("s").m == pytest.approx(sim.mean.to("s").m, rel=1e-12)
    assert sim.std.to("s").m == pytest.approx(sim.standard_error.to("s").m * np.sqrt(500), rel=1e-12)
    assert sim.p95 > sim.mean and sim.trials == 500


# ============================================================ an independent event-driven oracle


def _reference(work, tau, delta, restart, gaps):
    """One run on an absolute clock (seconds): a plain loop over segments and failures.

    ``gaps`` yields the times between failures: the first from the job start, then one after
    each failure.  Returns (runtime, rework, restart time, failures).
    """
    whole = int(np.floor(work / tau))
    rest = work - whole * tau
    if whole > 0 and rest <= 1e-9 * tau:
        rest = 0.0
    segments = [tau] * whole + ([rest] if rest > 0 else [])
    t, rework, restarting, failures = 0.0, 0.0, 0.0, 0
    next_failure = next(gaps)
    i = 0
    while i < len(segments):
        end = t + segments[i] + delta
        if next_failure >= end:
            t, i = end, i + 1
            continue
        rework += next_failure - t
        t = next_failure
        failures += 1
        while True:  # restart, itself interrupted by failures
            next_failure = t + next(gaps)
            if next_failure >= t + restart:
                restarting += restart
                t += restart
                break
            restarting += next_failure - t
            t = next_failure
            failures += 1
    return t, rework, restarting, failures


@pytest.mark.parametrize("law", [ck.Weibull(0.6, "3 h"), ck.Exponential("2 h"), ck.Weibull(2.5, "1 h")],
                         ids=["weibull-0.6", "exponential", "weibull-2.5"])
def test_vectorised_simulation_equals_a_plain_event_loop_fed_the_same_gaps(law):
    # documented draw order: the j-th gap of trial i is element i of the j-th batch of `trials` draws
    work, tau, delta, restart, trials, seed = 7.3 * H, 1.1 * H, 0.1 * H, 0.25 * H, 60, 5
    sim = ck.simulate_runtime(Q_(work, "s"), Q_(tau, "s"), Q_(delta, "s"), law, Q_(restart, "s"),
                              trials=trials, seed=seed)
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    batches = [law.sample(rng, trials).to("s").m for _ in range(400)]
    runs = [_reference(work, tau, delta, restart, iter(b[i] for b in batches)) for i in range(trials)]
    total, rework, restarting, failures = (np.array(x) for x in zip(*runs))
    assert sim.mean.to("s").m == pytest.approx(total.mean(), rel=1e-9)
    assert sim.rework.to("s").m == pytest.approx(rework.mean(), rel=1e-9)
    assert sim.restart.to("s").m == pytest.approx(restarting.mean(), rel=1e-9, abs=1e-6)
    assert sim.failures == failures.mean()


# ============================================================ observed logs: hand calculations


def test_a_failure_every_three_hours_by_hand():
    # 10 h job, 1 h segments + 6 min writes (66 min), restarts 12 min, a failure every 180 min.
    # First gap: 2 segments (132 min), 48 min lost; each later gap: 168 min after the restart,
    # 2 segments and 36 min lost.  Segments 2, 4, 6, 8 end in a failure; the fifth gap finishes.
    sim = ck.simulate_runtime("10 h", "1 h", "6 min", Q_([3.0], "h"), "12 min", trials=3, seed=0)
    assert sim.failures == 4
    assert sim.rework.to("min").m == pytest.approx(48 + 3 * 36)
    assert sim.restart.to("min").m == pytest.approx(4 * 12)
    assert sim.mean.to("min").m == pytest.approx(600 + 60 + 156 + 48)
    assert sim.standard_error.m == 0


def test_a_log_longer_than_the_job_means_no_failure():
    # gaps of 100 h or 200 h: a 10 h job with a 3 h interval (3 segments and a 1 h one) never fails
    sim = ck.simulate_runtime("10 h", "3 h", "5 min", Q_([100, 200], "h"), "1 h", trials=50, seed=1)
    assert sim.failures == 0 and sim.rework.m == 0 and sim.restart.m == 0
    assert sim.mean.to("min").m == pytest.approx(600 + 4 * 5)


def test_restarts_that_never_finish_are_infinite_with_a_warning():
    # a failure every 5 min and a 10 min restart: no restart ever completes
    with pytest.warns(RegimeWarning, match="max_failures"):
        sim = ck.simulate_runtime("1 h", "10 min", "1 min", Q_([5.0], "min"), "10 min", trials=4,
                                  max_failures=50)
    assert sim.mean.m == np.inf and sim.waste_fraction == 1.0
    assert sim.useful.to("h").m == 1.0 and sim.checkpointing.to("min").m == pytest.approx(6.0)


def test_a_restart_no_failure_free_gap_outlasts_stops_the_trial_at_once():
    # A 1e6 h restart under a 4 h exponential MTBF completes with probability e^-250000, 0 in
    # float64: a trial that fails once never finishes.  P(no failure in the first 61 min) =
    # e^(-61/240) = 0.78, so most trials finish and the rest are infinite; the stuck ones stop
    # at their first failure instead of looping max_failures (100,000) times.
    with pytest.warns(RegimeWarning, match="can outlast the restart"):
        sim = ck.simulate_runtime("1 h", "1 h", "1 min", ck.Exponential("4 h"), "1e6 h", trials=400, seed=3)
    assert sim.mean.m == np.inf
    # with a restart the gaps outlast (R/M = 0.25) nothing is stopped early: the exact expectation holds
    sim = ck.simulate_runtime("1 h", "1 h", "1 min", ck.Exponential("4 h"), "1 h", trials=4000, seed=3)
    exact = ck.expected_runtime("1 h", "1 h", "1 min", "4 h", "1 h")
    assert abs((sim.mean - exact).to("s").m) <= 4 * sim.standard_error.to("s").m


def test_resampling_a_log_drawn_from_an_exponential_agrees_with_the_expectation():
    # 20,000 gaps of an exponential of mean 3 h stand for the law itself (bootstrap)
    gaps = ck.Exponential("3 h").sample(123, 20_000)
    sim = ck.simulate_runtime("30 h", "1 h", "4 min", gaps, "5 min", trials=3000, seed=4)
    m = Q_(gaps.to("s").m.mean(), "s")
    exact = ck.expected_runtime("30 h", "1 h", "4 min", m, "5 min", segments="whole")
    assert abs((sim.mean - exact).to("s").m) <= 4 * sim.standard_error.to("s").m


# ============================================================ a job that starts in the life of a running fleet


def test_stationary_start_with_a_fixed_gap_by_hand():
    # failures every 3 h; the job starts at a uniform moment, so its first failure is U x 3 h away.
    # A 1 h job (one segment, no write, no restart): with probability 2/3 it finishes untouched;
    # otherwise it loses U x 3 h | U x 3 h < 1 h (0.5 h on average) and the next gap, 3 h, lets it
    # finish.  E[T] = 1 h + (1/3)(0.5 h) = 7/6 h; E[failures] = 1/3.
    sim = ck.simulate_runtime("1 h", "10 h", "0 s", Q_([3.0], "h"), trials=20_000, seed=3, start="stationary")
    assert abs(sim.mean.to("h").m - 7 / 6) <= 4 * sim.standard_error.to("h").m
    assert abs(sim.failures - 1 / 3) <= 4 * sim.failures_standard_error
    # the renewal start waits a full 3 h: never a failure
    assert ck.simulate_runtime("1 h", "10 h", "0 s", Q_([3.0], "h"), trials=50, seed=3).failures == 0


def test_stationary_start_of_an_exponential_is_still_the_exact_expectation():
    sim = ck.simulate_runtime("20 h", "1 h", "5 min", ck.Exponential("3 h"), "10 min", trials=4000, seed=6,
                              start="stationary")
    exact = ck.expected_runtime("20 h", "1 h", "5 min", "3 h", "10 min", segments="whole")
    assert abs((sim.mean - exact).to("s").m) <= 4 * sim.standard_error.to("s").m


# ============================================================ laws, seeds, grids


def test_weibull_of_shape_one_is_the_exponential_draw_for_draw():
    a = ck.simulate_runtime("40 h", "50 min", "2 min", ck.Exponential("3 h"), "5 min", trials=300, seed=9)
    b = ck.simulate_runtime("40 h", "50 min", "2 min", ck.Weibull(1, "3 h"), "5 min", trials=300, seed=9)
    assert _same(a, b)
    np.testing.assert_array_equal(ck.Exponential("3 h").sample(1, 10).m, ck.Weibull(1.0, "3 h").sample(1, 10).m)


def test_the_same_seed_gives_the_same_result_and_another_seed_another():
    args = ("40 h", "50 min", "2 min", ck.Weibull(0.7, "3 h"), "5 min")
    a = ck.simulate_runtime(*args, trials=300, seed=9)
    assert _same(a, ck.simulate_runtime(*args, trials=300, seed=9))
    assert a.mean != ck.simulate_runtime(*args, trials=300, seed=10).mean
    g1, g2 = np.random.default_rng(3), np.random.default_rng(3)
    assert _same(ck.simulate_runtime(*args, trials=300, seed=g1), ck.simulate_runtime(*args, trials=300, seed=g2))


def test_a_grid_uses_common_random_numbers_and_equals_scalar_calls():
    law = ck.Weibull(0.8, "4 h")
    taus = Q_([[20.0], [40.0], [80.0]], "min")
    writes = Q_([1.0, 5.0], "min")
    grid = ck.simulate_runtime("24 h", taus, writes, law, "10 min", trials=200, seed=21)
    assert grid.shape == (3, 2)
    for i in range(3):
        for j in range(2):
            one = ck.simulate_runtime("24 h", taus[i, 0], writes[j], law, "10 min", trials=200, seed=21)
            assert _same(grid[i, j], one)


def test_blocks_of_a_large_grid_give_the_same_numbers(monkeypatch):
    from mlsysim.models.checkpoint import _simulation

    taus = Q_(np.linspace(10, 90, 9), "min")
    whole = ck.simulate_runtime("12 h", taus, "2 min", ck.Weibull(0.7, "2 h"), trials=100, seed=8)
    monkeypatch.setattr(_simulation, "_BLOCK", 250)  # 2 points per block
    blocked = ck.simulate_runtime("12 h", taus, "2 min", ck.Weibull(0.7, "2 h"), trials=100, seed=8)
    assert _same(whole, blocked)


def test_records_pickle():
    # values and units survive the round trip (which registry they land in is the units layer's contract)
    sim = ck.simulate_runtime("10 h", "1 h", "1 min", ck.Weibull(0.7, "3 h"), trials=20, seed=0)
    back = pickle.loads(pickle.dumps(sim))
    assert type(back) is type(sim)
    for f in attrs.fields(type(sim)):
        x, y = getattr(back, f.name), getattr(sim, f.name)
        if hasattr(y, "units"):  # the same magnitude in the same unit, read back by name
            x, y = x.m_as(str(y.units)), y.m
        np.testing.assert_array_equal(x, y, err_msg=f.name)


# ============================================================ the optimum under a non-exponential law


def test_simulated_optimum_with_exponential_failures_finds_the_exact_optimum():
    opt = ck.simulated_optimal_interval("100 h", "5 min", ck.Exponential("3 h"), "5 min", trials=600, seed=4,
                                        candidates=11)
    exact = ck.optimal_interval("5 min", "3 h")
    assert opt.exponential_interval == exact
    # the runtime is flat near its minimum: the interval within 30 %, the saving within noise
    assert 0.7 < (opt.interval / exact).m < 1.3
    assert abs(opt.saving.to("s").m) <= 4 * opt.saving_standard_error.to("s").m + 1e-6
    assert opt.waste_fraction == pytest.approx(1 - 100 * H / opt.runtime.to("s").m, rel=1e-12)


def test_simulated_optimum_under_a_weibull_is_no_worse_than_the_exponential_interval():
    opt = ck.simulated_optimal_interval("100 h", "5 min", ck.Weibull(0.7, "3 h"), "10 min", trials=600,
                                        seed=4, candidates=11, bounds=("5 min", "5 h"))
    assert Q_(5, "min") <= opt.interval <= Q_(5, "h")
    assert opt.saving.to("s").m >= -4 * opt.saving_standard_error.to("s").m


# ============================================================ bad input


@pytest.mark.parametrize("args, kwargs, error", [
    (("10 h", "1 h", "1 min", "4 h"), {}, UnitError),  # a bare time is not a law
    (("10 h", "1 h", "1 min", 4.0), {}, UnitError),
    (("10 h", "1 h", "1 min", Q_([1.0, -2.0], "h")), {}, DomainError),
    (("10 h", "1 h", "1 min", Q_([[1.0, 2.0]], "h")), {}, UnitError),
    (("10 h", "1 h", "1 min", Q_([1.0, 2.0], "GB")), {}, UnitError),
    (("10 h", "1 h", "1 min", ck.Exponential("4 h")), {"trials": 1}, DomainError),
    (("10 h", "1 h", "1 min", ck.Exponential("4 h")), {"seed": -1}, UnitError),
    (("10 h", "1 h", "1 min", ck.Exponential("4 h")), {"trials": [10, 20]}, UnitError),
    (("10 h", "0 h", "1 min", ck.Exponential("4 h")), {}, DomainError),
    (("10 h", "1 h", "-1 min", ck.Exponential("4 h")), {}, DomainError),
])
def test_simulate_runtime_rejects_bad_input(args, kwargs, error):
    with pytest.raises(error, match="simulate_runtime"):
        ck.simulate_runtime(*args, **kwargs)


@pytest.mark.parametrize("args, kwargs, error", [
    ((Q_([10, 20], "h"), "1 min", ck.Exponential("4 h")), {}, UnitError),  # scalars only
    (("10 h", "0 min", ck.Exponential("4 h")), {}, DomainError),
    (("10 h", "1 min", ck.Exponential("4 h")), {"bounds": ("2 h", "1 h")}, DomainError),
    (("10 h", "1 min", ck.Exponential("4 h")), {"bounds": "1 h"}, UnitError),
    (("10 h", "1 min", ck.Exponential("4 h")), {"candidates": 3}, DomainError),
])
def test_simulated_optimal_interval_rejects_bad_input(args, kwargs, error):
    with pytest.raises(error, match="simulated_optimal_interval"):
        ck.simulated_optimal_interval(*args, **kwargs)


# (function, kwargs, exception, parameter named): the shared format of tests/_helpers.py
BAD = [
    (ck.simulate_runtime, dict(work="1 h", interval="1 h", write_time="1 s", failures="4 h"), UnitError, "failures"),
    (ck.simulated_optimal_interval, dict(work="1 h", write_time="0 s", failures=ck.Exponential("4 h")), DomainError,
     "write_time"),
]


@pytest.mark.parametrize("row", rows(BAD), ids=lambda r: r.id)
def test_bad_input(row):
    check_row(row)
