"""The reliability tax: reproduces "Machine Learning Systems, Vol. 2, Lab 07: Fault Tolerance".

Part 1  The Young-Daly audit: a 16,384-GPU cluster fails every 4 hours. How often
        should it checkpoint, and what happens when the fleet doubles? Young's
        and Daly's approximations beside the exact optimum, and the total-time
        waterfall of a month-long run.
Part 2  Asynchronous staging: blocking S3 vs local NVMe vs DRAM staging, the
        checkpoint storm of 1,024 nodes writing at once, and staggering.
Part 3  Silent data corruption: checksums vs dual modular redundancy.
Tracks  Mobile: resume within 100 ms after preemption. Tiny: save the state to
        FeRAM before a brown-out cuts the power.

Figures from the lab: MTBF_fleet = MTBF_node / N; P_fleet = P_node^N;
tau_opt = sqrt(2 delta M); "is re-computing a hash 10x cheaper than running twice?".
Write times, node shapes, SDC rates, state sizes and the capacitor are scenario
assumptions; every number is read from ``mlsysim.scenarios`` (FAULT_TOLERANCE,
CHECKPOINT_STORM, CHECKPOINT_STAGING, SILENT_CORRUPTION, PREEMPTION, BROWNOUT),
which labels each one as the lab's or an assumption.

Run:  python examples/fault_tolerance.py
"""

from __future__ import annotations

import numpy as np

import mlsysim
from mlsysim import scenarios as sc
from mlsysim.models import checkpoint as ck

hw = mlsysim.hardware


def show(q, unit, digits=1):
    """A quantity as 'value unit' in the unit asked for, e.g. show(tau, 'min') -> '45.7 min'."""
    return f"{q.to(unit).m:,.{digits}f} {unit}"


# ---------------------------------------------------------------------------
# Part 1: the Young-Daly audit
# ---------------------------------------------------------------------------
FT = sc.FAULT_TOLERANCE
GPUS, FLEET_MTBF = FT.accelerators, FT.fleet_mtbf
# With independent failures MTBF_fleet = MTBF_gpu / N, so each GPU fails once in
# 4 h x 16,384 on average.
gpu_mtbf = FLEET_MTBF * GPUS
M_TEXT = f"{FLEET_MTBF:g~P}"
print(f"Part 1: the Young-Daly audit ({GPUS:,} GPUs, fleet MTBF {M_TEXT})")
print(f"  per-GPU MTBF = {M_TEXT} x {GPUS:,} = {show(gpu_mtbf, 'h', 0)} ({show(gpu_mtbf, 'year')}s)")

# P_fleet = P_node^N: the chance that a whole day passes without a failure.
p_gpu = 1 - ck.failure_probability(gpu_mtbf, FT.day)
print(f"  P(no failure in {FT.day:g~P}): one GPU {p_gpu:.6f}, the fleet {p_gpu:.6f}^{GPUS:,} = "
      f"{ck.fleet_survival(p_gpu, GPUS):.4f}")
print(f"  expected failures in a {FT.work.to('day').m:g}-day run: {ck.expected_failures(FLEET_MTBF, FT.work):.0f}")

# Prediction lock: double N. M halves, and the interval shrinks by sqrt(2), not 2.
delta = FT.write_time
nodes = GPUS * np.array([0.25, 0.5, 1, 2])
m = ck.fleet_mtbf(gpu_mtbf, nodes)
young = ck.young_interval(delta, m)
exact = ck.optimal_interval(delta, m)
print(f"  {delta:g~P} checkpoints as the fleet grows:")
print(f"    {'GPUs':>7}{'fleet MTBF':>12}{'Young':>11}{'exact':>11}")
for i, n in enumerate(nodes):
    print(f"    {n:>7,.0f}{show(m[i], 'h', 0):>12}{show(young[i], 'min'):>11}{show(exact[i], 'min'):>11}")
print(f"  doubling {GPUS:,} -> {2 * GPUS:,} GPUs divides Young's interval by {float(young[2] / young[3]):.3f} "
      f"(sqrt 2) and the exact one by {float(exact[2] / exact[3]):.3f}")

# Young (1974) assumes at most one failure per interval; Daly (2006) adds
# higher-order terms; optimal_interval is the exact minimiser (Lambert W).
print(f"  interval at M = {M_TEXT} for three write times:")
print(f"    {'write':>7}{'Young':>11}{'Daly':>11}{'exact':>11}{'waste':>9}")
for d in FT.write_times:
    best = ck.optimal_interval(d, FLEET_MTBF)
    waste = ck.waste_breakdown(FT.work, best, d, FLEET_MTBF).waste_fraction
    print(f"    {show(d, 'min', 0):>7}{show(ck.young_interval(d, FLEET_MTBF), 'min'):>11}"
          f"{show(ck.daly_interval(d, FLEET_MTBF), 'min'):>11}{show(best, 'min'):>11}{waste:>9.1%}")

