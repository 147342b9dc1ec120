"""mlsysim.models.storage: seed known answers, properties, vectorisation, bad input."""

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from _helpers import check_row, rows, vary
from mlsysim import Q_, DomainError, UnitError
from mlsysim.hardware import HDD, IB_HDR200, LUSTRE_OST, NVME_GEN4, UFS_31, StorageDevice
from mlsysim.models import storage as S
from mlsysim.testing import catalog_specs, magnitudes, quantities

# ============================================================ known answers: data gravity (Vol. 1 lab 04)


def test_transfer_time_seed():
    # 50 TB = 5e13 B over 100 Gbit/s = 1.25e10 B/s: 5e13 / 1.25e10 = 4,000 s = 66.7 min
    assert S.transfer_time("50 TB", "100 Gbit/s").to("s").m == pytest.approx(4000, rel=1e-12)
    assert S.transfer_time("50 TB", "100 Gbit/s").to("min").m == pytest.approx(66.667, rel=1e-4)


def test_egress_cost_seed():
    # 50 TB = 50,000 GB x 0.08 USD/GB = 4,000 USD
    assert S.egress_cost("50 TB", "0.08 USD/GB").to("USD").m == pytest.approx(4000, rel=1e-12)
    assert S.egress_cost("1 PB", "0.08 USD/GB").to("USD").m == pytest.approx(80_000, rel=1e-12)


@pytest.mark.parametrize(
    "size, compute_cost, exceeds, decision, reason",
    [
        # seed: 4,000 s < 6 h; 4,000 USD egress > 8 A100 x 2.5 USD/h x 6 h = 120 USD -> move compute
        ("50 TB", "120 USD", False, "move compute", "egress cost"),
        # computing in place would cost 5,000 USD > 4,000 USD egress, and 4,000 s < 6 h -> move data
        ("50 TB", "5000 USD", False, "move data", "copy is faster and cheaper"),
        # 1 PB / 12.5 GB/s = 80,000 s = 22.2 h > 6 h, 80,000 USD > 120 USD
        ("1 PB", "120 USD", True, "move compute", "transfer time and egress cost"),
        # 1 PB, 1e6 USD in place: only the time rule fires
        ("1 PB", "1000000 USD", True, "move compute", "transfer time"),
    ],
)
def test_data_gravity_decisions(size, compute_cost, exceeds, decision, reason):
    g = S.data_gravity(size, "100 Gbit/s", "6 h", "0.08 USD/GB", compute_cost)
    assert g.transfer_exceeds_training is exceeds
    assert g.decision == decision
    assert g.reason == reason


def test_data_gravity_seed_figures():
    g = S.data_gravity("50 TB", "100 Gbit/s", "6 h", "0.08 USD/GB", "120 USD")
    assert g.transfer_time.to("s").m == pytest.approx(4000)
    assert g.egress_cost.to("USD").m == pytest.approx(4000)
    assert g.time_ratio == pytest.approx(4000 / 21600)  # 4,000 s / 6 h
    assert "move compute" in str(g)


# ============================================================ known answers: access pattern


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


# ============================================================ known answers: input pipeline (Vol. 2 lab 04)

PORTS = 16 * IB_HDR200.bandwidth  # 128 GPUs / 8 per node x 25 GB/s = 400 GB/s


def test_lustre_sequential_seed():
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


# ============================================================ known answers: prefetch and tiers


def test_prefetch_depth_and_memory():
    assert S.prefetch_depth("30 ms", Q_(RESNET_COMPUTE, "s")) == 36   # ceil(30 / 0.841) = ceil(35.67)
    assert S.prefetch_depth("30 ms", "10 ms") == 3                    # exactly 3, not 4
    assert S.prefetch_depth("0 s", "10 ms") == 0
    d = S.prefetch_depth(Q_(np.array([10.0, 25.0]), "ms"), "10 ms")
    assert d.dtype.kind == "i" and d.tolist() == [1, 3]
    # 8 GPUs x 36 batches x 38.5 MB = 11.09 GB
    m = S.prefetch_memory("38.5 MB", "30 ms", Q_(RESNET_COMPUTE, "s"), accelerators=8)
    assert m.to("GB").m == pytest.approx(8 * 36 * 0.0385)


