"""mlsysim.sweep: outer-product grids, pass-through scalars, records, columns and DataFrames."""

import attrs
import numpy as np
import pytest

import mlsysim
from mlsysim import Q_, UnitError
from mlsysim._arrays import broadcast
from mlsysim._records import Record
from mlsysim._validate import Count, Fraction, Time, validated


@validated(a=Time(positive=True), b=Time(positive=True))
def root(a, b):
    return np.sqrt(2 * a * b)


@attrs.frozen
class Pair(Record):
    total: object
    big: object


@validated(a=Time(), n=Count(), f=Fraction())
def pair(a, n, f=1.0):
    total = a * n * f
    t, big = broadcast(total, total.m > 100)
    return Pair(total=t, big=big)


def test_grid_axes_follow_argument_order():
    s = mlsysim.sweep(root, a=Q_([1.0, 2.0, 5.0], "min"), b=Q_([2.0, 4.0], "h"))
    assert s.axes == ("a", "b")
    assert s.shape == (3, 2)
    # point (1, 1): sqrt(2 x 120 s x 14400 s) = 1859.03 s
    assert s.result.to("s").m[1, 1] == pytest.approx(np.sqrt(2 * 120 * 14400))
    assert s.inputs["a"].m.shape == (3, 2) and s.inputs["b"].m.shape == (3, 2)


def test_grid_equals_elementwise_calls():
    a = Q_([1.0, 2.0, 5.0], "min")
    b = Q_([2.0, 4.0], "h")
    s = mlsysim.sweep(root, a=a, b=b)
    for i in range(3):
        for j in range(2):
            assert s.result.m[i, j] == root(a[i], b[j]).m


def test_scalars_pass_through():
    s = mlsysim.sweep(root, a=Q_([1.0, 2.0], "min"), b="4 h")
    assert s.axes == ("a",)
    assert s.shape == (2,)
    assert s.inputs["b"] == "4 h"


def test_lists_of_unit_strings_become_axes():
    s = mlsysim.sweep(root, a=["1 min", "120 s"], b="4 h")
    assert s.inputs["a"].to("s").m.tolist() == [60.0, 120.0]
    assert s.result.m[0] == s.result.m[1] / np.sqrt(2)  # doubling a multiplies by sqrt(2)


def test_plain_number_axes_for_counts():
    s = mlsysim.sweep(pair, a="10 s", n=[1, 10, 100], f=np.array([0.5, 1.0]))
    assert s.shape == (3, 2)
    assert s.result.total.to("s").m[2, 1] == 1000.0  # 10 s x 100 x 1.0
    assert s.result.big.tolist() == [[False, False], [False, False], [True, True]]


def test_columns_and_dataframe():
    s = mlsysim.sweep(pair, a="10 s", n=[1, 10, 100], f=np.array([0.5, 1.0]))
    cols = s.columns()
    assert list(cols) == ["a", "n", "f", "total [s]", "big"]
    assert all(len(v) == 6 for v in cols.values())
    df = s.to_dataframe()
    assert df.shape == (6, 5)
    # row order is C order over the grid: (n=100, f=1.0) is the last row
    assert df["total [s]"].iloc[-1] == 1000.0


def test_errors_propagate_from_the_model():
    with pytest.raises(UnitError):
        mlsysim.sweep(root, a=[1.0, 2.0], b="4 h")  # bare numbers for a time


def test_no_axes_is_a_single_point():
    s = mlsysim.sweep(root, a="2 min", b="4 h")
    assert s.axes == () and s.shape == ()
    assert len(s.to_dataframe()) == 1


def test_sweep_with_record_models_and_dataframe():
    from mlsysim.models import checkpoint, storage

    s = mlsysim.sweep(checkpoint.waste_breakdown, work="30 day", interval=Q_([10.0, 45.0, 240.0], "min"),
                      write_time="5 min", mtbf=Q_([2.0, 4.0], "h"), restart_time="10 min")
    assert s.shape == (3, 2)
    # grid point (1, 1) is the scalar call: 45 min interval, 4 h MTBF
    one = checkpoint.waste_breakdown("30 day", "45 min", "5 min", "4 h", "10 min")
    assert s.result.total[1, 1].to("day").m == pytest.approx(one.total.to("day").m, rel=1e-12)
    df = s.to_dataframe()
    assert len(df) == 6 and "waste_fraction" in df and "total [s]" in df

    p = mlsysim.sweep(storage.input_pipeline, accelerators=[128, 1024, 4096], batch_bytes="4 MB",
                      compute_time="50 ms", storage_bandwidth="672 GB/s", network_bandwidth="400 GB/s")
    # demand = N x 4 MB / 50 ms = N x 80 MB/s: 10.24, 81.92, 327.68 GB/s, all under 400 GB/s -> compute-bound
    assert p.result.bottleneck.tolist() == ["compute", "compute", "compute"]
    np.testing.assert_allclose(p.result.demand.to("GB/s").m, [10.24, 81.92, 327.68])
    assert list(p.to_dataframe()["bottleneck"]) == ["compute"] * 3
