"""Device physics of ``device_throughput`` (access latency plus transfer, bound and queue models),
``fit_device`` and ``read_fio_json`` (issue 13 item 3, issue 14 "Devices, measured").

Expected values are hand calculations (shown in comments), a closed form derived independently
of the mean-value recursion (the channels-only network), or a brute-force product-form solution
that enumerates the states of the closed network.
"""

from __future__ import annotations

import itertools
import json
from importlib.resources import files

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _helpers import V3, check_row, check_vectorised, rows, vary
from mlsysim import Q_, DomainError, UnitError
from mlsysim.hardware import HDD, LUSTRE_OST, NOR_FLASH, NVME_GEN4, SATA_SSD, UFS_31, StorageDevice
from mlsysim.models import storage as S
from mlsysim.testing import catalog_specs, magnitudes

KIB, MIB = 1024, 1024**2

# NVMe (Intel D7-P5500): B = 7e9 B/s, L = 85 us for 4 KiB, 1e6 IOPS at 4 KiB.
NV_B = 7e9
NV_A = 85e-6 - 4096 / NV_B          # access latency 84.41486 us (QD1 latency less the 0.585 us transfer)
NV_C = 1e6 * NV_A                   # 84.41 channels: c / A = 1e6 requests/s
# HDD (Exos X18): B = 270e6 B/s, L = 12.36 ms for 4 KiB, 152 IOPS at 4 KiB and a deep queue.
HD_B = 270e6
HD_A = 12.36e-3 - 4096 / HD_B       # seek + rotation 12.34483 ms
HD_P = 1 / 152 - 4096 / HD_B        # positioning with a deep, reordered queue: 6.56378 ms


def bps(device, block, qd, **kw):
    return S.device_throughput(device, Q_(block, "B"), qd, **kw).to("B/s").m


# ============================================================ known answers, bound model


@pytest.mark.parametrize("block, qd, expected", [
    (4 * KIB, 1, 4096 / 85e-6),                               # 48.19 MB/s: the catalog's QD1 figure itself
    (4 * KIB, 256, 1e6 * 4096),                               # 256 x 48.19 MB/s > IOPS ceiling 4.096 GB/s
    (512, 1, 512 / (NV_A + 512 / NV_B)),                      # 512 B / 84.488 us = 6.06 MB/s
    (512, 1000, 1e6 * 512),                                   # request ceiling c b / A = 1e6 x 512 B = 512 MB/s
    (64 * KIB, 1, 65536 / (NV_A + 65536 / NV_B)),             # 65,536 B / (84.415 + 9.362) us = 698.9 MB/s
    (64 * KIB, 4, 4 * 65536 / (NV_A + 65536 / NV_B)),         # Little: 2.795 GB/s, below every ceiling
    (64 * KIB, 16, NV_B),                                     # 16 x 698.9 MB/s > 7 GB/s: the bandwidth ceiling
    (MIB, 1, MIB / (NV_A + MIB / NV_B)),                      # 1 MiB / (84.415 + 149.797) us = 4.477 GB/s
    (MIB, 2, NV_B),                                           # 8.95 GB/s > 7 GB/s
])
def test_nvme_bound_known_answers(block, qd, expected):
    assert bps(NVME_GEN4, block, qd) == pytest.approx(expected, rel=1e-12)
    # flash has no positioning: a sequential request costs what a random one does
    assert bps(NVME_GEN4, block, qd, access="sequential") == pytest.approx(expected, rel=1e-12)


def test_issue_figures_moved_as_the_physics_says():
    # issue 13: NVMe 1 MiB QD1 was 7.0 GB/s, 1.56x the 4.477 GB/s of access + transfer
    assert 7e9 / bps(NVME_GEN4, MIB, 1) == pytest.approx(7e9 * (NV_A + MIB / NV_B) / MIB)
    assert bps(NVME_GEN4, MIB, 1) == pytest.approx(4.477e9, rel=1e-3)
    # HDD 1 MiB QD32 was 159.4 MB/s (152 IOPS x 1 MiB), 1.59x the 100.4 MB/s of positioning + transfer
    assert bps(HDD, MIB, 32) == pytest.approx(100.37e6, rel=1e-4)
    # sequential 512 B at QD1 was 7 GB/s, 14x the IOPS ceiling; now 512 B / 84.488 us, below 1e6 x 512 B
    assert bps(NVME_GEN4, 512, 1, access="sequential") == pytest.approx(6.06e6, rel=1e-3)


