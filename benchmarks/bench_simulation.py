"""Timing of the checkpoint/restart Monte Carlo (issue 15's target: well under 2 s).

Run: ``PYTHONPATH=src python benchmarks/bench_simulation.py`` (not part of the test suite).

The case: 10,000 trials of a 30-day job at a fleet MTBF of 4 h with 5-minute checkpoint
writes and 10-minute restarts, at the exponential optimum interval (about 190 failures a
run, so the event loop runs about 250 rounds over arrays of 10,000 trials).  It prints the
best-of-5 wall time per call for each failure law and for a grid of intervals.
"""

from __future__ import annotations

import sys
import timeit

import numpy as np

import mlsysim
from mlsysim import Q_
from mlsysim.models import checkpoint as ck


def best(fn, repeat: int = 5) -> float:
    """Best-of-``repeat`` seconds per call (one call per repeat)."""
    return min(timeit.repeat(fn, number=1, repeat=repeat))


def main() -> None:
    print(f"mlsysim {mlsysim.__version__}, numpy {np.__version__}, python {sys.version.split()[0]}")
    tau = ck.optimal_interval("5 min", "4 h")
    log = ck.Weibull(0.7, "4 h").sample(0, 500)  # a stand-in failure log of 500 gaps
    cases = {
        "Exponential(4 h)": ck.Exponential("4 h"),
        "Weibull(0.7, 4 h)": ck.Weibull(0.7, "4 h"),
        "observed log (500 gaps, resampled)": log,
    }
    print(f"\n10,000 trials, 30-day job, M = 4 h, delta = 5 min, R = 10 min, tau = {tau.to('min').m:.1f} min")
    for name, failures in cases.items():
        def run(failures=failures):
            return ck.simulate_runtime("30 day", tau, "5 min", failures, "10 min", trials=10_000, seed=1)
        t = best(run)
        sim = run()
        print(f"  {name:<36} {t:6.3f} s   mean {sim.mean.to('day').m:8.3f} day   "
              f"failures {sim.failures:6.1f}   waste {sim.waste_fraction:.4f}")
    taus = Q_(np.geomspace(10, 200, 25), "min")
    t = best(lambda: ck.simulate_runtime("30 day", taus, "5 min", ck.Weibull(0.7, "4 h"), "10 min",
                                         trials=2_000, seed=1), repeat=3)
    print(f"  25 intervals x 2,000 trials (Weibull)    {t:6.3f} s")
    t = best(lambda: ck.simulated_optimal_interval("30 day", "5 min", ck.Weibull(0.7, "4 h"), "10 min",
                                                   trials=2_000, seed=1), repeat=3)
    print(f"  simulated_optimal_interval (2,000 trials) {t:6.3f} s")


if __name__ == "__main__":
    main()