def test_cache_hit_fraction():
    assert S.cache_hit_fraction("15.36 TB", "50 TB") == pytest.approx(0.3072)
    assert S.cache_hit_fraction("60 TB", "50 TB") == 1.0
    assert S.cache_hit_fraction("0 B", "50 TB") == 0.0


def test_tiered_pipeline_known():
    # NVMe 28 / 0.3 = 93.3 GB/s, S3 1.25 / 0.7 = 1.786 GB/s -> 1.786 GB/s, utilization 1.786 / 4 = 0.446
    t = S.tiered_pipeline("4 GB/s", [("NVMe", "28 GB/s", 0.3), ("S3", "10 Gbit/s", 0.7)])
    assert t.delivered_bandwidth.to("GB/s").m == pytest.approx(1.25 / 0.7)
    assert t.utilization == pytest.approx(1.25 / 0.7 / 4)
    assert t.bottleneck_tier == "S3" and t.starved
    # a tier serving nothing imposes no limit: DRAM at 1 GB/s with fraction 0
    t = S.tiered_pipeline("1 GB/s", [("DRAM", "1 GB/s", 0.0), ("NVMe", "28 GB/s", 1.0)])
    assert t.delivered_bandwidth.to("GB/s").m == pytest.approx(28)
    assert t.utilization == 1.0 and t.bottleneck_tier == "NVMe" and not t.starved


def test_cheapest_upgrade_link_bound():
    # h = 4/50 = 0.08; delivered = min(28/0.08, 1.25/0.92) = 1.359 GB/s; utilization 1.359/4 = 0.3397
    # R = 0.95 x 4 = 3.8 GB/s; needed h = 1 - 1.25/3.8 = 0.671 > 15.36/50 = 0.307 -> the cache cannot help
    # link: (1 - 0.08) x 3.8 = 3.496 GB/s, +2.246 GB/s = +17.97 Gbit/s
    p = S.cheapest_upgrade("4 GB/s", "50 TB", "4 TB", "28 GB/s", "10 Gbit/s", max_cache_capacity="15.36 TB")
    assert p.utilization == pytest.approx(1.25 / 0.92 / 4)
    assert p.needed_hit_fraction == pytest.approx(1 - 1.25 / 3.8)
    assert not p.cache_can_help and p.cache_limit == "download link"
    assert np.isinf(p.extra_cache_capacity.m)
    assert p.download_bandwidth_needed.to("GB/s").m == pytest.approx(0.92 * 3.8)
    assert p.extra_download_bandwidth.to("GB/s").m == pytest.approx(0.92 * 3.8 - 1.25)
    assert p.choice == "download bandwidth"
    assert p.cold_utilization == pytest.approx(1.25 / 4)      # first epoch: link alone
    assert p.cache_cost is None and p.download_cost is None


def test_cheapest_upgrade_prices():
    # 10 TB: h = 0.4; needed h 0.671 -> 6.711 TB, +2.711 TB x 0.10 USD/GB = 271 USD
    # link: 0.6 x 3.8 = 2.28 GB/s, +1.03 GB/s = 8.24 Gbit/s x 2,000 USD = 16,480 USD -> cache
    kw = dict(max_cache_capacity="15.36 TB", capacity_price="0.10 USD/GB", bandwidth_price="2000 USD/(Gbit/s)")
    p = S.cheapest_upgrade("4 GB/s", "10 TB", "4 TB", "28 GB/s", "10 Gbit/s", **kw)
    assert p.extra_cache_capacity.to("TB").m == pytest.approx((1 - 1.25 / 3.8) * 10 - 4)
    assert p.cache_cost.to("USD").m == pytest.approx(((1 - 1.25 / 3.8) * 10 - 4) * 1000 * 0.10)
    assert p.download_cost.to("USD").m == pytest.approx(1.03 * 8 * 2000)
    assert p.choice == "cache capacity"
    # without prices both work: "either"
    assert S.cheapest_upgrade("4 GB/s", "10 TB", "4 TB", "28 GB/s", "10 Gbit/s").choice == "either"