# The total-time waterfall: 30 days of useful work, 5 min writes, 10 min restarts.
# "Does checkpointing every 10 minutes shorten the month-long run?"
work, restart = FT.work, FT.restart_time
best = ck.optimal_interval(delta, FLEET_MTBF, restart)
print(f"  waterfall of a {work.to('day').m:g}-day run ({delta:g~P} writes, {restart:g~P} restarts, M = {M_TEXT}), in days:")
print(f"    {'interval':<16}{'useful':>8}{'ckpt':>7}{'rework':>8}{'restart':>9}{'total':>8}{'waste':>8}")
for label, tau in ((f"every {FT.short_interval:g~P}", FT.short_interval), (f"optimal {show(best, 'min')}", best),
                   (f"every {FT.long_interval:g~P}", FT.long_interval)):
    w = ck.waste_breakdown(work, tau, delta, FLEET_MTBF, restart)
    parts = [w.useful, w.checkpointing, w.rework, w.restart, w.total]
    print(f"    {label:<16}" + "".join(f"{p.to('day').m:>8.2f}" for p in parts) + f"{w.waste_fraction:>8.1%}")
print(f"  verdict: checkpointing every {FT.short_interval:g~P} makes the run longer, not shorter; so does")
print(f"  every {FT.long_interval:g~P}. Doubling the fleet shrinks the optimal interval by about sqrt(2), not 2.")

# ---------------------------------------------------------------------------
# Part 2: asynchronous staging and the checkpoint storm
# ---------------------------------------------------------------------------
# 1,024 nodes of 8 GPUs, each saving 350 GB. Each node writes over one HDR200
# port into 24 Lustre OSTs (16 GB/s write each).
ST = sc.CHECKPOINT_STORM
NODES, STATE = ST.nodes, ST.checkpoint_size
storage_bw = ST.storage_servers * hw.LUSTRE_OST.write_bandwidth
storm = ck.checkpoint_storm(STATE, NODES, hw.IB_HDR200.bandwidth, storage_bw)
print()
print(f"Part 2: {NODES:,} nodes saving {STATE:g~P} each at once")
print(f"  {storm.total_size.to('TB'):.1f~P} at {storm.demand.to('TB/s'):.1f~P} of demand into "
      f"{storage_bw.to('GB/s'):.0f~P}: {storm.oversubscription:.1f}x oversubscribed, "
      f"every node stalls {storm.node_stall.to('min'):.1f~P}")
staggered = ck.checkpoint_storm(STATE, NODES, hw.IB_HDR200.bandwidth, storage_bw, groups=storm.groups_needed)
print(f"  {storm.groups_needed:.0f} staggered groups: each node writes for {staggered.node_stall.to('s'):.0f~P}, "
      f"the storage runs at {staggered.oversubscription:.0%}, the round takes {staggered.window.to('min'):.1f~P}")

# Blocking writes stop the math; async staging copies GPU memory to host DRAM
# (the math-stop) and drains it to NVMe or S3 while training continues.
# Scenario: 8 GPUs x 64 GB/s PCIe into 2 x 307 GB/s of DDR5, so the copy runs
# at 512 GB/s; one NVMe at 4.3 GB/s; S3 through a 100 Gbit/s NIC.
SG = sc.CHECKPOINT_STAGING
m_job = ck.fleet_mtbf(gpu_mtbf / FT.gpus_per_node, NODES)      # 1,024 nodes of 8 GPUs
copy = min(FT.gpus_per_node * hw.H100.host_link_bandwidth, SG.sockets * hw.HOST_DRAM.bandwidth)
nvme, s3 = hw.NVME_GEN4.write_bandwidth, hw.ETHERNET_100G.bandwidth
dram = SG.sockets * hw.HOST_DRAM.capacity
plans = {
    "blocking S3": ck.checkpoint_plan(STATE, m_job, s3),
    "blocking local NVMe": ck.checkpoint_plan(STATE, m_job, nvme),
    "async DRAM -> NVMe": ck.checkpoint_plan(STATE, m_job, copy, drain_bandwidth=nvme, buffer_capacity=dram),
    "async DRAM -> Lustre": ck.checkpoint_plan(STATE, m_job, copy, drain_bandwidth=storm.per_node_bandwidth,
                                               buffer_capacity=dram),
}
print(f"  {NODES:,} nodes at M = {m_job.to('h'):.0f~P}:")
print(f"    {'strategy':<22}{'math-stop':>11}{'drain':>11}{'interval':>11}{'waste':>8}  set by")
for name, p in plans.items():
    drain = show(p.drain_time, "min") if p.mode == "asynchronous" else "-"
    print(f"    {name:<22}{show(p.write_time, 's'):>11}{drain:>11}"
          f"{show(p.interval, 'min'):>11}{p.waste_fraction:>8.2%}  {p.interval_set_by}")