@pytest.mark.parametrize("block, qd, expected", [
    (4 * KIB, 1, 4096 / 12.36e-3),                            # 331.4 kB/s: one seek + rotation per read
    (4 * KIB, 16, 152 * 4096),                                # the rated 152 IOPS with a deep queue
    (64 * KIB, 2, 65536 / (HD_P + 65536 / HD_B)),             # Little 2 x 65,536 / 12.588 ms = 10.41 MB/s >
                                                              # one actuator 65,536 / (6.5638 + 0.2427) ms = 9.628
    (MIB, 1, MIB / (HD_A + MIB / HD_B)),                      # 1 MiB / (12.345 + 3.884) ms = 64.61 MB/s
    (MIB, 32, MIB / (HD_P + MIB / HD_B)),                     # 1 MiB / (6.564 + 3.884) ms = 100.37 MB/s
])
def test_hdd_bound_known_answers(block, qd, expected):
    assert bps(HDD, block, qd) == pytest.approx(expected, rel=1e-12)


def test_hdd_sequential_streams_without_positioning():
    # no seek: the rated 270 MB/s at any block size and queue depth >= 1; half of it at an average QD of 0.5
    x = bps(HDD, np.array([512.0, 4096.0, MIB]), np.array([[0.5], [1.0], [32.0]]), access="sequential")
    np.testing.assert_allclose(x, [[135e6] * 3, [270e6] * 3, [270e6] * 3], rtol=1e-12)


def test_serial_flash_when_the_rated_iops_allow_one_access_at_a_time():
    # NOR flash: 100,000 IOPS = 1 / 10 us, its QD1 latency: one request at a time. 256 B pages:
    # access 10 us - 256 / 66.5e6 s = 6.150 us; a 4 KiB read 6.150 + 61.594 us -> 60.46 MB/s at any depth
    a = 10e-6 - 256 / 66.5e6
    for qd in (1, 4, 64):
        assert bps(NOR_FLASH, 4096, qd) == pytest.approx(4096 / (a + 4096 / 66.5e6), rel=1e-12)
        assert bps(NOR_FLASH, 256, qd, model="queue") == pytest.approx(100_000 * 256, rel=1e-12)


def test_fractional_queue_depth_below_one_idles_the_device():
    # an average of 0.25 requests in flight: a quarter of the QD1 rate, both models
    for model in ("bound", "queue"):
        assert bps(NVME_GEN4, 4096, 0.25, model=model) == pytest.approx(0.25 * 4096 / 85e-6, rel=1e-12)


def test_storage_throughput_pays_the_transfer_too():
    # one OST of 4 NVMe drives, 1 MiB reads: 2 in flight: 2 x 1 MiB / 234.21 us = 8.954 GB/s (was 2 x 7 GB/s
    # capped at 28); 8 in flight: 35.8 GB/s > 4 drives x 7 GB/s = server's 28 GB/s
    from mlsysim.hardware import LUSTRE_OST
    r1 = NV_A + MIB / NV_B
    assert S.storage_throughput(LUSTRE_OST, "1 MiB", 2).to("B/s").m == pytest.approx(2 * MIB / r1)
    assert S.storage_throughput(LUSTRE_OST, "1 MiB", 8).to("GB/s").m == pytest.approx(28)
    # network latency adds to every read: 2 x 1 MiB / (234.21 + 100) us
    x = S.storage_throughput(LUSTRE_OST, "1 MiB", 2, extra_latency="100 us")
    assert x.to("B/s").m == pytest.approx(2 * MIB / (r1 + 100e-6))


# ============================================================ known answers, queue model


def channels_only(access, channels, q):
    """Closed form of c symmetric single-server queues, each request sent to one at random, no link:
    the C(N+c-1, c-1) states are equally likely, a channel is idle in C(N+c-2, c-2) of them, so
    X = (c / A) (1 - (c-1)/(N+c-1)) = (c/A) N / (N + c - 1)."""
    return channels / access * q / (q + channels - 1)


