"""One table for every public model function: scalar latency, 1e6-point time and memory.

Run: ``python benchmarks/bench_table.py [--points 1000000] [--markdown]`` (not part of the tests).

For every function of the vectorisation audit (``tests/test_vectorisation.py`` ``CASES``,
which a test keeps complete) it measures, in this one process:

* the scalar latency: at each of ten points drawn from the audit's ranges, the best of
  seven runs of 50 calls on scalar Quantities (other work on a shared machine only ever
  adds time); the median over the points and the slowest point
  (goal <= 50 us; a search takes more steps at some points than at others);
* the time of one call on ``--points`` random points drawn from the audit's ranges, and
  that time per point;
* the peak memory of that call (tracemalloc, which numpy reports to), as a multiple of
  one float64 result array of that many points;
* where a bare-numpy baseline of the same formula is written below, the ratio of time and
  of peak memory to it (goal: time <= 1.5x, memory <= 1.3x).

Then the chunked figures: ``sweep(expected_runtime, chunks=...)`` on 1e7 points, in
memory (unchunked), with dask's threaded scheduler, and bare numpy.  Then import time
as a ratio to ``import numpy, pint`` measured in the same run.
"""

from __future__ import annotations

import argparse
import gc
import pathlib
import statistics
import subprocess
import sys
import timeit
import tracemalloc
import warnings

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests"))

import mlsysim  # noqa: E402
from mlsysim import Q_  # noqa: E402
from test_vectorisation import CASES, MODULES  # noqa: E402


def _draw(spec, n, rng):
    """``n`` values from the audit's range; ``n=None``: one random scalar, ``n=0``: the midpoint."""
    unit, lo, hi, whole = spec
    if n is None:
        x = float(rng.uniform(lo, hi))
    else:
        x = rng.uniform(lo, hi, n) if n else float((lo + hi) / 2)
    if whole:
        x = np.maximum(np.round(x), max(lo, 1)).astype(np.int64) if n else int(max(round(x), max(lo, 1)))
    return Q_(x, unit) if unit else x


def _args(varied, fixed, n, rng):
    kw = {name: _draw(spec, n, rng) for name, spec in varied.items()}
    kw.update(fixed)
    return kw


def _best_time(fn, number, repeat=7):
    """Fastest of ``repeat`` runs per call: on a shared machine, noise only ever adds time."""
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def _median_time(fn, number):
    return statistics.median(timeit.repeat(fn, number=number, repeat=5)) / number


def _peak(fn):
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


# Bare-numpy baselines: the same formula on magnitudes in canonical units (s, B, B/s).
def _baselines(n, rng):
    w = rng.uniform(60, 600, n)
    m = rng.uniform(3.6e4, 3.6e6, n)
    tau = rng.uniform(600, 7200, n)
    r = rng.uniform(0, 600, n)
    size = rng.uniform(1e9, 1e14, n)
    bw = rng.uniform(1e8, 1e11, n)
    acc = rng.integers(1, 4096, n).astype(float)
    batch = rng.uniform(1e6, 1e9, n)
    tc = rng.uniform(1e-3, 1.0, n)
    sbw = rng.uniform(1e9, 2e12, n)
    eff = rng.uniform(0.01, 1, n)
    nbw = rng.uniform(1e9, 1e12, n)
    work = 3.6e6

    def pipeline():
        supply = np.minimum(sbw * eff, nbw)
        io = batch / (supply / acc)
        step = np.maximum(tc, io)
        return (acc * batch / tc, supply, supply / acc, io, step, step - tc, tc / step, acc * batch / step,
                acc * batch / step / sbw, np.where(io <= tc, "compute", np.where(sbw * eff <= nbw, "storage", "network")))

    def runtime():  # whole segments, last one partial
        k = np.floor(work / tau)
        last = work - k * tau
        seg = lambda t: m * np.exp(r / m) * np.expm1((t + w) / m)  # noqa: E731
        return k * seg(tau) + np.where(last > 0, seg(last), 0.0)

    return {
        "checkpoint.young_interval": ({"write_time": Q_(w, "s"), "mtbf": Q_(m, "s")}, lambda: np.sqrt(2 * w * m)),
        "checkpoint.fleet_mtbf": ({"node_mtbf": Q_(m, "s"), "nodes": acc}, lambda: m / acc),
        "checkpoint.failure_probability": ({"mtbf": Q_(m, "s"), "duration": Q_(tau, "s")},
                                           lambda: -np.expm1(-tau / m)),
        "checkpoint.expected_runtime": ({"work": Q_(work, "s"), "interval": Q_(tau, "s"), "write_time": Q_(w, "s"),
                                         "mtbf": Q_(m, "s"), "restart_time": Q_(r, "s")}, runtime),
        "storage.transfer_time": ({"size": Q_(size, "B"), "bandwidth": Q_(bw, "B/s")}, lambda: size / bw),
        "storage.input_pipeline": ({"accelerators": acc, "batch_bytes": Q_(batch, "B"), "compute_time": Q_(tc, "s"),
                                    "storage_bandwidth": Q_(sbw, "B/s"), "access_efficiency": eff,
                                    "network_bandwidth": Q_(nbw, "B/s")}, pipeline),
        "storage.egress_cost": ({"size": Q_(size, "B"), "price": Q_(eff * 1e-10, "USD/B")},
                                lambda: size * eff * 1e-10),
        "checkpoint.fleet_mtbf (int nodes)": ({"node_mtbf": Q_(m, "s"), "nodes": acc.astype(np.int64)},
                                              lambda: m / acc),
        "checkpoint.expected_failures": ({"mtbf": Q_(m, "s"), "duration": Q_(tau, "s")}, lambda: tau / m),
        "checkpoint.daly_interval": ({"write_time": Q_(w, "s"), "mtbf": Q_(m, "s")}, lambda: _daly(w, m)),
        "checkpoint.optimal_interval": ({"write_time": Q_(w, "s"), "mtbf": Q_(m, "s")}, lambda: _lambert(w, m)),
        "checkpoint.fleet_survival": ({"node_survival": eff, "nodes": acc}, lambda: eff ** acc),
        "checkpoint.checkpoint_write_time": ({"state_size": Q_(size, "B"), "bandwidth": Q_(bw, "B/s")},
                                             lambda: size / bw),
        "metadata.file_open_rate": ({"sample_rate": Q_(sbw, "1/s"), "samples_per_file": acc},
                                    lambda: sbw / acc),
        "metadata.erlang_c": ({"offered_load": eff * acc, "servers": acc}, lambda: _erlang_c(eff * acc, acc)),
        "storage.cache_hit_fraction": ({"cache_capacity": Q_(size * eff, "B"), "dataset_size": Q_(size, "B")},
                                       lambda: np.minimum(1.0, size * eff / size)),
        "ops.toil_cost": ({"models": acc, "alert_cost": Q_(tc, "USD/s"), "deploy_cost": Q_(eff, "USD/s"),
                           "dependency_cost": Q_(tc, "USD/s"), "heterogeneity": eff},
                          lambda: tc * acc + eff * (acc * np.log2(acc)) + tc * eff * (acc * (acc - 1.0) / 2.0)),
    }