speedup = plans["blocking local NVMe"].write_time / plans["async DRAM -> NVMe"].write_time
print(f"  async staging cuts the math-stop {speedup.to('').m:.0f}x against blocking NVMe")

# The staging buffer must hold a whole checkpoint; a smaller one is infeasible.
for buffer in SG.buffer_sizes:
    p = ck.checkpoint_plan(STATE, m_job, copy, drain_bandwidth=nvme, buffer_capacity=buffer)
    print(f"  staging buffer {buffer:g~P}: feasible {p.feasible} (needs {p.buffer_required.to('GB'):.0f~P}"
          f"{', limited by the ' + str(p.infeasible_because) if not p.feasible else ''})")
print("  verdict: stage in DRAM and drain in the background; when every node drains into the")
print("  same stormed storage, the drain, not the failure rate, sets the interval: stagger it.")

# ---------------------------------------------------------------------------
# Part 3: silent data corruption
# ---------------------------------------------------------------------------
# Scenario assumption: 1e-7 silent corruptions per device-hour.
print()
print("Part 3: silent data corruption")
SD = sc.SILENT_CORRUPTION
p_sdc = ck.sdc_probability(SD.sdc_rate, SD.duration, GPUS)
print(f"  {GPUS:,} GPUs for {SD.duration.to('day').m:g} days at {SD.sdc_rate.m:g} SDC per device-hour: "
      f"P(at least one) = {p_sdc:.2f}")
# The AV perception loop: an 8 ms step inside a 10 ms deadline; hashing 25 MB of
# weights at 200 GB/s vs running the whole model twice (DMR).
det = ck.sdc_detection(SD.step_time, SD.weight_bytes, SD.hash_bandwidth, deadline=SD.deadline)
print(f"  hash {SD.weight_bytes:g~P} at {SD.hash_bandwidth:g~P}: {det.hash_overhead.to('us'):.0f~P}; run twice (DMR): "
      f"{det.dmr_overhead.to('ms'):.0f~P} -> hashing is {det.ratio:.0f}x cheaper")
print(f"  within the {SD.deadline:g~P} loop: hash {det.hash_meets_deadline}, DMR {det.dmr_meets_deadline}")
print("  verdict: a flipped weight bit does not show in the loss; checksums catch it at a")
print("  fraction of the cost of dual modular redundancy, which breaks the deadline.")

# ---------------------------------------------------------------------------
# Tracks: mobile preemption and the tiny brown-out
# ---------------------------------------------------------------------------
PR = sc.PREEMPTION
ufs = PR.device
print()
print(f"Mobile track: resume within {PR.resume_target:g~P} after the OS kills the app "
      f"({PR.state_size:g~P} of state, {ufs.name})")
for dirty in PR.dirty_fractions:
    r = ck.incremental_checkpoint(PR.state_size, dirty, ufs.read_bandwidth, target=PR.resume_target)
    print(f"  {dirty:4.0%} of the state dirty: resume in {r.time.to('ms'):.0f~P} (meets {PR.resume_target:g~P}: {r.meets_target})")
print(f"  verdict: checkpoint incrementally; at most {r.max_dirty_fraction:.0%} of the state may change")

BO = sc.BROWNOUT
mcu = BO.device
print()
print(f"Tiny track: brown-out save on a {mcu.name} ({BO.state_size:g~P} of SRAM, {BO.capacitance:g~P} from "
      f"{BO.start_voltage:g~P} to {BO.min_voltage:g~P})")
for label, bandwidth in (("FeRAM", None), ("NOR flash", hw.NOR_FLASH.write_bandwidth)):
    b = ck.brownout_save(BO.state_size, BO.capacitance, BO.start_voltage, BO.min_voltage, write_bandwidth=bandwidth)
    print(f"  {label:<10} save {b.save_time.to('ms'):6.3f~P}, needs {b.energy_required.to('uJ'):5.1f~P} of "
          f"{b.energy_available.to('uJ'):.1f~P}: margin {b.holdup_ratio:.2f}x, survives {b.feasible}")
print("  verdict: FeRAM's fast, erase-free writes save the state on a tenth of the capacitor's charge.")