def test_queue_model_matches_the_channels_only_closed_form():
    # a link so fast its transfer is negligible (1e21 B/s: 4e-18 s per 4 KiB): 20 us access, 8 channels
    dev = attrs.evolve(NVME_GEN4, read_bandwidth="1e12 GB/s", read_latency="20 us", random_read_iops="400000 IOPS")
    qd = np.array([1.0, 2, 3, 7, 8, 50, 1000, 4096])
    x = bps(dev, 4096, qd, model="queue") / 4096
    np.testing.assert_allclose(x, channels_only(20e-6, 8.0, qd), rtol=1e-9)


def product_form(access, channels, transfer, population):
    """Brute-force throughput of the closed network (integer channels): enumerate every state
    (n_1..n_c on the channels, n_t on the link) with probability proportional to the product of
    demands (A/c)^(n_1+..+n_c) d^(n_t); X(N) = G(N-1) / G(N)."""
    def g(n):
        total = 0.0
        for state in itertools.product(range(n + 1), repeat=channels + 1):
            if sum(state) == n:
                total += (access / channels) ** sum(state[:-1]) * transfer ** state[-1]
        return total
    return g(population - 1) / g(population)


@pytest.mark.parametrize("qd", [1, 2, 3, 5, 6])
def test_queue_model_matches_brute_force_product_form(qd):
    # 3 channels, 30 us access, a slow 1 GB/s link so 64 KiB reads queue at it too (65.5 us transfer)
    dev = attrs.evolve(NVME_GEN4, read_bandwidth="1 GB/s", read_latency=f"{30 + 4.096} us",
                       random_read_iops=f"{3 / 30e-6} IOPS")
    x = bps(dev, 65536, qd, model="queue") / 65536
    assert x == pytest.approx(product_form(30e-6, 3, 65536 / 1e9, qd), rel=1e-9)


def test_queue_model_interpolates_between_whole_populations_and_extrapolates_above_4096():
    x2, x3 = (bps(NVME_GEN4, 4096, q, model="queue") for q in (2, 3))
    assert bps(NVME_GEN4, 4096, 2.25, model="queue") == pytest.approx(x2 + 0.25 * (x3 - x2), rel=1e-12)
    # channels-only shape beyond the recursion: X(N) = X_b - (X_b - X(4096)) 4096 / N -> X_b
    xb = min(NV_C / NV_A, NV_B / 4096) * 4096
    x4096 = bps(NVME_GEN4, 4096, 4096, model="queue")
    assert bps(NVME_GEN4, 4096, 8192, model="queue") == pytest.approx(xb - (xb - x4096) / 2, rel=1e-12)


@pytest.mark.parametrize("qd", [1, 2, 4, 32])
def test_hdd_queue_positioning_interpolates(qd):
    # P(Q) = P_inf + (A - P_inf) / Q; QD4: 6.5638 + 5.7811 / 4 = 8.0090 ms, + 3.8836 ms transfer: 88.17 MB/s
    positioning = HD_P + (HD_A - HD_P) / qd
    assert bps(HDD, MIB, qd, model="queue") == pytest.approx(MIB / (positioning + MIB / HD_B), rel=1e-12)


def test_docstring_queue_figure():
    # NVMe 4 KiB at QD256 in the queue model: channels-only 4.096 GB/s x 256 / (256 + 83.41) = 3.0895 GB/s;
    # the link (0.585 us per request) costs a little more: 3.087 GB/s
    x = bps(NVME_GEN4, 4096, 256, model="queue")
    assert 3.08e9 < x < channels_only(NV_A, NV_C, 256) * 4096


# ============================================================ properties

DEVICES = catalog_specs(StorageDevice)


def ceilings(device, block, qd):
    """The device's ceilings for this block and depth, computed from the catalog numbers."""
    b_seq = device.read_bandwidth.to("B/s").m
    iops = device.random_read_iops.to("1/s").m
    b0 = device.iops_block_size.to("B").m
    r1 = device.read_latency.to("s").m + (block - b0) / b_seq      # QD1 time: access + transfer
    return b_seq, iops, b0, qd * block / r1


@settings(max_examples=60, deadline=None)
@given(device=DEVICES, block=magnitudes(256, 2**24), qd=magnitudes(0.1, 2e4), grow=magnitudes(1.0, 64.0),
       model=st.sampled_from(["bound", "queue"]))
