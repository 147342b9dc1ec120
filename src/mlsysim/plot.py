"""Figures of the textbook's canonical curves (needs the ``plot`` extra: matplotlib).

Every function has sensible defaults for every argument, computes its curve
with the public models (one vectorised call), draws on a new figure or on the
``ax`` given, and returns the :class:`matplotlib.figure.Figure`.  matplotlib is
imported here only, with the non-interactive Agg backend unless a backend is
already chosen.

>>> from mlsysim.plot import young_daly_curve
>>> fig = young_daly_curve(write_time="2 min", mtbf="4 h")
>>> fig.axes[0].get_xlabel()
'checkpoint interval [min]'
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from . import hardware
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


def _axes(ax: Any, figsize: tuple[float, float] = (7.0, 4.5)) -> tuple[Any, Any]:
    if ax is not None:
        return ax.figure, ax
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    return fig, ax


@validated(write_time=Time(positive=True), mtbf=Time(positive=True), restart_time=Time(),
           intervals=Optional(Time(positive=True)))
def young_daly_curve(write_time: Any = "2 min", mtbf: Any = "4 h", restart_time: Any = "0 s", *,
                     intervals: Any = None, ax: Any = None) -> Any:
    """Waste fraction against checkpoint interval, with Young, Daly and the exact optimum marked.

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
    fig, ax = _axes(ax)
    x = intervals.to("min").m
    ax.plot(x, 100 * np.asarray(waste), color="black", lw=2, label="expected waste (exact)")
    import warnings

    from .errors import RegimeWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RegimeWarning)  # the figure shows where they drift
        marks = [("Young", checkpoint.young_interval(d, m), "tab:blue", "--"),
                 ("Daly", checkpoint.daly_interval(d, m), "tab:orange", "-."),
                 ("exact optimum", exact, "tab:green", "-")]
    for label, tau, color, style in marks:
        w = checkpoint.waste_breakdown(work, tau, d, m, restart_time).waste_fraction
        ax.axvline(tau.to("min").m, color=color, ls=style, lw=1.2,
                   label=f"{label}: {tau.to('min').m:.1f} min, waste {100 * float(w):.2f}%")
    ax.set_xscale("log")
    ax.set_xlabel("checkpoint interval [min]")
    ax.set_ylabel("waste [% of wall time]")
    ax.set_title(f"Checkpoint interval: write {d.to('min').m:.3g} min, MTBF {m.to('h').m:.3g} h")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="upper center", fontsize=8)
    return fig


