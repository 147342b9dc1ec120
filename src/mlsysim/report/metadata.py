"""Report section: metadata saturation of the 4,096-GPU cluster (Vol. 2, Lab 04, Act II).

Every figure is computed with :mod:`mlsysim.models.metadata` and the hardware
catalog from the numbers of :data:`mlsysim.scenarios.METADATA_WALL`.
"""

from __future__ import annotations

import numpy as np

from .. import hardware
from .. import scenarios as sc
from ..fmt import format_quantity as fq
from ..models import metadata
from ._shape import Part, Section, columns, num, pct, yes_no
from ._shape import show as sh

__all__ = ["section"]


def _rate(q: object) -> str:
    """A rate of counts in 1/s, as a bare number with thousands separators."""
    return num(q, "1/s")


def _wall() -> tuple[Part, dict]:
    s = sc.METADATA_WALL
    mds, ost, link = hardware.LUSTRE_MDS, hardware.LUSTRE_OST, hardware.IB_HDR200
    storage_bw = s.storage_servers * ost.read_bandwidth
    network_bw = s.storage_servers * link.bandwidth
    demand = metadata.metadata_demand(s.accelerators, s.workers_per_accelerator, s.samples_per_worker,
                                      s.ops_per_open)
    sat = metadata.mds_saturation(demand, server=mds)
    sat80 = metadata.mds_saturation(demand, server=mds, scaling_efficiency=s.scaling_efficiency)
    wall = metadata.scaling_wall(s.bandwidth_per_accelerator, storage_bw, s.workers_per_accelerator,
                                 s.samples_per_worker, network_bandwidth=network_bw, server=mds)
    n, w = f"{s.accelerators:,}", s.workers_per_accelerator
    lines = [
        f"{n} GPUs x {w} loader workers x {_rate(s.samples_per_worker)} samples/s, "
        f"{sh(s.bandwidth_per_accelerator)} per GPU",
        f"metadata demand, one file per sample: {n} x {w} x {_rate(s.samples_per_worker)}/s x "
        f"{s.ops_per_open} ops = {_rate(demand)} ops/s",
        f"one MDS ({_rate(mds.ops_rate)} ops/s): utilization {sat.utilization:.1f}x, overloaded "
        f"{yes_no(sat.overloaded)}; servers needed:",
        f"  {sat.servers_needed:.0f} with perfect scaling, {sat80.servers_needed:.0f} at {pct(s.scaling_efficiency, 0)} scaling efficiency",
        f"bandwidth demand {n} x {sh(s.bandwidth_per_accelerator)} = {fq(s.accelerators * s.bandwidth_per_accelerator)};"
        f" storage {s.storage_servers} x {fq(ost.read_bandwidth)} = {fq(storage_bw)};",
        f"network {s.storage_servers} x {fq(link.bandwidth)} = {fq(network_bw)}",
        *columns(["resource", "largest cluster [GPUs]"],
                 [["storage", num(wall.storage_limit)], ["network", num(wall.network_limit)],
                  ["metadata", num(wall.metadata_limit)]]),
    ]
    part = Part(f"The metadata wall: {n} GPUs opening one file per sample", lines,
                f"the first wall is {wall.first_wall}, at {wall.max_accelerators:,.0f} GPUs; adding OSTs moves the "
                "wrong limit.",
                values={"demand": demand, "mds_saturation": sat, "mds_saturation_80": sat80,
                        "scaling_wall": wall},
                scenarios=[(s, ["storage_servers", "scaling_efficiency"])])
    return part, {"sat": sat}


def _layout(sat: metadata.MdsSaturation) -> Part:
    s = sc.METADATA_WALL
    mds = hardware.LUSTRE_MDS
    samples = s.accelerators * s.workers_per_accelerator * s.samples_per_worker
    files = metadata.layout_demand(samples)
    shards = metadata.layout_demand(samples, samples_per_file=s.shard_samples)
    objects = metadata.layout_demand(samples, store="object")
    shard_sat = metadata.mds_saturation(shards.metadata_rate, server=mds)
    shard_max = metadata.max_accelerators(
        s.workers_per_accelerator, metadata.file_open_rate(s.samples_per_worker, s.shard_samples), server=mds)
    prefixes = metadata.prefix_load(objects.object_request_rate, store=hardware.S3_STANDARD)
    rows = [["one file per sample", _rate(files.metadata_rate), f"{sat.utilization:.1f}", "-"],
            [f"{s.shard_samples}-sample shards", _rate(shards.metadata_rate), f"{shard_sat.utilization:.3f}",
             num(shard_max)],
            ["object store (S3)", _rate(objects.metadata_rate), "0", "-"]]
    lines = [
        f"{_rate(samples)} samples/s:",
        *columns(["layout", "MDS ops [1/s]", "x one MDS", "GPUs one MDS feeds"], rows),
        f"the object store instead takes {_rate(objects.object_request_rate)} GET/s: "
        f"{prefixes.prefixes_needed:.0f} prefixes at {_rate(hardware.S3_STANDARD.get_rate_per_prefix)} "
        "GET/s each",
        f"(the lab's {_rate(s.samples_per_worker / s.shard_samples)} shard opens/s per worker is one "
        f"{s.shard_samples}-sample shard every {fq(s.shard_samples / s.samples_per_worker)})",
    ]
    return Part("Dataset layout: files, shards or objects", lines,
                "pack the dataset into large sequential shards (or use an object store with enough "
                "prefixes): the metadata load falls by the shard size.",
                values={"files": files, "shards": shards, "objects": objects,
                        "shard_max_accelerators": shard_max, "prefixes": prefixes},
                scenarios=[(s, [])])


def _latency() -> Part:
    s = sc.METADATA_WALL
    mds = hardware.LUSTRE_MDS
    utilization = np.array(s.mds_utilizations)
    threads = np.array(s.mds_threads)[:, None]
    lat = metadata.open_latency(utilization * mds.ops_rate, threads=threads, server=mds)
    rows = []
    for i, k in enumerate(threads[:, 0]):
        idle = 3 * lat.service_time[i, 0]
        rows.append([f"{k} thread{'s' if k > 1 else ''}", num(idle, "ms"),
                     *(num(t, "ms") for t in lat.latency[i])])
    lines = columns(["MDS", "idle [ms]", *(f"{pct(u, 0)} busy [ms]" for u in utilization)], rows)
    return Part("Open latency (3 operations) on one MDS as its utilization climbs", lines,
                "latency explodes near saturation: plan metadata servers for well under 100% busy.",
                values={"utilization": utilization, "threads": threads[:, 0], "latency": lat.latency},
                scenarios=[(s, ["mds_utilizations", "mds_threads"])])


def section() -> Section:
    """The metadata wall and what cures it."""
    wall, ctx = _wall()
    return Section("metadata", "Metadata: when file opens stop the cluster",
                   [wall, _layout(ctx["sat"]), _latency()])
