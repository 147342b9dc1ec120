"""Report section: fault tolerance and checkpoint intervals (Vol. 2, Labs 07 and 04).

The 16,384-GPU cluster with a 4-hour MTBF, the 1,024 nodes saving a 350 GB
checkpoint at once, blocking writes vs asynchronous staging, checksums vs dual
modular redundancy, the 100 ms resume target of a phone and the brown-out save
of a hearable.  Every number comes from :mod:`mlsysim.scenarios` and the
hardware catalog; the figures from :mod:`mlsysim.models.checkpoint`.
"""

from __future__ import annotations

import numpy as np

from .. import hardware
from .. import scenarios as sc
from ..fmt import format_quantity as fq
from ..models import checkpoint as ck
from ._shape import Part, Section, columns, num, pct, yes_no

__all__ = ["section"]

FT = sc.FAULT_TOLERANCE


def _audit() -> Part:
    gpu_mtbf = FT.fleet_mtbf * FT.accelerators
    doubled = ck.fleet_mtbf(gpu_mtbf, 2 * FT.accelerators)
    p_gpu = 1.0 - ck.failure_probability(gpu_mtbf, FT.day)
    p_fleet = ck.fleet_survival(p_gpu, FT.accelerators)
    failures = ck.expected_failures(FT.fleet_mtbf, FT.work)
    rows, waste = [], []
    for delta in FT.write_times:
        young = ck.young_interval(delta, FT.fleet_mtbf)
        daly = ck.daly_interval(delta, FT.fleet_mtbf)
        exact = ck.optimal_interval(delta, FT.fleet_mtbf)
        w = ck.waste_breakdown(FT.work, exact, delta, FT.fleet_mtbf).waste_fraction
        waste.append(w)
        rows.append([num(delta, "min"), num(young, "min"), num(daly, "min"), num(exact, "min"), pct(w, 2)])
    n = f"{FT.accelerators:,}"
    lines = [
        f"per-GPU MTBF = {fq(FT.fleet_mtbf)} x {n} = {num(gpu_mtbf, 'h')} h "
        f"= {gpu_mtbf.m_as('year'):.2f} years",
        f"double the fleet to {2 * FT.accelerators:,} GPUs: fleet MTBF {fq(doubled)}",
        f"P(no failure in {fq(FT.day)}): one GPU {p_gpu:.6f}; the fleet P_node^N = {p_fleet:.5f} (= e^-6)",
        f"expected failures in a {fq(FT.work)} run: {failures:.0f}",
        f"checkpoint interval at M = {fq(FT.fleet_mtbf)} (the optimum does not depend on the restart",
        "time; the waste column assumes an instant restart, R = 0):",
        *("  " + r for r in columns(["write [min]", "Young [min]", "Daly [min]", "exact [min]", "waste (R = 0)"],
                                    rows, left=0)),
    ]
    return Part(
        f"Part 1: the Young-Daly audit ({n} GPUs, fleet MTBF {fq(FT.fleet_mtbf)})",
        lines,
        "doubling N halves M, so the optimal interval shrinks by sqrt(2), not 2.",
        values={"gpu_mtbf": gpu_mtbf, "doubled_fleet_mtbf": doubled, "gpu_survival": p_gpu,
                "fleet_survival": p_fleet, "expected_failures": failures, "write_times": FT.write_times,
                "young_intervals": ck.young_interval(FT.write_times, FT.fleet_mtbf),
                "daly_intervals": ck.daly_interval(FT.write_times, FT.fleet_mtbf),
                "optimal_intervals": ck.optimal_interval(FT.write_times, FT.fleet_mtbf),
                "waste_fractions": np.array(waste)},
        scenarios=[(FT, ["write_times", "work"])],
    )


def _waterfall() -> Part:
    best = ck.optimal_interval(FT.write_time, FT.fleet_mtbf, FT.restart_time)
    rows, values = [], {}
    for label, tau in (("every " + fq(FT.short_interval), FT.short_interval),
                       ("optimal " + fq(best), best),
                       ("every " + fq(FT.long_interval), FT.long_interval)):
        w = ck.waste_breakdown(FT.work, tau, FT.write_time, FT.fleet_mtbf, FT.restart_time)
        values[label] = w
        rows.append([label, *(num(q, "day", 3) for q in (w.useful, w.checkpointing, w.rework, w.restart,
                                                          w.total)), pct(w.waste_fraction)])
    lines = columns(["interval", "useful [day]", "writes [day]", "rework [day]", "restarts [day]",
                     "total [day]", "waste"], rows)
    return Part(
        f"Part 1b: total time of a {fq(FT.work)} run (M = {fq(FT.fleet_mtbf)})",
        lines,
        f"checkpointing every {fq(FT.short_interval)} finishes the run later than the optimum, and so "
        f"does checkpointing every {fq(FT.long_interval)}; the waste curve is flat near its minimum.",
        values={"optimal_interval": best, "breakdowns": values},
        scenarios=[(FT, ["write_time", "restart_time", "long_interval"])],
    )


