"""mlsysim.plot: every figure builds with its defaults, marks what it promises, and saves as PNG."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from mlsysim import DomainError, UnitError, plot  # noqa: E402
from mlsysim.models import checkpoint, ops  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.mark.parametrize("fn", [plot.young_daly_curve, plot.iops_throughput_curve, plot.ops_break_even,
                                plot.time_waterfall, plot.pipeline_waterfall])
def test_defaults_build_and_save(fn, tmp_path):
    fig = fn()
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.get_xlabel() or ax.get_xticklabels()
    assert ax.get_ylabel()
    out = tmp_path / "fig.png"
    fig.savefig(out, dpi=60)
    assert out.stat().st_size > 5_000  # a real image, not an empty canvas


def test_young_daly_marks_the_three_intervals():
    fig = plot.young_daly_curve(write_time="2 min", mtbf="4 h")
    ax = fig.axes[0]
    vlines = sorted(line.get_xdata()[0] for line in ax.get_lines()[1:])
    # Young sqrt(2 x 2 min x 240 min) = 30.98 min; Daly and the exact optimum just below it (29.66, 29.67 min)
    expected = sorted(q.to("min").m for q in (checkpoint.young_interval("2 min", "4 h"),
                                               checkpoint.daly_interval("2 min", "4 h"),
                                               checkpoint.optimal_interval("2 min", "4 h")))
    np.testing.assert_allclose(vlines, expected)
    assert vlines[-1] == pytest.approx(np.sqrt(2 * 2 * 240))
    # the curve's minimum sits at the exact optimum (within the plotting grid)
    curve = ax.get_lines()[0]
    x, y = curve.get_xdata(), curve.get_ydata()
    assert x[np.argmin(y)] == pytest.approx(checkpoint.optimal_interval("2 min", "4 h").to("min").m, rel=0.03)


def test_ops_break_even_marks_n_star():
    fig = plot.ops_break_even()
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    n_star = ops.break_even_models(platform_cost="500000 USD/year", toil_reduction=0.8, alert_cost="5000 USD/year",
                                   deploy_cost="2000 USD/year", dependency_cost="1000 USD/year")
    assert any(f"N* = {n_star:.0f}" in label for label in labels)


def test_iops_curve_one_line_per_device_and_block():
    fig = plot.iops_throughput_curve(devices=["NVME_GEN4", "HDD"], block_sizes=["4 KiB", "64 KiB", "1 MiB"])
    # 2 devices x 3 random block sizes, plus one sequential-stream line per device
    assert len(fig.axes[0].get_lines()) == 2 * 3 + 2


def test_draws_on_a_given_axes():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    assert plot.time_waterfall(ax=ax) is fig


def test_bad_input_raises_like_the_models():
    with pytest.raises(UnitError):
        plot.young_daly_curve(write_time=2)
    with pytest.raises(DomainError):
        plot.young_daly_curve(mtbf="-4 h")
    with pytest.raises(DomainError):
        plot.ops_break_even(toil_reduction=1.5)


def test_waterfall_bars_sum_to_total():
    fig = plot.time_waterfall(work="30 day", interval="45 min", write_time="5 min", mtbf="4 h", restart_time="10 min")
    bars = fig.axes[0].patches
    parts, total = bars[:-1], bars[-1]
    assert sum(b.get_height() for b in parts) == pytest.approx(total.get_height())
    w = checkpoint.waste_breakdown("30 day", "45 min", "5 min", "4 h", "10 min")
    assert total.get_height() == pytest.approx(w.total.to("h").m)


def test_missing_matplotlib_says_which_extra(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name == "matplotlib" or name.startswith("matplotlib."):
            raise ImportError("No module named 'matplotlib'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    with pytest.raises(ImportError, match=r"mlsysim\[plot\]"):
        plot.ops_break_even()


# ------------------------------------------------------------------ what a reader sees

def _overlaps_data(fig, legend_or_text, ax):
    """Whether the legend's box covers any drawn data point of ``ax`` (in display coordinates)."""
    fig.canvas.draw()
    box = legend_or_text.get_window_extent()
    for line in ax.get_lines():
        xy = line.get_transform().transform(np.column_stack([line.get_xdata(), line.get_ydata()]))
        inside = (xy[:, 0] >= box.x0) & (xy[:, 0] <= box.x1) & (xy[:, 1] >= box.y0) & (xy[:, 1] <= box.y1)
        if inside.any():
            return True
    return False