def test_monotone_and_never_above_a_ceiling(device, block, qd, grow, model):
    x = bps(device, block, qd, model=model)
    assert bps(device, block, qd * grow, model=model) >= x * (1 - 1e-12)
    assert bps(device, block * grow, qd, model=model) >= x * (1 - 1e-12)
    b_seq, iops, b0, little = ceilings(device, block, qd)
    assert x <= b_seq * (1 + 1e-12)
    assert x <= little * (1 + 1e-9)
    if block >= b0 or "HDD" not in device.kind:   # a disk's rated IOPS are for b0; smaller reads position the same
        assert x <= iops * block * (1 + 1e-9)
    seq = bps(device, block, qd, access="sequential", model=model)
    assert seq >= x * (1 - 1e-12)
    assert seq <= min(b_seq, little if "HDD" not in device.kind else b_seq * max(qd, 1)) * (1 + 1e-9)
    if model == "queue":
        assert x <= bps(device, block, qd) * (1 + 1e-9)   # the queue model stays below the bound


@settings(max_examples=20, deadline=None)
@given(device=DEVICES, model=st.sampled_from(["bound", "queue"]),
       blocks=st.lists(magnitudes(256, 2**22), min_size=3, max_size=3),
       depths=st.lists(magnitudes(0.2, 5000), min_size=2, max_size=2),
       access=st.sampled_from(["random", "sequential"]))
def test_vectorised_equals_element_wise(device, model, blocks, depths, access):
    b = np.array(blocks).reshape(1, 3)
    q = np.array(depths).reshape(2, 1)
    together = bps(device, b, q, model=model, access=access)
    for i, j in itertools.product(range(2), range(3)):
        assert together[i, j] == pytest.approx(bps(device, b[0, j], q[i, 0], model=model, access=access),
                                               rel=1e-13)
    # a scalar block with an array of depths takes the other branch of the recursion: same values
    row = bps(device, b[0, 0], q[:, 0], model=model, access=access)
    np.testing.assert_allclose(row, together[:, 0], rtol=1e-13)


# ============================================================ fit_device


def synthetic(model, noise=0.0, seed=0):
    truth = attrs.evolve(NVME_GEN4, read_latency=f"{60 + 4096 / 1500:.9f} us",
                         random_read_iops=f"{5 / 60e-6:.6f} IOPS", read_bandwidth="1500 MB/s")
    qd = np.array([1, 2, 4, 8, 16, 32, 64, 1, 1, 1, 32])
    block = np.array([4, 4, 4, 4, 4, 4, 4, 64, 1024, 4096, 1024]) * 1024.0
    x = bps(truth, block, qd, model=model)
    x = x * np.exp(np.random.default_rng(seed).normal(0, noise, x.size))
    return Q_(block, "B"), qd, Q_(x, "B/s")


@pytest.mark.parametrize("model", ["bound", "queue"])
@pytest.mark.parametrize("base", [None, NVME_GEN4, SATA_SSD])
def test_fit_recovers_exact_parameters(model, base):
    fit = S.fit_device(*synthetic(model), model=model, base=base)
    assert fit.access_latency.to("us").m == pytest.approx(60, rel=1e-6)
    assert fit.channels == pytest.approx(5, rel=1e-6)
    assert fit.bandwidth.to("MB/s").m == pytest.approx(1500, rel=1e-6)
    np.testing.assert_allclose(fit.relative_error, 0, atol=1e-6)
    # the device round-trips through the catalog's terms: L = A + b0/B, IOPS = c / A
    assert fit.device.read_latency.to("us").m == pytest.approx(60 + 4096 / 1500, rel=1e-6)
    assert fit.device.random_read_iops.to("1/s").m == pytest.approx(5 / 60e-6, rel=1e-6)
    again = S.device_throughput(fit.device, fit.block_size, fit.queue_depth, model=model)
    np.testing.assert_allclose(again.to("B/s").m, fit.predicted.to("B/s").m, rtol=1e-9)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fit_recovers_parameters_from_noisy_points(seed):
    # 3 % log-normal noise on 11 points: the parameters within 10 %
    fit = S.fit_device(*synthetic("queue", noise=0.03, seed=seed))
    assert fit.access_latency.to("us").m == pytest.approx(60, rel=0.1)
    assert fit.channels == pytest.approx(5, rel=0.1)
    assert fit.bandwidth.to("MB/s").m == pytest.approx(1500, rel=0.1)
    assert fit.rms_log_error < 0.05


