"""mlsysim.models.storage, the input pipeline and prefetching (Vol. 2, Lab 04)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from _helpers import V3, check_row, check_vectorised, rows, vary
from mlsysim import Q_, DomainError, UnitError
from mlsysim.hardware import IB_HDR200, LUSTRE_OST
from mlsysim.models import storage as S
from mlsysim.testing import magnitudes, quantities

# ============================================================ known answers


PORTS = 16 * IB_HDR200.bandwidth  # 128 GPUs / 8 per node x 25 GB/s = 400 GB/s


def test_lustre_sequential_lab():
    p = S.input_pipeline(128, "4 MB", "50 ms", "672 GB/s", network_bandwidth=PORTS)
    assert p.demand.to("GB/s").m == pytest.approx(10.24)          # 128 x 4 MB / 50 ms
    assert (p.demand / 128).to("MB/s").m == pytest.approx(80)     # 80 MB/s per GPU
    assert p.supply.to("GB/s").m == pytest.approx(400)            # min(672, 400)
    assert p.per_accelerator_bandwidth.to("GB/s").m == pytest.approx(3.125)  # 400 / 128
    assert p.io_time.to("ms").m == pytest.approx(1.28)            # 4 MB / 3.125 GB/s
    assert p.stall_time.to("s").m == 0
    assert p.utilization == 1.0
    assert p.storage_utilization == pytest.approx(10.24 / 672)    # 1.5 %
    assert p.bottleneck == "compute"


def test_lustre_random_read_collapse():
    # one synchronous 4 KiB read per GPU: 128 x 4,096 B / (85 us + 0.6 us) = 6.125 GB/s
    x = S.storage_throughput(LUSTRE_OST, "4 KiB", 128, servers=24, extra_latency=IB_HDR200.latency)
    assert x.to("B/s").m == pytest.approx(128 * 4096 / 85.6e-6)
    p = S.input_pipeline(128, "4 MB", "50 ms", "672 GB/s", access_efficiency=float(x / Q_("672 GB/s")),
                         network_bandwidth=PORTS)
    # utilization = supply / demand = 6.125 / 10.24 = 0.598
    assert p.utilization == pytest.approx(128 * 4096 / 85.6e-6 / 10.24e9)
    assert p.bottleneck == "storage"
    # a second worker per GPU doubles the reads in flight: 12.25 GB/s > 10.24 GB/s
    x2 = S.storage_throughput(LUSTRE_OST, "4 KiB", 256, servers=24, extra_latency=IB_HDR200.latency)
    p2 = S.input_pipeline(128, "4 MB", "50 ms", "672 GB/s", access_efficiency=float(x2 / Q_("672 GB/s")))
    assert p2.utilization == 1.0 and p2.bottleneck == "compute"


def test_network_bottleneck_and_no_overlap():
    # storage 672 GB/s but a 5 GB/s network: utilization 5 / 10.24 = 0.488
    p = S.input_pipeline(128, "4 MB", "50 ms", "672 GB/s", network_bandwidth="5 GB/s")
    assert p.utilization == pytest.approx(5 / 10.24)
    assert p.bottleneck == "network"
    # no overlap: step = 50 ms + 1.28 ms; utilization 50 / 51.28
    p = S.input_pipeline(128, "4 MB", "50 ms", "672 GB/s", network_bandwidth=PORTS, overlap=False)
    assert p.step_time.to("ms").m == pytest.approx(51.28)
    assert p.stall_time.to("ms").m == pytest.approx(1.28)
    assert p.utilization == pytest.approx(50 / 51.28)


RESNET_BATCH = 64 * 224 * 224 * 3 * 4              # 38,535,168 B of FP32 tensors


RESNET_COMPUTE = 64 * 4.1e9 / 312e12               # 0.841 ms on the A100's 312 TFLOP/s


@pytest.mark.parametrize(
    "bandwidth, io_s, util, bottleneck",
    [
        ("0.15 GB/s", RESNET_BATCH / 0.15e9, RESNET_COMPUTE / (RESNET_BATCH / 0.15e9), "storage"),  # 256.9 ms, 0.33 %
        ("0.55 GB/s", RESNET_BATCH / 0.55e9, RESNET_COMPUTE / (RESNET_BATCH / 0.55e9), "storage"),  # 70.1 ms, 1.2 %
        ("3.5 GB/s", RESNET_BATCH / 3.5e9, RESNET_COMPUTE / (RESNET_BATCH / 3.5e9), "storage"),     # 11.0 ms, 7.6 %
        ("50 GB/s", RESNET_BATCH / 50e9, 1.0, "compute"),                                           # 0.77 ms < 0.84 ms
    ],
)
def test_resnet_a100_tiers(bandwidth, io_s, util, bottleneck):
    p = S.input_pipeline(1, Q_(RESNET_BATCH, "B"), Q_(RESNET_COMPUTE, "s"), bandwidth)
    assert p.io_time.to("s").m == pytest.approx(io_s)
    assert p.utilization == pytest.approx(util)
    assert p.bottleneck == bottleneck


def test_prefetch_depth_and_memory():
    assert S.prefetch_depth("30 ms", Q_(RESNET_COMPUTE, "s")) == 36   # ceil(30 / 0.841) = ceil(35.67)
    assert S.prefetch_depth("30 ms", "10 ms") == 3                    # exactly 3, not 4
    assert S.prefetch_depth("0 s", "10 ms") == 0
    d = S.prefetch_depth(Q_(np.array([10.0, 25.0]), "ms"), "10 ms")
    assert d.dtype.kind == "i" and d.tolist() == [1, 3]
    # 8 GPUs x 36 batches x 38.5 MB = 11.09 GB
    m = S.prefetch_memory("38.5 MB", "30 ms", Q_(RESNET_COMPUTE, "s"), accelerators=8)
    assert m.to("GB").m == pytest.approx(8 * 36 * 0.0385)


def test_records_print_as_tables():
    text = str(S.input_pipeline(128, "4 MB", "50 ms", "672 GB/s"))
    assert text.startswith("InputPipeline") and "bottleneck" in text and "GB/s" in text


# ============================================================ properties


@given(low=quantities("GB/s", 0.01, 1000), factor=magnitudes(1.0, 100.0),
       eff=magnitudes(0.001, 1.0), overlap=st.booleans())
def test_more_storage_bandwidth_never_lowers_utilization(low, factor, eff, overlap):
    kw = dict(access_efficiency=eff, network_bandwidth="400 GB/s", overlap=overlap)
    a = S.input_pipeline(128, "4 MB", "50 ms", low, **kw)
    b = S.input_pipeline(128, "4 MB", "50 ms", low * factor, **kw)
    assert b.utilization >= a.utilization * (1 - 1e-12)


@given(net=quantities("GB/s", 0.01, 1000), factor=magnitudes(1.0, 100.0))
def test_more_network_bandwidth_never_lowers_utilization(net, factor):
    a = S.input_pipeline(128, "4 MB", "50 ms", "672 GB/s", network_bandwidth=net)
    b = S.input_pipeline(128, "4 MB", "50 ms", "672 GB/s", network_bandwidth=net * factor)
    assert b.utilization >= a.utilization * (1 - 1e-12)


# ============================================================ vectorised == element-wise


def test_grid_broadcasting_shape():
    p = S.input_pipeline(np.array([[8], [128]]), "4 MB", "50 ms", V3(1, 10, 100, "GB/s"))
    assert p.shape == (2, 3) and p.bottleneck.shape == (2, 3)


# ============================================================ bad input and vectorised == element-wise


GOOD = {
    S.input_pipeline: dict(accelerators=128, batch_bytes="4 MB", compute_time="50 ms", storage_bandwidth="672 GB/s",
                           access_efficiency=1.0, network_bandwidth="400 GB/s", overlap=True),
    S.prefetch_depth: dict(latency="30 ms", compute_time="1 ms"),
    S.prefetch_memory: dict(batch_bytes="38.5 MB", latency="30 ms", compute_time="1 ms", accelerators=8),
}

# (function, kwargs, exception, parameter named): the shared format of tests/_helpers.py
BAD = [
    (S.input_pipeline, vary(GOOD, S.input_pipeline, accelerators=0), DomainError, "accelerators"),
    (S.input_pipeline, vary(GOOD, S.input_pipeline, accelerators=1.5), DomainError, "accelerators"),
    (S.input_pipeline, vary(GOOD, S.input_pipeline, batch_bytes=4e6), UnitError, "batch_bytes"),
    (S.input_pipeline, vary(GOOD, S.input_pipeline, compute_time="0 ms"), DomainError, "compute_time"),
    (S.input_pipeline, vary(GOOD, S.input_pipeline, storage_bandwidth=Q_(float("inf"), "GB/s")), DomainError, "storage_bandwidth"),
    (S.input_pipeline, vary(GOOD, S.input_pipeline, access_efficiency=1.5), DomainError, "access_efficiency"),    # a fraction above 1
    (S.input_pipeline, vary(GOOD, S.input_pipeline, access_efficiency=0.0), DomainError, "access_efficiency"),
    (S.input_pipeline, vary(GOOD, S.input_pipeline, network_bandwidth="400 GB"), UnitError, "network_bandwidth"),
    (S.input_pipeline, vary(GOOD, S.input_pipeline, overlap="yes"), UnitError, "overlap"),
    (S.prefetch_depth, vary(GOOD, S.prefetch_depth, latency="-1 ms"), DomainError, "latency"),
    (S.prefetch_depth, vary(GOOD, S.prefetch_depth, compute_time="0 s"), DomainError, "compute_time"),
    (S.prefetch_depth, vary(GOOD, S.prefetch_depth, latency=30), UnitError, "latency"),
    (S.prefetch_memory, vary(GOOD, S.prefetch_memory, accelerators=0), DomainError, "accelerators"),
    (S.prefetch_memory, vary(GOOD, S.prefetch_memory, batch_bytes="1 GB/s"), UnitError, "batch_bytes"),
]


@pytest.mark.parametrize("row", rows(BAD, GOOD), ids=lambda r: r.id)
def test_bad_input(row):
    check_row(row)


VECTOR_CASES = [
    (S.input_pipeline, dict(accelerators=np.array([1, 128, 128]), batch_bytes="4 MB", compute_time="50 ms",
                            storage_bandwidth=V3(0.15, 672, 672, "GB/s"),
                            access_efficiency=np.array([1.0, 0.009, 1.0]), network_bandwidth=V3(1, 400, 5, "GB/s"),
                            overlap=np.array([True, True, False]))),
    (S.prefetch_depth, dict(latency=V3(0, 30, 200, "ms"), compute_time="0.84 ms")),
    (S.prefetch_memory, dict(batch_bytes="38.5 MB", latency=V3(0, 30, 200, "ms"), compute_time="0.84 ms",
                             accelerators=np.array([1, 8, 8]))),
]


@pytest.mark.parametrize("fn, kwargs", VECTOR_CASES, ids=[f.__name__ for f, _ in VECTOR_CASES])
def test_vectorised_equals_elementwise(fn, kwargs):
    check_vectorised(fn, kwargs)
