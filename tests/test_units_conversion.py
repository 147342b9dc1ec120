"""The cached unit conversion (``q.m_as``, ``q.to``) gives pint's own values, bit for bit."""

import numpy as np
import pint
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlsysim import units
from mlsysim.units import Q_, ureg

PAIRS = [("GB/s", "B/s"), ("MiB", "kB"), ("h", "s"), ("s", "d"), ("uF", "F"), ("USD/year", "USD/h"),
         ("mW", "kW"), ("1/h", "1/s"), ("TB/s", "Gibit/s"), ("kWh", "J"), ("min", "min")]


@settings(max_examples=200, deadline=None)
@given(pair=st.sampled_from(PAIRS), value=st.floats(-1e300, 1e300, allow_nan=False, allow_infinity=False))
def test_fast_conversion_equals_pint(pair, value):
    src, dst = pair
    q = Q_(value, src)
    # the oracle: pint's own conversion, not the cached factor
    assert q.m_as(dst) == units._plain_m_as(q, dst)
    assert q.to(dst).m == units._plain_to(q, dst).m
    assert q.to(dst).units == units._plain_to(q, dst).units
    assert q.m_as(ureg.Unit(dst)) == units._plain_m_as(q, dst)


def test_arrays_and_same_unit():
    a = np.array([0.5, 2.0, 1e20])
    q = Q_(a, "GB")
    np.testing.assert_array_equal(q.m_as("B"), units._plain_m_as(q, "B"))
    assert q.m_as("GB") is a  # pint's behaviour: the magnitude itself when nothing changes
    assert Q_(3, "s").m_as("s") == 3 and type(Q_(3, "s").m_as("s")) is int


def test_wrong_dimension_still_raises_every_time():
    for _ in range(2):  # a refusal is never cached as a factor
        with pytest.raises(pint.DimensionalityError):
            Q_(1.0, "s").m_as("B")


def test_offset_units_take_pints_path():
    # 20 degC is 293.15 K: an offset, not a factor
    assert Q_(20.0, "degC").to("K").m == pytest.approx(293.15)
    assert Q_(20.0, "degC").m_as("K") == pytest.approx(293.15)


def test_int_magnitudes_convert_as_pint_converts_them():
    # pint 0.25+ multiplies an int by its own (int) factor: 3 KiB = 3072 B exactly, 2**60 KiB
    # = 2**70 B; pint 0.24 gives floats.  Whatever the installed pint does, m_as does too.
    for q, unit in ((Q_(3, "KiB"), "B"), (Q_(5, "min"), "s"), (Q_(2**60, "KiB"), "B"), (Q_(7, "h"), "s")):
        want = units._plain_m_as(q, unit)
        got = q.m_as(unit)
        assert got == want and type(got) is type(want), (q, unit, got, want)
