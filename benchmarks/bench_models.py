"""Side-by-side timings: mlsysim vs the same formula in bare numpy, in one process.

Run: ``python benchmarks/bench_models.py`` (not part of the test suite).

It prints, for each case, the best-of-N time of ours and of the baseline and their
ratio.  Goals (DESIGN.md / issue 7): a 1e6-point sweep within 3x of bare numpy; a
scalar ``young_interval`` on two Quantities <= 50 us; ``import mlsysim`` well under a
second.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import timeit
import warnings

import numpy as np

import mlsysim
from mlsysim import Q_
from mlsysim.models import checkpoint, metadata, ops, storage


def best(fn, number: int, repeat: int = 5) -> float:
    """Best-of-``repeat`` seconds per call."""
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def row(name: str, ours: float, base: float, unit: str = "us") -> None:
    scale = {"us": 1e6, "ms": 1e3, "s": 1.0}[unit]
    print(f"  {name:<44} ours {ours * scale:9.2f} {unit}   numpy {base * scale:9.2f} {unit}   ratio {ours / base:6.2f}x")


def import_time(code: str, runs: int = 7) -> float:
    env = dict(os.environ)
    times = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", f"import time; t=time.perf_counter(); {code}; print(time.perf_counter()-t)"],
            capture_output=True, text=True, check=True, env=env)
        times.append(float(out.stdout))
    return statistics.median(times)


def main() -> None:
    warnings.simplefilter("ignore", mlsysim.RegimeWarning)  # random draws leave Young's regime; timing only
    rng = np.random.default_rng(0)
    n = 1_000_000
    write = rng.uniform(10, 600, n)          # s
    mtbf = rng.uniform(3600, 86400, n)       # s
    tau = rng.uniform(600, 7200, n)          # s
    work = 1e6                               # s
    restart = 60.0                           # s
    Wq, Tq, Dq, Mq, Rq = Q_(work, "s"), Q_(tau, "s"), Q_(write, "s"), Q_(mtbf, "s"), Q_(restart, "s")

    print(f"mlsysim {mlsysim.__version__}, numpy {np.__version__}, python {sys.version.split()[0]}")
    print("\n1e6-point sweeps (goal: ratio <= 3)")

    def np_expected_runtime():
        return work / tau * mtbf * np.exp(restart / mtbf) * np.expm1((tau + write) / mtbf)

    row("expected_runtime",
        best(lambda: checkpoint.expected_runtime(Wq, Tq, Dq, Mq, Rq), 3),
        best(np_expected_runtime, 3), "ms")

    from scipy.special import lambertw

    def np_optimal_interval():  # the naive closed form, which loses digits near the branch point
        return mtbf * (1 + lambertw(-np.exp(-1 - write / mtbf)).real)

    row("optimal_interval (vs naive lambertw)",
        best(lambda: checkpoint.optimal_interval(Dq, Mq), 3),
        best(np_optimal_interval, 3), "ms")

    row("young_interval",
        best(lambda: checkpoint.young_interval(Dq, Mq), 5),
        best(lambda: np.sqrt(2 * write * mtbf), 5), "ms")

    size = rng.uniform(1e9, 1e14, n)
    bw = rng.uniform(1e8, 1e11, n)
    row("transfer_time",
        best(lambda: storage.transfer_time(Q_(size, "B"), Q_(bw, "B/s")), 5),
        best(lambda: size / bw, 5), "ms")

    from scipy.special import gammaincc, gammaln

    lam = rng.uniform(1e3, 4e4, n)
    servers = rng.integers(1, 64, n).astype(float)
    mu = 5e4 / servers * 1.1

    def np_erlang_c_wait():  # the same Erlang C formula, plain log-pmf (no deviance form)
        a = lam / mu
        b = np.exp(servers * np.log(a) - a - gammaln(servers + 1)) / gammaincc(servers + 1, a)
        c = b / (1 - (a / servers) * (1 - b))
        return np.where(a < servers, c / (mu * (servers - a)), np.inf)

    row("mmc_wait_time (Erlang C, 1-63 servers)",
        best(lambda: metadata.mmc_wait_time(Q_(lam, "1/s"), Q_(mu, "1/s"), servers), 3),
        best(np_erlang_c_wait, 3), "ms")
    row("mmc_wait_time vs M/M/1 closed form (c = 1)",
        best(lambda: metadata.mmc_wait_time(Q_(lam, "1/s"), Q_(5e4, "1/s"), 1), 3),
        best(lambda: np.where(lam < 5e4, lam / (5e4 * (5e4 - lam)), np.inf), 3), "ms")

    conf = rng.uniform(0.5, 0.999, n)
    rate = 10 ** rng.uniform(-9, -1, n)

    def np_canary_exact():  # the same closed form with the same exact n-1 / n checks in log space
        log_tail, log_q = np.log1p(-conf), np.log1p(-rate)
        n0 = np.maximum(np.ceil(log_tail / log_q), 1.0)
        n0 = np.where((n0 > 1.0) & ((n0 - 1.0) * log_q <= log_tail), n0 - 1.0, n0)
        return np.where(n0 * log_q <= log_tail, n0, n0 + 1.0).astype(np.int64)

    row("canary_sample_size (k = 0, exact guard)",
        best(lambda: ops.canary_sample_size(conf, rate), 3), best(np_canary_exact, 3), "ms")
    row("canary_sample_size vs naive ceil(log/log)",
        best(lambda: ops.canary_sample_size(conf, rate), 3),
        best(lambda: np.ceil(np.log1p(-conf) / np.log1p(-rate)), 3), "ms")

    print("\nscalar calls (goal: young_interval on two Quantities <= 50 us)")
    d1, m1 = Q_(120.0, "s"), Q_(4.0, "h")
    import math

    row("young_interval(Q_, Q_)", best(lambda: checkpoint.young_interval(d1, m1), 20000),
        best(lambda: math.sqrt(2 * 120.0 * 14400.0), 20000))
    row("young_interval('2 min', '4 h') (strings)", best(lambda: checkpoint.young_interval("2 min", "4 h"), 5000),
        best(lambda: math.sqrt(2 * 120.0 * 14400.0), 20000))
    row("fleet_mtbf(Q_, 16384)", best(lambda: checkpoint.fleet_mtbf(m1, 16384), 20000),
        best(lambda: 14400.0 / 16384, 20000))
    row("expected_runtime(Q_ x 4)", best(lambda: checkpoint.expected_runtime(Q_(1e6, "s"), Q_(1800.0, "s"), d1, m1), 5000),
        best(lambda: 1e6 / 1800 * 14400 * math.expm1(1920 / 14400), 20000))
    row("optimal_interval(Q_, Q_)", best(lambda: checkpoint.optimal_interval(d1, m1), 5000),
        best(lambda: 14400 * (1 + lambertw(-math.exp(-1 - 120 / 14400)).real), 5000))

    from mlsysim._validate import Time, validated

    def bare(write_time, mtbf):
        return write_time

    checked = validated(write_time=Time(positive=True), mtbf=Time(positive=True))(bare)
    row("validation overhead: 2 scalar Time args", best(lambda: checked(d1, m1), 50000),
        best(lambda: bare(d1, m1), 50000))

    print("\nimport time (goal: well under 1 s; median of 7 fresh interpreters)")
    base = import_time("pass")
    t_numpy = import_time("import numpy")
    t_pint = import_time("import pint")
    t_ours = import_time("import mlsysim")
    t_models = import_time("import mlsysim.models.storage, mlsysim.models.metadata, "
                           "mlsysim.models.checkpoint, mlsysim.models.ops")
    print(f"  import numpy            {t_numpy * 1e3:7.1f} ms")
    print(f"  import pint             {t_pint * 1e3:7.1f} ms")
    print(f"  import mlsysim          {t_ours * 1e3:7.1f} ms   (ratio to pint {t_ours / t_pint:.2f}x)")
    print(f"  + every model module    {t_models * 1e3:7.1f} ms")
    print(f"  (empty statement        {base * 1e3:7.3f} ms)")


if __name__ == "__main__":
    main()
