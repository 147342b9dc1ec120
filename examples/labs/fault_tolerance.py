"""Fault tolerance: the reliability tax, as an interactive marimo app.

Machine Learning Systems, Vol. 2, Lab 07: Fault Tolerance. Every number on the
page comes from ``mlsysim``; this file only wires sliders to the models and
draws what they return.

Run:  marimo run examples/labs/fault_tolerance.py
"""

import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="Fault Tolerance")


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

    import warnings

    from mlsysim import Q_, fmt
    from mlsysim import plot as mplot
    from mlsysim.models import checkpoint as ck

    hw = mlsysim.hardware
    return Q_, ck, figure, fmt, hw, mlsysim, mo, mplot, np, plt, warnings


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    # Fault tolerance: the reliability tax
    *Machine Learning Systems*, Vol. 2, Lab 07: Fault Tolerance.

    At fleet scale a failure is routine. Each GPU may run for years between faults, but a
    job that needs all of them at once fails as often as the **fleet** does:
    $M_\text{fleet} = M_\text{node} / N$ and $P_\text{fleet} = P_\text{node}^N$.
    Checkpoint too often and the writes eat the run; too rarely and the rework does.
    Move the sliders and watch the optimum move.
    """)
    return


@app.cell(hide_code=True)
def _(mo):
    gpus = mo.ui.slider(steps=[1024, 2048, 4096, 8192, 16384, 32768, 65536], value=16384,
                        label="GPUs in the job (N)", show_value=True)
    gpu_mtbf_h = mo.ui.slider(steps=[16384, 32768, 49152, 65536, 98304, 131072, 196608, 262144],
                              value=65536, label="MTBF of one GPU [h]", show_value=True)
    write_min = mo.ui.slider(0.5, 30, step=0.5, value=5, label="checkpoint write time δ [min]",
                             show_value=True)
    restart_min = mo.ui.slider(0, 30, step=1, value=10, label="restart time R [min]", show_value=True)
    work_days = mo.ui.slider(1, 90, step=1, value=30, label="useful work [days]", show_value=True)
    chosen_min = mo.ui.slider(steps=[2, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 360, 480],
                              value=10, label="your checkpoint interval τ [min]", show_value=True)
    mo.vstack([
        mo.md("## Part 1: the Young-Daly audit"),
        mo.md("*Prediction: if you double N, does the optimal interval grow, shrink by 2, or shrink by less?*"),
        mo.hstack([gpus, gpu_mtbf_h], justify="start", gap=2),
        mo.hstack([write_min, restart_min], justify="start", gap=2),
        mo.hstack([work_days, chosen_min], justify="start", gap=2),
    ])
    return chosen_min, gpu_mtbf_h, gpus, restart_min, work_days, write_min


@app.cell(hide_code=True)
def _(
    Q_,
    chosen_min,
    ck,
    gpu_mtbf_h,
    gpus,
    mlsysim,
    restart_min,
    warnings,
    work_days,
    write_min,
):
    gpu_mtbf = Q_(gpu_mtbf_h.value, "h")
    write_time = Q_(write_min.value, "min")
    restart_time = Q_(restart_min.value, "min")
    work = Q_(work_days.value, "day")
    chosen = Q_(chosen_min.value, "min")
    fleet_mtbf = ck.fleet_mtbf(gpu_mtbf, gpus.value)
    optimum = ck.optimal_interval(write_time, fleet_mtbf, restart_time)
    with warnings.catch_warnings(record=True) as _caught:  # shown on the page, not only in the console
        warnings.simplefilter("always", mlsysim.RegimeWarning)
        young = ck.young_interval(write_time, fleet_mtbf)
        daly = ck.daly_interval(write_time, fleet_mtbf)
    regime_notes = [str(_w.message) for _w in _caught if issubclass(_w.category, mlsysim.RegimeWarning)]
    at_optimum = ck.waste_breakdown(work, optimum, write_time, fleet_mtbf, restart_time)
    at_chosen = ck.waste_breakdown(work, chosen, write_time, fleet_mtbf, restart_time)
    # P_fleet = P_node^N for one day without a failure
    day_survival = ck.fleet_survival(1 - ck.failure_probability(gpu_mtbf, "24 h"), gpus.value)
    # the prediction lock: the same job on twice the GPUs
    doubled = ck.optimal_interval(write_time, ck.fleet_mtbf(gpu_mtbf, 2 * gpus.value), restart_time)
    return (
        at_chosen,
        at_optimum,
        chosen,
        daly,
        day_survival,
        doubled,
        fleet_mtbf,
        optimum,
        regime_notes,
        restart_time,
        work,
        write_time,
        young,
    )


@app.cell(hide_code=True)
def _(
    at_chosen,
    at_optimum,
    daly,
    day_survival,
    doubled,
    fleet_mtbf,
    fmt,
    gpus,
    mo,
    optimum,
    regime_notes,
    young,
):
    mo.vstack([
        mo.hstack([
            mo.stat(fmt.format_quantity(fleet_mtbf), label="fleet MTBF", caption=f"one GPU's MTBF / {gpus.value:,}"),
            mo.stat(f"{day_survival:.4f}", label="P(a day without a failure)", caption="P_node ^ N"),
            mo.stat(fmt.format_quantity(optimum), label="exact optimum τ*", caption="minimises the expected runtime"),
            mo.stat(f"{at_optimum.waste_fraction:.1%}", label="waste at τ*", caption=f"{at_optimum.failures:,.0f} failures expected"),
            mo.stat(f"{at_chosen.waste_fraction:.1%}", label="waste at your τ",
                    caption=f"total {fmt.format_quantity(at_chosen.total)}"),
        ], widths="equal"),
        mo.md(
            f"Young (1974), $\\sqrt{{2\\delta M}}$: **{fmt.format_quantity(young)}**; "
            f"Daly (2006): **{fmt.format_quantity(daly)}**; exact (Lambert W): "
            f"**{fmt.format_quantity(optimum)}**. Doubling the fleet to {2 * gpus.value:,} GPUs moves "
            f"the exact optimum to **{fmt.format_quantity(doubled)}**, dividing it by "
            f"**{(optimum / doubled).to('').m:.3f}**: about $\\sqrt 2$, not 2."
        ),
        *([mo.callout(mo.md("**Outside the approximations' regime** (the exact optimum still holds): "
                            + " ".join(regime_notes)), kind="warn")] if regime_notes else []),
    ])
    return


@app.cell(hide_code=True)
def _(
    chosen,
    figure,
    fleet_mtbf,
    mo,
    mplot,
    plt,
    restart_time,
    work,
    write_time,
):
    _fig, (_curve, _fall) = plt.subplots(1, 2, figsize=(12, 4.4), layout="constrained")
    mplot.young_daly_curve(write_time, fleet_mtbf, restart_time, ax=_curve)
    _curve.axvline(chosen.to("min").m, color="tab:red", lw=2, alpha=0.6, label="your τ")
    _curve.legend(loc="upper center", fontsize=8)
    mplot.time_waterfall(work, chosen, write_time, fleet_mtbf, restart_time, ax=_fall)
    _fall.set_title(_fall.get_title().replace("Total time", "Total time at your τ", 1))
    _out = mo.vstack([mo.md("**The Young-Daly cost curve and the total-time waterfall**"), figure(_fig)])
    _out
    return


@app.cell(hide_code=True)
def _(at_chosen, at_optimum, mo):
    _rows = [("useful work", "useful"), ("checkpointing", "checkpointing"), ("rework", "rework"),
             ("restart", "restart"), ("total", "total")]
    mo.ui.table(
        [{"part": _label,
          "your τ [days]": f"{getattr(at_chosen, _f).to('day').m:,.2f}",
          "optimum τ* [days]": f"{getattr(at_optimum, _f).to('day').m:,.2f}"} for _label, _f in _rows],
        selection=None, label="Where the wall-clock time goes",
    )
    return


@app.cell(hide_code=True)
def _(hw, mo):
    state_gb = mo.ui.slider(10, 1000, step=10, value=350, label="checkpoint per node [GB]", show_value=True)
    nodes = mo.ui.slider(steps=[64, 128, 256, 512, 1024, 2048, 4096], value=1024, label="nodes (8 GPUs each)",
                         show_value=True)
    osts = mo.ui.slider(4, 96, step=4, value=24, label=f"Lustre OSTs ({hw.LUSTRE_OST.write_bandwidth:~P} write each)", show_value=True)
    groups = mo.ui.slider(1, 128, step=1, value=1, label="staggered groups", show_value=True)
    buffer_gb = mo.ui.slider(64, 2048, step=64, value=1024, label="host DRAM staging buffer [GB]",
                             show_value=True)
    strategy = mo.ui.radio(["blocking S3", "blocking local NVMe", "async DRAM -> NVMe", "async DRAM -> Lustre"],
                           value="async DRAM -> NVMe", label="checkpoint strategy", inline=True)
    mo.vstack([
        mo.md("## Part 2: asynchronous staging and the checkpoint storm"),
        mo.md("*Prediction: staging to local NVMe instead of S3 cuts the math-stop by what factor?*"),
        mo.hstack([state_gb, nodes, osts], justify="start", gap=2),
        mo.hstack([groups, buffer_gb], justify="start", gap=2),
        strategy,
    ])
    return buffer_gb, groups, nodes, osts, state_gb, strategy


@app.cell(hide_code=True)
def _(Q_, buffer_gb, ck, gpu_mtbf_h, groups, hw, nodes, osts, state_gb):
    state = Q_(state_gb.value, "GB")
    lustre_write = osts.value * hw.LUSTRE_OST.write_bandwidth
    storm = ck.checkpoint_storm(state, nodes.value, hw.IB_HDR200.bandwidth, lustre_write, groups=groups.value)
    # a node of 8 GPUs fails 8x as often as one GPU: series_mtbf
    node_mtbf = ck.series_mtbf(Q_(gpu_mtbf_h.value, "h"), 8)
    job_mtbf = ck.fleet_mtbf(node_mtbf, nodes.value)
    # GPU memory -> host DRAM: 8 PCIe host links, capped by the DRAM of two sockets
    _pcie = 8 * hw.H100.host_link_bandwidth
    _dram = 2 * hw.HOST_DRAM.bandwidth
    copy_bandwidth = _pcie if _pcie < _dram else _dram
    _nvme = hw.NVME_GEN4.write_bandwidth
    _s3 = hw.ETHERNET_100G.bandwidth
    _buffer = Q_(buffer_gb.value, "GB")
    plans = {
        "blocking S3": ck.checkpoint_plan(state, job_mtbf, _s3),
        "blocking local NVMe": ck.checkpoint_plan(state, job_mtbf, _nvme),
        "async DRAM -> NVMe": ck.checkpoint_plan(state, job_mtbf, copy_bandwidth, drain_bandwidth=_nvme,
                                                 buffer_capacity=_buffer),
        "async DRAM -> Lustre": ck.checkpoint_plan(state, job_mtbf, copy_bandwidth,
                                                   drain_bandwidth=storm.per_node_bandwidth, buffer_capacity=_buffer),
    }
    return job_mtbf, lustre_write, plans, storm


@app.cell(hide_code=True)
def _(fmt, job_mtbf, lustre_write, mo, plans, storm, strategy):
    plan = plans[strategy.value]
    _drain = fmt.format_quantity(plan.drain_time) if plan.mode == "asynchronous" else "none"
    _storm_kind = "danger" if storm.saturated else "success"
    mo.vstack([
        mo.hstack([
            mo.stat(fmt.format_quantity(plan.write_time), label="math-stop per checkpoint",
                    caption=f"{plan.mode}; drain {_drain}"),
            mo.stat(fmt.format_quantity(plan.interval), label="checkpoint interval", caption=f"set by {plan.interval_set_by}"),
            mo.stat(f"{plan.waste_fraction:.2%}", label="waste", caption=f"job MTBF {fmt.format_quantity(job_mtbf)}"),
            mo.stat("yes" if plan.feasible else "no", label="feasible",
                    caption=f"buffer needs {fmt.format_quantity(plan.buffer_required)}"),
        ], widths="equal"),
        mo.callout(mo.md(
            f"**Storm gauge:** the nodes write {fmt.format_quantity(storm.total_size)} at "
            f"{fmt.format_quantity(storm.demand)} into {fmt.format_quantity(lustre_write)} of Lustre: "
            f"**{storm.oversubscription:.1f}x** the storage, each node stalls "
            f"{fmt.format_quantity(storm.node_stall)}, and {storm.groups_needed:.0f} staggered groups would fit."),
            kind=_storm_kind),
    ])
    return


@app.cell(hide_code=True)
def _(figure, np, plans, plt, strategy):
    _names = list(plans)
    _stop = np.array([plans[_n].write_time.to("s").m for _n in _names])
    _waste = np.array([100 * plans[_n].waste_fraction for _n in _names])
    _fig, (_a, _b) = plt.subplots(1, 2, figsize=(12, 3.4), layout="constrained")
    _colors = ["tab:red" if _n == strategy.value else "tab:gray" for _n in _names]
    _a.barh(_names, _stop, color=_colors)
    _a.set_xscale("log")
    _a.set_xlabel("math-stop per checkpoint [s] (log)")
    _a.set_title("Math-stop timer")
    _b.barh(_names, _waste, color=_colors)
    _b.set_xlabel("waste [% of wall time]")
    _b.set_title("Reliability tax at each strategy's interval")
    for _ax in (_a, _b):
        _ax.invert_yaxis()
        _ax.grid(True, axis="x", alpha=0.3)
    _out = figure(_fig)
    _out
    return


@app.cell(hide_code=True)
def _(mo):
    sdc_rate = mo.ui.slider(steps=[1e-9, 1e-8, 1e-7, 1e-6, 1e-5], value=1e-7,
                            label="silent corruptions per device-hour", show_value=True)
    sdc_days = mo.ui.slider(1, 90, step=1, value=30, label="run length [days]", show_value=True)
    step_ms = mo.ui.slider(1, 20, step=0.5, value=8, label="step [ms]", show_value=True)
    weights_mb = mo.ui.slider(1, 200, step=1, value=25, label="hashed [MB]", show_value=True)
    hash_gbs = mo.ui.slider(10, 1000, step=10, value=200, label="hash rate [GB/s]", show_value=True)
    deadline_ms = mo.ui.slider(5, 50, step=1, value=10, label="deadline [ms]", show_value=True)
    mo.vstack([
        mo.md("## Part 3: the silent-data-corruption detective"),
        mo.md("*Prediction: a flipped weight bit does not move the loss. Is hashing 10x cheaper than running twice?*"),
        mo.hstack([sdc_rate, sdc_days], justify="start", gap=2),
        mo.hstack([step_ms, weights_mb, hash_gbs, deadline_ms], justify="start", gap=2),
    ])
    return deadline_ms, hash_gbs, sdc_days, sdc_rate, step_ms, weights_mb


@app.cell(hide_code=True)
def _(
    Q_,
    ck,
    deadline_ms,
    fmt,
    gpus,
    hash_gbs,
    mo,
    sdc_days,
    sdc_rate,
    step_ms,
    weights_mb,
):
    p_sdc = ck.sdc_probability(Q_(sdc_rate.value, "1/h"), Q_(sdc_days.value, "day"), gpus.value)
    detection = ck.sdc_detection(Q_(step_ms.value, "ms"), Q_(weights_mb.value, "MB"), Q_(hash_gbs.value, "GB/s"),
                                 deadline=Q_(deadline_ms.value, "ms"))
    mo.hstack([
        mo.stat(f"{p_sdc:.2f}", label="P(at least one SDC in the run)", caption=f"{gpus.value:,} GPUs"),
        mo.stat(fmt.format_quantity(detection.hash_overhead), label="hash overhead per step",
                caption="meets the deadline" if detection.hash_meets_deadline else "misses the deadline"),
        mo.stat(fmt.format_quantity(detection.dmr_overhead), label="run-twice (DMR) overhead",
                caption="meets the deadline" if detection.dmr_meets_deadline else "misses the deadline"),
        mo.stat(f"{detection.ratio:,.0f}x", label="hashing is cheaper by"),
    ], widths="equal")
    return


@app.cell(hide_code=True)
def _(hw, mo):
    mobile_state_gb = mo.ui.slider(0.1, 8, step=0.1, value=1.5, label="app state [GB]", show_value=True)
    dirty = mo.ui.slider(0.01, 1.0, step=0.01, value=0.1, label="share changed since the last save",
                         show_value=True)
    _flash = {hw.get(_n).name: _n for _n in hw.names() if isinstance(hw.get(_n), hw.StorageDevice)}
    phone_flash = mo.ui.dropdown(_flash, value=hw.UFS_31.name, label="resume from")
    tiny_state_kib = mo.ui.slider(1, 64, step=1, value=8, label="state to save [KiB]", show_value=True)
    capacitor_uf = mo.ui.slider(1, 100, step=1, value=10, label="hold-up capacitor [µF]", show_value=True)
    start_v = mo.ui.slider(2.0, 3.6, step=0.1, value=3.0, label="voltage at the brown-out alarm [V]",
                           show_value=True)
    nvm = mo.ui.radio({f"FeRAM ({hw.FERAM_MCU.nvm.name})": "feram", f"NOR flash ({hw.NOR_FLASH.name})": "nor"},
                      value=f"FeRAM ({hw.FERAM_MCU.nvm.name})", label="save to", inline=True)
    mo.vstack([
        mo.md("## Tracks: preemption on a phone, a brown-out on a hearable"),
        mo.md("**Mobile:** the OS kills the app; resume within 100 ms by saving only what changed. "
              f"**Tiny:** the battery sags; save the state before the {hw.FERAM_MCU.name} falls below "
              f"{hw.FERAM_MCU.supply_voltage_min:~P}."),
        mo.hstack([mobile_state_gb, dirty, phone_flash], justify="start", gap=2),
        mo.hstack([tiny_state_kib, capacitor_uf, start_v], justify="start", gap=2),
        nvm,
    ])
    return (
        capacitor_uf,
        dirty,
        mobile_state_gb,
        nvm,
        phone_flash,
        start_v,
        tiny_state_kib,
    )


@app.cell(hide_code=True)
def _(
    Q_,
    capacitor_uf,
    ck,
    dirty,
    fmt,
    hw,
    mo,
    mobile_state_gb,
    nvm,
    phone_flash,
    start_v,
    tiny_state_kib,
):
    resume = ck.incremental_checkpoint(Q_(mobile_state_gb.value, "GB"), dirty.value,
                                       hw.get(phone_flash.value).read_bandwidth, target="100 ms")
    brownout = ck.brownout_save(Q_(tiny_state_kib.value, "KiB"), Q_(capacitor_uf.value, "uF"),
                                Q_(start_v.value, "V"), hw.FERAM_MCU.supply_voltage_min,
                                write_bandwidth=None if nvm.value == "feram" else hw.NOR_FLASH.write_bandwidth)
    mo.hstack([
        mo.stat(fmt.format_quantity(resume.time), label="resume time",
                caption=("meets" if resume.meets_target else "misses") + " 100 ms"),
        mo.stat(f"{resume.max_dirty_fraction:.0%}", label="most state that may change",
                caption=f"a full save takes {fmt.format_quantity(resume.full_time)}"),
        mo.stat(fmt.format_quantity(brownout.save_time), label="brown-out save",
                caption=f"{fmt.format_quantity(brownout.energy_required)} of {fmt.format_quantity(brownout.energy_available)}"),
        mo.stat(f"{brownout.holdup_ratio:.2f}x", label="energy margin",
                caption="survives" if brownout.feasible else f"lost: {brownout.infeasible_because}"),
    ], widths="equal")
    return


@app.cell(hide_code=True)
def _(mo):
    mo.accordion({
        "Math peek": mo.md(
            r"""
            - Fleet MTBF: $M = M_\text{node}/N$; survival $P_\text{fleet} = P_\text{node}^N$.
            - Young: $\tau = \sqrt{2\delta M}$; Daly adds higher-order terms; the exact optimum
              minimises the expected runtime under exponential failures (through the Lambert W
              function), counting failures during compute, writes and restarts.
            - Functions used: `checkpoint.fleet_mtbf`, `fleet_survival`, `young_interval`,
              `daly_interval`, `optimal_interval`, `waste_breakdown`, `checkpoint_storm`,
              `checkpoint_plan`, `sdc_probability`, `sdc_detection`, `incremental_checkpoint`, `brownout_save`;
              figures from `mlsysim.plot`.
            """
        )
    })
    return


if __name__ == "__main__":
    app.run()