def iops_throughput_curve(devices: Sequence[Any] | None = None, block_sizes: Sequence[Any] = ("4 KiB", "1 MiB"), *,
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
        Default ``("4 KiB", "1 MiB")``.
    queue_depths : array of whole numbers, optional
        Default 1 to 256 in powers of two.
    ax : matplotlib Axes, optional
    """
    from .models import storage

    if devices is None:
        devices = (hardware.NVME_GEN4, hardware.SATA_SSD, hardware.HDD)
    devices = [hardware.get(d) if isinstance(d, str) else d for d in devices]
    qd = np.asarray(queue_depths if queue_depths is not None else 2.0 ** np.arange(0, 9), dtype=float)
    fig, ax = _axes(ax)
    styles = ["-", "--", ":", "-."]
    colors = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown"]
    for i, dev in enumerate(devices):
        color = colors[i % len(colors)]
        for j, block in enumerate(block_sizes):
            tput = storage.device_throughput(dev, block, qd).to("MB/s").m
            ax.plot(qd, tput, color=color, ls=styles[j % len(styles)], marker="o", ms=3,
                    label=f"{dev.name}, random {block if isinstance(block, str) else f'{block:~P}'}")
        stream = storage.device_throughput(dev, block_sizes[-1], access="sequential").to("MB/s").m
        ax.axhline(stream, color=color, ls="-.", lw=0.8, alpha=0.7, label=f"{dev.name}, sequential stream")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("queue depth (outstanding reads)")
    ax.set_ylabel("read throughput [MB/s]")
    ax.set_title("IOPS vs throughput: random reads by block size vs the sequential stream")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)
    return fig


#: Default toil costs of the operations lab (scenario assumptions, see the report).
_OPS_DEFAULTS = dict(alert_cost="5000 USD/year", deploy_cost="2000 USD/year", dependency_cost="1000 USD/year")


@validated(platform_cost=MoneyRate(), toil_reduction=Fraction())
def ops_break_even(platform_cost: Any = "500000 USD/year", toil_reduction: float = 0.8, *,
                   alert_cost: Any = _OPS_DEFAULTS["alert_cost"], deploy_cost: Any = _OPS_DEFAULTS["deploy_cost"],
                   dependency_cost: Any = _OPS_DEFAULTS["dependency_cost"], heterogeneity: float = 1.0,
                   models: Any = None, ax: Any = None) -> Any:
    """Manual toil and platform cost against model count, with the break-even N* marked.

    Defaults are the operations lab's scenario: a 500,000 USD/year platform
    removing 80% of toil; per-model toil costs are scenario assumptions.
    """
    from .models import ops

    costs = dict(alert_cost=alert_cost, deploy_cost=deploy_cost, dependency_cost=dependency_cost,
                 heterogeneity=heterogeneity)
    n_star = float(ops.break_even_models(platform_cost=platform_cost, toil_reduction=toil_reduction, **costs))
    top = 2 * n_star if np.isfinite(n_star) else 100.0
    n = np.arange(1, max(int(top), 10) + 1, dtype=float) if models is None else np.asarray(models, dtype=float)
    manual = ops.toil_cost(n, **costs).to("USD/year").m
    platform = platform_cost.to("USD/year").m
    with_platform = platform + (1 - toil_reduction) * manual
    fig, ax = _axes(ax)
    ax.plot(n, manual / 1e3, color="tab:red", lw=2, label="manual toil")
    ax.plot(n, with_platform / 1e3, color="tab:blue", lw=2, label="platform + remaining toil")
    if np.isfinite(n_star):
        ax.axvline(n_star, color="black", ls="--", lw=1, label=f"break-even N* = {n_star:.0f} models")
    ax.set_xlabel("models in production (N)")
    ax.set_ylabel("cost [thousand USD / year]")
    ax.set_title(f"Platform break-even (heterogeneity {heterogeneity:g})")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
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
    ax.set_title(title)
    ax.margins(y=0.12)
    ax.grid(True, axis="y", alpha=0.3)


@validated(work=Time(positive=True), interval=Optional(Time(positive=True)), write_time=Time(positive=True),
           mtbf=Time(positive=True), restart_time=Time())
def time_waterfall(work: Any = "30 day", interval: Any = None, write_time: Any = "5 min", mtbf: Any = "4 h",
                   restart_time: Any = "10 min", *, ax: Any = None) -> Any:
    """The fault-tolerance lab's total-time waterfall: useful work, then checkpointing, rework, restart.

    ``interval`` defaults to the exact optimum for the other arguments.
    """
    from .models import checkpoint

    if interval is None:
        interval = checkpoint.optimal_interval(write_time, mtbf, restart_time)
    w = checkpoint.waste_breakdown(work, interval, write_time, mtbf, restart_time)
    parts = [w.useful, w.checkpointing, w.rework, w.restart]
    unit = "h"
    fig, ax = _axes(ax)
    _waterfall(ax, ["useful work", "checkpointing", "rework", "restart"], [float(p.to(unit).m) for p in parts],
               unit, f"Total time: waste {100 * float(w.waste_fraction):.1f}% (interval {interval.to('min').m:.1f} min)")
    return fig


def pipeline_waterfall(accelerators: Any = 128, batch_bytes: Any = "256 MB", compute_time: Any = "50 ms",
                       storage_bandwidth: Any = "672 GB/s", access_efficiency: float = 0.07, *,
                       network_bandwidth: Any = "400 GB/s", overlap: bool = True, ax: Any = None) -> Any:
    """One training step's time: compute, then the stall the input pipeline adds.

    Defaults: the I/O-bottleneck lab's simulator, 128 H100s each reading a
    256 MB batch (64 samples x 4 MB) per 50 ms step from 24 Lustre OSTs
    (672 GB/s) behind 16 HDR200 ports (400 GB/s), with random 4 KiB reads
    reaching 7% of sequential bandwidth as the seed assumes.
    """
    from .models import storage

    p = storage.input_pipeline(accelerators, batch_bytes, compute_time, storage_bandwidth,
                               access_efficiency=access_efficiency, network_bandwidth=network_bandwidth,
                               overlap=overlap)
    fig, ax = _axes(ax)
    _waterfall(ax, ["compute", "I/O stall"], [float(p.compute_time.to("ms").m), float(p.stall_time.to("ms").m)],
               "ms", f"Step time: utilization {100 * float(p.utilization):.1f}%, bottleneck {p.bottleneck}")
    return fig