def _daly(w, m):
    d = w / m
    h = np.sqrt(0.5 * d)
    return m * np.where(d < 2.0, 2.0 * h * (1.0 + h / 3.0 + h * h / 9.0) - d, 1.0)


def _lambert(w, m):
    from scipy.special import lambertw

    return m * (1.0 + lambertw(-np.exp(-1.0 - w / m)).real)


def _erlang_c(a, c):
    from scipy.special import gammaincc, gammaln

    b = np.exp(c * np.log(a) - a - gammaln(c + 1.0)) / gammaincc(c + 1.0, a)
    rho = a / c
    return np.where(a < c, b / (1.0 - rho + rho * b), 1.0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=1_000_000)
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--only", default="", help="comma-separated substrings: measure only matching functions")
    ap.add_argument("--baselined", action="store_true", help="only the functions with a bare-numpy baseline")
    ap.add_argument("--no-extras", action="store_true", help="skip the chunked and start-up tables")
    args = ap.parse_args()
    n = args.points
    warnings.simplefilter("ignore")  # random draws leave some formulas' regimes; timing only
    rng = np.random.default_rng(0)
    result_bytes = 8 * n
    baselines = _baselines(n, rng)
    rows = []
    keys = list(CASES) + [k for k in baselines if k not in CASES]
    if args.baselined:
        keys = [k for k in keys if k in baselines]
    if args.only:
        keys = [k for k in keys if any(part in k for part in args.only.split(","))]
    for key in keys:
        varied, fixed = CASES[key.split(" ")[0]]
        family, name = key.split(" ")[0].split(".")
        fn = getattr(MODULES[family], name)
        try:  # the latency depends on the point (a search takes more steps at some): ten points
            per_point = []
            for _ in range(10):
                scalar_kw = _args(varied, fixed, None, rng)
                fn(**scalar_kw)
                per_point.append(_best_time(lambda: fn(**scalar_kw), 50))  # noqa: B023
        except Exception as exc:  # noqa: BLE001 - report, do not stop the table
            rows.append((key, f"error {type(exc).__name__}", "", "", "", "", ""))
            continue
        scalar, worst = statistics.median(per_point), max(per_point)
        if key in baselines:
            kw, base = baselines[key]
        else:
            kw, base = _args(varied, fixed, n, rng), None
        t = _median_time(lambda: fn(**kw), 1)
        peak = _peak(lambda: fn(**kw))
        ratio = mem_ratio = ""
        if base is not None:
            tb = _median_time(base, 1)
            ratio = f"{t / tb:.2f}x"
            mem_ratio = f"{peak / max(_peak(base), 1):.2f}x"
        rows.append((key, f"{scalar * 1e6:.1f}", f"{worst * 1e6:.1f}", f"{t * 1e3:.1f}", f"{peak / result_bytes:.1f}",
                     ratio, mem_ratio))

    head = ("function", "scalar us (median of 10 points)", "slowest point us", f"{n:.0e} pts ms", "peak / result",
            "time vs numpy", "memory vs numpy")
    _print_table(head, rows, args.markdown)
    if not args.no_extras:
        _chunked(args.markdown)
        _imports(args.markdown)


