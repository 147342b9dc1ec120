"""Figures of the textbook's canonical curves (needs the ``plot`` extra: matplotlib).

Every function has a default for every argument, taken from the textbook
scenarios of :mod:`mlsysim.scenarios` (each docstring names the scenario),
computes its curve with the public models (one vectorised call), draws on a new
figure or on the ``ax`` given, and returns the :class:`matplotlib.figure.Figure`.
The title states every parameter; legends sit outside the data area.
matplotlib is imported here only, with the non-interactive Agg backend unless a
backend is already chosen.

>>> from mlsysim.plot import young_daly_curve
>>> fig = young_daly_curve(write_time="2 min", mtbf="4 h")
>>> fig.axes[0].get_xlabel()
'checkpoint interval [min]'
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from . import hardware
from . import scenarios as sc
from ._validate import Fraction, MoneyRate, Optional, Time, validated
from .units import ureg

__all__ = ["young_daly_curve", "iops_throughput_curve", "ops_break_even", "time_waterfall",
           "pipeline_waterfall"]

_Q = ureg.Quantity


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError as exc:  # the plot extra is not installed
        raise ImportError("mlsysim.plot needs matplotlib: pip install 'mlsysim[plot]'") from exc

    if matplotlib.get_backend().lower() not in ("agg", "pdf", "svg", "ps", "cairo") and not _interactive():
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _interactive() -> bool:
    import sys

    return hasattr(sys, "ps1") or "IPython" in sys.modules


def _axes(ax: Any, figsize: tuple[float, float] = (8.0, 4.8)) -> tuple[Any, Any]:
    if ax is not None:
        return ax.figure, ax
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    return fig, ax


def _legend_outside(ax: Any, **kw: Any) -> Any:
    """A legend below the axes, outside the data area (constrained layout makes room for it)."""
    kw.setdefault("fontsize", 8)
    kw.setdefault("ncol", 2)
    return ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), frameon=False, **kw)


def _q(q: Any) -> str:
    """A parameter for a title, in a human unit."""
    from .fmt import format_quantity

    return format_quantity(_Q(q)) if isinstance(q, (str, _Q)) else f"{q:g}"


_FT = sc.FAULT_TOLERANCE
_OP = sc.OPERATIONS
_IO = sc.IO_BOTTLENECK


@validated(write_time=Time(positive=True), mtbf=Time(positive=True), restart_time=Time(),
           intervals=Optional(Time(positive=True)))
def young_daly_curve(write_time: Any = _FT.write_time, mtbf: Any = _FT.fleet_mtbf,
                     restart_time: Any = _FT.restart_time, *, intervals: Any = None, ax: Any = None) -> Any:
    """Waste fraction against checkpoint interval, with Young, Daly and the exact optimum marked.

    Defaults: the fault-tolerance scenario (:data:`mlsysim.scenarios.FAULT_TOLERANCE`):
    5 min writes, a 4 h fleet MTBF and 10 min restarts.  Young's and Daly's
    intervals and the exact optimum are marked by vertical lines and by markers on
    the curve; Daly and the exact optimum often nearly coincide, so Daly is drawn
    dashed over the solid optimum and as a hollow marker around the optimum's dot.

    Parameters
    ----------
    write_time, mtbf, restart_time : Quantity or str
        The checkpoint write time, the (fleet) MTBF and the restart time.
    intervals : Quantity array, optional
        The intervals to draw (default: 300 points log-spaced from 1/30 to 30
        times the exact optimum).
    ax : matplotlib Axes, optional
        Draw here instead of on a new figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from .models import checkpoint

    d, m = write_time, mtbf
    exact = checkpoint.optimal_interval(d, m, restart_time)
    if intervals is None:
        intervals = _Q(np.geomspace(float(exact.m) / 30, float(exact.m) * 30, 300), "s")
    work = 1000 * m  # the waste fraction does not depend on the job length (W / interval segments)
    waste = checkpoint.waste_breakdown(work, intervals, d, m, restart_time).waste_fraction
    own_figure = ax is None
    if own_figure:
        plt = _pyplot()
        fig, (ax, zoom) = plt.subplots(1, 2, figsize=(10.0, 5.0), layout="constrained",
                                       gridspec_kw={"width_ratios": [3, 2]})
    else:
        fig, zoom = ax.figure, None
    import warnings

    from .errors import RegimeWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RegimeWarning)  # the figure shows where they drift
        marks = [("exact optimum", exact, "tab:green", "-", "o", 40, "tab:green", 3),
                 ("Young", checkpoint.young_interval(d, m), "tab:blue", (0, (2, 2)), "^", 60, "tab:blue", 4),
                 ("Daly", checkpoint.daly_interval(d, m), "tab:orange", (0, (5, 4)), "s", 150, "none", 5)]
    points = []
    for label, tau, color, style, marker, size, face, z in marks:
        w = 100 * float(checkpoint.waste_breakdown(work, tau, d, m, restart_time).waste_fraction)
        points.append((label, tau.to("min").m, w, color, style, marker, size, face, z))
    for axis in (ax, zoom):
        if axis is None:
            continue
        if axis is zoom:
            lo, hi = 0.6 * float(exact.to("min").m), 1.6 * float(exact.to("min").m)
            sel = _Q(np.geomspace(lo, hi, 200), "min")
            xs, ys = sel.m, 100 * np.asarray(checkpoint.waste_breakdown(work, sel, d, m, restart_time).waste_fraction)
        else:
            xs, ys = intervals.to("min").m, 100 * np.asarray(waste)
        axis.plot(xs, ys, color="black", lw=2, label="expected waste (exact)")
        for label, t, w, color, style, marker, size, face, z in points:
            axis.axvline(t, color=color, ls=style, lw=1.6, zorder=z)
            axis.scatter([t], [w], marker=marker, s=size, facecolors=face, edgecolors=color, linewidths=1.8,
                         zorder=z + 2, label=f"{label}: {t:.2f} min, waste {w:.2f}%")
        axis.set_xscale("log")
        axis.set_xlabel("checkpoint interval [min]")
        axis.grid(True, which="both", alpha=0.3)
    ax.set_ylabel("waste [% of wall time]")
    title = f"Checkpoint waste vs interval: write time {_q(d)}, MTBF {_q(m)}, restart {_q(restart_time)}"
    if zoom is not None:
        zoom.set_title("zoom: near the optimum", fontsize=9)
        from matplotlib.ticker import FormatStrFormatter

        zoom.xaxis.set_minor_formatter(FormatStrFormatter("%g"))
        zoom.tick_params(axis="x", which="minor", labelsize=7)
        fig.suptitle(title, fontsize=11)
        handles, labels = ax.get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncol=2, fontsize=8, frameon=False)
    else:
        ax.set_title(title, fontsize=10)
        _legend_outside(ax)
    return fig


