"""Report section: storage, feeding the accelerators (Vol. 1, Lab 04 and Vol. 2, Lab 04).

Data gravity; ResNet-50 on an A100 fed from four storage tiers; the access
pattern of one NVMe drive; 128 H100s against 24 Lustre OSTs; a tiered
S3 -> NVMe pipeline; the edge, mobile and tiny tracks.  Every number comes
from :mod:`mlsysim.scenarios` and the hardware catalog.
"""

from __future__ import annotations

from .. import hardware as hw
from .. import scenarios as sc
from ..fmt import format_quantity as fq
from ..models import storage as st
from ..units import Q_
from ._shape import Part, Section, columns, num, pct, yes_no
from ._shape import show as sh

__all__ = ["section"]


def _gravity() -> Part:
    s = sc.DATA_GRAVITY
    in_place = s.compute_price * s.training_time
    g = st.data_gravity(s.dataset_size, s.link_bandwidth, s.training_time, s.egress_price, in_place)
    big = st.data_gravity(s.large_dataset_size, s.link_bandwidth, s.training_time, s.egress_price, in_place)
    rows = [[sh(s.dataset_size), num(g.transfer_time, "min"), num(g.egress_cost, "USD"),
                                                  g.decision, g.reason],
            [sh(s.large_dataset_size), num(big.transfer_time, "min"), num(big.egress_cost, "USD"),
             big.decision, big.reason]]
    lines = [
        f"{sh(s.link_bandwidth)} link, {sh(s.training_time)} run, {sh(s.egress_price)} egress;",
        f"computing where the data lives costs {sh(s.compute_price)} x {sh(s.training_time)} = "
        f"{num(in_place, 'USD')} USD",
        *columns(["dataset", "transfer [min]", "egress [USD]", "decision", "reason"], rows, left=1),
        f"transfer / training time at {sh(s.dataset_size)}: {g.time_ratio:.2f}",
    ]
    return Part("Data gravity: move the data or move the compute?", lines,
                f"at {sh(s.dataset_size)} the copy fits in the time budget but the egress bill does not: "
                "move the compute to the data.",
                values={"data_gravity": g, "large_dataset": big}, scenarios=[s])


