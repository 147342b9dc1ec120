"""mlsysim.models.checkpoint, fleet MTBF, failure and survival probabilities, expected failures."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from _helpers import check_row, rows
from mlsysim import Q_, DomainError, UnitError
from mlsysim.models import checkpoint as ck
from mlsysim.testing import quantities

# ============================================================ known answers (hand calculations)


def test_lab_fleet_16384_gpus_with_4_hour_mtbf():
    # Vol. 2, Lab 07 (Fault Tolerance): 16,384 GPUs, fleet MTBF 4 h -> per-GPU MTBF 4 h x 16,384 = 65,536 h
    # = 65,536 / (365.25 x 24) years = 7.476 years
    gpu = Q_(4, "h") * 16384
    assert gpu.to("year").m == pytest.approx(7.4762, rel=1e-4)
    assert ck.fleet_mtbf(gpu, 16384).to("h").m == pytest.approx(4.0, rel=1e-15)
    # doubling the fleet: 2 h
    assert ck.fleet_mtbf(gpu, 32768).to("h").m == pytest.approx(2.0, rel=1e-15)
    # a 24 h day: per GPU exp(-24/65536); the fleet P^N = exp(-6) = 0.0024787521767
    p_gpu = 1 - ck.failure_probability(gpu, "24 h")
    assert p_gpu == pytest.approx(np.exp(-24 / 65536), rel=1e-15)
    assert ck.fleet_survival(p_gpu, 16384) == pytest.approx(0.0024787521767, rel=1e-9)
    # the same from the fleet MTBF directly: 1 - P(failure in 24 h at M = 4 h)
    survival = 1 - ck.failure_probability("4 h", "24 h")
    assert survival == pytest.approx(0.0024787521767, rel=1e-9)
    # 30 days = 720 h -> 180 expected failures
    assert ck.expected_failures("4 h", "30 day") == pytest.approx(180.0)


def test_series_mtbf_adds_failure_rates():
    # 8/50k + 2/200k + 1/100k = 18/100k per hour -> 5555.56 h
    out = ck.series_mtbf(Q_([50_000, 200_000, 100_000], "h"), [8, 2, 1])
    assert out.to("h").m == pytest.approx(100_000 / 18, rel=1e-12)
    # a component that never fails adds nothing; leading axes are independent systems
    two = ck.series_mtbf(Q_([[100.0, np.inf], [100.0, 100.0]], "h"))
    assert two.to("h").m == pytest.approx([100.0, 50.0])
    assert ck.series_mtbf(Q_([np.inf], "h")).m == np.inf
    # one kind of component: fleet_mtbf
    assert ck.series_mtbf("65536 h", 16384).m == pytest.approx(ck.fleet_mtbf("65536 h", 16384).m)


def test_failure_probability_tiny_and_stable():
    # 1 s at M = 1e6 h: 1/3.6e9 = 2.7777...e-10 (1 - exp would keep only ~6 digits)
    assert ck.failure_probability("1e6 h", "1 s") == pytest.approx(1 / 3.6e9, rel=1e-9)
    assert ck.failure_probability(Q_(np.inf, "h"), "1 h") == 0.0
    # q = 1e-18 per node, 1,000 nodes: 1e-15 (1 - (1 - q)^N would give 0)
    assert ck.fleet_failure_probability(1e-18, 1000) == pytest.approx(1e-15, rel=1e-12)
    assert ck.fleet_failure_probability(1.0, 3) == 1.0
    assert ck.fleet_survival(0.0, 3) == 0.0 and ck.fleet_survival(1.0, 10**6) == 1.0


# ============================================================ properties


@given(quantities("h", 1.0, 1e6), st.integers(1, 10**6))
def test_fleet_mtbf_halves_when_nodes_double(node_mtbf, nodes):
    one = ck.fleet_mtbf(node_mtbf, nodes)
    two = ck.fleet_mtbf(node_mtbf, 2 * nodes)
    assert two.m == pytest.approx(one.m / 2, rel=1e-14)


# ============================================================ bad input


# (function, kwargs, exception, parameter named): the shared format of tests/_helpers.py
BAD = [
    (ck.fleet_mtbf, dict(node_mtbf=4.0, nodes=2), UnitError, "node_mtbf"),
    (ck.fleet_mtbf, dict(node_mtbf="4 GB", nodes=2), UnitError, "node_mtbf"),
    (ck.fleet_mtbf, dict(node_mtbf="0 h", nodes=2), DomainError, "node_mtbf"),
    (ck.fleet_mtbf, dict(node_mtbf="4 h", nodes=0), DomainError, "nodes"),
    (ck.fleet_mtbf, dict(node_mtbf="4 h", nodes=2.5), DomainError, "nodes"),
    (ck.series_mtbf, dict(component_mtbf=Q_([1.0, np.nan], "h")), DomainError, "component_mtbf"),
    (ck.series_mtbf, dict(component_mtbf="1 h", count=-1), DomainError, "count"),
    (ck.failure_probability, dict(mtbf="4 h", duration="-1 h"), DomainError, "duration"),
    (ck.failure_probability, dict(mtbf="4 h", duration=3.0), UnitError, "duration"),
    (ck.fleet_survival, dict(node_survival=1.5, nodes=3), DomainError, "node_survival"),
    (ck.fleet_survival, dict(node_survival="0.5", nodes=3), UnitError, "node_survival"),
    (ck.fleet_failure_probability, dict(node_failure_probability=np.nan, nodes=3), DomainError, "node_failure_probability"),
    (ck.expected_failures, dict(mtbf="4 h", duration="1 GB"), UnitError, "duration"),
]


@pytest.mark.parametrize("row", rows(BAD), ids=lambda r: r.id)
def test_bad_input(row):
    check_row(row)
