"""The Data Gravity Trap: reproduces "Machine Learning Systems, Vol. 1, Lab 04: The Data Gravity Trap".

Act I   A ResNet-50 training job on one A100 sits at low GPU utilization. Is the
        GPU too slow, or is it starving? We feed it from HDD, SATA SSD, NVMe and
        RAM and read the bottleneck off the input-pipeline model.
Act II  50 TB of data live in one region, the GPUs in another, joined by a
        100 Gbit/s link. Copy the data (time + egress) or move the compute?

Figures from the lab: 0.84 ms of compute per batch of 64 images; 50 TB over
100 Gbit/s = 4,000 s (67 min); 50,000 GB x 0.08 USD/GB = 4,000 USD of egress.
The scenario's numbers are read from ``mlsysim.scenarios`` (RESNET_PIPELINE and
DATA_GRAVITY), which says which of them are the lab's and which are assumptions.

Run:  python examples/data_gravity.py
"""

from __future__ import annotations

from mlsysim import Q_
from mlsysim.models import storage
from mlsysim.scenarios import DATA_GRAVITY as DG
from mlsysim.scenarios import RESNET_PIPELINE as RN

A100 = RN.accelerator

# ---------------------------------------------------------------------------
# Act I: the pipeline bottleneck
# ---------------------------------------------------------------------------
# One batch is 64 images of 224 x 224 x 3 FP32 values; ResNet-50 costs about
# 4.1 GFLOP per image (forward pass, as in the lab), on the A100's 312 TFLOP/s.
BATCH = RN.batch_size
batch_bytes = BATCH * RN.image_bytes
compute_time = (BATCH * RN.flop_per_image / A100.peak_flops).to("ms")

print(f"Act I: {RN.title}")
print(f"  ({RN.lab})")
print(f"  batch of {BATCH} images = {batch_bytes.to('MB'):.2f~P}; "
      f"{A100.name} peak {A100.peak_flops.to('TFLOP/s'):.0f~P}")
print(f"  compute per batch = {BATCH} x {RN.flop_per_image:g~P} / {A100.peak_flops.to('TFLOP/s'):g~P} "
      f"= {compute_time:.3f~P}")

# The lab's four storage tiers (its own round numbers, not catalog datasheets).
TIERS = {name: f"{bw:g~P}" for name, bw in zip(RN.tier_names, RN.tier_bandwidths.to("GB/s"))}

print(f"  {'tier':<9}{'bandwidth':>11}{'I/O per batch':>15}{'GPU util':>10}  bottleneck")
for name, bandwidth in TIERS.items():
    # overlap=True: the loader reads batch k+1 while the GPU computes batch k,
    # so a step takes max(compute, io) and the GPU is busy compute/step of it.
    p = storage.input_pipeline(1, batch_bytes, compute_time, bandwidth)
    print(f"  {name:<9}{bandwidth:>11}{p.io_time.to('ms'):>12.2f~P}{p.utilization:>10.1%}  {p.bottleneck}")

demand = storage.input_pipeline(1, batch_bytes, compute_time, TIERS["RAM"]).demand
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
print(f"  batch {BATCH} -> {8 * BATCH} on NVMe: utilization {big.utilization:.1%} (unchanged: bytes and FLOPs both scale)")
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
training_time = DG.training_time
compute_in_place = DG.compute_price * training_time

g = storage.data_gravity(DG.dataset_size, DG.link_bandwidth, training_time, DG.egress_price, compute_in_place)
print()
size_gb, link = DG.dataset_size.to("GB").m, DG.link_bandwidth.to("GB/s")
print(f"Act II: data gravity ({DG.dataset_size:g~P} over {DG.link_bandwidth:g~P}, {training_time:g~P} run, "
      f"{DG.egress_price:g~P})")
print(f"  T = D / BW = {size_gb:,.0f} GB / {link:g~P} = {g.transfer_time.to('s').m:,.0f} s "
      f"({g.transfer_time.to('min').m:.1f} min), {g.time_ratio:.0%} of the training run")
print(f"  egress = {size_gb:,.0f} GB x {DG.egress_price:g~P} = {g.egress_cost.to('USD').m:,.0f} USD "
      f"vs {compute_in_place.to('USD').m:,.0f} USD to compute where the data lives")
print(f"  decision: {g.decision} ({g.reason})")

# Where does the trap close? data_gravity broadcasts, so pass several sizes at once.
sizes = Q_([1, 10, 50, 270, 1000], "TB")
sweep = storage.data_gravity(sizes, DG.link_bandwidth, training_time, DG.egress_price, compute_in_place)
print(f"  {'dataset':>9}{'transfer':>13}{'egress':>12}  decision")
for i, size in enumerate(sizes):
    print(f"  {size:>6.0f~P}{sweep.transfer_time[i].to('min'):>11,.1f~P}"
          f"{sweep.egress_cost[i].to('USD').m:>8,.0f} USD  {sweep.decision[i]} ({sweep.reason[i]})")
fits = (training_time * DG.link_bandwidth).to("TB")
print(f"  the copy takes the whole {training_time:g~P} run at {fits:.0f~P} ({training_time:g~P} x {link:g~P}) "
      "and longer beyond it.")

# The lab's edge context: a 1 Gbit/s LAN and no egress fee.
edge = storage.data_gravity(DG.dataset_size, DG.edge_link_bandwidth, training_time, DG.edge_egress_price,
                            compute_in_place)
print(f"  edge ({DG.edge_link_bandwidth:g~P} LAN, free egress): transfer {edge.transfer_time.to('h'):.0f~P} -> {edge.decision} "
      f"({edge.reason})")
print(f"  verdict: at {DG.dataset_size:g~P} the copy fits in the time budget but the egress bill does not;")
print("  move the compute to the data.")
