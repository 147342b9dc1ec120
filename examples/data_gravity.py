"""The Data Gravity Trap: reproduces Volume 1, lab 04 of *Machine Learning Systems*.

Act I   A ResNet-50 training job on one A100 sits at low GPU utilization. Is the
        GPU too slow, or is it starving? We feed it from HDD, SATA SSD, NVMe and
        RAM and read the bottleneck off the input-pipeline model.
Act II  50 TB of data live in one region, the GPUs in another, joined by a
        100 Gbit/s link. Copy the data (time + egress) or move the compute?

Figures from the lab: 0.84 ms of compute per batch of 64 images; 50 TB over
100 Gbit/s = 4,000 s (67 min); 50,000 GB x 0.08 USD/GB = 4,000 USD of egress.

Run:  python examples/data_gravity.py
"""

from __future__ import annotations

import mlsysim
from mlsysim import Q_
from mlsysim.models import storage

A100 = mlsysim.hardware.A100

# ---------------------------------------------------------------------------
# Act I: the pipeline bottleneck
# ---------------------------------------------------------------------------
# One batch is 64 images of 224 x 224 x 3 FP32 values; ResNet-50 costs about
# 4.1 GFLOP per image (forward pass, as in the lab), on the A100's 312 TFLOP/s.
BATCH = 64
batch_bytes = BATCH * 224 * 224 * 3 * Q_(4, "B")
compute_time = (BATCH * Q_(4.1, "GFLOP") / A100.peak_flops).to("ms")

print("Act I: ResNet-50 on one A100 (Vol. 1 lab 04)")
print(f"  batch of {BATCH} images = {batch_bytes.to('MB'):.2f~P}; "
      f"{A100.name} peak {A100.peak_flops.to('TFLOP/s'):.0f~P}")
print(f"  compute per batch = 64 x 4.1 GFLOP / 312 TFLOP/s = {compute_time:.3f~P}")

# The lab's four storage tiers (its own round numbers, not catalog datasheets).
TIERS = {"HDD": "0.15 GB/s", "SATA SSD": "0.55 GB/s", "NVMe": "3.5 GB/s", "RAM": "50 GB/s"}

print(f"  {'tier':<9}{'bandwidth':>11}{'I/O per batch':>15}{'GPU util':>10}  bottleneck")
for name, bandwidth in TIERS.items():
    # overlap=True: the loader reads batch k+1 while the GPU computes batch k,
    # so a step takes max(compute, io) and the GPU is busy compute/step of it.
    p = storage.input_pipeline(1, batch_bytes, compute_time, bandwidth)
    print(f"  {name:<9}{bandwidth:>11}{p.io_time.to('ms'):>12.2f~P}{p.utilization:>10.1%}  {p.bottleneck}")

demand = storage.input_pipeline(1, batch_bytes, compute_time, "50 GB/s").demand
print(f"  the GPU consumes {demand.to('GB/s'):.1f~P}: only RAM keeps up.")
# The lab's worked example divides 38.5 MB by 150 MB/s and gets 2.56 ms; it is
# 257 ms. Its 23% (HDD) and 78% (NVMe) rest on that slip; with the units checked
# every disk tier leaves the A100 idle more than 90% of the time.

# "We need 4x more GPUs": four GPUs sharing the same NVMe split its bandwidth.
one = storage.input_pipeline(1, batch_bytes, compute_time, TIERS["NVMe"])
four = storage.input_pipeline(4, batch_bytes, compute_time, TIERS["NVMe"])
print(f"  buy 4x the GPUs on the same NVMe: utilization {one.utilization:.1%} -> {four.utilization:.1%} per GPU")
# A batch 8x larger moves 8x the bytes and does 8x the FLOPs: the ratio is unchanged.
big = storage.input_pipeline(1, 8 * batch_bytes, 8 * compute_time, TIERS["NVMe"])
print(f"  batch 64 -> 512 on NVMe: utilization {big.utilization:.1%} (unchanged: bytes and FLOPs both scale)")
# Without overlap (no prefetching loader) the step is compute + io: worse still.
serial = storage.input_pipeline(1, batch_bytes, compute_time, TIERS["NVMe"], overlap=False)
print(f"  NVMe without a prefetching loader (step = compute + io): {serial.utilization:.1%}")
print("  verdict: the GPU is starving for input (answer B); faster storage, not more GPUs, is the fix.")

# ---------------------------------------------------------------------------
# Act II: data gravity
# ---------------------------------------------------------------------------
# 50 TB in us-east-1, 8 A100s in us-west-2, a 100 Gbit/s inter-region link,
# a 6-hour training run and 0.08 USD/GB of egress. Scenario assumption: renting
# 8 A100s next to the data costs 20 USD/h, so computing in place costs 120 USD.
training_time = Q_(6, "h")
compute_in_place = Q_(20, "USD/h") * training_time

g = storage.data_gravity("50 TB", "100 Gbit/s", training_time, "0.08 USD/GB", compute_in_place)
print()
print("Act II: data gravity (50 TB over 100 Gbit/s, 6 h run, 0.08 USD/GB)")
print(f"  T = D / BW = 50,000 GB / 12.5 GB/s = {g.transfer_time.to('s').m:,.0f} s "
      f"({g.transfer_time.to('min').m:.1f} min), {g.time_ratio:.0%} of the training run")
print(f"  egress = 50,000 GB x 0.08 USD/GB = {g.egress_cost.to('USD').m:,.0f} USD "
      f"vs {compute_in_place.to('USD').m:,.0f} USD to compute where the data lives")
print(f"  decision: {g.decision} ({g.reason})")

# Where does the trap close? data_gravity broadcasts, so pass several sizes at once.
sizes = Q_([1, 10, 50, 270, 1000], "TB")
sweep = storage.data_gravity(sizes, "100 Gbit/s", training_time, "0.08 USD/GB", compute_in_place)
print(f"  {'dataset':>9}{'transfer':>13}{'egress':>12}  decision")
for i, size in enumerate(sizes):
    print(f"  {size:>6.0f~P}{sweep.transfer_time[i].to('min'):>11,.1f~P}"
          f"{sweep.egress_cost[i].to('USD').m:>8,.0f} USD  {sweep.decision[i]} ({sweep.reason[i]})")
print("  the copy takes the whole 6 h run at 270 TB (6 h x 12.5 GB/s) and longer beyond it.")

# The lab's edge context: a 1 Gbit/s LAN and no egress fee.
edge = storage.data_gravity("50 TB", "1 Gbit/s", training_time, "0 USD/GB", compute_in_place)
print(f"  edge (1 Gbit/s LAN, free egress): transfer {edge.transfer_time.to('h'):.0f~P} -> {edge.decision} "
      f"({edge.reason})")
print("  verdict: at 50 TB the copy fits in the time budget but the egress bill does not;")
print("  move the compute to the data.")