def _resnet() -> tuple[Part, Q_]:
    s = sc.RESNET_PIPELINE
    batch = s.batch_size * s.image_bytes
    compute = (s.batch_size * s.flop_per_image / s.accelerator.peak_flops).to("ms")
    rows, values = [], {}
    for name, bw in zip(s.tier_names, s.tier_bandwidths):
        p = st.input_pipeline(1, batch, compute, bw)
        values[name] = p
        rows.append([name, num(bw, "GB/s"), num(p.io_time, "ms"), pct(p.utilization), p.bottleneck])
    depth = st.prefetch_depth(hw.S3_STANDARD.first_byte_latency, compute)
    mem = st.prefetch_memory(batch, hw.S3_STANDARD.first_byte_latency, compute,
                             accelerators=s.prefetch_accelerators)
    lines = [
        f"batch of {s.batch_size} images = {fq(batch)}; compute {s.batch_size} x {sh(s.flop_per_image)} / "
        f"{fq(s.accelerator.peak_flops)} = {num(compute, 'ms')} ms per step",
        *columns(["tier", "bandwidth [GB/s]", "I/O [ms]", "utilization", "bottleneck"], rows),
        f"the GPU consumes {fq(p.demand)}: only RAM keeps up",
        f"prefetch to hide a {fq(hw.S3_STANDARD.first_byte_latency)} object-store first byte: {depth} "
        "batches ahead,",
        f"{fq(mem)} of host memory for {s.prefetch_accelerators} GPUs",
    ]
    # The same tiers with a measured step: MLPerf Storage's DLIO configuration for ResNet-50 on an
    # A100 (the lab's peak-FLOP step leaves out everything but the forward pass at 100% of peak).
    w = s.workload
    measured_rows, measured = [], {}
    for name, bw in zip(s.tier_names, s.tier_bandwidths):
        p1 = st.input_pipeline(1, w.batch_bytes, w.compute_time, bw)
        n = st.supported_accelerators(w, bw)
        measured[name] = {"pipeline": p1, "supported_accelerators": n}
        measured_rows.append([name, num(p1.io_time, "ms"), pct(p1.utilization), f"{int(n):,}"])
    lines += [
        f"with the step MLPerf Storage measured ({w.batch_size} samples of {fq(w.sample_size)}, "
        f"{num(w.compute_time, 'ms')} ms per step):",
        *columns(["tier", "I/O [ms]", "utilization", f"A100s fed at {pct(w.min_utilization)}"], measured_rows),
        f"one A100 then reads {fq(st.workload_demand(w))}",
    ]
    return Part(f"ResNet-50 on an {s.accelerator.name}", lines,
                "at the lab's peak-FLOP step time the GPU starves on every tier but RAM; at the step time "
                "MLPerf measured, every tier feeds one GPU and the question becomes how many GPUs each "
                "tier feeds. Prefetching hides latency, never a bandwidth deficit.",
                values={"batch_bytes": batch, "compute_time": compute, "tiers": values,
                        "prefetch_depth": depth, "prefetch_memory": mem, "measured": measured},
                scenarios=[s],
                notes=["the lab's worked example divides 38.5 MB by 150 MB/s and gets 2.56 ms; it is "
                       "257 ms, so its 23% and 78% utilizations do not hold.",
                       f"the lab's step ({sh(s.flop_per_image)} per image at {fq(s.accelerator.peak_flops)}, "
                       f"{num(compute, 'ms')} ms) is a forward pass at 100% of peak; a training step "
                       f"measured by MLPerf takes {num(w.compute_time, 'ms')} ms for {w.batch_size} images."]), compute


def _access_pattern() -> Part:
    s = sc.IO_BOTTLENECK
    nvme = hw.NVME_GEN4
    rows = []
    for block, qd in [*((s.block_size, q) for q in s.queue_depths), (s.stream_block, 1)]:
        rows.append([sh(block), str(qd), num(st.device_throughput(nvme, block, qd), "MB/s")])
    gap = (st.device_throughput(nvme, s.stream_block, 1) / st.device_throughput(nvme, s.block_size, 1)).m_as("")
    lines = [f"reads on one {nvme.name}:",
             *columns(["block", "in flight", "throughput [MB/s]"], rows)]
    return Part("Access pattern: sequential vs random reads", lines,
                f"one-at-a-time {sh(s.block_size)} reads are {gap:.0f}x slower than {sh(s.stream_block)} "
                "streaming; random reads need many in flight (queue depth) to approach the IOPS ceiling.",
                values={"sequential_over_random": gap}, scenarios=[(s, ["queue_depths", "stream_block"])])


