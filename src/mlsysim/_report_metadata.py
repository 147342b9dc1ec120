"""Report section: metadata saturation in the 4,096-GPU seed scenario (Vol. 2 lab 04, Act II).

Every figure is computed with the public API of :mod:`mlsysim.models.metadata`
and the hardware catalog; nothing is typed in but the scenario's assumptions.
"""

from __future__ import annotations

import numpy as np

from . import hardware
from .fmt import format_quantity, format_value
from .models import metadata
from .units import Q_

__all__ = ["metadata_section"]

# Scenario assumptions of the seed (textbook lab), not datasheet values.
GPUS = 4096
WORKERS_PER_GPU = 8
SAMPLES_PER_WORKER = Q_(50.0, "1/s")       # one 20 ms sample per worker
SHARD_SAMPLES = 250                         # 0.2 opens/s per worker: a shard every 5 s
BANDWIDTH_PER_GPU = Q_(80.0, "MB/s")
OST_SERVERS = 48


def metadata_section() -> str:
    """Seed figures for the metadata wall, and the verdict: what fails first."""
    mds = hardware.LUSTRE_MDS
    ost = hardware.LUSTRE_OST
    link = hardware.IB_HDR200
    storage_bw = OST_SERVERS * ost.read_bandwidth
    network_bw = OST_SERVERS * link.bandwidth  # one HDR200 port per storage server

    demand = metadata.metadata_demand(GPUS, WORKERS_PER_GPU, SAMPLES_PER_WORKER)
    sat = metadata.mds_saturation(demand, server=mds)
    sat80 = metadata.mds_saturation(demand, server=mds, scaling_efficiency=0.8)
    bw_demand = GPUS * BANDWIDTH_PER_GPU
    wall = metadata.scaling_wall(BANDWIDTH_PER_GPU, storage_bw, WORKERS_PER_GPU, SAMPLES_PER_WORKER,
                                 network_bandwidth=network_bw, server=mds)

    samples = GPUS * WORKERS_PER_GPU * SAMPLES_PER_WORKER
    files = metadata.layout_demand(samples)
    shards = metadata.layout_demand(samples, samples_per_file=SHARD_SAMPLES)
    objects = metadata.layout_demand(samples, store="object")
    shard_sat = metadata.mds_saturation(shards.metadata_rate, server=mds)
    shard_max = metadata.max_accelerators(WORKERS_PER_GPU, metadata.file_open_rate(SAMPLES_PER_WORKER, SHARD_SAMPLES),
                                          server=mds)
    prefixes = metadata.prefix_load(objects.object_request_rate, store=hardware.S3_STANDARD)

    lines = [
        f"  Scenario: {GPUS:,} GPUs x {WORKERS_PER_GPU} loader workers x {_rate(SAMPLES_PER_WORKER)} samples/s, "
        f"{format_value(BANDWIDTH_PER_GPU.to('MB/s'))} per GPU (Vol. 2 lab 04, Act II)",
        f"  Metadata demand, one file per sample: {GPUS:,} x {WORKERS_PER_GPU} x 50/s x 3 ops = "
        f"{_rate(demand)} ops/s",
        f"  One MDS ({_rate(mds.ops_rate)} ops/s): utilization {sat.utilization:.1f}x, overloaded={sat.overloaded}; "
        f"servers needed {sat.servers_needed:.0f} (perfect scaling), {sat80.servers_needed:.0f} at 80 % efficiency",
        f"  Bandwidth demand: {GPUS:,} x 80 MB/s = {_gbps(bw_demand)} against "
        f"{OST_SERVERS} x {_gbps(ost.read_bandwidth)} = {_gbps(storage_bw)} of storage (OSTs) and "
        f"{OST_SERVERS} x {_gbps(link.bandwidth)} = {_gbps(network_bw)} of network (one HDR200 port each)",
        f"  Largest cluster each resource feeds: storage {wall.storage_limit:,.0f} GPUs, "
        f"network {wall.network_limit:,.0f}, metadata {wall.metadata_limit:,.0f}",
        f"  First wall: {wall.first_wall} at {wall.limit:,.0f} GPUs; adding OSTs moves the wrong limit",
        "",
        f"  Dataset layout at {_rate(samples)} samples/s:",
        f"    one file per sample    {_rate(files.metadata_rate):>10} MDS ops/s   "
        f"({sat.utilization:.1f}x one MDS)",
        f"    {SHARD_SAMPLES}-sample shards      {_rate(shards.metadata_rate):>10} MDS ops/s   "
        f"({100 * shard_sat.utilization:.1f} % of one MDS; supports {shard_max:,.0f} GPUs)",
        f"    object store (S3)      {_rate(objects.metadata_rate):>10} MDS ops/s   "
        f"{_rate(objects.object_request_rate)} GET/s need {prefixes.prefixes_needed:.0f} prefixes "
        f"at {_rate(hardware.S3_STANDARD.get_rate_per_prefix)} GET/s each",
        f"    (the seed's 0.2 shard opens/s per worker is one {SHARD_SAMPLES}-sample shard every 5 s)",
        "",
        "  Open latency (3 ops) on one MDS as utilization climbs:",
        _latency_table(mds),
    ]
    return "\n".join(lines)


def _rate(q: object) -> str:
    """A rate in 1/s with thousands separators (rates of counts print bare)."""
    value = float(q.m_as("1/s"))  # type: ignore[attr-defined]
    return f"{value:,.0f}" if value >= 100 else f"{value:g}"


def _gbps(q: object) -> str:
    return f"{float(q.m_as('GB/s')):,.4g} GB/s"  # type: ignore[attr-defined]


def _latency_table(mds: hardware.MetadataServer) -> str:
    utilization = np.array([0.5, 0.8, 0.9, 0.95, 0.99])
    threads = np.array([[1], [32]])
    lat = metadata.open_latency(utilization * mds.ops_rate, threads=threads, server=mds)
    header = f"{'    utilization':<30}" + "".join(f"{u:>10.0%}" for u in utilization)
    rows = [header]
    for i, k in enumerate(threads[:, 0]):
        idle = 3 * lat.service_time[i, 0]
        label = f"    {k:>2} thread{'s' if k > 1 else ''} (idle {format_quantity(idle)})"
        cells = "".join(f"{format_quantity(t):>10}" for t in lat.latency[i])
        rows.append(f"{label:<30}{cells}")
    return "\n".join(rows)
