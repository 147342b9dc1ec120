"""mlsysim.models.checkpoint across its themes: vectorised equals element-wise, broadcasting, coverage.

Each theme has its own file (``test_ckpt_<theme>.py``, mirroring ``models/checkpoint/_<theme>.py``)
with its own bad-input table; the coverage test here reads them all.
"""

import numpy as np
import pytest
import test_ckpt_brownout
import test_ckpt_failures
import test_ckpt_integrity
import test_ckpt_intervals
import test_ckpt_laws
import test_ckpt_placement
import test_ckpt_runtime
import test_ckpt_simulation
from hypothesis import given
from hypothesis import strategies as st

from mlsysim import Q_
from mlsysim.models import checkpoint as ck

# every theme's bad-input table (pytest puts this folder on sys.path: the basenames are unique)
BAD = [*test_ckpt_failures.BAD, *test_ckpt_intervals.BAD, *test_ckpt_runtime.BAD, *test_ckpt_placement.BAD,
       *test_ckpt_integrity.BAD, *test_ckpt_brownout.BAD, *test_ckpt_laws.BAD, *test_ckpt_simulation.BAD]


# ============================================================ vectorised == element-wise


def _elementwise(fn, *arrays, **kw):
    return [fn(*(a[i] for a in arrays), **kw) for i in range(len(arrays[0]))]


def _same(vec, scalars):
    for i, s in enumerate(scalars):
        v = vec[i] if not np.isscalar(vec) else vec
        if hasattr(s, "as_dict"):
            for name, value in s.as_dict().items():
                got = v.as_dict()[name]
                if isinstance(value, dict):
                    assert got["value"] == pytest.approx(value["value"], rel=1e-12, nan_ok=True)
                elif isinstance(value, float):
                    assert got == pytest.approx(value, rel=1e-12)
                else:
                    assert got == value
        elif hasattr(s, "m"):
            assert v.m == pytest.approx(s.m, rel=1e-12)
        else:
            assert v == pytest.approx(s, rel=1e-12)


@given(st.integers(0, 2**31 - 1))
def test_vectorised_equals_elementwise(seed):
    rng = np.random.default_rng(seed)
    n = 4
    m = Q_(rng.uniform(1, 100, n), "h")
    delta = Q_(rng.uniform(1, 300, n), "s")
    tau = Q_(rng.uniform(0.1, 3, n), "h")
    work = Q_(rng.uniform(10, 1000, n), "h")
    restart = Q_(rng.uniform(0, 600, n), "s")
    nodes = rng.integers(1, 5000, n).astype(float)
    prob = rng.uniform(0, 1, n)
    size = Q_(rng.uniform(1, 500, n), "GB")
    bw = Q_(rng.uniform(1, 50, n), "GB/s")
    volts = Q_(rng.uniform(2.0, 3.6, n), "V")
    caps = Q_(rng.uniform(1, 100, n), "uF")
    cases = [
        (ck.fleet_mtbf, (m, nodes), {}),
        (ck.failure_probability, (m, tau), {}),
        (ck.fleet_survival, (prob, nodes), {}),
        (ck.fleet_failure_probability, (prob, nodes), {}),
        (ck.expected_failures, (m, work), {}),
        (ck.young_interval, (delta, m), {}),
        (ck.daly_interval, (delta, m), {}),
        (ck.optimal_interval, (delta, m, restart), {}),
        (ck.expected_runtime, (work, tau, delta, m, restart), {}),
        (ck.expected_runtime, (work, tau, delta, m, restart), {"segments": "whole"}),
        (ck.waste_breakdown, (work, tau, delta, m, restart), {}),
        (ck.waste_breakdown, (work, tau, delta, m, restart), {"segments": "whole"}),
        (ck.checkpoint_write_time, (size, bw), {}),
        (ck.checkpoint_storm, (size, nodes, bw, bw * 40), {"groups": 7}),
        (ck.checkpoint_plan, (size, m, bw * 10), {"drain_bandwidth": "4 GB/s", "buffer_capacity": "300 GB"}),
        (ck.checkpoint_plan, (size, m, bw), {}),
        (ck.sdc_probability, (Q_(rng.uniform(0, 1e-5, n), "1/h"), work, nodes), {}),
        (ck.sdc_detection, (delta, size, bw), {"deadline": "100 s"}),
        (ck.incremental_checkpoint, (size, prob, bw), {}),
        (ck.holdup_energy, (caps, volts, Q_(1.8, "V") + 0 * volts), {}),
        (ck.brownout_save, (Q_(rng.uniform(1, 64, n), "KiB"), caps, volts, Q_(1.8, "V") + 0 * volts), {}),
    ]
    for fn, args, kw in cases:
        _same(fn(*args, **kw), _elementwise(fn, *args, **kw))
    # series_mtbf reduces the last axis: each row alone gives the same
    comp = Q_(rng.uniform(1e3, 1e5, (n, 3)), "h")
    counts = rng.integers(0, 9, (n, 3)).astype(float) + np.array([1.0, 0.0, 0.0])
    _same(ck.series_mtbf(comp, counts), [ck.series_mtbf(comp[i], counts[i]) for i in range(n)])


def test_arrays_broadcast_to_the_common_shape():
    out = ck.expected_runtime("100 h", Q_([[0.5], [1.0], [2.0]], "h"), Q_([60, 120], "s"), "4 h")
    assert out.shape == (3, 2)
    w = ck.waste_breakdown("100 h", Q_([[0.5], [1.0], [2.0]], "h"), Q_([60, 120], "s"), "4 h")
    assert w.shape == (3, 2) and w.waste_fraction.shape == (3, 2) and w.segments.shape == (3, 2)
    s = ck.checkpoint_storm("350 GB", 1024, "25 GB/s", "384 GB/s", groups=np.array([1, 8, 69]))
    assert s.bottleneck.tolist() == ["shared storage", "shared storage", "node link"]


# ============================================================ bad input


def test_every_public_function_has_a_bad_input_row():
    covered = {row[0].__name__ for row in BAD}
    functions = {name for name in ck.__all__ if callable(getattr(ck, name)) and name[0].islower()}
    assert functions <= covered