def _storm() -> tuple[Part, object]:
    s = sc.CHECKPOINT_STORM
    storage = hardware.LUSTRE_OST.write_bandwidth * s.storage_servers
    link = hardware.IB_HDR200.bandwidth
    storm = ck.checkpoint_storm(s.checkpoint_size, s.nodes, link, storage)
    rows = [["all at once", num(storm.node_stall, "min"), num(storm.window, "min"),
             f"{storm.oversubscription:.2f}", storm.bottleneck]]
    staggered = {}
    for groups in (s.groups, int(storm.groups_needed)):
        g = ck.checkpoint_storm(s.checkpoint_size, s.nodes, link, storage, groups=groups)
        staggered[groups] = g
        rows.append([f"{groups} staggered groups", num(g.node_stall, "min"), num(g.window, "min"),
                     f"{g.oversubscription:.2f}", g.bottleneck])
    whole = ck.checkpoint_storm(s.checkpoint_size / s.nodes, s.nodes, link, storage)
    lines = [
        f"shared storage: {s.storage_servers} Lustre OSTs x {fq(hardware.LUSTRE_OST.write_bandwidth)} write "
        f"= {fq(storage)};",
        f"each node writes over one {fq(link)} HDR200 link; {fq(storm.total_size)} in total,",
        f"demand {fq(storm.demand)}",
        *columns(["schedule", "node stall [min]", "window [min]", "x storage", "bottleneck"], rows),
        f"read as {fq(s.checkpoint_size)} for the whole job instead: the write takes {fq(whole.window)}, "
        "no storm",
    ]
    part = Part(
        f"Part 2: the checkpoint storm ({s.nodes:,} nodes saving {fq(s.checkpoint_size)} each at once)",
        lines,
        f"{storm.groups_needed:.0f} groups keep the load under the storage's bandwidth, but the window "
        "stays about N S / B: staggering helps only when training continues during the writes.",
        values={"storage_bandwidth": storage, "all_at_once": storm,
                "staggered": {str(k): v for k, v in staggered.items()}, "whole_job": whole},
        scenarios=[s],
        notes=[f"the lab's {fq(s.checkpoint_size)} can be read per node or for the whole job; per node "
               "is the reading under which the storage collapses, so the table uses it."],
    )
    return part, storm


def _staging(storm: ck.CheckpointStorm) -> Part:
    s, st = sc.CHECKPOINT_STORM, sc.CHECKPOINT_STAGING
    gpu_mtbf = FT.fleet_mtbf * FT.accelerators
    m = ck.fleet_mtbf(gpu_mtbf / FT.gpus_per_node, s.nodes)
    pcie = hardware.H100.host_link_bandwidth * FT.gpus_per_node
    dram = hardware.HOST_DRAM.bandwidth * st.sockets
    copy = min(pcie, dram)
    buffer = hardware.HOST_DRAM.capacity * st.sockets
    nvme = hardware.NVME_GEN4.write_bandwidth
    s3 = hardware.ETHERNET_100G.bandwidth
    size = s.checkpoint_size
    plans = {
        "blocking S3": ck.checkpoint_plan(size, m, s3),
        "blocking local NVMe": ck.checkpoint_plan(size, m, nvme),
        "async DRAM -> NVMe": ck.checkpoint_plan(size, m, copy, drain_bandwidth=nvme, buffer_capacity=buffer),
        "async DRAM -> S3": ck.checkpoint_plan(size, m, copy, drain_bandwidth=s3, buffer_capacity=buffer),
        "async DRAM -> Lustre": ck.checkpoint_plan(size, m, copy, drain_bandwidth=storm.per_node_bandwidth,
                                                   buffer_capacity=buffer),
    }
    rows = []
    for name, p in plans.items():
        drain = num(p.drain_time, "s") if p.mode == "asynchronous" else "-"
        rows.append([name, num(p.write_time, "s"), drain, num(p.interval, "min"), p.interval_set_by,
                     pct(p.waste_fraction, 2)])
    ratio = (plans["blocking local NVMe"].write_time / plans["async DRAM -> NVMe"].write_time).m_as("")
    lines = [
        f"{s.nodes:,} nodes of {FT.gpus_per_node} GPUs at the per-GPU MTBF of part 1: M = {fq(m)}",
        f"S3 through the node's {fq(s3)} front-end NIC (S3 assumed to scale out); one",
        f"{hardware.NVME_GEN4.name} at {fq(nvme)}; device-to-host copy",
        f"min({FT.gpus_per_node} x {fq(hardware.H100.host_link_bandwidth)} PCIe, {st.sockets} sockets x "
        f"{fq(hardware.HOST_DRAM.bandwidth)} DDR5) = {fq(copy)}, staged in {fq(buffer)} of host DRAM",
        *columns(["strategy", "math-stop [s]", "drain [s]", "interval [min]", "set by", "waste"], rows),
        f"(async DRAM -> Lustre: all {s.nodes:,} nodes drain into the {fq(storm.supply)} "
        f"of part 2, {fq(storm.per_node_bandwidth)} each)",
    ]
    for cap in st.buffer_sizes:
        p = ck.checkpoint_plan(size, m, copy, drain_bandwidth=nvme, buffer_capacity=cap)
        lines.append(f"staging buffer of {fq(cap)}: feasible {yes_no(p.feasible)} "
                     f"(needs {fq(p.buffer_required)})")
    return Part(
        "Part 3: blocking writes vs asynchronous staging "
        f"({fq(size)} per node)",
        lines,
        f"asynchronous staging cuts the math-stop {ratio:.0f}x against blocking NVMe; the staging buffer "
        "must hold one whole checkpoint, and when the drain shares the stormed storage it, not the "
        "failure rate, sets the interval.",
        values={"fleet_mtbf": m, "copy_bandwidth": copy, "buffer_capacity": buffer, "plans": plans},
        scenarios=[(FT, ["gpus_per_node"]), st],
    )