@pytest.mark.parametrize(
    "demand, cache_bw, choice, limit",
    [
        ("1 GB/s", "28 GB/s", "none needed", "none"),       # delivered min(70, 2.08) >= 0.95
        ("4 GB/s", "2 GB/s", "download bandwidth", "cache bandwidth"),  # 0.671 x 3.8 = 2.55 > 2 GB/s NVMe
        ("4 GB/s", "1 GB/s", "neither", "cache bandwidth"),  # even today's 0.4 x 3.8 = 1.52 > 1 GB/s
    ],
)
def test_cheapest_upgrade_regimes(demand, cache_bw, choice, limit):
    p = S.cheapest_upgrade(demand, "10 TB", "4 TB", cache_bw, "10 Gbit/s")
    assert p.choice == choice
    assert p.cache_limit == limit


# ============================================================ known answers: edge, mobile, tiny


def test_fleet_logging():
    # 5 TB/h / 10,000 = 0.5 GB/h = 138.9 kB/s per vehicle; 1 Mbit/s = 125 kB/s
    # uploads 125/138.9 = 0.9; backlog 13.89 kB/s fills 256 GB in 18.43e6 s = 5,120 h
    f = S.fleet_logging(10_000, Q_("5 TB/h") / 10_000, "1 Mbit/s", "256 GB")
    assert f.upload_fraction == pytest.approx(0.9)
    assert f.fill_time.to("h").m == pytest.approx(5120)
    assert f.fleet_data_rate.to("TB/h").m == pytest.approx(5)
    assert f.fleet_upload_rate.to("TB/h").m == pytest.approx(4.5)
    assert f.storage_fills
    # an uplink that keeps up never fills the disk
    f = S.fleet_logging(10, "0.5 GB/h", "10 Mbit/s", "256 GB")
    assert np.isinf(f.fill_time.m) and not f.storage_fills and f.upload_fraction == 1.0
    # half the time in coverage: 62.5 / 138.9 = 0.45
    assert S.fleet_logging(1, "0.5 GB/h", "1 Mbit/s", "1 TB", 0.5).upload_fraction == pytest.approx(0.45)


def test_weight_streaming():
    # UFS 3.1, 1 MiB reads at QD1 pay access + transfer: 100 us - 4,096 / 2.1e9 s + 1,048,576 / 2.1e9 s
    # = 597.4 us, so X = 1,048,576 B / 597.4 us = 1.755 GB/s (was the 2.1 GB/s ceiling); 64 MB / X = 36.46 ms
    x = 1_048_576 / (100e-6 + (1_048_576 - 4096) / 2.1e9)
    s = S.weight_streaming("64 MB", "50 ms")
    assert s.read_time.to("s").m == pytest.approx(64e6 / x)
    assert not s.frame_skip
    assert s.max_weight_bytes.to("B").m == pytest.approx(50e-3 * x)   # 50 ms x 1.755 GB/s = 87.8 MB
    # scattered 4 KiB reads at QD1: 4,096 B / 100 us = 40.96 MB/s -> 1.5625 s: a skip
    s = S.weight_streaming("64 MB", "50 ms", block_size="4 KiB")
    assert s.read_time.to("s").m == pytest.approx(64e6 / 40.96e6)
    assert s.frame_skip
    # 30 ms compute: overlapped 36.46 ms fits; serial 66.46 ms skips
    assert not S.weight_streaming("64 MB", "50 ms", compute_time="30 ms").frame_skip
    s = S.weight_streaming("64 MB", "50 ms", compute_time="30 ms", overlap=False)
    assert s.frame_skip and s.frame_slack.to("s").m == pytest.approx(50e-3 - 30e-3 - 64e6 / x)


def test_audio_buffer():
    # 65,536 B / (16,000 x 2 B) = 2.048 s
    a = S.audio_buffer("64 KiB", "16 kHz", read_latency="10 us")
    assert a.duration.to("s").m == pytest.approx(2.048)
    assert not a.glitch
    # 48 kHz stereo: 65,536 / 192,000 = 0.3413 s < 400 ms erase: glitch, slack -58.7 ms
    a = S.audio_buffer("64 KiB", "48 kHz", channels=2, read_latency="400 ms")
    assert a.duration.to("ms").m == pytest.approx(65536 / 192)
    assert a.glitch and a.buffer_slack.to("ms").m == pytest.approx(65536 / 192 - 400)


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


