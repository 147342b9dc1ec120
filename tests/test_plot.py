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