def _lustre() -> Part:
    s = sc.IO_BOTTLENECK
    ost = hw.LUSTRE_OST
    rated = ost.read_bandwidth * s.storage_servers
    nodes = s.accelerators // s.gpus_per_node
    ports = nodes * hw.IB_HDR200.bandwidth
    seq = st.input_pipeline(s.accelerators, s.batch_bytes, s.step_time, rated, network_bandwidth=ports)
    rows = [["sequential", "-", num(seq.supply, "GB/s"), pct(seq.utilization), seq.bottleneck]]
    values = {"storage_bandwidth": rated, "network_bandwidth": ports, "sequential": seq}
    for workers in s.workers_per_gpu:
        x = st.storage_throughput(ost, s.block_size, s.accelerators * workers, servers=s.storage_servers,
                                  extra_latency=hw.IB_HDR200.latency)
        p = st.input_pipeline(s.accelerators, s.batch_bytes, s.step_time, rated,
                              access_efficiency=float((x / rated).m_as("")), network_bandwidth=ports)
        values[f"random_{workers}_workers"] = p
        rows.append([f"{sh(s.block_size)} random, {workers} worker{'s' if workers > 1 else ''}/GPU",
                     f"{s.accelerators * workers}", num(x, "GB/s"), pct(p.utilization), p.bottleneck])
    lat = hw.NVME_GEN4.read_latency + hw.IB_HDR200.latency
    need = st.outstanding_reads(seq.demand, s.block_size, lat)
    implied = (s.accelerators * s.block_size / (s.observed_utilization * seq.demand)).to("us")
    lines = [
        f"demand {s.accelerators} x {fq(seq.demand / s.accelerators)} = {fq(seq.demand)}; storage "
        f"{s.storage_servers} x {fq(ost.read_bandwidth)} = {fq(rated)}, busy {pct(seq.storage_utilization)};",
        f"network {nodes} x HDR200 = {fq(ports)}",
        *columns(["reads", "in flight", "delivered [GB/s]", "utilization", "bottleneck"], rows),
        f"to sustain the demand at {fq(lat)} per read: {need:.0f} reads in flight = "
        f"{-(-need // s.accelerators):.0f} workers per GPU",
        f"the lab's observed {pct(s.observed_utilization, 0)} with one worker per GPU implies "
        f"{num(implied, 'us')} µs per read:",
        f"a file-system round trip, not the drive's {fq(hw.NVME_GEN4.read_latency)}",
    ]
    return Part(f"The I/O bottleneck: {s.accelerators} H100s on {s.storage_servers} Lustre OSTs "
                f"({sh(s.batch_bytes)} per GPU per {sh(s.step_time)} step)", lines,
                "the storage runs at a few percent of its rating while the GPUs starve; the cure is more "
                "reads in flight (workers) or sequential shards, not more OSTs.",
                values=values, scenarios=[(s, ["gpus_per_node", "workers_per_gpu"])])


def _tiers() -> Part:
    s = sc.TIERED_PIPELINE
    cap_max = s.cache_drives * hw.NVME_GEN4.capacity
    plan = st.cheapest_upgrade(s.demand, s.dataset_size, s.cache_capacity, s.cache_bandwidth,
                               s.download_bandwidth, target_utilization=s.target_utilization,
                               max_cache_capacity=cap_max)
    small = st.cheapest_upgrade(s.demand, s.small_dataset_size, s.cache_capacity, s.cache_bandwidth,
                                s.download_bandwidth, target_utilization=s.target_utilization,
                                max_cache_capacity=cap_max, capacity_price=s.capacity_price,
                                bandwidth_price=s.bandwidth_price)
    h = st.cache_hit_fraction(s.cache_capacity, s.dataset_size)
    t = st.tiered_pipeline(s.demand, [("NVMe", s.cache_bandwidth, h), ("S3", s.download_bandwidth, 1 - h)])
    lines = [
        f"{sh(s.dataset_size)} dataset: cache hit {h:.2f}, delivered {fq(t.delivered_bandwidth)}, "
        f"utilization {pct(t.utilization)}, bottleneck tier {t.bottleneck_tier}",
        f"  {pct(s.target_utilization, 0)} needs a hit fraction of {plan.needed_hit_fraction:.3f} = "
        f"{fq(plan.needed_hit_fraction * s.dataset_size)} of cache, more than the {fq(cap_max)} of NVMe",
        f"  a node holds (limit: {plan.cache_limited_by}); add "
        f"{num(plan.extra_download_bandwidth, 'Gbit/s')} Gbit/s of link -> upgrade the {plan.choice}",
        f"{sh(s.small_dataset_size)} dataset: +{fq(small.extra_cache_capacity)} of cache "
        f"({num(small.cache_cost, 'USD')} USD) or +{num(small.extra_download_bandwidth, 'Gbit/s')} Gbit/s "
        f"of link ({num(small.download_cost, 'USD')} USD)",
        f"  -> upgrade the {small.choice}",
        f"cold first epoch: utilization {pct(plan.cold_utilization)} whatever the cache size",
    ]
    return Part(f"Tiered S3 -> NVMe pipeline, target {pct(s.target_utilization, 0)} utilization", lines,
                "when the dataset dwarfs any cache a node can hold, widen the link to the object store; "
                "when it nearly fits, buy cache.",
                values={"tiered": t, "upgrade": plan, "small_dataset_upgrade": small}, scenarios=[s])


