"""The data gravity trap, as an interactive marimo app.

Machine Learning Systems, Vol. 1, Lab 04: The Data Gravity Trap. Every number
on the page comes from ``mlsysim`` (the input-pipeline and data-gravity models
and the hardware catalog); this file only wires controls to the models and draws
what they return.

Run:  marimo run examples/labs/data_gravity.py
"""

import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="The Data Gravity Trap")


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
    from mlsysim.models import storage
    hw = mlsysim.hardware
    return Q_, figure, fmt, hw, mo, mplot, np, plt, storage, workloads


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    # The data gravity trap
    *Machine Learning Systems*, Vol. 1, Lab 04: The Data Gravity Trap.

    A ResNet-50 job sits at low GPU utilization. Is the GPU too slow, or is it starving?
    And when the data live in one place and the GPUs in another, do you move the data
    ($T = D / BW$, plus the egress bill) or move the compute?
    """)
    return


@app.cell(hide_code=True)
def _(hw, mo, workloads):
    _accelerators = {hw.get(_n).name: _n for _n in hw.names() if isinstance(hw.get(_n), hw.Accelerator)}
    _tiers = {hw.get(_n).name: _n for _n in hw.names() if isinstance(hw.get(_n), hw.StorageDevice)}
    _tiers[hw.HOST_DRAM.name + " (page cache)"] = "HOST_DRAM"
    _workload_options = {"lab scenario: ResNet-50, 4.1 GFLOP per image": "lab"}
    _workload_options.update({workloads.get(_n).name: _n for _n in workloads.names()})
    workload = mo.ui.dropdown(_workload_options, value="lab scenario: ResNet-50, 4.1 GFLOP per image",
                              label="workload")
    accelerator = mo.ui.dropdown(_accelerators, value=hw.A100.name, label="accelerator")
    tier = mo.ui.dropdown(_tiers, value=hw.HDD.name, label="storage")
    sample = mo.ui.dropdown({"224x224x3 FP32 tensor (602 kB)": 224 * 224 * 3 * 4,
                             "ImageNet JPEG (about 110 kB)": 110_000}, value="224x224x3 FP32 tensor (602 kB)",
                            label="sample as stored")
    batch = mo.ui.slider(steps=[16, 32, 64, 128, 256, 512], value=64, label="batch size", show_value=True)
    pattern = mo.ui.radio({"sequential (packed shards)": "sequential", "random (one file per sample)": "random"},
                          value="sequential (packed shards)", label="read pattern", inline=True)
    workers = mo.ui.slider(steps=[1, 2, 4, 8, 16, 32, 64], value=4, label="loader workers (reads in flight)",
                           show_value=True)
    overlap = mo.ui.switch(value=True, label="prefetch: read the next batch during compute")
    mo.vstack([
        mo.md("## Act I: is the GPU starving?"),
        mo.md("*Prediction: the GPU is at low utilization. Too few FLOP/s, or data loading slower than compute?*"),
        mo.hstack([workload, accelerator, tier], justify="start", gap=2),
        mo.hstack([sample, batch], justify="start", gap=2),
        mo.hstack([pattern, workers], justify="start", gap=2),
        overlap,
    ])
    return (
        accelerator,
        batch,
        overlap,
        pattern,
        sample,
        tier,
        workers,
        workload,
    )


@app.cell(hide_code=True)
def _(
    Q_,
    accelerator,
    batch,
    hw,
    overlap,
    pattern,
    sample,
    storage,
    tier,
    workers,
    workload,
    workloads,
):
    acc = hw.get(accelerator.value)
    if workload.value == "lab":
        sample_size = Q_(sample.value, "B")
        batch_size = batch.value
        # the lab's compute model: 4.1 GFLOP per image at the accelerator's dense peak
        compute_time = (batch_size * Q_(4.1, "GFLOP") / acc.peak_flops).to("ms")
    else:
        _w = workloads.get(workload.value)
        sample_size, batch_size, compute_time = _w.sample_size, _w.batch_size, _w.compute_time
    batch_bytes = batch_size * sample_size
    if tier.value == "HOST_DRAM":
        read_bandwidth = hw.HOST_DRAM.bandwidth
    else:
        read_bandwidth = storage.device_throughput(hw.get(tier.value), sample_size, workers.value,
                                                   access=pattern.value)
    pipeline = storage.input_pipeline(1, batch_bytes, compute_time, read_bandwidth, overlap=overlap.value)
    return (
        acc,
        batch_bytes,
        compute_time,
        pipeline,
        read_bandwidth,
        sample_size,
    )


@app.cell(hide_code=True)
def _(
    acc,
    batch_bytes,
    fmt,
    mo,
    pipeline,
    read_bandwidth,
    sample_size,
    workload,
    workloads,
):
    _kind = "success" if pipeline.bottleneck == "compute" else "danger"
    if workload.value == "lab":
        _setup = (f"{fmt.format_quantity(batch_bytes)} per batch; compute from 4.1 GFLOP per image at the "
                  f"{acc.name}'s {fmt.format_quantity(acc.peak_flops)}.")
    else:
        _w = workloads.get(workload.value)
        _setup = (f"{_w.name}: {_w.batch_size} samples of {fmt.format_quantity(sample_size)} per step on one "
                  f"{_w.accelerator}, its measured compute time (the workload sets sample, batch and accelerator).")
    mo.vstack([
        mo.md(_setup),
        mo.hstack([
            mo.stat(f"{pipeline.utilization:.1%}", label="GPU utilization", caption=f"bottleneck: {pipeline.bottleneck}"),
            mo.stat(fmt.format_quantity(pipeline.compute_time), label="compute per batch"),
            mo.stat(fmt.format_quantity(pipeline.io_time), label="I/O per batch",
                    caption=f"at {fmt.format_quantity(read_bandwidth)}"),
            mo.stat(fmt.format_quantity(pipeline.stall_time), label="GPU idle per batch"),
            mo.stat(fmt.format_quantity(pipeline.demand), label="the GPU consumes"),
        ], widths="equal"),
        mo.callout(mo.md(
            "The GPU is **starving for input**: faster storage, more reads in flight or packed shards help; "
            "more GPUs on the same storage would starve each of them further."
            if pipeline.bottleneck != "compute" else
            "The loader keeps up: the GPU, not the storage, sets the pace."), kind=_kind),
    ])
    return


@app.cell(hide_code=True)
def _(
    Q_,
    batch_bytes,
    compute_time,
    figure,
    hw,
    mplot,
    np,
    overlap,
    pattern,
    plt,
    read_bandwidth,
    sample_size,
    storage,
    tier,
    workers,
):
    _fig, (_a, _b) = plt.subplots(1, 2, figsize=(12, 4.2), layout="constrained")
    mplot.pipeline_waterfall(1, batch_bytes, compute_time, read_bandwidth, 1.0, network_bandwidth=None,
                             overlap=overlap.value, ax=_a)
    _names, _bw = [], []
    for _n in hw.names():
        _spec = hw.get(_n)
        if isinstance(_spec, hw.StorageDevice):
            _names.append(_spec.name)
            _bw.append(storage.device_throughput(_spec, sample_size, workers.value, access=pattern.value).to("GB/s").m)
    _names.append(hw.HOST_DRAM.name)
    _bw.append(hw.HOST_DRAM.bandwidth.to("GB/s").m)
    _util = storage.input_pipeline(1, batch_bytes, compute_time, Q_(np.array(_bw), "GB/s"),
                                   overlap=overlap.value).utilization
    _order = np.argsort(_bw)
    _chosen = hw.HOST_DRAM.name if tier.value == "HOST_DRAM" else hw.get(tier.value).name
    _a.set_title(_a.get_title().replace("Step time", "I/O waterfall of one step", 1))
    _b.barh([_names[_i] for _i in _order], [100 * _util[_i] for _i in _order],
            color=["tab:red" if _names[_i] == _chosen else "tab:gray" for _i in _order])
    for _row, _i in enumerate(_order):
        _b.text(100 * _util[_i] + 1, _row, f"{100 * _util[_i]:.1f}%", va="center", fontsize=8)
    _b.set_xlim(0, 115)
    _b.set_xlabel("GPU utilization [%]")
    _b.set_title(f"Every catalog tier, {pattern.value} reads, {workers.value} in flight")
    _b.grid(True, axis="x", alpha=0.3)
    _out = figure(_fig)
    _out
    return


@app.cell(hide_code=True)
def _(hw, mo):
    _links = {hw.get(_n).name: _n for _n in hw.names() if isinstance(hw.get(_n), hw.NetworkLink)}
    dataset_tb = mo.ui.slider(steps=[0.01, 0.1, 1, 5, 10, 20, 50, 100, 270, 500, 1000, 5000], value=50,
                              label="dataset [TB]", show_value=True)
    link = mo.ui.dropdown(_links, value=hw.ETHERNET_100G.name, label="link between data and GPUs")
    training_h = mo.ui.slider(1, 72, step=1, value=6, label="training run [h]", show_value=True)
    egress = mo.ui.slider(0, 0.2, step=0.01, value=0.08, label="egress price [USD/GB]", show_value=True)
    gpu_price = mo.ui.slider(1, 100, step=1, value=20, label="compute where the data live [USD/h]",
                             show_value=True)
    mo.vstack([
        mo.md("## Act II: the data gravity calculator"),
        mo.md("*Prediction: how long does 50 TB take over a 100 Gbit/s link: a minute, an hour, ten hours, "
              "four days?* The 20 USD/h default is the lab's 8 A100s at spot prices."),
        mo.hstack([dataset_tb, link, training_h], justify="start", gap=2),
        mo.hstack([egress, gpu_price], justify="start", gap=2),
    ])
    return dataset_tb, egress, gpu_price, link, training_h


@app.cell(hide_code=True)
def _(Q_, dataset_tb, egress, gpu_price, hw, link, storage, training_h):
    dataset = Q_(dataset_tb.value, "TB")
    link_bandwidth = hw.get(link.value).bandwidth
    training_time = Q_(training_h.value, "h")
    egress_price = Q_(egress.value, "USD/GB")
    compute_in_place = Q_(gpu_price.value, "USD/h") * training_time
    gravity = storage.data_gravity(dataset, link_bandwidth, training_time, egress_price, compute_in_place)
    return compute_in_place, dataset, egress_price, gravity, training_time


@app.cell(hide_code=True)
def _(compute_in_place, fmt, gravity, mo):
    _kind = "danger" if gravity.decision == "move compute" else "success"
    mo.vstack([
        mo.hstack([
            mo.stat(fmt.format_quantity(gravity.transfer_time), label="transfer time T = D / BW",
                    caption=f"{gravity.transfer_time.to('s').m:,.0f} s, {gravity.time_ratio:.0%} of the training run"),
            mo.stat(f"{gravity.egress_cost.to('USD').m:,.0f} USD", label="egress bill"),
            mo.stat(f"{compute_in_place.to('USD').m:,.0f} USD", label="compute where the data live"),
            mo.stat(str(gravity.decision), label="decision"),
        ], widths="equal"),
        mo.callout(mo.md(f"**{gravity.decision}**; the deciding factor: {gravity.reason}."), kind=_kind),
    ])
    return


@app.cell(hide_code=True)
def _(
    Q_,
    compute_in_place,
    dataset,
    egress_price,
    figure,
    gravity,
    hw,
    link,
    np,
    plt,
    storage,
    training_time,
):
    _sizes = Q_(np.geomspace(0.01, 5000, 200), "TB")
    _fig, (_a, _b) = plt.subplots(1, 2, figsize=(12, 4.2), layout="constrained")
    for _n in hw.names():
        _spec = hw.get(_n)
        if isinstance(_spec, hw.NetworkLink):
            _t = storage.transfer_time(_sizes, _spec.bandwidth).to("h").m
            _a.plot(_sizes.m, _t, lw=2.5 if _n == link.value else 1, label=_spec.name)
    _a.axhline(training_time.to("h").m, color="black", ls="--", lw=1, label="training run")
    _a.plot([dataset.to("TB").m], [gravity.transfer_time.to("h").m], "o", color="tab:red", ms=8, label="your dataset")
    _a.set_ylabel("transfer time [h]")
    _a.set_title("Time to move the data")
    _b.plot(_sizes.m, storage.egress_cost(_sizes, egress_price).to("USD").m, color="tab:red", label="egress bill")
    _b.axhline(compute_in_place.to("USD").m, color="tab:green", ls="--", label="compute where the data live")
    _b.plot([dataset.to("TB").m], [gravity.egress_cost.to("USD").m], "o", color="tab:red", ms=8)
    _b.set_ylabel("cost [USD]")
    _b.set_title("Money to move the data")
    for _ax in (_a, _b):
        _ax.set_xscale("log")
        _ax.set_yscale("log")
        _ax.set_xlabel("dataset [TB]")
        _ax.grid(True, which="both", alpha=0.3)
        _ax.legend(fontsize=8)
    _out = figure(_fig)
    _out
    return


@app.cell(hide_code=True)
def _(mo):
    mo.accordion({
        "Math peek": mo.md(
            r"""
            - GPU utilization with a prefetching loader: a step takes $\max(t_\text{compute}, t_\text{I/O})$,
              without one $t_\text{compute} + t_\text{I/O}$; $t_\text{I/O}$ = batch bytes / read bandwidth.
            - Read bandwidth of a device: each request pays its access latency plus its transfer; the loader's
              workers are the reads in flight (Little's law), capped by the device's IOPS and sequential rate.
            - Data gravity: $T = D / BW$; egress $= D \times$ price; move the compute when the copy outlasts the
              run or costs more than computing in place.
            - Functions used: `storage.device_throughput`, `input_pipeline`, `transfer_time`, `egress_cost`,
              `data_gravity`; `mlsysim.plot.pipeline_waterfall`; the catalog in `mlsysim.hardware`.
            """
        )
    })
    return


if __name__ == "__main__":
    app.run()