@given(bw=quantities("GB/s", 0.01, 100), factor=magnitudes(1.0, 100.0), f=magnitudes(0.0, 1.0))
def test_more_tier_bandwidth_never_lowers_utilization(bw, factor, f):
    tiers = lambda x: [("NVMe", x, f), ("S3", "10 Gbit/s", 1 - f)]  # noqa: E731
    a = S.tiered_pipeline("4 GB/s", tiers(bw))
    b = S.tiered_pipeline("4 GB/s", tiers(bw * factor))
    assert b.utilization >= a.utilization * (1 - 1e-12)


@given(device=catalog_specs(StorageDevice), block=magnitudes(256, 2**24), qd=magnitudes(1, 1024),
       grow=magnitudes(1.0, 64.0))
def test_throughput_never_falls_with_queue_depth_or_block_size(device, block, qd, grow):
    base = S.device_throughput(device, Q_(block, "B"), qd).m
    assert S.device_throughput(device, Q_(block, "B"), qd * grow).m >= base * (1 - 1e-12)
    assert S.device_throughput(device, Q_(block * grow, "B"), qd).m >= base * (1 - 1e-12)
    assert base <= device.read_bandwidth.to("B/s").m * (1 + 1e-12)


@given(fracs=st.lists(magnitudes(0.0, 1.0), min_size=1, max_size=4))
def test_tier_fractions_must_sum_to_one(fracs):
    tiers = [(f"t{i}", "1 GB/s", f) for i, f in enumerate(fracs)]
    if abs(sum(fracs) - 1) > 1e-6:
        with pytest.raises(DomainError, match="sum to 1"):
            S.tiered_pipeline("1 GB/s", tiers)
    total = sum(fracs)
    if total > 0:
        normal = [(n, bw, f / total) for n, bw, f in tiers]
        t = S.tiered_pipeline("1 GB/s", normal)
        # delivered = 1 GB/s / max fraction
        assert t.delivered_bandwidth.to("GB/s").m == pytest.approx(1 / max(f for *_, f in normal))


@given(h=magnitudes(0.0, 1.0), demand=quantities("GB/s", 0.1, 100), target=magnitudes(0.05, 1.0))
def test_cheapest_upgrade_reaches_the_target(h, demand, target):
    # applying either proposed change reaches the target on the tiered model
    p = S.cheapest_upgrade(demand, "10 TB", Q_(10 * h, "TB"), "28 GB/s", "10 Gbit/s", target_utilization=target)
    if p.cache_can_help:
        hn = S.cache_hit_fraction(p.cache_capacity_needed, "10 TB")
        t = S.tiered_pipeline(demand, [("NVMe", "28 GB/s", hn), ("S3", "10 Gbit/s", 1 - hn)])
        assert t.utilization >= target * (1 - 1e-6)
    if np.isfinite(p.download_bandwidth_needed.m) and p.download_bandwidth_needed.m > 0:
        t = S.tiered_pipeline(demand, [("NVMe", "28 GB/s", p.hit_fraction),
                                       ("S3", p.download_bandwidth_needed, 1 - p.hit_fraction)])
        assert t.utilization >= target * (1 - 1e-6)


# ============================================================ vectorised == element-wise


def _same(a, b):
    """Element of a broadcast result equals the scalar call (Quantities, bools, strings, records)."""
    if attrs.has(type(a)):
        for f in attrs.fields(type(a)):
            _same(getattr(a, f.name), getattr(b, f.name))
    elif hasattr(a, "units"):
        assert a.units == b.units
        np.testing.assert_allclose(np.asarray(a.m, dtype=float), np.asarray(b.m, dtype=float), rtol=1e-12)
    elif isinstance(a, (str, np.str_, bool, np.bool_)) or a is None:
        assert a == b
    else:
        np.testing.assert_allclose(a, b, rtol=1e-12)


def _element(out, i):
    if attrs.has(type(out)):
        return out[i]
    if hasattr(out, "units"):
        return Q_(out.m[i], out.units)
    return out[i]


V3 = lambda a, b, c, unit: Q_(np.array([a, b, c], dtype=float), unit)  # noqa: E731

