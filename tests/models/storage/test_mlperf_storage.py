"""workload_demand, supported_accelerators, tiered_pipeline series stages, prefetch_depth beyond int64."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlsysim import Q_, workloads
from mlsysim.models import storage as S
from mlsysim.testing import training_workloads


def test_workload_demand_hand_values():
    # unet3d H100: 7 x 146,600,628 B / 0.323 s = 1,026,204,396 / 0.323 = 3.177103e9 B/s
    assert S.workload_demand("unet3d_h100").to("B/s").m == pytest.approx(1026204396 / 0.323, rel=1e-12)
    # resnet50 A100, 8 accelerators: 8 x 400 x 114,660.07 B / 0.435 s = 843,476,377 B/s
    assert S.workload_demand(workloads.RESNET50_A100, 8).to("B/s").m == pytest.approx(
        8 * 400 * 114660.07 / 0.435, rel=1e-12)
    assert S.workload_demand("cosmoflow_a100", 0).to("B/s").m == 0.0
    out = S.workload_demand("unet3d_a100", np.array([1, 2, 3]))
    np.testing.assert_allclose(out.to("B/s").m, np.array([1, 2, 3]) * 7 * 146600628 / 0.636, rtol=1e-12)


def brute_force(workload, storage, client=None, clients=1, u=None):
    """Largest N whose utilization, simulated step by step in exact fractions, is at least u.

    Each of N accelerators reads its batch per step; storage bandwidth is shared evenly; accelerators
    are dealt to hosts round-robin, so the busiest host carries ceil(N / clients); a step takes
    max(compute, io) (I/O overlapped), and U = compute / step.
    """
    u = Fraction(workload.min_utilization if u is None else u).limit_denominator(10**6)
    batch = Fraction(workload.batch_size) * Fraction(workload.sample_size.m_as("B")).limit_denominator(10**6)
    compute = Fraction(workload.compute_time.m_as("s")).limit_denominator(10**9)
    best = 0
    for n in range(1, 5000):
        share = Fraction(storage) / n
        if client is not None:
            busiest = -(-n // clients)
            share = min(share, Fraction(client) / busiest)
        io = batch / share
        if compute / max(compute, io) >= u:
            best = n
        else:  # each share only shrinks as n grows, so no larger n passes
            break
    return best


@pytest.mark.parametrize("name", workloads.names())
@pytest.mark.parametrize("storage, client, clients", [(20e9, None, 1), (3e9, None, 1), (50e9, 4e9, 3),
                                                      (200e9, 25e9, 2), (1e9, 5e8, 8)])
def test_supported_accelerators_against_brute_force(name, storage, client, clients):
    w = workloads.get(name)
    got = S.supported_accelerators(w, Q_(storage, "B/s"),
                                   client_bandwidth=None if client is None else Q_(client, "B/s"), clients=clients)
    assert got == brute_force(w, storage, client, clients)
    assert isinstance(got, int)


def test_supported_accelerators_exact_at_the_boundary():
    w = workloads.UNET3D_H100
    need = S.workload_demand(w, 10) * 0.9  # exactly what 10 accelerators need at U = 0.9
    assert S.supported_accelerators(w, need) == 10
    assert S.supported_accelerators(w, need * (1 - 1e-6)) == 9
    assert S.supported_accelerators(w, need, min_utilization=0.5) == 18  # 10 x 0.9 / 0.5 = 18 exactly


def test_supported_accelerators_client_ceiling_and_vectorised():
    w = workloads.RESNET50_H100
    per = S.workload_demand(w).to("B/s").m * 0.9  # bandwidth one accelerator needs at U = 0.9
    storage = Q_(np.array([10.5, 100.5]) * per, "B/s")
    # host ceiling 3.5 accelerators' worth -> 3 per host; 4 hosts -> 12; storage 10 or 100
    out = S.supported_accelerators(w, storage, client_bandwidth=Q_(3.5 * per, "B/s"), clients=np.array([[1], [4]]))
    np.testing.assert_array_equal(out, np.array([[3, 3], [10, 12]]))
    assert out.dtype == np.int64


def test_supported_accelerators_zero_when_one_cannot_keep_up():
    assert S.supported_accelerators("unet3d_h100", "1 GB/s") == 0


def test_series_stage_hand_calculation():
    # tiers: NVMe 28 / 0.4 = 70 GB/s, Lustre 40 / 0.6 = 66.7 GB/s; PCIe carries every byte: 32 GB/s;
    # the NIC carries the remote 60 %: 25 Gbit/s = 3.125 GB/s / 0.6 = 5.2083 GB/s -> the NIC limits
    t = S.tiered_pipeline("8 GB/s", [("NVMe", "28 GB/s", 0.4), ("Lustre", "40 GB/s", 0.6)],
                          series=[("PCIe", "32 GB/s"), ("NIC", "25 Gbit/s", 0.6)])
    assert t.delivered_bandwidth.to("GB/s").m == pytest.approx(3.125 / 0.6, rel=1e-12)
    assert t.bottleneck_tier == "NIC" and t.starved
    assert t.utilization == pytest.approx(3.125 / 0.6 / 8, rel=1e-12)
    # a faster NIC: 100 Gbit/s = 12.5 / 0.6 = 20.8 GB/s; PCIe Gen4 at 16 GB/s now limits
    t = S.tiered_pipeline("8 GB/s", [("NVMe", "28 GB/s", 0.4), ("Lustre", "40 GB/s", 0.6)],
                          series=[("PCIe", "16 GB/s"), ("NIC", "100 Gbit/s", 0.6)])
    assert t.bottleneck_tier == "PCIe" and t.delivered_bandwidth.to("GB/s").m == pytest.approx(16)
    assert not t.starved and t.utilization == 1.0


def test_series_stage_with_no_traffic_and_without_series_unchanged():
    tiers = [("NVMe", "28 GB/s", 0.3), ("S3", "10 Gbit/s", 0.7)]
    plain = S.tiered_pipeline("4 GB/s", tiers)
    same = S.tiered_pipeline("4 GB/s", tiers, series=[("idle NIC", "1 Mbit/s", 0.0)])
    assert same.delivered_bandwidth == plain.delivered_bandwidth and same.bottleneck_tier == "S3"


def test_series_stage_vectorised():
    bw = Q_(np.array([[8.0], [64.0]]), "GB/s")
    t = S.tiered_pipeline(Q_(np.array([1.0, 4.0, 10.0]), "GB/s"), [("NVMe", "28 GB/s", 0.5), ("S3", "25 GB/s", 0.5)],
                          series=[("PCIe", bw)])
    assert t.delivered_bandwidth.shape == (2, 3)
    np.testing.assert_array_equal(t.bottleneck_tier, [["PCIe"] * 3, ["S3"] * 3])  # 8 < 50; 64 > 25 / 0.5


@pytest.mark.parametrize("series, exc", [
    ([("PCIe",)], "UnitError"), ("PCIe", "UnitError"), ([("PCIe", 64e9)], "UnitError"),
    ([("PCIe", "0 GB/s")], "DomainError"), ([("NIC", "1 GB/s", 1.5)], "DomainError"),
])
def test_series_stage_bad_input(series, exc):
    import mlsysim

    with pytest.raises(getattr(mlsysim, exc), match="series"):
        S.tiered_pipeline("1 GB/s", [("NVMe", "28 GB/s", 1.0)], series=series)


def test_prefetch_depth_does_not_overflow_int64():
    # 1e10 s / 1 ns = 1e19 > 2**63 - 1 (9.2e18): returned as a float, not wrapped to a negative int
    deep = S.prefetch_depth("1e10 s", "1 ns")
    assert isinstance(deep, float) and deep == pytest.approx(1e19)
    arr = S.prefetch_depth(Q_(np.array([1.0, 1e10]), "s"), "1 ns")
    assert arr.dtype == float and np.all(arr > 0) and arr[0] == 1e9
    # beyond the float range: inf, not an error
    assert S.prefetch_depth("1e300 s", "1e-300 s") == float("inf")
    # at 2**53 and below, exact ints (the int64 path)
    exact = S.prefetch_depth(Q_(2.0**53, "ns"), "1 ns")
    assert isinstance(exact, int) and exact == 2**53
    small = S.prefetch_depth(Q_(np.array([10.0, 25.0]), "ms"), "10 ms")
    assert small.dtype == np.int64 and small.tolist() == [1, 3]


@settings(max_examples=60)
@given(w=training_workloads(), storage=st.floats(1e8, 1e12), u=st.floats(0.05, 1.0))
def test_agrees_with_input_pipeline_at_and_beyond_the_answer(w, storage, u):
    # input_pipeline is a separate model of the same physics: N_max passes the threshold, N_max + 1
    # does not (up to the 1e-9 boundary rounding)
    n = S.supported_accelerators(w, Q_(storage, "B/s"), min_utilization=u)
    beyond = S.input_pipeline(n + 1, w.batch_bytes, w.compute_time, Q_(storage, "B/s"))
    assert beyond.utilization < u * (1 + 1e-9)
    if n >= 1:
        at = S.input_pipeline(n, w.batch_bytes, w.compute_time, Q_(storage, "B/s"))
        assert at.utilization >= u * (1 - 1e-9)


@settings(max_examples=40)
@given(storage=st.floats(1e8, 1e12), factor=st.floats(1.0, 10.0), clients=st.integers(1, 64))
def test_monotone_in_bandwidth_and_a_host_ceiling_only_lowers(storage, factor, clients):
    w = workloads.COSMOFLOW_H100
    lo = S.supported_accelerators(w, Q_(storage, "B/s"))
    hi = S.supported_accelerators(w, Q_(storage * factor, "B/s"))
    capped = S.supported_accelerators(w, Q_(storage, "B/s"), client_bandwidth=Q_(storage / clients, "B/s"),
                                      clients=clients)
    assert hi >= lo >= capped


@settings(max_examples=40)
@given(bw=st.floats(0.1, 100), frac=st.floats(0.0, 1.0), stage=st.floats(0.1, 100), share=st.floats(0.0, 1.0))
def test_a_series_stage_only_lowers_delivery_and_binds_exactly_at_its_limit(bw, frac, stage, share):
    tiers = [("NVMe", Q_(bw, "GB/s"), frac), ("S3", "10 GB/s", 1 - frac)]
    plain = S.tiered_pipeline("5 GB/s", tiers).delivered_bandwidth.to("GB/s").m
    t = S.tiered_pipeline("5 GB/s", tiers, series=[("NIC", Q_(stage, "GB/s"), share)])
    got = t.delivered_bandwidth.to("GB/s").m
    limit = stage / share if share > 0 else np.inf  # the stage carries share x delivered
    assert got == pytest.approx(min(plain, limit), rel=1e-12)
    if abs(limit - plain) > 1e-9 * plain:  # a tie goes to the tier (listed first); rounding decides near one
        assert (t.bottleneck_tier == "NIC") == (limit < plain)