def test_fit_a_disk_keeps_it_serial():
    qd = np.array([1, 2, 4, 8, 32, 1, 1])
    block = np.array([4, 4, 4, 4, 4, 1024, 1024]) * 1024.0
    x = bps(HDD, block, qd, model="queue")
    fit = S.fit_device(Q_(block, "B"), qd, Q_(x, "B/s"), base=HDD)
    assert fit.channels == 1.0
    assert fit.device.random_read_iops.to("1/s").m == pytest.approx(152, rel=1e-6)
    assert fit.device.read_latency.to("ms").m == pytest.approx(12.36, rel=1e-6)
    assert fit.device.kind == HDD.kind and fit.device.capacity == HDD.capacity


def test_fit_provenance_names_the_measurement():
    fit = S.fit_device(*synthetic("queue"), source="fio 3.33 on vda, 2026-11-25", name="my disk")
    assert fit.device.name == "my disk"
    assert fit.device.provenance.source == "fio 3.33 on vda, 2026-11-25"
    assert "queue model" in fit.device.provenance.note and "11 random points" in fit.device.provenance.note
    assert "not measured" in fit.device.source_of("capacity").note
    assert fit.model == "queue" and fit.access == "random" and fit.measured.shape == (11,)


@pytest.mark.parametrize("kwargs, error", [
    (dict(model="smooth"), DomainError),
    (dict(access="streaming"), DomainError),
    (dict(base=Q_(1, "s")), UnitError),
    (dict(source=3), UnitError),
    (dict(name=3), UnitError),
])
def test_fit_rejects_bad_input(kwargs, error):
    with pytest.raises(error):
        S.fit_device(*synthetic("queue"), **kwargs)


def test_fit_rejects_non_positive_throughput():
    with pytest.raises(DomainError, match="throughput"):
        S.fit_device("4 KiB", [1, 2], Q_(np.array([1e6, 0.0]), "B/s"))


# ============================================================ read_fio_json

FIO = {
    "fio version": "fio-3.33", "time": "Wed Nov 25 22:05:33 2026",
    "global options": {"ioengine": "libaio", "direct": "1", "rw": "randread", "bs": "4k"},
    "jobs": [
        {"jobname": "a", "job options": {"iodepth": "8"},
         "read": {"io_bytes": 1, "bw_bytes": 300_000_000, "iops": 73242.2, "lat_ns": {"mean": 109000.0}}},
        {"jobname": "b", "job options": {"rw": "read", "bs": "1m", "iodepth": "2", "numjobs": "4"},
         "read": {"io_bytes": 1, "bw_bytes": 1_500_000_000, "iops": 1430.5, "lat_ns": {"mean": 5.6e6}}},
        {"jobname": "w", "job options": {"rw": "randwrite"},
         "read": {"io_bytes": 0, "bw_bytes": 0, "iops": 0.0, "lat_ns": {"mean": 0.0}}},
    ],
}


def test_read_fio_json_text_and_path(tmp_path):
    text = "note: a warning fio printed first\n" + json.dumps(FIO)
    runs = S.read_fio_json(text)
    assert list(runs.job) == ["a", "b"]                        # the write-only job is skipped
    assert list(runs.access) == ["random", "sequential"]       # randread / read
    np.testing.assert_array_equal(runs.block_size.to("B").m, [4096, 1_048_576])   # fio's k = 1024
    np.testing.assert_array_equal(runs.queue_depth, [8, 8])   # iodepth 2 x numjobs 4
    np.testing.assert_array_equal(runs.throughput.to("B/s").m, [3e8, 1.5e9])
    assert runs.latency.to("us").m[0] == pytest.approx(109)
    path = tmp_path / "run.json"
    path.write_text(json.dumps(FIO))
    both = S.read_fio_json([path, str(path)])
    assert both.throughput.shape == (4,) and "run.json" in both.source and "fio-3.33" in both.source