VECTOR_CASES = [
    (S.transfer_time, dict(size=V3(1, 50, 1000, "TB"), bandwidth="100 Gbit/s")),
    (S.egress_cost, dict(size=V3(1, 50, 1000, "TB"), price=V3(0, 0.08, 0.09, "USD/GB"))),
    (S.data_gravity, dict(dataset_size=V3(1, 50, 1000, "TB"), link_bandwidth="100 Gbit/s", training_time="6 h",
                          egress_price="0.08 USD/GB", compute_cost_in_place=V3(120, 1e9, 120, "USD"))),
    (S.device_throughput, dict(device=NVME_GEN4, block_size=V3(4096, 65536, 2**20, "B"),
                               queue_depth=np.array([1.0, 32.0, 256.0]))),
    (S.storage_throughput, dict(server=LUSTRE_OST, block_size=V3(4096, 4096, 2**20, "B"),
                                outstanding_reads=np.array([128.0, 256.0, 1024.0]), servers=np.array([24, 12, 24]))),
    (S.outstanding_reads, dict(bandwidth=V3(1, 10, 100, "GB/s"), block_size="4 KiB", latency="85 us")),
    (S.input_pipeline, dict(accelerators=np.array([1, 128, 128]), batch_bytes="4 MB", compute_time="50 ms",
                            storage_bandwidth=V3(0.15, 672, 672, "GB/s"),
                            access_efficiency=np.array([1.0, 0.009, 1.0]), network_bandwidth=V3(1, 400, 5, "GB/s"),
                            overlap=np.array([True, True, False]))),
    (S.prefetch_depth, dict(latency=V3(0, 30, 200, "ms"), compute_time="0.84 ms")),
    (S.prefetch_memory, dict(batch_bytes="38.5 MB", latency=V3(0, 30, 200, "ms"), compute_time="0.84 ms",
                             accelerators=np.array([1, 8, 8]))),
    (S.cache_hit_fraction, dict(cache_capacity=V3(0, 4, 60, "TB"), dataset_size="50 TB")),
    (S.cheapest_upgrade, dict(demand=V3(1, 4, 4, "GB/s"), dataset_size=V3(10, 50, 10, "TB"), cache_capacity="4 TB",
                              cache_bandwidth=V3(28, 28, 2, "GB/s"), download_bandwidth="10 Gbit/s",
                              max_cache_capacity="15.36 TB", capacity_price="0.1 USD/GB",
                              bandwidth_price="2000 USD/(Gbit/s)")),
    (S.fleet_logging, dict(vehicles=np.array([1, 10, 10000]), data_rate=V3(0.5, 0.5, 5000, "GB/h"),
                           uplink_bandwidth=V3(1, 10, 1, "Mbit/s"), local_capacity="256 GB",
                           uplink_availability=np.array([1.0, 0.5, 0.0]))),
    (S.weight_streaming, dict(weight_bytes=V3(1, 64, 256, "MB"), frame_budget="50 ms",
                              block_size=V3(4096, 2**20, 2**20, "B"), compute_time=V3(0, 30, 30, "ms"),
                              overlap=np.array([True, False, True]))),
    (S.audio_buffer, dict(buffer_size="64 KiB", sample_rate=V3(8, 16, 48, "kHz"), channels=np.array([1, 1, 2]),
                          read_latency=V3(0.01, 45, 400, "ms"))),
]


@pytest.mark.parametrize("fn, kwargs", VECTOR_CASES, ids=[f.__name__ for f, _ in VECTOR_CASES])
def test_vectorised_equals_elementwise(fn, kwargs):
    out = fn(**kwargs)
    for i in range(3):
        scalar_kwargs = {}
        for k, v in kwargs.items():
            if hasattr(v, "units") and np.ndim(v.m):
                scalar_kwargs[k] = Q_(float(v.m[i]), v.units)
            elif isinstance(v, np.ndarray):
                scalar_kwargs[k] = v[i].item()
            else:
                scalar_kwargs[k] = v
        _same(_element(out, i), fn(**scalar_kwargs))


def test_tiered_pipeline_vectorised_equals_elementwise():
    bw = V3(7, 28, 56, "GB/s")
    f = np.array([0.0, 0.5, 0.9])
    out = S.tiered_pipeline(V3(1, 4, 10, "GB/s"), [("DRAM", "300 GB/s", 0.1), ("NVMe", bw, f * 0.9),
                                                    ("S3", "10 Gbit/s", 0.9 - f * 0.9)])
    assert out.shape == (3,)
    for i in range(3):
        one = S.tiered_pipeline(Q_([1, 4, 10][i], "GB/s"), [("DRAM", "300 GB/s", 0.1),
                                                           ("NVMe", Q_(bw.m[i], "GB/s"), f[i] * 0.9),
                                                           ("S3", "10 Gbit/s", 0.9 - f[i] * 0.9)])
        _same(out[i], one)