def _sdc() -> Part:
    s = sc.SILENT_CORRUPTION
    p = ck.sdc_probability(s.sdc_rate, s.duration, FT.accelerators)
    det = ck.sdc_detection(s.step_time, s.weight_bytes, s.hash_bandwidth, deadline=s.deadline)
    lines = [
        f"{FT.accelerators:,} GPUs for {fq(s.duration)}: P(at least one silent corruption) = {p:.2f}",
        f"perception step {fq(s.step_time)} in a {fq(s.deadline)} loop; hashing {fq(s.weight_bytes)} of "
        f"weights at {fq(s.hash_bandwidth)}:",
        *columns(["check", "overhead [ms]", f"fits {fq(s.deadline)}"],
                 [["hash the weights", num(det.hash_overhead, "ms"), yes_no(det.hash_meets_deadline)],
                  ["run twice (DMR)", num(det.dmr_overhead, "ms"), yes_no(det.dmr_meets_deadline)]]),
    ]
    return Part(
        "Part 4: silent data corruption (edge track)",
        lines,
        f"hashing is {det.ratio:.0f}x cheaper than dual modular redundancy "
        f"(an order of magnitude: {yes_no(det.order_of_magnitude_cheaper)}), and only hashing fits the loop.",
        values={"sdc_probability": p, "detection": det},
        scenarios=[s],
    )


def _preemption() -> Part:
    s = sc.PREEMPTION
    rows, values = [], {}
    for f in s.dirty_fractions:
        r = ck.incremental_checkpoint(s.state_size, f, s.device.read_bandwidth, target=s.resume_target)
        values[f"dirty {f:.0%}"] = r
        rows.append([f"{f:.0%}", num(r.time, "ms"), yes_no(r.meets_target)])
    lines = [f"restore from {s.device.name} at {fq(s.device.read_bandwidth)}:",
             *columns(["dirty share", "resume [ms]", f"within {fq(s.resume_target)}"], rows, left=0)]
    return Part(
        f"Part 5: the preemption wall (mobile track: resume within {fq(s.resume_target)})",
        lines,
        f"checkpoint incrementally: at most {r.max_dirty_fraction:.0%} of the state may be dirty.",
        values=values,
        scenarios=[s],
    )


def _brownout() -> Part:
    s = sc.BROWNOUT
    rows, values = [], {}
    for label, bw in (("FRAM", None), ("NOR flash (page writes)", hardware.NOR_FLASH.write_bandwidth)):
        b = ck.brownout_save(s.state_size, s.capacitance, s.start_voltage, s.min_voltage, write_bandwidth=bw)
        values[label] = b
        rows.append([label, num(b.save_time, "ms"), num(b.energy_required, "uJ"), num(b.energy_available, "uJ"),
                     f"{b.holdup_ratio:.2f}", yes_no(b.feasible), num(b.min_capacitance, "uF")])
    lines = [f"{s.device.name}, {fq(s.device.active_power.to('W'))} active:",
             *columns(["save to", "time [ms]", "needs [µJ]", "holds [µJ]", "margin [x]", "survives",
                       "min cap. [µF]"], rows)]
    fram, nor = values["FRAM"], values["NOR flash (page writes)"]
    share = (fram.energy_required / fram.energy_available).m_as("")
    more = (nor.min_capacitance / s.capacitance).m_as("")
    return Part(
        "Part 6: brown-out survival (tiny track)",
        lines,
        f"FRAM's erase-free word writes save the state on {pct(share, 0)} of the capacitor's energy; "
        f"page-programmed NOR flash needs {more:.1f}x the capacitance.",
        values=values,
        scenarios=[s],
    )


def section() -> Section:
    """Fault tolerance: fleet MTBF, intervals, waterfall, storm, staging, SDC, preemption, brown-out."""
    storm_part, storm = _storm()
    return Section(
        "checkpoint", "Fault tolerance: checkpoint intervals",
        [_audit(), _waterfall(), storm_part, _staging(storm), _sdc(), _preemption(), _brownout()],
    )