def _print_table(head, rows, markdown):
    if markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for r in rows:
            print("| " + " | ".join(r) + " |")
        return
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    for r in (head, *rows):
        print("  ".join(str(x).ljust(w) for x, w in zip(r, widths)))


def _chunked(markdown):
    from mlsysim.models import checkpoint

    print()
    rng = np.random.default_rng(1)
    n_w, n_m = 1000, 10_000  # 1e7 grid points
    w = Q_(rng.uniform(60, 600, n_w), "s")
    m = Q_(rng.uniform(3.6e4, 3.6e6, n_m), "s")
    kw = dict(work="1000 h", interval="1 h", write_time=w, mtbf=m, restart_time="5 min")
    eager = _median_time(lambda: mlsysim.sweep(checkpoint.expected_runtime, **kw), 1)
    rows = [("sweep, in memory", f"{eager * 1e3:.0f}")]
    try:
        import dask

        for chunk in ((100, 1000), (1000, 1000), (1000, 10000)):
            lazy = mlsysim.sweep(checkpoint.expected_runtime, chunks=chunk, **kw)
            t = _median_time(lambda: lazy.compute(scheduler="threads"), 1)  # noqa: B023
            rows.append((f"sweep, chunks {chunk}, dask threads", f"{t * 1e3:.0f}"))
        del dask
    except ImportError:
        rows.append(("dask not installed", ""))
    wm, mm = w.m[:, None], m.m[None, :]

    def bare():
        k = np.floor(3.6e6 / 3600)
        return k * mm * np.exp(300 / mm) * np.expm1((3600 + wm) / mm)

    rows.append(("bare numpy (same formula, one pass)", f"{_median_time(bare, 1) * 1e3:.0f}"))
    _print_table(("expected_runtime on 1e7 grid points", "ms"), rows, markdown)

    # A sweep validates each axis (1e3 values), not the 1e6-point grid: cheap formulas stay near bare numpy.
    print()
    size = Q_(rng.uniform(1e9, 1e14, 1000), "B")
    bw = Q_(rng.uniform(1e8, 1e11, 1000), "B/s")
    s_m, b_m = size.m[:, None], bw.m[None, :]
    from mlsysim.models import storage

    grid = _median_time(lambda: mlsysim.sweep(storage.transfer_time, size=size, bandwidth=bw), 3)
    call = _median_time(lambda: storage.transfer_time(Q_(s_m, "B"), Q_(b_m, "B/s")), 3)
    bare_grid = _median_time(lambda: s_m / b_m, 3)
    _print_table(("transfer_time on a 1000 x 1000 grid", "ms", "ratio to bare numpy"), [
        ("mlsysim.sweep", f"{grid * 1e3:.2f}", f"{grid / bare_grid:.2f}x"),
        ("direct call on broadcasting axes", f"{call * 1e3:.2f}", f"{call / bare_grid:.2f}x"),
        ("bare numpy, broadcasting axes", f"{bare_grid * 1e3:.2f}", "1.00x"),
    ], markdown)


def _import_time(code, runs=9):
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", f"import time; t=time.perf_counter(); {code}; "
                              "print(time.perf_counter()-t)"], capture_output=True, text=True, check=True)
        times.append(float(out.stdout))
    return statistics.median(times)


def _imports(markdown):
    print()
    base = _import_time("import numpy, pint")
    ours = _import_time("import mlsysim")
    runs = 15
    t0 = statistics.median([_wall([sys.executable, "-c", "pass"]) for _ in range(runs)])
    helptime = statistics.median([_wall([sys.executable, "-m", "mlsysim", "--help"]) for _ in range(runs)]) - t0
    basewall = statistics.median([_wall([sys.executable, "-c", "import numpy, pint"]) for _ in range(runs)]) - t0
    _print_table(("start-up", "ms", "ratio to import numpy, pint"), [
        ("import numpy, pint", f"{base * 1e3:.0f}", "1.00x"),
        ("import mlsysim", f"{ours * 1e3:.0f}", f"{ours / base:.2f}x"),
        ("python -m mlsysim --help (wall, less an empty interpreter)", f"{helptime * 1e3:.0f}",
         f"{helptime / basewall:.2f}x"),
    ], markdown)


def _wall(cmd):
    import time

    t = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=True)
    return time.perf_counter() - t


if __name__ == "__main__":
    main()