@pytest.mark.parametrize("arg, error, match", [
    ("{not json", DomainError, "not fio JSON"),
    ('{"fio version": "x"}', DomainError, "no 'jobs'"),
    ("/no/such/fio.json", DomainError, "cannot read"),
    (42, UnitError, "expects a path"),
    ([], DomainError, "no fio output"),
    (json.dumps({"jobs": [FIO["jobs"][2]]}), DomainError, "no job read"),
])
def test_read_fio_json_rejects(arg, error, match):
    with pytest.raises(error, match=match):
        S.read_fio_json(arg)


def test_shipped_measurements_parse():
    data = files("mlsysim") / "data" / "fio"
    runs = S.read_fio_json(data / "sweep.json")
    assert set(runs.access) == {"random", "sequential"}
    assert np.all(runs.throughput.to("B/s").m > 0)
    assert (data / "README.md").is_file()


def test_measured_disk_held_out_queue_depths_within_the_goal():
    # The claim of docs/devices-measured.md (whose doctest prints the full table): fitted on batch B's
    # medians at QD 1, 4, 16, 64 and QD1 block sizes, the queue model predicts QD 2, 8, 32 within 15 %,
    # and fits better than the bound.
    data = files("mlsysim") / "data" / "fio"
    runs = S.read_fio_json([data / f"nice-b{i}.json" for i in range(1, 6)]
                           + [data / f"blocks-b{i}.json" for i in range(1, 4)])
    b, q, x = runs.block_size.to("B").m, runs.queue_depth, runs.throughput.to("B/s").m
    points = sorted(set(zip(b, q)))
    block = np.array([p[0] for p in points])
    qd = np.array([p[1] for p in points])
    measured = np.array([np.median(x[(b == bi) & (q == qi)]) for bi, qi in points])
    held = (block == 4096) & np.isin(qd, [2, 8, 32])
    assert held.sum() == 3 and (~held).sum() == 9
    fits = {m: S.fit_device(Q_(block[~held], "B"), qd[~held], Q_(measured[~held], "B/s"), model=m)
            for m in ("queue", "bound")}
    queue = bps(fits["queue"].device, block[held], qd[held], model="queue")
    assert np.all(np.abs(queue / measured[held] - 1) < 0.15)
    assert fits["queue"].rms_log_error < fits["bound"].rms_log_error


# ============================================================ known answers (moved from the family file)


@pytest.mark.parametrize(
    "device, block, qd, expected_Bps",
    [
        (NVME_GEN4, "4 KiB", 1, 4096 / 85e-6),        # Little: 4,096 B / 85 us = 48.19 MB/s
        (NVME_GEN4, "4 KiB", 32, 32 * 4096 / 85e-6),  # Little: 1.542 GB/s (below 4.096 GB/s IOPS ceiling)
        (NVME_GEN4, "4 KiB", 256, 1e6 * 4096),        # IOPS ceiling: 1e6 x 4,096 B = 4.096 GB/s
        # 1 MiB pays access + transfer: access A = 85 us - 4,096 B / 7e9 B/s = 84.4149 us, transfer
        # 1,048,576 / 7e9 = 149.7966 us; 1,048,576 B / 234.2114 us = 4.477 GB/s (was 7.0, the ceiling)
        (NVME_GEN4, "1 MiB", 1, 1_048_576 / (85e-6 - 4096 / 7e9 + 1_048_576 / 7e9)),
        (NVME_GEN4, "1 MiB", 2, 7e9),                 # 2 x 4.477 GB/s > sequential ceiling 7,000 MB/s
        (HDD, "4 KiB", 1, 4096 / 12.36e-3),           # QD1: 4,096 B / (8.2 ms seek + 4.16 ms) = 331.4 kB/s < IOPS 622.6 kB/s
        (HDD, "4 KiB", 16, 152 * 4096),               # QD16: 16 x 331.4 kB/s > IOPS 152 x 4,096 = 622.6 kB/s
        # 1 MiB, deep queue: one actuator, positioning 1/152 s - 4,096 B / 270e6 B/s = 6.5638 ms, then
        # transfer 1,048,576 / 270e6 = 3.8836 ms: 1,048,576 B / 10.4474 ms = 100.37 MB/s (was 159.4)
        (HDD, "1 MiB", 32, 1_048_576 / (1 / 152 - 4096 / 270e6 + 1_048_576 / 270e6)),
        # QD1: seek + rotation 12.36 ms - 15.2 us, plus 3.8836 ms: 1,048,576 B / 16.2285 ms = 64.61 MB/s
        (HDD, "1 MiB", 1, 1_048_576 / (12.36e-3 - 4096 / 270e6 + 1_048_576 / 270e6)),
        (UFS_31, "4 KiB", 1, 4096 / 100e-6),          # 40.96 MB/s
    ],
)
def test_device_throughput_table(device, block, qd, expected_Bps):
    assert S.device_throughput(device, block, qd).to("B/s").m == pytest.approx(expected_Bps, rel=1e-9)