def test_grid_broadcasting_shape():
    p = S.input_pipeline(np.array([[8], [128]]), "4 MB", "50 ms", V3(1, 10, 100, "GB/s"))
    assert p.shape == (2, 3) and p.bottleneck.shape == (2, 3)


# ============================================================ bad input

GOOD = {
    S.transfer_time: dict(size="50 TB", bandwidth="100 Gbit/s"),
    S.egress_cost: dict(size="50 TB", price="0.08 USD/GB"),
    S.data_gravity: dict(dataset_size="50 TB", link_bandwidth="100 Gbit/s", training_time="6 h",
                         egress_price="0.08 USD/GB", compute_cost_in_place="120 USD"),
    S.device_throughput: dict(device=NVME_GEN4, block_size="4 KiB", queue_depth=1),
    S.storage_throughput: dict(server=LUSTRE_OST, block_size="4 KiB", outstanding_reads=128, servers=24),
    S.outstanding_reads: dict(bandwidth="10 GB/s", block_size="4 KiB", latency="85 us"),
    S.input_pipeline: dict(accelerators=128, batch_bytes="4 MB", compute_time="50 ms", storage_bandwidth="672 GB/s",
                           access_efficiency=1.0, network_bandwidth="400 GB/s", overlap=True),
    S.prefetch_depth: dict(latency="30 ms", compute_time="1 ms"),
    S.prefetch_memory: dict(batch_bytes="38.5 MB", latency="30 ms", compute_time="1 ms", accelerators=8),
    S.cache_hit_fraction: dict(cache_capacity="4 TB", dataset_size="50 TB"),
    S.tiered_pipeline: dict(demand="4 GB/s", tiers=[("NVMe", "28 GB/s", 0.3), ("S3", "10 Gbit/s", 0.7)]),
    S.cheapest_upgrade: dict(demand="4 GB/s", dataset_size="50 TB", cache_capacity="4 TB", cache_bandwidth="28 GB/s",
                             download_bandwidth="10 Gbit/s", target_utilization=0.95),
    S.fleet_logging: dict(vehicles=10, data_rate="0.5 GB/h", uplink_bandwidth="1 Mbit/s", local_capacity="256 GB",
                          uplink_availability=1.0),
    S.weight_streaming: dict(weight_bytes="64 MB", frame_budget="50 ms", device=UFS_31, block_size="1 MiB",
                             queue_depth=1, overlap=True),
    S.audio_buffer: dict(buffer_size="64 KiB", sample_rate="16 kHz", channels=1, read_latency="10 us"),
    S.fit_device: dict(block_size="4 KiB", queue_depth=np.array([1.0, 4.0, 16.0]),
                       throughput=Q_(np.array([60.0, 150.0, 250.0]), "MB/s"), model="queue"),
    S.read_fio_json: dict(path_or_text=str(__import__("importlib.resources").resources.files("mlsysim")
                                           / "data" / "fio" / "sweep.json")),
    S.workload_demand: dict(workload="unet3d_h100", accelerators=8),
    S.supported_accelerators: dict(workload="unet3d_h100", storage_bandwidth="20 GB/s", client_bandwidth="4 GB/s",
                                   clients=2, min_utilization=0.9),
}