@pytest.mark.parametrize("fn", [plot.young_daly_curve, plot.iops_throughput_curve, plot.ops_break_even])
def test_legends_sit_outside_the_data(fn):
    fig = fn()
    legends = [*fig.legends, *(a.get_legend() for a in fig.axes if a.get_legend())]
    assert legends
    for legend in legends:
        for ax in fig.axes:
            assert not _overlaps_data(fig, legend, ax)
            # and not even over the plotting area
            fig.canvas.draw()
            assert not legend.get_window_extent().overlaps(ax.get_window_extent())


def _title(fig):
    texts = [fig._suptitle.get_text()] if fig._suptitle else []
    return " ".join(texts + [ax.get_title() for ax in fig.axes])


def test_titles_state_every_parameter():
    assert all(s in _title(plot.young_daly_curve("2 min", "4 h", "1 min"))
               for s in ("write time 2 min", "MTBF 4 h", "restart 1 min"))
    title = _title(plot.time_waterfall(work="10 day", interval="45 min", write_time="5 min", mtbf="4 h",
                                       restart_time="10 min"))
    for s in ("10 day", "interval 45.0 min", "write time 5 min", "MTBF 4 h", "restart 10 min"):
        assert s in title, s
    title = _title(plot.ops_break_even(heterogeneity=0.5))
    for s in ("500k USD/year", "80%", "alerts 5k", "deploys 2k", "pair 1k", "heterogeneity 0.5"):
        assert s in title, s
    title = _title(plot.pipeline_waterfall())
    for s in ("128 accelerators", "256 MB", "50 ms", "672 GB/s", "7%", "400 GB/s", "overlapped"):
        assert s in title, s
    title = _title(plot.iops_throughput_curve(queue_depths=[1, 4, 16]))
    for s in ("1 to 16", "4 KiB", "1 MiB"):
        assert s in title, s


def test_defaults_are_the_scenarios():
    import inspect

    from mlsysim import scenarios

    ft, op = scenarios.FAULT_TOLERANCE, scenarios.OPERATIONS
    yd = inspect.signature(plot.young_daly_curve).parameters
    assert yd["write_time"].default is ft.write_time and yd["mtbf"].default is ft.fleet_mtbf
    assert yd["restart_time"].default is ft.restart_time
    ob = inspect.signature(plot.ops_break_even).parameters
    assert ob["platform_cost"].default is op.platform_cost and ob["alert_cost"].default is op.alert_cost
    pw = inspect.signature(plot.pipeline_waterfall).parameters
    assert pw["access_efficiency"].default == scenarios.IO_BOTTLENECK.random_efficiency


def test_daly_is_visible_beside_the_exact_optimum():
    # at 2 min / 4 h Daly (29.66 min) and the exact optimum (29.67 min) nearly coincide
    fig = plot.young_daly_curve(write_time="2 min", mtbf="4 h")
    main_ax = fig.axes[0]
    styles = {line.get_color(): line.get_linestyle() for line in main_ax.get_lines()[1:]}
    assert styles["tab:orange"] != styles["tab:green"]  # Daly dashed over the solid optimum
    # Daly's marker is hollow and larger, so the optimum's dot shows inside it
    daly = next(c for c in main_ax.collections if c.get_label().startswith("Daly"))
    exact = next(c for c in main_ax.collections if c.get_label().startswith("exact"))
    assert daly.get_facecolor().size == 0 or daly.get_facecolor()[0][3] == 0
    assert daly.get_sizes()[0] > exact.get_sizes()[0]
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert any(t.startswith("Daly: 29.66 min") for t in labels)
    assert any(t.startswith("exact optimum: 29.67 min") for t in labels)
    assert len(fig.axes) == 2  # the zoom on the optimum