def test_device_throughput_sequential_random_gap_and_catalog_name():
    # 4.477e9 / 48.19e6 = 92.9x at queue depth 1 (the lab plan's "100x"): 1 MiB / 234.21 us over 4 KiB / 85 us
    gap = S.device_throughput("NVME_GEN4", "1 MiB") / S.device_throughput(NVME_GEN4, "4 KiB")
    assert float(gap) == pytest.approx(256 * 85e-6 / (85e-6 - 4096 / 7e9 + 1_048_576 / 7e9), rel=1e-9)


def test_storage_throughput_lustre():
    # 24 OSTs x 28 GB/s = 672 GB/s when 1,024 workers stream 1 MiB blocks
    assert S.storage_throughput(LUSTRE_OST, "1 MiB", 1024, servers=24).to("GB/s").m == pytest.approx(672)
    # 128 synchronous 4 KiB reads at 85 us: 128 x 4,096 / 85e-6 = 6.168 GB/s
    x = S.storage_throughput(LUSTRE_OST, "4 KiB", 128, servers=24)
    assert x.to("B/s").m == pytest.approx(128 * 4096 / 85e-6)
    # IOPS ceiling: 96 drives x 1e6 IOPS x 4,096 B = 393.2 GB/s
    x = S.storage_throughput(LUSTRE_OST, "4 KiB", 1e6, servers=24)
    assert x.to("B/s").m == pytest.approx(96 * 1e6 * 4096)
    # extra latency adds to the drive's: 128 x 4,096 / (85 + 341) us
    x = S.storage_throughput(LUSTRE_OST, "4 KiB", 128, servers=24, extra_latency="341 us")
    assert x.to("B/s").m == pytest.approx(128 * 4096 / 426e-6)


def test_outstanding_reads():
    # Little: 10.24e9 B/s x 85e-6 s / 4,096 B = 212.5 reads in flight
    assert S.outstanding_reads("10.24 GB/s", "4 KiB", "85 us") == pytest.approx(212.5)


def test_sequential_access_reaches_the_rated_stream_rate():
    # A disk positions (6.564 ms with a deep queue) then transfers (3.884 ms) every scattered 1 MiB read:
    # 1,048,576 B / 10.447 ms = 100.4 MB/s; a sequential stream skips the positioning: the rated 270 MB/s.
    random = S.device_throughput(HDD, "1 MiB", 32)
    assert random.to("B/s").m == pytest.approx(1_048_576 / (1 / 152 + (1_048_576 - 4096) / 270e6))
    seq = S.device_throughput(HDD, "1 MiB", Q_(np.array([1.0, 32.0]), ""), access="sequential")
    np.testing.assert_allclose(seq.to("MB/s").m, [270.0, 270.0])
    # flash has no positioning: a sequential 4 KiB read at QD1 costs what a random one does,
    # 4,096 B / 85 us = 48.19 MB/s (it was the 7,000 MB/s ceiling, 14x the IOPS ceiling at 512 B)
    assert S.device_throughput(NVME_GEN4, "4 KiB", access="sequential").to("B/s").m == pytest.approx(4096 / 85e-6)


def test_access_must_be_random_or_sequential():
    with pytest.raises(DomainError, match="'access'"):
        S.device_throughput(HDD, "1 MiB", access="streaming")


# ============================================================ properties


@given(device=catalog_specs(StorageDevice), block=magnitudes(256, 2**24), qd=magnitudes(1, 1024),
       grow=magnitudes(1.0, 64.0))
def test_throughput_never_falls_with_queue_depth_or_block_size(device, block, qd, grow):
    base = S.device_throughput(device, Q_(block, "B"), qd).m
    assert S.device_throughput(device, Q_(block, "B"), qd * grow).m >= base * (1 - 1e-12)
    assert S.device_throughput(device, Q_(block * grow, "B"), qd).m >= base * (1 - 1e-12)
    assert base <= device.read_bandwidth.to("B/s").m * (1 + 1e-12)


