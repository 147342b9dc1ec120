"""Operations at scale: the platform break-even and the canary clock, as an interactive marimo app.

Machine Learning Systems, Vol. 2, Lab 12: Operations at Scale. Every number on
the page comes from ``mlsysim.models.ops``; this file only wires sliders to the
models and draws what they return.

Run:  marimo run examples/labs/operations.py
"""

import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="Operations at Scale")


@app.cell(hide_code=True)
def _():
    import marimo as mo
    import numpy as np

    try:
        import mlsysim  # noqa: F401  (installed?)
    except ImportError:  # a source checkout that is not installed: use its src/
        import pathlib
        import sys

        sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "src"))
    import io as _io

    import matplotlib.pyplot as plt

    def figure(fig):
        """A matplotlib figure as a PNG image on the page; the figure is closed."""
        buffer = _io.BytesIO()
        fig.savefig(buffer, format="png", dpi=96)
        plt.close(fig)
        return mo.image(buffer.getvalue(), alt="figure")

    from mlsysim import Q_, fmt
    from mlsysim import plot as mplot
    from mlsysim.models import ops

    return Q_, figure, fmt, mo, mplot, np, ops, plt


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    # Operations at scale: when does a platform pay for itself?
    *Machine Learning Systems*, Vol. 2, Lab 12: Operations at Scale.

    Manual operations grow faster than the fleet: alerts grow as $O(N)$, deployments as
    $O(N \log N)$ and the dependencies between models as $O(N^2)$. A platform costs a fixed
    amount and removes most of that toil. The break-even $N^*$ is the smallest fleet for which
    $\text{ROI} = \text{toil}_\text{manual} - (\text{capex}_\text{platform} + \text{toil}_\text{platform}) \ge 0$.
    The per-model costs below are scenario assumptions; move them.
    """)
    return


@app.cell(hide_code=True)
def _(mo):
    models = mo.ui.slider(1, 200, step=1, value=50, label="models in production (N)", show_value=True)
    heterogeneity = mo.ui.slider(0, 1, step=0.05, value=1.0, label="model-type heterogeneity", show_value=True)
    platform_k = mo.ui.slider(50, 2000, step=50, value=500, label="platform cost [k USD/year]", show_value=True)
    reduction = mo.ui.slider(0.1, 1.0, step=0.05, value=0.8, label="toil the platform removes", show_value=True)
    alert_k = mo.ui.slider(0.5, 20, step=0.5, value=5, label="alert toil [k USD/model/year]", show_value=True)
    deploy_k = mo.ui.slider(0.5, 20, step=0.5, value=2, label="deploy toil [k USD/model/year]", show_value=True)
    dep_k = mo.ui.slider(0, 5, step=0.25, value=1, label="dependency toil [k USD/pair/year]", show_value=True)
    mo.vstack([
        mo.md("## Part 1: the platform ROI audit"),
        mo.md("*Prediction: how many models can the team run by hand before the toil exceeds a "
              "500k USD platform?*"),
        mo.hstack([models, heterogeneity], justify="start", gap=2),
        mo.hstack([platform_k, reduction], justify="start", gap=2),
        mo.hstack([alert_k, deploy_k, dep_k], justify="start", gap=2),
    ])
    return (
        alert_k,
        dep_k,
        deploy_k,
        heterogeneity,
        models,
        platform_k,
        reduction,
    )


@app.cell(hide_code=True)
def _(
    Q_,
    alert_k,
    dep_k,
    deploy_k,
    heterogeneity,
    models,
    ops,
    platform_k,
    reduction,
):
    costs = dict(alert_cost=Q_(alert_k.value * 1000, "USD/year"), deploy_cost=Q_(deploy_k.value * 1000, "USD/year"),
                 dependency_cost=Q_(dep_k.value * 1000, "USD/year"), heterogeneity=heterogeneity.value)
    platform = dict(platform_cost=Q_(platform_k.value * 1000, "USD/year"), toil_reduction=reduction.value)
    toil = ops.toil_breakdown(models.value, **costs)
    roi = ops.platform_roi(models.value, **platform, **costs)
    n_star = ops.break_even_models(**platform, **costs)
    return costs, n_star, platform, roi, toil


@app.cell(hide_code=True)
def _(mo, models, n_star, np, roi, toil):
    def _usd(q):
        return f"{q.to('USD/year').m:,.0f} USD/yr"

    _verdict = ("never pays off at these costs" if not np.isfinite(n_star)
                else f"pays off from {n_star:.0f} models")
    mo.hstack([
        mo.stat(f"{n_star:.0f}" if np.isfinite(n_star) else "never", label="break-even N*", caption=_verdict),
        mo.stat(_usd(toil.total), label=f"manual toil at N = {models.value}",
                caption=f"{toil.dependency_share:.0%} of it is dependencies"),
        mo.stat(_usd(roi), label="platform ROI at N", caption="build it" if roi.m >= 0 else "not yet"),
        mo.stat(str(toil.dominant), label="dominant toil term"),
    ], widths="equal")
    return


@app.cell(hide_code=True)
def _(costs, figure, mo, models, mplot, np, platform, plt, toil):
    _fig, (_a, _b) = plt.subplots(1, 2, figsize=(12, 4.4), layout="constrained", width_ratios=[3, 2])
    mplot.ops_break_even(platform["platform_cost"], platform["toil_reduction"], ax=_a,
                         models=np.arange(1, max(2 * models.value, 60) + 1), **costs)
    _a.axvline(models.value, color="tab:purple", lw=2, alpha=0.5, label=f"your fleet: N = {models.value}")
    _a.legend(fontsize=8)
    _parts = {"alerts O(N)": toil.alerts, "deployments O(N log N)": toil.deployments,
              "dependencies O(N²)": toil.dependencies}
    _b.barh(list(_parts), [_q.to("USD/year").m / 1e3 for _q in _parts.values()],
            color=["tab:blue", "tab:orange", "tab:red"])
    _b.invert_yaxis()
    _b.set_xlabel("manual toil [thousand USD / year]")
    _b.set_title(f"Where the toil comes from at N = {models.value}")
    _b.grid(True, axis="x", alpha=0.3)
    _out = mo.vstack([mo.md("**The ops break-even plot**"), figure(_fig)])
    _out
    return


@app.cell(hide_code=True)
def _(mo):
    confidence = mo.ui.slider(0.80, 0.999, step=0.001, value=0.95, label="target confidence", show_value=True)
    one_in = mo.ui.slider(steps=[100, 300, 1000, 3000, 10_000, 30_000, 100_000, 1_000_000], value=1000,
                          label="edge case: one failure in", show_value=True)
    request_rate = mo.ui.slider(steps=[1, 3, 10, 30, 100, 300, 1000, 10_000], value=10,
                                label="fleet requests per second", show_value=True)
    mirrored = mo.ui.slider(0.01, 1.0, step=0.01, value=0.05, label="traffic mirrored to shadow", show_value=True)
    allowed = mo.ui.slider(0, 5, step=1, value=0, label="failures tolerated", show_value=True)
    cycle_days = mo.ui.slider(1, 30, step=1, value=7, label="release cycle [days]", show_value=True)
    mo.vstack([
        mo.md("## Part 2: the canary duration"),
        mo.md("*Prediction: to be 95% sure a new model has no 1-in-1,000 regression, how many live "
              "requests must you watch?*"),
        mo.hstack([confidence, one_in, allowed], justify="start", gap=2),
        mo.hstack([request_rate, mirrored, cycle_days], justify="start", gap=2),
    ])
    return allowed, confidence, cycle_days, mirrored, one_in, request_rate


@app.cell(hide_code=True)
def _(
    Q_,
    allowed,
    confidence,
    cycle_days,
    mirrored,
    one_in,
    ops,
    request_rate,
):
    failure_rate = 1 / one_in.value
    rate = Q_(request_rate.value, "1/s")
    cycle = Q_(cycle_days.value, "day")
    canary = ops.canary_sample_size(confidence.value, failure_rate, allowed_failures=allowed.value)
    shadow = ops.shadow_plan(confidence.value, failure_rate, rate, mirrored.value,
                             allowed_failures=allowed.value, release_cycle=cycle)
    return canary, cycle, failure_rate, rate, shadow


@app.cell(hide_code=True)
def _(canary, fmt, mo, shadow):
    mo.vstack([
        mo.hstack([
            mo.stat(f"{canary:,}", label="requests to watch", caption="canary sample size"),
            mo.stat(fmt.format_quantity(shadow.duration), label="shadow duration", caption="confidence clock"),
            mo.stat("fits" if shadow.fits else "misses", label="the release cycle",
                    caption=f"uses {shadow.cycle_share:.0%} of it"),
            mo.stat(f"{100 * shadow.required_fraction:.3g}%", label="traffic needed to fit the cycle",
                    caption="mirrored to the shadow model"),
        ], widths="equal"),
    ])
    return


@app.cell(hide_code=True)
def _(
    allowed,
    confidence,
    cycle,
    failure_rate,
    figure,
    mirrored,
    mo,
    np,
    ops,
    plt,
    rate,
    shadow,
):
    _levels = np.linspace(0.5, 0.999, 200)
    _fig, (_a, _b) = plt.subplots(1, 2, figsize=(12, 4.2), layout="constrained")
    for _k, _style in ((0, "-"), (1, "--"), (2, ":")):
        _n = ops.canary_sample_size(_levels, failure_rate, allowed_failures=_k)
        _a.plot(100 * _levels, _n, ls=_style, color="tab:blue", label=f"{_k} failure(s) tolerated")
        _t = ops.shadow_duration(_levels, failure_rate, rate, mirrored.value, allowed_failures=_k)
        _b.plot(100 * _levels, _t.to("h").m, ls=_style, color="tab:blue", label=f"{_k} failure(s) tolerated")
    _a.plot([100 * confidence.value], [ops.canary_sample_size(confidence.value, failure_rate,
                                                               allowed_failures=allowed.value)],
            "o", color="tab:red", label="your target")
    _a.set_ylabel("requests to watch")
    _a.set_title(f"Canary size for a 1-in-{1 / failure_rate:,.0f} regression")
    _b.axhline(cycle.to("h").m, color="black", ls="--", lw=1, label=f"release cycle ({cycle.to('day').m:g} days)")
    _b.plot([100 * confidence.value], [shadow.duration.to("h").m], "o", color="tab:red", label="your plan")
    _b.set_yscale("log")
    _b.set_ylabel("shadow duration [h] (log)")
    _b.set_title(f"Confidence clock: {rate.to('1/s').m:g} req/s, {mirrored.value:.0%} mirrored")
    for _ax in (_a, _b):
        _ax.set_xlabel("confidence [%]")
        _ax.grid(True, which="both", alpha=0.3)
        _ax.legend(fontsize=8)
    _out = mo.vstack([mo.md("**The canary / shadow confidence view**"), figure(_fig)])
    _out
    return


@app.cell(hide_code=True)
def _(mo):
    baseline_in = mo.ui.slider(steps=[1000, 3000, 10_000, 30_000, 100_000], value=10_000,
                               label="healthy model: one failure in", show_value=True)
    regressed_in = mo.ui.slider(steps=[100, 300, 1000, 3000], value=1000,
                                label="regressed model: one failure in", show_value=True)
    mo.vstack([
        mo.md("### Sequential validation"),
        mo.md("A 3-month shadow window lets the world drift before you ship. A sequential test "
              "(Wald's SPRT) stops as soon as the evidence is decisive."),
        mo.hstack([baseline_in, regressed_in], justify="start", gap=2),
    ])
    return baseline_in, regressed_in


@app.cell(hide_code=True)
def _(baseline_in, mo, ops, regressed_in):
    sprt = ops.sequential_test(1 / baseline_in.value, 1 / regressed_in.value)
    mo.hstack([
        mo.stat(f"{sprt.fixed_requests:,.0f}", label="fixed-size test", caption="requests, alpha = beta = 5%"),
        mo.stat(f"{sprt.expected_requests_baseline:,.0f}", label="SPRT, healthy model",
                caption=f"{sprt.savings_baseline:.0%} fewer on average"),
        mo.stat(f"{sprt.expected_requests_regressed:,.0f}", label="SPRT, regressed model",
                caption=f"{sprt.savings_regressed:.0%} fewer on average"),
        mo.stat(f"{sprt.failures_to_reject:.0f}", label="early failures that reject at once"),
    ], widths="equal")
    return


@app.cell(hide_code=True)
def _(mo):
    ensemble = mo.ui.slider(2, 50, step=1, value=10, label="models in the ensemble", show_value=True)
    coupling = mo.ui.slider(0, 1, step=0.05, value=1.0, label="fraction of pairs coupled", show_value=True)
    mo.vstack([
        mo.md("## Part 3: the ensemble lockdown"),
        mo.md("*Prediction: update the feature extractor without retraining the classifier: does accuracy drop "
              "even if the extractor is better?* Each coupled pair is a contract a release must revalidate."),
        mo.hstack([ensemble, coupling], justify="start", gap=2),
    ])
    return coupling, ensemble


@app.cell(hide_code=True)
def _(coupling, ensemble, mo, ops):
    deps = ops.ensemble_dependencies(ensemble.value, heterogeneity=coupling.value)
    mo.hstack([
        mo.stat(f"{deps.contracts:,.0f}", label="contracts"),
        mo.stat(f"{deps.checks_per_release:,.0f}", label="checks per release"),
        mo.stat(f"{deps.checks_per_round:,.0f}", label="checks per release cycle"),
    ], widths="equal")
    return


@app.cell(hide_code=True)
def _(mo):
    mo.accordion({
        "Math peek": mo.md(
            r"""
            - Toil: $a N + d N \log_2 N + c\,h\,N(N-1)/2$ per year; ROI $= r\cdot\text{toil} - \text{platform}$.
            - Canary: the smallest $n$ with $P(\le k \text{ failures} \mid n, p) \le 1 - C$; with $k = 0$,
              $n = \lceil \ln(1-C) / \ln(1-p) \rceil$ (2,995 for 95% and $p = 10^{-3}$; the rule of three says 3,000).
            - Functions used: `ops.toil_breakdown`, `platform_roi`, `break_even_models`, `canary_sample_size`,
              `shadow_duration`, `shadow_plan`, `sequential_test`, `ensemble_dependencies`; `mlsysim.plot.ops_break_even`.
            """
        )
    })
    return


if __name__ == "__main__":
    app.run()
