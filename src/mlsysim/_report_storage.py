"""The storage section of ``python -m mlsysim report``: the seed scenarios with the public API.

Seeds: Vol. 1 lab 04 "The Data Gravity Trap" (data gravity; ResNet-50 on an
A100 fed from HDD/SSD/NVMe/RAM), Vol. 2 lab 04 "Data Storage" (128 H100s
against 24 Lustre OSTs; access pattern, workers, prefetch, IB HDR200 cap;
tiered S3 -> NVMe -> DRAM sizing; the edge, mobile and tiny tracks).
"""

from __future__ import annotations

from . import hardware as hw
from .fmt import format_quantity as fq
from .models import storage as st
from .units import Q_

__all__ = ["storage_section"]


def _pct(x: float, digits: int = 1) -> str:
    return f"{100 * float(x):.{digits}f}%"


def _gravity() -> list[str]:
    # Seed: 50 TB in us-east-1, 8 A100s in us-west-2, 100 Gbit/s, 6 h run,
    # 0.08 USD/GB egress, 8 x A100 spot at 20 USD/h where the data lives.
    g = st.data_gravity("50 TB", "100 Gbit/s", "6 h", "0.08 USD/GB", Q_("20 USD/h") * Q_("6 h"))
    big = st.data_gravity("1 PB", "100 Gbit/s", "6 h", "0.08 USD/GB", Q_("20 USD/h") * Q_("6 h"))
    return [
        "Data gravity (50 TB over 100 Gbit/s, 6 h run, 0.08 USD/GB, 120 USD to compute in place):",
        f"  transfer {g.transfer_time.to('s').m:,.0f} s ({g.transfer_time.to('min').m:.1f} min), "
        f"egress {g.egress_cost.to('USD').m:,.0f} USD, transfer/training {g.time_ratio:.2f}",
        f"  decision: {g.decision} (reason: {g.reason})",
        f"  1 PB instead: transfer {fq(big.transfer_time)} > 6 h -> {big.decision} ({big.reason})",
    ]


def _access_pattern() -> list[str]:
    nvme = hw.NVME_GEN4
    r1 = st.device_throughput(nvme, "4 KiB", 1)
    r32 = st.device_throughput(nvme, "4 KiB", 32)
    r256 = st.device_throughput(nvme, "4 KiB", 256)
    seq = st.device_throughput(nvme, "1 MiB", 1)
    return [
        f"Access pattern on {nvme.name}:",
        f"  4 KiB random: QD1 {fq(r1)}, QD32 {fq(r32)}, QD256 {fq(r256)} (IOPS ceiling)",
        f"  1 MiB streaming: {fq(seq)}; sequential/random gap at QD1 {float(seq / r1):.0f}x",
    ]