# ============================================================ bad input and vectorised == element-wise


GOOD = {
    S.device_throughput: dict(device=NVME_GEN4, block_size="4 KiB", queue_depth=1),
    S.storage_throughput: dict(server=LUSTRE_OST, block_size="4 KiB", outstanding_reads=128, servers=24),
    S.outstanding_reads: dict(bandwidth="10 GB/s", block_size="4 KiB", latency="85 us"),
    S.fit_device: dict(block_size="4 KiB", queue_depth=np.array([1.0, 4.0, 16.0]),
                       throughput=Q_(np.array([60.0, 150.0, 250.0]), "MB/s"), model="queue"),
    S.read_fio_json: dict(path_or_text=str(__import__("importlib.resources").resources.files("mlsysim")
                                           / "data" / "fio" / "sweep.json")),
}

# (function, kwargs, exception, parameter named): the shared format of tests/_helpers.py
BAD = [
    (S.device_throughput, vary(GOOD, S.device_throughput, device=LUSTRE_OST), UnitError, "device"),       # a server, not a device
    (S.device_throughput, vary(GOOD, S.device_throughput, device="NO_SUCH_DRIVE"), DomainError, "device"),
    (S.device_throughput, vary(GOOD, S.device_throughput, block_size="0 B"), DomainError, "block_size"),
    (S.device_throughput, vary(GOOD, S.device_throughput, queue_depth=0), DomainError, "queue_depth"),
    (S.device_throughput, vary(GOOD, S.device_throughput, queue_depth="4"), UnitError, "queue_depth"),
    (S.storage_throughput, vary(GOOD, S.storage_throughput, servers=0), DomainError, "servers"),
    (S.storage_throughput, vary(GOOD, S.storage_throughput, servers=2.5), DomainError, "servers"),
    (S.storage_throughput, vary(GOOD, S.storage_throughput, outstanding_reads=-1), DomainError, "outstanding_reads"),
    (S.storage_throughput, vary(GOOD, S.storage_throughput, server=NVME_GEN4), UnitError, "server"),
    (S.outstanding_reads, vary(GOOD, S.outstanding_reads, latency="0 s"), DomainError, "latency"),
    (S.outstanding_reads, vary(GOOD, S.outstanding_reads, bandwidth="10 GB"), UnitError, "bandwidth"),
    (S.fit_device, vary(GOOD, S.fit_device, throughput=Q_(np.array([60.0, -1.0, 250.0]), "MB/s")), DomainError, "throughput"),
    (S.fit_device, vary(GOOD, S.fit_device, block_size=4096), UnitError, "block_size"),
    (S.fit_device, vary(GOOD, S.fit_device, model="smooth"), DomainError, "model"),
    (S.fit_device, vary(GOOD, S.fit_device, base=LUSTRE_OST), UnitError, "base"),
    (S.read_fio_json, vary(GOOD, S.read_fio_json, path_or_text=42), UnitError, "path_or_text"),
    (S.read_fio_json, vary(GOOD, S.read_fio_json, path_or_text="/no/such/fio.json"), DomainError, "path_or_text"),
]


@pytest.mark.parametrize("row", rows(BAD, GOOD), ids=lambda r: r.id)
def test_bad_input(row):
    check_row(row)


VECTOR_CASES = [
    (S.device_throughput, dict(device=NVME_GEN4, block_size=V3(4096, 65536, 2**20, "B"),
                               queue_depth=np.array([1.0, 32.0, 256.0]))),
    (S.storage_throughput, dict(server=LUSTRE_OST, block_size=V3(4096, 4096, 2**20, "B"),
                                outstanding_reads=np.array([128.0, 256.0, 1024.0]), servers=np.array([24, 12, 24]))),
    (S.outstanding_reads, dict(bandwidth=V3(1, 10, 100, "GB/s"), block_size="4 KiB", latency="85 us")),
]


@pytest.mark.parametrize("fn, kwargs", VECTOR_CASES, ids=[f.__name__ for f, _ in VECTOR_CASES])
def test_vectorised_equals_elementwise(fn, kwargs):
    check_vectorised(fn, kwargs)
