"""Data storage: feeding the ML fleet, as an interactive marimo app.

Machine Learning Systems, Vol. 2, Lab 04: Data Storage. Every number on the page
comes from ``mlsysim`` (the storage, metadata and checkpoint models and the
hardware catalog); this file only wires controls to the models and draws what
they return.

Run:  marimo run examples/labs/data_storage.py
"""

import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="Data Storage")


@app.cell(hide_code=True)
def _():
    import marimo as mo
    import numpy as np

    try:
        import mlsysim
    except ImportError:  # a source checkout that is not installed: use its src/
        import pathlib
        import sys

        sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "src"))
        import mlsysim
    import io as _io

    import matplotlib.pyplot as plt

    def figure(fig):
        """A matplotlib figure as a PNG image on the page; the figure is closed."""
        buffer = _io.BytesIO()
        fig.savefig(buffer, format="png", dpi=96)
        plt.close(fig)
        return mo.image(buffer.getvalue(), alt="figure")

    # workloads: the MLPerf Storage v1.0 training workloads
    from mlsysim import Q_, fmt, workloads
    from mlsysim import plot as mplot
    from mlsysim.models import checkpoint as ck
    from mlsysim.models import metadata, storage
    hw = mlsysim.hardware
    return (
        Q_,
        ck,
        figure,
        fmt,
        hw,
        metadata,
        mo,
        mplot,
        np,
        plt,
        storage,
        workloads,
    )


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    # Data storage: feeding the ML fleet
    *Machine Learning Systems*, Vol. 2, Lab 04: Data Storage.

    128 H100s sit at 12% utilization next to a 672 GB/s Lustre cluster that reports itself
    1.5% busy. At scale, storage is about reads in flight, IOPS and metadata, not capacity.
    Four instruments: the I/O waterfall, the IOPS-vs-throughput curve, the tiered pipeline
    (a data-flow view and a saturation plot) and the metadata wall; then the checkpoint wall.
    """)
    return


@app.cell(hide_code=True)
def _(hw, mo, workloads):
    _options = {"lab scenario: 4 MB per GPU per 50 ms step": "lab"}
    _options.update({workloads.get(_n).name: _n for _n in workloads.names()})
    workload = mo.ui.dropdown(_options, value="lab scenario: 4 MB per GPU per 50 ms step", label="workload")
    gpus = mo.ui.slider(steps=[8, 16, 32, 64, 128, 256, 512, 1024, 2048], value=128, label="GPUs (8 per node)",
                        show_value=True)
    osts = mo.ui.slider(4, 48, step=4, value=24, label=f"OSTs ({hw.LUSTRE_OST.read_bandwidth:~P} each)",
                        show_value=True)
    loader_workers = mo.ui.slider(steps=[1, 2, 4, 8, 16, 32, 48, 64], value=1, label="loader workers per GPU",
                                  show_value=True)
    access = mo.ui.radio({"random reads of single samples": "random", "sequential shards": "sequential"},
                         value="random reads of single samples", label="access pattern", inline=True)
    block = mo.ui.dropdown(["4 KiB", "64 KiB", "1 MiB"], value="4 KiB", label="random read size")
    mo.vstack([
        mo.md("## Part 1: the access-pattern audit and the I/O waterfall"),
        mo.md("*Prediction: the GPUs are at 12% and the storage at 1.5%. Is it bandwidth, the network, "
              "or the access pattern?* Each synchronous loader worker keeps one read in flight; every read "
              "pays the drive latency plus an InfiniBand round trip."),
        mo.hstack([workload, gpus, osts], justify="start", gap=2),
        mo.hstack([access, block, loader_workers], justify="start", gap=2),
    ])
    return access, block, gpus, loader_workers, osts, workload


@app.cell(hide_code=True)
def _(
    Q_,
    access,
    block,
    gpus,
    hw,
    loader_workers,
    np,
    osts,
    storage,
    workload,
    workloads,
):
    if workload.value == "lab":
        chosen_workload = None
        batch_bytes, step_time = Q_(4, "MB"), Q_(50, "ms")
    else:
        chosen_workload = workloads.get(workload.value)
        batch_bytes = chosen_workload.batch_size * chosen_workload.sample_size
        step_time = chosen_workload.compute_time
    rated = osts.value * hw.LUSTRE_OST.read_bandwidth
    ports = max(gpus.value // 8, 1) * hw.IB_HDR200.bandwidth  # one HDR200 port per 8-GPU node
    worker_axis = np.array([1, 2, 4, 8, 16, 32, 48, 64])

    def _efficiency(workers):
        """Fraction of the rated bandwidth the reads reach (1 for sequential shards)."""
        if access.value == "sequential":
            return np.ones_like(np.asarray(workers, dtype=float))
        x = storage.storage_throughput(hw.LUSTRE_OST, block.value, gpus.value * np.asarray(workers), servers=osts.value,
                                       extra_latency=hw.IB_HDR200.latency)
        return (x / rated).to("").m

    efficiency = float(_efficiency(loader_workers.value))
    io = storage.input_pipeline(gpus.value, batch_bytes, step_time, rated, access_efficiency=efficiency,
                                network_bandwidth=ports)
    io_by_workers = storage.input_pipeline(gpus.value, batch_bytes, step_time, rated,
                                           access_efficiency=_efficiency(worker_axis), network_bandwidth=ports)
    return (
        batch_bytes,
        chosen_workload,
        efficiency,
        io,
        io_by_workers,
        ports,
        rated,
        step_time,
        worker_axis,
    )


@app.cell(hide_code=True)
def _(chosen_workload, fmt, gpus, io, mo, rated, storage):
    _stats = [
        mo.stat(f"{io.utilization:.1%}", label="GPU utilization", caption=f"bottleneck: {io.bottleneck}"),
        mo.stat(fmt.format_quantity(io.demand), label="the GPUs consume", caption=f"of {fmt.format_quantity(rated)} rated"),
        mo.stat(fmt.format_quantity(io.delivered_bandwidth), label="the reads deliver"),
        mo.stat(f"{io.storage_utilization:.1%}", label="storage busy"),
        mo.stat(fmt.format_quantity(io.stall_time), label="GPU stall per step"),
    ]
    if chosen_workload is not None:
        _n = storage.supported_accelerators(chosen_workload, io.supply)
        _stats.append(mo.stat(f"{_n:,.0f}", label="accelerators this supply feeds",
                              caption=f"at the MLPerf threshold ({gpus.value:,} asked)"))
    mo.hstack(_stats, widths="equal")
    return


@app.cell(hide_code=True)
def _(
    batch_bytes,
    efficiency,
    figure,
    gpus,
    io_by_workers,
    loader_workers,
    mplot,
    plt,
    ports,
    rated,
    step_time,
    worker_axis,
):
    _fig, (_a, _b) = plt.subplots(1, 2, figsize=(12, 4.2), layout="constrained")
    mplot.pipeline_waterfall(gpus.value, batch_bytes, step_time, rated, efficiency, network_bandwidth=ports, ax=_a)
    _a.set_title(_a.get_title().replace("Step time", "I/O waterfall of one step", 1))
    _b.plot(worker_axis, 100 * io_by_workers.utilization, "o-", color="tab:blue")
    _b.axvline(loader_workers.value, color="tab:red", lw=2, alpha=0.5, label="your workers")
    _b.set_xscale("log", base=2)
    _b.set_ylim(0, 105)
    _b.set_xlabel("loader workers per GPU (reads in flight)")
    _b.set_ylabel("GPU utilization [%]")
    _b.set_title("More reads in flight, not more OSTs")
    _b.grid(True, which="both", alpha=0.3)
    _b.legend(fontsize=8)
    _out = figure(_fig)
    _out
    return


@app.cell(hide_code=True)
def _(hw, mo):
    _devices = {hw.get(_n).name: _n for _n in hw.names() if isinstance(hw.get(_n), hw.StorageDevice)}
    device_choice = mo.ui.multiselect(_devices, value=[hw.NVME_GEN4.name, hw.SATA_SSD.name, hw.HDD.name],
                                      label="devices from the catalog")
    block_choice = mo.ui.multiselect(["4 KiB", "64 KiB", "1 MiB"], value=["4 KiB", "1 MiB"], label="read sizes")
    mo.vstack([
        mo.md("## Part 2: IOPS vs throughput"),
        mo.md("Random reads climb with the queue depth (Little's law: depth x block / latency) until the "
              "device's IOPS or its sequential rate caps them. Why is sequential access the only way to reach "
              "the datasheet's peak?"),
        mo.hstack([device_choice, block_choice], justify="start", gap=2),
    ])
    return block_choice, device_choice


@app.cell(hide_code=True)
def _(block_choice, device_choice, figure, hw, mo, mplot, plt, storage):
    _devs = [hw.get(_n) for _n in device_choice.value] or [hw.NVME_GEN4]
    _blocks = list(block_choice.value) or ["4 KiB"]
    _blocks.sort(key=lambda _b: storage.transfer_time(_b, "1 B/s").m)  # the plot streams the largest
    _fig, _ax = plt.subplots(figsize=(10, 4.6), layout="constrained")
    mplot.iops_throughput_curve(_devs, _blocks, ax=_ax)
    _gaps = [f"{_d.name}: **{(storage.device_throughput(_d, _blocks[-1], access='sequential') / storage.device_throughput(_d, _blocks[0], 1)).to('').m:,.0f}x**"
             for _d in _devs]
    _out = mo.vstack([figure(_fig),
                      mo.md(f"Sequential {_blocks[-1]} stream vs one {_blocks[0]} random read at a time: " + "; ".join(_gaps))])
    _out
    return


@app.cell(hide_code=True)
def _(mo):
    node_demand = mo.ui.slider(0.5, 20, step=0.5, value=4, label="node demand [GB/s]", show_value=True)
    dataset_tb = mo.ui.slider(steps=[1, 5, 10, 20, 50, 100, 200, 500], value=50, label="dataset [TB]",
                              show_value=True)
    buffer_gb = mo.ui.slider(0, 2048, step=64, value=1024, label="DRAM buffer [GB]", show_value=True)
    nvme_tb = mo.ui.slider(0, 60, step=1, value=4, label="local NVMe cache [TB]", show_value=True)
    nvme_gbs = mo.ui.slider(1, 56, step=1, value=28, label="local NVMe bandwidth [GB/s]", show_value=True)
    download_gbps = mo.ui.slider(steps=[1, 5, 10, 25, 40, 50, 100, 200, 400], value=10,
                                 label="download link from S3 [Gbit/s]", show_value=True)
    mo.vstack([
        mo.md("## Part 3: sizing the tiered S3 -> NVMe -> DRAM pipeline"),
        mo.md("*Prediction: will more local NVMe cache speed up training when the S3 link is the bottleneck?* "
              "Find the balanced tiering that keeps the GPUs 95% busy. Reads are uniform over the dataset, so "
              "a tier serves the share of the bytes it holds; tiers serve concurrently."),
        mo.hstack([node_demand, dataset_tb, buffer_gb], justify="start", gap=2),
        mo.hstack([nvme_tb, nvme_gbs, download_gbps], justify="start", gap=2),
    ])
    return buffer_gb, dataset_tb, download_gbps, node_demand, nvme_gbs, nvme_tb


@app.cell(hide_code=True)
def _(
    Q_,
    buffer_gb,
    dataset_tb,
    download_gbps,
    hw,
    node_demand,
    nvme_gbs,
    nvme_tb,
    storage,
):
    demand = Q_(node_demand.value, "GB/s")
    dataset = Q_(dataset_tb.value, "TB")
    dram_cap, nvme_cap = Q_(buffer_gb.value, "GB"), Q_(nvme_tb.value, "TB")
    dram_hit = storage.cache_hit_fraction(dram_cap, dataset)
    nvme_hit = storage.cache_hit_fraction(dram_cap + nvme_cap, dataset) - dram_hit
    s3_share = 1 - dram_hit - nvme_hit
    tiers = [("DRAM", 2 * hw.HOST_DRAM.bandwidth, dram_hit), ("NVMe", Q_(nvme_gbs.value, "GB/s"), nvme_hit),
             ("S3", Q_(download_gbps.value, "Gbit/s"), s3_share)]
    tiered = storage.tiered_pipeline(demand, tiers)
    # scenario assumption: a node has slots for 8 NVMe drives of the catalog's size
    upgrade = storage.cheapest_upgrade(demand, dataset, dram_cap + nvme_cap, Q_(nvme_gbs.value, "GB/s"),
                                       Q_(download_gbps.value, "Gbit/s"),
                                       max_cache_capacity=dram_cap + 8 * hw.NVME_GEN4.capacity)
    return dataset, demand, dram_cap, tiered, tiers, upgrade


@app.cell(hide_code=True)
def _(fmt, mo, tiered, upgrade):
    mo.vstack([
        mo.hstack([
            mo.stat(f"{tiered.utilization:.0%}", label="GPU utilization", caption=f"bottleneck tier: {tiered.bottleneck_tier}"),
            mo.stat(fmt.format_quantity(tiered.delivered_bandwidth), label="delivered",
                    caption=f"of {fmt.format_quantity(tiered.demand)} demanded"),
            mo.stat(fmt.format_quantity(upgrade.cache_capacity_needed) if upgrade.cache_can_help else "out of reach",
                    label="cache for 95%",
                    caption="fits the node (8 NVMe slots)" if upgrade.cache_can_help
                    else f"limited by the {upgrade.cache_limited_by}"),
            mo.stat(f"{upgrade.download_bandwidth_needed.to('Gbit/s').m:,.1f} Gbit/s", label="or an S3 link of"),
            mo.stat(f"{upgrade.cold_utilization:.0%}", label="first (cold) epoch", caption="everything from S3"),
        ], widths="equal"),
        mo.md("Way to 95%: **" + {"none needed": "nothing to do, the target is met",
                                    "cache capacity": "add cache", "download bandwidth": "widen the S3 link",
                                    "either": "add cache or widen the S3 link (no prices given to compare)",
                                    "neither": "neither more cache nor a wider link alone is enough"}[str(upgrade.choice)]
              + "**."),
    ])
    return


@app.cell(hide_code=True)
def _(
    Q_,
    dataset,
    demand,
    download_gbps,
    dram_cap,
    figure,
    hw,
    np,
    nvme_gbs,
    plt,
    storage,
    tiered,
    tiers,
):
    _fig, (_a, _b) = plt.subplots(1, 2, figsize=(12, 4.6), layout="constrained", width_ratios=[1.1, 1])
    # Data-flow view: each tier's band is the bytes per second it delivers (its share of the delivered rate).
    _delivered = tiered.delivered_bandwidth.to("GB/s").m
    _need = demand.to("GB/s").m
    _flows = [float(_share) * _delivered for _, _, _share in tiers]
    _colors = ["tab:purple", "tab:orange", "tab:blue"]
    _gap = 0.04 * _need
    _left = 0.0
    _right = 0.0
    _t = np.linspace(0, 1, 60)
    _smooth = _t * _t * (3 - 2 * _t)
    _label_y = -np.inf
    for (_name, _bw, _share), _f, _c in zip(tiers, _flows, _colors):
        _a.add_patch(plt.Rectangle((-0.12, _left), 0.12, max(_f, 1e-9), color=_c))
        _lo = _left + (_right - _left) * _smooth
        _a.fill_between(_t, _lo, _lo + _f, color=_c, alpha=0.35, lw=0)
        _label_y = max(_left + _f / 2, _label_y + 0.16 * _need)  # keep labels of thin flows apart
        _a.annotate(f"{_name}: {float(_share):.1%} of bytes\nat {Q_(_bw).to('GB/s').m:,.3g} GB/s",
                    xy=(-0.12, _left + _f / 2), xytext=(-0.2, _label_y), ha="right", va="center", fontsize=8,
                    arrowprops=dict(arrowstyle="-", color=_c, lw=0.8))
        _left += _f + _gap
        _right += _f
    _a.add_patch(plt.Rectangle((1.0, 0), 0.12, _delivered, color="tab:green"))
    if _need > _delivered:
        _a.add_patch(plt.Rectangle((1.0, _delivered), 0.12, _need - _delivered, fill=False, hatch="//",
                                   edgecolor="tab:red"))
    _a.text(1.14, _need / 2, f"GPUs\nget {_delivered:,.3g}\nof {_need:,.3g} GB/s", va="center", fontsize=8)
    _a.set_xlim(-0.75, 1.5)
    _a.set_ylim(-0.05 * _need, max(_left, _need, _label_y + 0.1 * _need) * 1.05)
    _a.axis("off")
    _a.set_title(f"Data flow: bottleneck tier {tiered.bottleneck_tier}, utilization {float(tiered.utilization):.0%}")
    # Pipeline saturation plot: utilization vs the S3 link, for a few cache sizes.
    _links = Q_(np.geomspace(1, 800, 120), "Gbit/s")
    for _cache_tb in (0, 4, 16, 40):
        _cache = dram_cap + Q_(_cache_tb, "TB")
        _dram_hit = storage.cache_hit_fraction(dram_cap, dataset)
        _nvme_hit = storage.cache_hit_fraction(_cache, dataset) - _dram_hit
        _sweep = storage.tiered_pipeline(demand, [("DRAM", 2 * hw.HOST_DRAM.bandwidth, _dram_hit),
                                                  ("NVMe", Q_(nvme_gbs.value, "GB/s"), _nvme_hit),
                                                  ("S3", _links, 1 - _dram_hit - _nvme_hit)])
        _b.plot(_links.m, 100 * np.asarray(_sweep.utilization), label=f"{_cache_tb} TB NVMe cache")
    _b.axhline(95, color="black", ls="--", lw=1, label="95% target")
    _b.plot([download_gbps.value], [100 * float(tiered.utilization)], "o", color="tab:red", ms=8, label="your pipeline")
    _b.set_xscale("log")
    _b.set_ylim(0, 105)
    _b.set_xlabel("download link from S3 [Gbit/s]")
    _b.set_ylabel("GPU utilization [%]")
    _b.set_title("Pipeline saturation")
    _b.grid(True, which="both", alpha=0.3)
    _b.legend(fontsize=8)
    _out = figure(_fig)
    _out
    return


@app.cell(hide_code=True)
def _(mo):
    md_gpus = mo.ui.slider(steps=[128, 256, 512, 1024, 2048, 4096, 8192, 16384], value=4096, label="GPUs",
                           show_value=True)
    md_workers = mo.ui.slider(1, 16, step=1, value=8, label="loader workers per GPU", show_value=True)
    md_opens = mo.ui.slider(5, 200, step=5, value=50, label="samples per worker per second", show_value=True)
    layout = mo.ui.radio({"one file per sample": "files", "250-sample shards": "shards", "object store": "object"},
                         value="one file per sample", label="dataset layout", inline=True)
    md_servers = mo.ui.slider(1, 128, step=1, value=1, label="metadata servers", show_value=True)
    mo.vstack([
        mo.md("## Part 4: the metadata wall"),
        mo.md("*Prediction: 4,096 GPUs with 1,344 GB/s of Lustre and a 4x bandwidth margin. What fails first?* "
              "Every file open costs three metadata operations (lookup, open, close)."),
        mo.hstack([md_gpus, md_workers, md_opens], justify="start", gap=2),
        mo.hstack([layout, md_servers], justify="start", gap=2),
    ])
    return layout, md_gpus, md_opens, md_servers, md_workers


@app.cell(hide_code=True)
def _(
    Q_,
    figure,
    fmt,
    hw,
    layout,
    md_gpus,
    md_opens,
    md_servers,
    md_workers,
    metadata,
    mo,
    np,
    plt,
):
    _layouts = {"files": dict(), "shards": dict(samples_per_file=250), "object": dict(store="object")}
    _sample_rate = md_gpus.value * md_workers.value * Q_(md_opens.value, "1/s")
    md_load = metadata.layout_demand(_sample_rate, **_layouts[layout.value])
    md_sat = metadata.mds_saturation(md_load.metadata_rate, servers=md_servers.value, server=hw.LUSTRE_MDS)
    md_wall = metadata.scaling_wall("80 MB/s", 48 * hw.LUSTRE_OST.read_bandwidth, md_workers.value,
                                    Q_(md_opens.value, "1/s"), network_bandwidth=48 * hw.IB_HDR200.bandwidth,
                                    servers=md_servers.value, server=hw.LUSTRE_MDS)
    _fig, _ax = plt.subplots(figsize=(10, 3.8), layout="constrained")
    _gpu_axis = np.geomspace(64, 65536, 100)
    for _key, _label in (("files", "one file per sample"), ("shards", "250-sample shards"),
                         ("object", "object store (no metadata server: drawn at 1e-4)")):
        _load = metadata.layout_demand(_gpu_axis * md_workers.value * Q_(md_opens.value, "1/s"), **_layouts[_key])
        _util = metadata.mds_saturation(_load.metadata_rate, servers=md_servers.value, server=hw.LUSTRE_MDS).utilization
        _ax.plot(_gpu_axis, np.maximum(np.asarray(_util), 1e-4), lw=2.5 if _key == layout.value else 1.2, label=_label)
    _ax.axhline(1, color="black", ls="--", lw=1, label="saturated")
    _ax.axvline(md_gpus.value, color="tab:red", alpha=0.5, lw=2, label="your cluster")
    _ax.set_xscale("log")
    _ax.set_yscale("log")
    _ax.set_xlabel("GPUs")
    _ax.set_ylabel("metadata-server utilization")
    _ax.set_title(f"The metadata wall ({md_servers.value} x {hw.LUSTRE_MDS.name})")
    _ax.grid(True, which="both", alpha=0.3)
    _ax.legend(fontsize=8)
    _out = mo.vstack([
        mo.hstack([
            mo.stat(f"{md_load.metadata_rate.to('1/s').m:,.0f}", label="metadata ops/s"),
            mo.stat(f"{md_sat.utilization:.2f}x", label="metadata-server load",
                    caption="overloaded" if md_sat.overloaded else "within capacity"),
            mo.stat(f"{md_sat.servers_needed:.0f}", label="metadata servers needed"),
            mo.stat(str(md_wall.first_wall), label="first wall (48 OSTs)", caption=f"at {md_wall.max_accelerators:,.0f} GPUs"),
        ], widths="equal"),
        figure(_fig),
        mo.md(f"Largest cluster each resource feeds at 80 MB/s per GPU with files per sample: storage "
              f"{md_wall.storage_limit:,.0f}, network {md_wall.network_limit:,.0f}, metadata "
              f"{md_wall.metadata_limit:,.0f} GPUs. Capacity of one server: {fmt.format_quantity(hw.LUSTRE_MDS.ops_rate)}."),
    ])
    _out
    return


@app.cell(hide_code=True)
def _(hw, mo):
    state_gb = mo.ui.slider(10, 1000, step=10, value=350, label="checkpoint size [GB]", show_value=True)
    _writers = {f"{hw.NVME_GEN4.name} (local)": hw.NVME_GEN4.write_bandwidth,
               f"{hw.LUSTRE_OST.name} (one server)": hw.LUSTRE_OST.write_bandwidth,
               f"{hw.ETHERNET_100G.name} to S3": hw.ETHERNET_100G.bandwidth,
               f"{hw.ETHERNET_10G.name} to S3": hw.ETHERNET_10G.bandwidth}
    writer = mo.ui.dropdown(_writers, value=f"{hw.NVME_GEN4.name} (local)", label="write path")
    mtbf_h = mo.ui.slider(0.5, 24, step=0.5, value=4, label="cluster MTBF [h]", show_value=True)
    every_min = mo.ui.slider(steps=[1, 2, 5, 10, 20, 30, 60, 120, 240], value=10, label="checkpoint every [min]",
                             show_value=True)
    mo.vstack([
        mo.md("## Part 5: the checkpoint wall"),
        mo.md("*Prediction: does saving a checkpoint every 10 minutes shorten or lengthen a month-long run?* "
              "(The fault-tolerance lab goes further: `marimo run examples/labs/fault_tolerance.py`.)"),
        mo.hstack([state_gb, writer], justify="start", gap=2),
        mo.hstack([mtbf_h, every_min], justify="start", gap=2),
    ])
    return every_min, mtbf_h, state_gb, writer


@app.cell(hide_code=True)
def _(
    Q_,
    ck,
    every_min,
    figure,
    fmt,
    mo,
    mplot,
    mtbf_h,
    plt,
    state_gb,
    writer,
):
    ckpt_write = ck.checkpoint_write_time(Q_(state_gb.value, "GB"), writer.value)
    _mtbf = Q_(mtbf_h.value, "h")
    _every = Q_(every_min.value, "min")
    ckpt_best = ck.optimal_interval(ckpt_write, _mtbf)
    _month = Q_(30, "day")
    _at_every = ck.expected_runtime(_month, _every, ckpt_write, _mtbf)
    _at_best = ck.expected_runtime(_month, ckpt_best, ckpt_write, _mtbf)
    _fig, _ax = plt.subplots(figsize=(10, 4), layout="constrained")
    mplot.young_daly_curve(ckpt_write, _mtbf, ax=_ax)
    _ax.axvline(_every.to("min").m, color="tab:red", lw=2, alpha=0.5, label="your interval")
    _ax.legend(fontsize=8, loc="upper center")
    _out = mo.vstack([
        mo.hstack([
            mo.stat(fmt.format_quantity(ckpt_write), label="write time per checkpoint"),
            mo.stat(fmt.format_quantity(ckpt_best), label="optimal interval"),
            mo.stat(fmt.format_quantity(_at_every), label="30 days of work, your interval"),
            mo.stat(fmt.format_quantity(_at_best), label="30 days of work, optimal interval"),
        ], widths="equal"),
        figure(_fig),
    ])
    _out
    return


@app.cell(hide_code=True)
def _(hw, mo):
    vehicles = mo.ui.slider(steps=[100, 1000, 10_000, 100_000], value=10_000, label="vehicles", show_value=True)
    fleet_tb_h = mo.ui.slider(0.5, 50, step=0.5, value=5, label="fleet logs [TB/h]", show_value=True)
    uplink_mbps = mo.ui.slider(steps=[0.5, 1, 5, 10, 50, 100], value=1, label="uplink per vehicle [Mbit/s]",
                               show_value=True)
    vehicle_gb = mo.ui.slider(64, 4096, step=64, value=256, label="log storage per vehicle [GB]", show_value=True)
    weights_mb = mo.ui.slider(8, 1024, step=8, value=64, label="weights streamed per frame [MB]", show_value=True)
    _flash = {hw.get(_n).name: _n for _n in hw.names() if isinstance(hw.get(_n), hw.StorageDevice)}
    glasses_flash = mo.ui.dropdown(_flash, value=hw.UFS_31.name, label="glasses flash")
    stream_block = mo.ui.dropdown(["4 KiB", "64 KiB", "1 MiB"], value="1 MiB", label="read size")
    buffer_kib = mo.ui.slider(4, 256, step=4, value=64, label="audio buffer [KiB]", show_value=True)
    audio_flash = mo.ui.dropdown(_flash, value=hw.NOR_FLASH.name, label="hearable flash")
    mo.vstack([
        mo.md("## Part 6: the tracks"),
        mo.md("**Edge:** what share of a vehicle fleet's logs can upload, and when does local storage fill? "
              "**Mobile:** stream the weights from flash within a 50 ms frame. **Tiny:** does a 64 KiB audio "
              "buffer (16 kHz, 16-bit) cover a flash read?"),
        mo.hstack([vehicles, fleet_tb_h], justify="start", gap=2),
        mo.hstack([uplink_mbps, vehicle_gb], justify="start", gap=2),
        mo.hstack([weights_mb, glasses_flash, stream_block], justify="start", gap=2),
        mo.hstack([buffer_kib, audio_flash], justify="start", gap=2),
    ])
    return (
        audio_flash,
        buffer_kib,
        fleet_tb_h,
        glasses_flash,
        stream_block,
        uplink_mbps,
        vehicle_gb,
        vehicles,
        weights_mb,
    )


@app.cell(hide_code=True)
def _(
    Q_,
    audio_flash,
    buffer_kib,
    fleet_tb_h,
    fmt,
    glasses_flash,
    hw,
    mo,
    storage,
    stream_block,
    uplink_mbps,
    vehicle_gb,
    vehicles,
    weights_mb,
):
    logs = storage.fleet_logging(vehicles.value, Q_(fleet_tb_h.value, "TB/h") / vehicles.value,
                                 Q_(uplink_mbps.value, "Mbit/s"), Q_(vehicle_gb.value, "GB"))
    stream = storage.weight_streaming(Q_(weights_mb.value, "MB"), "50 ms", device=hw.get(glasses_flash.value),
                                      block_size=stream_block.value)
    audio = storage.audio_buffer(Q_(buffer_kib.value, "KiB"), "16 kHz",
                                 read_latency=hw.get(audio_flash.value).read_latency)
    mo.hstack([
        mo.stat(f"{logs.upload_fraction:.0%}", label="edge: logs uploaded",
                caption="storage fills in " + fmt.format_quantity(logs.fill_time) if logs.storage_fills
                else "storage never fills"),
        mo.stat(fmt.format_quantity(stream.read_time), label="mobile: weight read per frame",
                caption=("frame skip" if stream.frame_skip else "fits")
                + f"; at most {fmt.format_quantity(stream.max_weight_bytes)}"),
        mo.stat(fmt.format_quantity(audio.duration), label="tiny: audio in the buffer",
                caption=("glitch" if audio.glitch else "no glitch")
                + f" with a {fmt.format_quantity(audio.read_latency)} read"),
    ], widths="equal")
    return


@app.cell(hide_code=True)
def _(mo):
    mo.accordion({
        "Math peek": mo.md(
            r"""
            - Input pipeline: demand $= N \cdot$ batch / step; supply $= \min(BW_\text{storage} \cdot e, BW_\text{network})$;
              with prefetch a step takes $\max(t_\text{compute}, t_\text{I/O})$.
            - Random reads: throughput $= \min(\text{IOPS}\cdot b,\ BW_\text{seq},\ Q\cdot b / (\text{latency} + b/BW))$
              per server, where $Q$ is the reads in flight.
            - Tiers: delivered $= \min_i BW_i / f_i$ with $f_i$ the share of bytes tier $i$ serves.
            - Metadata: ops/s $= N \cdot$ workers $\cdot$ opens/s $\cdot$ 3 against one server's rate.
            - Young-Daly: $\tau \approx \sqrt{2 \delta M}$; the exact optimum minimises the expected runtime.
            - Functions used: `storage.storage_throughput`, `input_pipeline`, `device_throughput`, `cache_hit_fraction`,
              `tiered_pipeline`, `cheapest_upgrade`, `metadata.layout_demand`, `mds_saturation`, `scaling_wall`,
              `checkpoint.checkpoint_write_time`, `optimal_interval`, `expected_runtime`, `storage.fleet_logging`,
              `weight_streaming`, `audio_buffer`; `mlsysim.plot`.
            """
        )
    })
    return


if __name__ == "__main__":
    app.run()