def iops_throughput_curve(devices: Sequence[Any] | None = None,
                          block_sizes: Sequence[Any] = (_IO.block_size, _IO.stream_block), *,
                          queue_depths: Any = None, ax: Any = None) -> Any:
    """Read throughput against queue depth for each device and block size.

    The curve rises with queue depth (Little's law: depth x block / latency)
    until the device's IOPS or sequential bandwidth caps it, which shows the
    gap between small random and large sequential reads.

    Parameters
    ----------
    devices : sequence of StorageDevice or catalog names, optional
        Default: the catalog's NVMe, SATA SSD and HDD.
    block_sizes : sequence of Quantity or str
        Default 4 KiB and 1 MiB: the random read size and the streaming block of
        the storage scenario (:data:`mlsysim.scenarios.IO_BOTTLENECK`).
    queue_depths : array of whole numbers, optional
        Default 1 to 256 in powers of two.
    ax : matplotlib Axes, optional
    """
    from .models import storage

    if devices is None:
        devices = (hardware.NVME_GEN4, hardware.SATA_SSD, hardware.HDD)
    devices = [hardware.get(d) if isinstance(d, str) else d for d in devices]
    qd = np.asarray(queue_depths if queue_depths is not None else 2.0 ** np.arange(0, 9), dtype=float)
    fig, ax = _axes(ax, figsize=(8.0, 5.4))
    styles = ["-", "--", ":", "-."]
    colors = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown"]
    from .fmt import format_as_given

    names = [b if isinstance(b, str) else format_as_given(b) for b in block_sizes]
    for i, dev in enumerate(devices):
        color = colors[i % len(colors)]
        for j, block in enumerate(block_sizes):
            tput = storage.device_throughput(dev, block, qd).to("MB/s").m
            ax.plot(qd, tput, color=color, ls=styles[j % len(styles)], marker="o", ms=3,
                    label=f"{dev.name}, random {names[j]}")
        stream = storage.device_throughput(dev, block_sizes[-1], access="sequential").to("MB/s").m
        ax.axhline(stream, color=color, ls=(0, (1, 3)), lw=1.0, alpha=0.8,
                   label=f"{dev.name}, sequential {names[-1]} stream")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("queue depth (outstanding reads)")
    ax.set_ylabel("read throughput [MB/s]")
    ax.set_title(f"Read throughput vs queue depth ({qd.min():g} to {qd.max():g}):\n"
                 f"random {' and '.join(names)} reads per device; dotted: the sequential {names[-1]} stream",
                 fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    _legend_outside(ax, fontsize=7)
    return fig


@validated(platform_cost=MoneyRate(), toil_reduction=Fraction())
def ops_break_even(platform_cost: Any = _OP.platform_cost, toil_reduction: float = _OP.toil_reduction, *,
                   alert_cost: Any = _OP.alert_cost, deploy_cost: Any = _OP.deploy_cost,
                   dependency_cost: Any = _OP.dependency_cost, heterogeneity: float = 1.0,
                   models: Any = None, ax: Any = None) -> Any:
    """Manual toil and platform cost against model count, with the break-even N* marked.

    Defaults: the operations scenario (:data:`mlsysim.scenarios.OPERATIONS`): a
    500,000 USD/year platform removing 80% of toil; 5,000, 2,000 (times log2 N)
    and 1,000 USD/year of toil per model, per model and per coupled pair (scenario
    assumptions); every pair coupled (``heterogeneity=1``).
    """
    from .models import ops

    costs = dict(alert_cost=alert_cost, deploy_cost=deploy_cost, dependency_cost=dependency_cost,
                 heterogeneity=heterogeneity)
    n_star = float(ops.break_even_models(platform_cost=platform_cost, toil_reduction=toil_reduction, **costs))
    top = 2 * n_star if np.isfinite(n_star) else 100.0
    n = np.arange(1, max(int(top), 10) + 1, dtype=float) if models is None else np.asarray(models, dtype=float)
    manual = ops.toil_cost(n, **costs).to("USD/year").m
    platform = _Q(platform_cost).to("USD/year").m
    with_platform = platform + (1 - toil_reduction) * manual
    fig, ax = _axes(ax)
    ax.plot(n, manual / 1e3, color="tab:red", lw=2, label="manual toil")
    ax.plot(n, with_platform / 1e3, color="tab:blue", lw=2, label="platform + remaining toil")
    if np.isfinite(n_star):
        ax.axvline(n_star, color="black", ls="--", lw=1, label=f"break-even N* = {n_star:.0f} models")
    ax.set_xlabel("models in production (N)")
    ax.set_ylabel("cost [thousand USD / year]")

    def k(q: Any) -> str:
        return f"{_Q(q).to('USD/year').m / 1e3:g}k"

    ax.set_title(f"Platform break-even: platform {k(platform_cost)} USD/year removing {toil_reduction:.0%} "
                 f"of toil;\ntoil per model: alerts {k(alert_cost)}, deploys {k(deploy_cost)} x log2 N; "
                 f"per coupled pair {k(dependency_cost)} (USD/year); heterogeneity {heterogeneity:g}",
                 fontsize=10)
    ax.grid(True, alpha=0.3)
    _legend_outside(ax, ncol=3)
    return fig


def _waterfall(ax: Any, labels: Sequence[str], values: Sequence[float], unit: str, title: str) -> None:
    """Bars that stack on the running total, then a total bar."""
    running = 0.0
    colors = ["tab:green"] + ["tab:red"] * (len(values) - 1)
    for i, v in enumerate(values):
        ax.bar(i, v, bottom=running, color=colors[i], edgecolor="black")
        ax.text(i, running + v, f"{v:.3g}", ha="center", va="bottom", fontsize=8)
        running += v
    ax.bar(len(values), running, color="tab:gray", edgecolor="black")
    ax.text(len(values), running, f"{running:.3g}", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(range(len(values) + 1), list(labels) + ["total"])
    ax.set_ylabel(f"time [{unit}]")
    ax.set_title(title, fontsize=10)
    ax.margins(y=0.12)
    ax.grid(True, axis="y", alpha=0.3)


@validated(work=Time(positive=True), interval=Optional(Time(positive=True)), write_time=Time(positive=True),
           mtbf=Time(positive=True), restart_time=Time())
def time_waterfall(work: Any = _FT.work, interval: Any = None, write_time: Any = _FT.write_time,
                   mtbf: Any = _FT.fleet_mtbf, restart_time: Any = _FT.restart_time, *, ax: Any = None) -> Any:
    """The fault-tolerance lab's total-time waterfall: useful work, then checkpointing, rework, restart.

    Defaults: the fault-tolerance scenario (:data:`mlsysim.scenarios.FAULT_TOLERANCE`):
    30 days of work, 5 min writes, a 4 h fleet MTBF, 10 min restarts.
    ``interval`` defaults to the exact optimum for the other arguments.
    """
    from .models import checkpoint

    chosen = "the exact optimum" if interval is None else "given"
    if interval is None:
        interval = checkpoint.optimal_interval(write_time, mtbf, restart_time)
    w = checkpoint.waste_breakdown(work, interval, write_time, mtbf, restart_time)
    parts = [w.useful, w.checkpointing, w.rework, w.restart]
    unit = "h"
    fig, ax = _axes(ax)
    _waterfall(ax, ["useful work", "checkpointing", "rework", "restart"], [float(p.to(unit).m) for p in parts],
               unit, f"Total time of {_q(work)} of work: waste {100 * float(w.waste_fraction):.1f}%\n"
                     f"interval {interval.to('min').m:.1f} min ({chosen}), write time {_q(write_time)}, "
                     f"MTBF {_q(mtbf)}, restart {_q(restart_time)}")
    return fig


_IO_STORAGE = hardware.LUSTRE_OST.read_bandwidth * _IO.storage_servers
_IO_NETWORK = hardware.IB_HDR200.bandwidth * (_IO.accelerators // _IO.gpus_per_node)


def pipeline_waterfall(accelerators: Any = _IO.accelerators, batch_bytes: Any = _IO.samples_per_batch * _IO.sample_size,
                       compute_time: Any = _IO.step_time, storage_bandwidth: Any = _IO_STORAGE,
                       access_efficiency: float = _IO.random_efficiency, *,
                       network_bandwidth: Any = _IO_NETWORK, overlap: bool = True, ax: Any = None) -> Any:
    """One training step's time: compute, then the stall the input pipeline adds.

    Defaults: the I/O-bottleneck scenario (:data:`mlsysim.scenarios.IO_BOTTLENECK`)
    as the storage lab's simulator sets it up: 128 H100s each reading a 256 MB
    batch (64 samples x 4 MB) per 50 ms step from 24 Lustre OSTs (672 GB/s)
    behind 16 HDR200 ports (400 GB/s), with random 4 KiB reads reaching 7% of
    sequential bandwidth.
    """
    from .models import storage

    p = storage.input_pipeline(accelerators, batch_bytes, compute_time, storage_bandwidth,
                               access_efficiency=access_efficiency, network_bandwidth=network_bandwidth,
                               overlap=overlap)
    fig, ax = _axes(ax)
    title = (f"Step time: utilization {100 * float(p.utilization):.1f}%, bottleneck {p.bottleneck}\n"
             f"{accelerators:g} accelerators x {_q(_Q(batch_bytes).to('MB'))} per {_q(_Q(compute_time))} step;\n"
             f"storage {_q(_Q(storage_bandwidth).to('GB/s'))} at {access_efficiency:.0%} efficiency, network "
             + (f"{_q(_Q(network_bandwidth).to('GB/s'))}" if network_bandwidth is not None else "uncapped")
             + f", {'overlapped' if overlap else 'serial'} loading")
    _waterfall(ax, ["compute", "I/O stall"], [float(p.compute_time.to("ms").m), float(p.stall_time.to("ms").m)],
               "ms", title)
    return fig