def _lustre() -> list[str]:
    # Seed (Vol. 2 lab 04): 128 H100s, 4 MB per GPU per 50 ms step (80 MB/s each),
    # 24 OSTs x 28 GB/s = 672 GB/s, compute nodes of 8 GPUs with one HDR200 port each.
    gpus, batch, step = 128, "4 MB", "50 ms"
    ost = hw.LUSTRE_OST
    rated = ost.read_bandwidth * 24
    ports = (gpus // 8) * hw.IB_HDR200.bandwidth
    seq = st.input_pipeline(gpus, batch, step, rated, network_bandwidth=ports)
    # Random 4 KiB reads, one synchronous read per data-loader worker: Little's law.
    lat = hw.NVME_GEN4.read_latency + hw.IB_HDR200.latency
    lines = [
        "128 H100s on 24 Lustre OSTs (4 MB per GPU per 50 ms step):",
        f"  demand {fq(seq.demand)} ({fq(seq.demand / gpus)} per GPU); storage {fq(rated)}, "
        f"network 16 x HDR200 = {fq(ports)}",
        f"  sequential: supply {fq(seq.supply)}, utilization {_pct(seq.utilization)}, "
        f"storage busy {_pct(seq.storage_utilization)}, bottleneck {seq.bottleneck}",
    ]
    for workers in (1, 2):
        x = st.storage_throughput(ost, "4 KiB", gpus * workers, servers=24, extra_latency=hw.IB_HDR200.latency)
        p = st.input_pipeline(gpus, batch, step, rated, access_efficiency=float(x / rated),
                              network_bandwidth=ports)
        lines.append(
            f"  4 KiB random, {workers} sync worker(s)/GPU ({gpus * workers} reads in flight): "
            f"{fq(x)} ({_pct(x / rated)} of rated), utilization {_pct(p.utilization)}, bottleneck {p.bottleneck}")
    need = st.outstanding_reads(seq.demand, "4 KiB", lat)
    implied = (gpus * Q_("4 KiB") / (0.12 * seq.demand)).to("us")
    lines += [
        f"  reads in flight to sustain the demand at {fq(lat)} per read: {need:.0f} "
        f"-> {-(-need // gpus):.0f} workers per GPU",
        f"  the seed's observed 12% with one worker per GPU implies {implied.m:.0f} us per read: "
        "a file-system round trip, not the drive's 85 us",
    ]
    return lines


def _resnet() -> list[str]:
    # Seed (Vol. 1 lab 04): batch 64 of 224x224x3 FP32 tensors, 4.1 GFLOP per image on
    # an A100's 312 TFLOP/s; tiers HDD 0.15, SATA SSD 0.55, NVMe 3.5, RAM 50 GB/s.
    batch = 64 * 224 * 224 * 3 * Q_("4 B")
    compute = (64 * Q_("4.1 GFLOP") / hw.A100.peak_flops).to("ms")
    lines = [f"ResNet-50 on an A100 (batch {fq(batch)}, compute {compute.m:.3f} ms per step):"]
    for name, bw in (("HDD", "0.15 GB/s"), ("SATA SSD", "0.55 GB/s"), ("NVMe", "3.5 GB/s"), ("RAM", "50 GB/s")):
        p = st.input_pipeline(1, batch, compute, bw)
        lines.append(f"  {name:<8} {bw:>10}: I/O {fq(p.io_time):>9}, utilization {_pct(p.utilization):>6}, "
                     f"bottleneck {p.bottleneck}")
    lines.append(f"  demand {fq(p.demand)}: only RAM keeps up; the seed's 23%/78% come from "
                 "dividing 38.5 MB by 150 MB/s as 2.56 ms instead of 257 ms")
    depth = st.prefetch_depth(hw.S3_STANDARD.first_byte_latency, compute)
    mem = st.prefetch_memory(batch, hw.S3_STANDARD.first_byte_latency, compute, accelerators=8)
    lines.append(f"  prefetch to hide a {fq(hw.S3_STANDARD.first_byte_latency)} object-store first byte: "
                 f"{depth} batches ahead, {fq(mem)} of host memory for 8 GPUs (hides latency, not bandwidth)")
    return lines


def _tiers() -> list[str]:
    # Scenario: one 8-GPU node reading 4 GB/s uniformly from a 50 TB dataset,
    # 4 TB cached on 4 x NVMe (28 GB/s, at most 15.36 TB), a 10 Gbit/s link to S3.
    plan = st.cheapest_upgrade("4 GB/s", "50 TB", "4 TB", "28 GB/s", "10 Gbit/s",
                               max_cache_capacity=4 * hw.NVME_GEN4.capacity)
    small = st.cheapest_upgrade("4 GB/s", "10 TB", "4 TB", "28 GB/s", "10 Gbit/s",
                                max_cache_capacity=4 * hw.NVME_GEN4.capacity,
                                capacity_price="0.10 USD/GB", bandwidth_price="2000 USD/(Gbit/s)")
    h = st.cache_hit_fraction("4 TB", "50 TB")
    t = st.tiered_pipeline("4 GB/s", [("NVMe", "28 GB/s", h), ("S3", "10 Gbit/s", 1 - h)])
    return [
        "Tiered S3 -> NVMe pipeline (4 GB/s demand, 4 TB cache on 28 GB/s NVMe, 10 Gbit/s link), target 95%:",
        f"  50 TB dataset: hit {h:.2f}, delivered {fq(t.delivered_bandwidth)}, utilization "
        f"{_pct(t.utilization)}, bottleneck tier {t.bottleneck_tier}",
        f"    needs hit fraction {plan.needed_hit_fraction:.3f} = {fq(plan.needed_hit_fraction * Q_('50 TB'))} of cache "
        f"> 15.36 TB of NVMe: cache cannot help (limit: {plan.cache_limit}); "
        f"add {plan.extra_download_bandwidth.to('Gbit/s').m:.1f} Gbit/s of link -> {plan.choice}",
        f"  10 TB dataset: +{fq(small.extra_cache_capacity)} cache ({small.cache_cost.to('USD').m:,.0f} USD at "
        f"0.10 USD/GB) or +{fq(small.extra_download_bandwidth)} link ({small.download_cost.to('USD').m:,.0f} USD "
        f"at 2,000 USD per Gbit/s) -> {small.choice}",
        f"  cold first epoch: utilization {_pct(plan.cold_utilization)} whatever the cache size",
    ]


def _tracks() -> list[str]:
    # Edge: "10,000 vehicles generating 5 TB/hour" read as the fleet total; 1 Mbit/s
    # cellular uplink and 256 GB of log storage per vehicle are scenario assumptions.
    per_vehicle = Q_("5 TB/h") / 10_000
    fleet = st.fleet_logging(10_000, per_vehicle, "1 Mbit/s", "256 GB")
    heavy = st.fleet_logging(10_000, "5 TB/h", "1 Mbit/s", "1 TB")
    # Mobile: 64 MB of weights per frame from phone UFS 3.1, 50 ms budget.
    good = st.weight_streaming("64 MB", "50 ms", block_size="1 MiB")
    bad = st.weight_streaming("64 MB", "50 ms", block_size="4 KiB")
    # Tiny: 64 KiB circular buffer, 16 kHz 16-bit mono; a 4 KiB NOR sector erase
    # (45 ms typical, 400 ms worst case) or a plain NOR read in the way.
    buf = st.audio_buffer("64 KiB", "16 kHz", read_latency=hw.NOR_FLASH.read_latency)
    stereo = st.audio_buffer("64 KiB", "48 kHz", channels=2, read_latency="400 ms")
    return [
        "Edge: 10,000 vehicles logging 5 TB/h (0.5 GB/h each) on a 1 Mbit/s uplink, 256 GB each:",
        f"  uploads {_pct(fleet.upload_fraction)}, backlog {fleet.backlog_rate.to('MB/h').m:.0f} MB/h, "
        f"storage full after {fleet.fill_time.to('h').m:,.0f} h; cloud ingest {fq(fleet.fleet_upload_rate)}",
        f"  if 5 TB/h were per vehicle: uploads {_pct(heavy.upload_fraction, 3)}, 1 TB fills in "
        f"{fq(heavy.fill_time)}",
        f"Mobile: 64 MB of weights per frame from {hw.UFS_31.name}, 50 ms budget:",
        f"  1 MiB reads: {fq(good.read_time)} (frame skip {good.frame_skip}, at most "
        f"{fq(good.max_weight_bytes)} per frame); scattered 4 KiB reads: {fq(bad.read_time)} "
        f"(frame skip {bad.frame_skip})",
        "Tiny: 64 KiB circular audio buffer:",
        f"  16 kHz 16-bit mono lasts {fq(buf.duration)}; a {fq(buf.read_latency)} NOR read: glitch {buf.glitch}",
        f"  48 kHz stereo lasts {fq(stereo.duration)}; a 400 ms worst-case sector erase: glitch {stereo.glitch}",
    ]


def storage_section() -> str:
    """Seed storage scenarios: figures and the bottleneck or decision of each."""
    parts = [_gravity(), _access_pattern(), _lustre(), _resnet(), _tiers(), _tracks()]
    return "\n".join(line for part in parts for line in part + [""]).rstrip()