def _tracks() -> Part:
    e, m, t = sc.EDGE_FLEET, sc.MOBILE_WEIGHTS, sc.TINY_AUDIO
    per_vehicle = e.fleet_log_rate / e.vehicles
    fleet = st.fleet_logging(e.vehicles, per_vehicle, e.uplink, e.local_storage)
    heavy = st.fleet_logging(e.vehicles, e.fleet_log_rate, e.uplink, e.large_local_storage)
    good = st.weight_streaming(m.weight_bytes, m.frame_budget, device=m.device, block_size=m.large_block)
    bad = st.weight_streaming(m.weight_bytes, m.frame_budget, device=m.device, block_size=m.small_block)
    buf = st.audio_buffer(t.buffer_size, t.sample_rate, read_latency=hw.NOR_FLASH.read_latency)
    stereo = st.audio_buffer(t.buffer_size, t.stereo_sample_rate, channels=2, read_latency=t.erase_time)
    lines = [
        f"edge: {e.vehicles:,} vehicles logging {sh(e.fleet_log_rate)} ({sh(per_vehicle.to('GB/h'))} each):",
        f"  uploads {pct(fleet.upload_fraction)}, backlog {sh(fleet.backlog_rate.to('MB/h'))}, local storage full "
        f"after {num(fleet.fill_time, 'h')} h;",
        f"  cloud ingest {fq(fleet.fleet_upload_rate)}",
        f"  if {sh(e.fleet_log_rate)} were per vehicle: uploads {pct(heavy.upload_fraction, 3)}, "
        f"{sh(e.large_local_storage)} fills in {fq(heavy.fill_time)}",
        f"mobile: {sh(m.weight_bytes)} of weights per frame from {m.device.name}, {sh(m.frame_budget)} budget:",
        *("  " + r for r in columns(
            ["reads", "read time [ms]", "skips a frame"],
            [[sh(m.large_block), num(good.read_time, "ms"), yes_no(good.frame_skip)],
             [sh(m.small_block), num(bad.read_time, "ms"), yes_no(bad.frame_skip)]])),
        f"tiny: a {sh(t.buffer_size)} circular audio buffer:",
        *("  " + r for r in columns(
            ["stream", "buffer lasts [ms]", "stall [ms]", "glitch"],
            [[f"{sh(t.sample_rate)} 16-bit mono", num(buf.duration, "ms"), num(buf.read_latency, "ms"),
              yes_no(buf.glitch)],
             [f"{sh(t.stereo_sample_rate)} 16-bit stereo", num(stereo.duration, "ms"),
              num(stereo.read_latency, "ms"), yes_no(stereo.glitch)]])),
    ]
    return Part("Edge, mobile and tiny tracks", lines,
                "the uplink, not the storage, limits the fleet; stream weights in large sequential "
                "blocks; a sector erase longer than the audio buffer glitches.",
                values={"edge": fleet, "edge_per_vehicle_reading": heavy, "mobile_sequential": good,
                        "mobile_scattered": bad, "tiny_mono": buf, "tiny_stereo": stereo},
                scenarios=[e, m, t])


def section() -> Section:
    """Storage scenarios: figures and the bottleneck or decision of each."""
    resnet, _ = _resnet()
    return Section("storage", "Storage: feeding the accelerators",
                   [_gravity(), resnet, _access_pattern(), _lustre(), _tiers(), _tracks()])