# (function, kwargs, exception, parameter named): the shared format of tests/_helpers.py
BAD = [
    (S.transfer_time, vary(GOOD, S.transfer_time, size=50), UnitError, "size"),                     # bare number
    (S.transfer_time, vary(GOOD, S.transfer_time, bandwidth="100 Gbit"), UnitError, "bandwidth"),        # a size, not a bandwidth
    (S.transfer_time, vary(GOOD, S.transfer_time, bandwidth="0 GB/s"), DomainError, "bandwidth"),        # zero where positive is needed
    (S.transfer_time, vary(GOOD, S.transfer_time, size="-1 TB"), DomainError, "size"),
    (S.egress_cost, vary(GOOD, S.egress_cost, price="0.08 USD"), UnitError, "price"),              # money, not a price per byte
    (S.egress_cost, vary(GOOD, S.egress_cost, size=Q_(float("nan"), "TB")), DomainError, "size"),
    (S.data_gravity, vary(GOOD, S.data_gravity, training_time="0 h"), DomainError, "training_time"),
    (S.data_gravity, vary(GOOD, S.data_gravity, compute_cost_in_place="-5 USD"), DomainError, "compute_cost_in_place"),
    (S.data_gravity, vary(GOOD, S.data_gravity, egress_price=0.08), UnitError, "egress_price"),
    (S.data_gravity, vary(GOOD, S.data_gravity, link_bandwidth="1 TB"), UnitError, "link_bandwidth"),
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
    (S.cache_hit_fraction, vary(GOOD, S.cache_hit_fraction, dataset_size="0 TB"), DomainError, "dataset_size"),
    (S.cache_hit_fraction, vary(GOOD, S.cache_hit_fraction, cache_capacity="4 TB/s"), UnitError, "cache_capacity"),
    (S.tiered_pipeline, vary(GOOD, S.tiered_pipeline, demand="0 GB/s"), DomainError, "demand"),
    (S.tiered_pipeline, vary(GOOD, S.tiered_pipeline, tiers=[]), UnitError, "tiers"),
    (S.tiered_pipeline, vary(GOOD, S.tiered_pipeline, tiers=[("NVMe", "28 GB/s")]), UnitError, "tiers"),
    (S.tiered_pipeline, vary(GOOD, S.tiered_pipeline, tiers=[(1, "28 GB/s", 1.0)]), UnitError, "tiers"),
    (S.tiered_pipeline, vary(GOOD, S.tiered_pipeline, tiers=[("NVMe", 28, 1.0)]), UnitError, "tiers"),
    (S.tiered_pipeline, vary(GOOD, S.tiered_pipeline, tiers=[("NVMe", "28 GB/s", 1.5)]), DomainError, "tiers"),
    (S.tiered_pipeline, vary(GOOD, S.tiered_pipeline, tiers=[("NVMe", "28 GB/s", 0.5), ("S3", "1 GB/s", 0.4)]), DomainError, "tiers"),
    (S.tiered_pipeline, vary(GOOD, S.tiered_pipeline, tiers=[("NVMe", "0 GB/s", 1.0)]), DomainError, "tiers"),
    (S.tiered_pipeline, vary(GOOD, S.tiered_pipeline, tiers=[("NVMe", "28 GB/s", float("nan"))]), DomainError, "tiers"),
    (S.cheapest_upgrade, vary(GOOD, S.cheapest_upgrade, target_utilization=1.2), DomainError, "target_utilization"),
    (S.cheapest_upgrade, vary(GOOD, S.cheapest_upgrade, target_utilization=0.0), DomainError, "target_utilization"),
    (S.cheapest_upgrade, vary(GOOD, S.cheapest_upgrade, dataset_size="0 TB"), DomainError, "dataset_size"),
    (S.cheapest_upgrade, vary(GOOD, S.cheapest_upgrade, download_bandwidth="10 Gbit"), UnitError, "download_bandwidth"),
    (S.cheapest_upgrade, vary(GOOD, S.cheapest_upgrade, cache_capacity="-1 TB"), DomainError, "cache_capacity"),
    (S.cheapest_upgrade, vary(GOOD, S.cheapest_upgrade, bandwidth_price="0.1 USD/GB"), UnitError, "bandwidth_price"),
    (S.cheapest_upgrade, vary(GOOD, S.cheapest_upgrade, capacity_price="2000 USD/(Gbit/s)"), UnitError, "capacity_price"),
    (S.fleet_logging, vary(GOOD, S.fleet_logging, vehicles=0), DomainError, "vehicles"),
    (S.fleet_logging, vary(GOOD, S.fleet_logging, data_rate="0 GB/h"), DomainError, "data_rate"),
    (S.fleet_logging, vary(GOOD, S.fleet_logging, uplink_availability=1.1), DomainError, "uplink_availability"),
    (S.fleet_logging, vary(GOOD, S.fleet_logging, local_capacity="1 TB/s"), UnitError, "local_capacity"),
    (S.weight_streaming, vary(GOOD, S.weight_streaming, frame_budget="0 ms"), DomainError, "frame_budget"),
    (S.weight_streaming, vary(GOOD, S.weight_streaming, weight_bytes=64e6), UnitError, "weight_bytes"),
    (S.weight_streaming, vary(GOOD, S.weight_streaming, queue_depth=-1), DomainError, "queue_depth"),
    (S.weight_streaming, vary(GOOD, S.weight_streaming, compute_time=Q_(float("nan"), "ms")), DomainError, "compute_time"),
    (S.audio_buffer, vary(GOOD, S.audio_buffer, sample_rate="16 kB"), UnitError, "sample_rate"),
    (S.audio_buffer, vary(GOOD, S.audio_buffer, sample_rate="0 Hz"), DomainError, "sample_rate"),
    (S.audio_buffer, vary(GOOD, S.audio_buffer, channels=0), DomainError, "channels"),
    (S.audio_buffer, vary(GOOD, S.audio_buffer, buffer_size=65536), UnitError, "buffer_size"),
    (S.audio_buffer, vary(GOOD, S.audio_buffer, read_latency="-1 ms"), DomainError, "read_latency"),
    (S.fit_device, vary(GOOD, S.fit_device, throughput=Q_(np.array([60.0, -1.0, 250.0]), "MB/s")), DomainError, "throughput"),
    (S.fit_device, vary(GOOD, S.fit_device, block_size=4096), UnitError, "block_size"),
    (S.fit_device, vary(GOOD, S.fit_device, model="smooth"), DomainError, "model"),
    (S.fit_device, vary(GOOD, S.fit_device, base=LUSTRE_OST), UnitError, "base"),
    (S.read_fio_json, vary(GOOD, S.read_fio_json, path_or_text=42), UnitError, "path_or_text"),
    (S.read_fio_json, vary(GOOD, S.read_fio_json, path_or_text="/no/such/fio.json"), DomainError, "path_or_text"),
    (S.workload_demand, vary(GOOD, S.workload_demand, workload="unet3d_v100"), DomainError, "workload"),          # not in the catalog
    (S.workload_demand, vary(GOOD, S.workload_demand, workload=3.0), UnitError, "workload"),
    (S.workload_demand, vary(GOOD, S.workload_demand, accelerators=1.5), DomainError, "accelerators"),
    (S.supported_accelerators, vary(GOOD, S.supported_accelerators, storage_bandwidth="20 GB"), UnitError, "storage_bandwidth"),
    (S.supported_accelerators, vary(GOOD, S.supported_accelerators, storage_bandwidth="0 GB/s"), DomainError, "storage_bandwidth"),
    (S.supported_accelerators, vary(GOOD, S.supported_accelerators, client_bandwidth=4e9), UnitError, "client_bandwidth"),
    (S.supported_accelerators, vary(GOOD, S.supported_accelerators, clients=0), DomainError, "clients"),
    (S.supported_accelerators, vary(GOOD, S.supported_accelerators, min_utilization=1.2), DomainError, "min_utilization"),
    (S.supported_accelerators, vary(GOOD, S.supported_accelerators, min_utilization=0.0), DomainError, "min_utilization"),
    (S.cache_hit_fraction, vary(GOOD, S.cache_hit_fraction, policy="lfu"), DomainError, "policy"),
]


@pytest.mark.parametrize("row", rows(BAD, GOOD), ids=lambda r: r.id)
def test_bad_input(row):
    check_row(row)


def test_every_public_function_has_a_good_call_and_bad_rows():
    functions = {getattr(S, n) for n in S.__all__ if callable(getattr(S, n)) and not isinstance(getattr(S, n), type)}
    assert functions == set(GOOD)
    assert functions == {f for f, *_ in BAD}
    for fn, kwargs in GOOD.items():
        fn(**kwargs)


def test_array_domain_error_names_the_offending_element():
    with pytest.raises(DomainError, match="index"):
        S.transfer_time(V3(1, -2, 3, "TB"), "1 GB/s")
    with pytest.raises(DomainError, match="sum to 1"):
        S.tiered_pipeline("1 GB/s", [("a", "1 GB/s", np.array([0.5, 0.2])), ("b", "1 GB/s", 0.5)])


def test_records_print_as_tables():
    text = str(S.input_pipeline(128, "4 MB", "50 ms", "672 GB/s"))
    assert text.startswith("InputPipeline") and "bottleneck" in text and "GB/s" in text


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
