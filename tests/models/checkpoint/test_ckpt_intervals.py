"""mlsysim.models.checkpoint, Young, Daly and the exact optimal interval: known answers, Lambert-W accuracy against mpmath, properties, regimes."""

import warnings

import mpmath
import numpy as np
import pytest
from hypothesis import given

from _helpers import check_row, rows
from mlsysim import Q_, DomainError, RegimeWarning, UnitError
from mlsysim.models import checkpoint as ck
from mlsysim.testing import magnitudes

# ============================================================ known answers (hand calculations)


H = 3600.0


def test_young_interval_for_the_lab_fleet():
    # delta = 1 min at M = 4 h: sqrt(2 x 60 x 14,400) = sqrt(1,728,000) = 1314.534 s = 21.91 min
    assert ck.young_interval("1 min", "4 h").to("s").m == pytest.approx(1314.534, rel=1e-6)
    # delta = 2 min: sqrt(3,456,000) = 1859.032 s
    assert ck.young_interval("2 min", "4 h").to("s").m == pytest.approx(1859.032, rel=1e-6)


def test_daly_and_exact_interval_known_answers():
    # Daly, delta = 2 min, M = 4 h: h = sqrt(1/240) = 0.0645497; 1859.032 x (1 + h/3 + h^2/9) - 120
    # = 1859.032 x 1.0219795 - 120 = 1779.893 s
    assert ck.daly_interval("2 min", "4 h").to("s").m == pytest.approx(1779.893, rel=2e-6)
    # exact: p = sqrt(2 (1 - e^{-1/120})) = 0.128831; p - p^2/3 + 11p^3/72 - 43p^4/540 + 769p^5/17280
    # - 221p^6/8505 = 0.1236047 -> 0.1236047 x 14,400 = 1779.91 s
    assert ck.optimal_interval("2 min", "4 h").to("s").m == pytest.approx(1779.91, rel=5e-6)
    # delta/M = 10: y = 1 + W0(z), z = -e^{-11} = -1.670170e-5, W0 ~ z - z^2: y = 0.9999832980
    assert ck.optimal_interval("10 s", "1 s").m == pytest.approx(0.9999832980, rel=1e-9)
    # Daly's cap for delta >= 2M is M (and it warns there)
    with pytest.warns(RegimeWarning):
        assert ck.daly_interval("3 h", "1 h").to("h").m == pytest.approx(1.0)


def test_optimal_interval_ignores_restart_time():
    a = ck.optimal_interval("5 min", "4 h")
    b = ck.optimal_interval("5 min", "4 h", "1 h")
    assert a.m == b.m


# ============================================================ Lambert W accuracy


def _reference_fraction(d: float) -> float:
    with mpmath.workdps(60):
        return float(mpmath.re(1 + mpmath.lambertw(-mpmath.exp(-1 - mpmath.mpf(d)))))


DS = np.concatenate([np.logspace(-10, 1, 241), [1e-10, 1e-9 * np.pi, 0.25, 1.999999, 2.0, 2.000001, 10.0]])


def test_optimal_interval_relative_error_below_1e9_vectorised_and_scalar():
    # M = 1 s so that delta/M is exactly the delta given
    ref = np.array([_reference_fraction(d) for d in DS])
    vec = ck.optimal_interval(Q_(DS, "s"), Q_(1.0, "s")).m
    assert np.max(np.abs(vec / ref - 1)) <= 1e-9
    for d, r in zip(DS[::6], ref[::6]):
        assert abs(ck.optimal_interval(Q_(float(d), "s"), "1 s").m / r - 1) <= 1e-9
    # and with a realistic MTBF: delta/M computed from seconds
    m = 4 * H
    vec_m = ck.optimal_interval(Q_(DS * m, "s"), Q_(m, "s")).m / m
    ref_m = np.array([_reference_fraction(x) for x in (DS * m) / m])
    assert np.max(np.abs(vec_m / ref_m - 1)) <= 1e-9


def test_naive_lambertw_loses_digits_where_the_stable_form_does_not():
    from scipy.special import lambertw

    d = 1e-10
    naive = 1 + lambertw(-np.exp(-1 - d)).real
    ref = _reference_fraction(d)
    assert abs(naive / ref - 1) > 1e-9  # the catastrophic cancellation the module avoids
    assert abs(ck.optimal_interval(Q_(d, "s"), "1 s").m / ref - 1) <= 1e-12


# ============================================================ properties


@given(magnitudes(1e-3, 1e3), magnitudes(0.01, 100.0), magnitudes(1e-4, 1e-2))
def test_young_scales_with_sqrt_delta_m(m_hours, k, d):
    delta = Q_(d * m_hours, "h")
    mtbf = Q_(m_hours, "h")
    base = ck.young_interval(delta, mtbf).m
    assert ck.young_interval(delta * k, mtbf * k).m == pytest.approx(k * base, rel=1e-12)
    k2 = min(k, 5.0)  # keep delta/M inside Young's regime
    assert ck.young_interval(delta * k2, mtbf).m == pytest.approx(np.sqrt(k2) * base, rel=1e-12)


@given(magnitudes(1e-9, 0.09))
def test_daly_and_young_agree_with_exact_to_first_order(d):
    exact = ck.optimal_interval(Q_(d, "h"), "1 h").m
    daly = ck.daly_interval(Q_(d, "h"), "1 h").m
    young = ck.young_interval(Q_(d, "h"), "1 h").m
    # Daly's error is O(d^{3/2}), below d; Young's is ~sqrt(2d)/3, below sqrt(d)
    assert abs(daly / exact - 1) <= d
    assert abs(young / exact - 1) <= np.sqrt(d)


# ============================================================ regimes


def test_young_warns_outside_its_regime_and_still_returns_the_formula():
    with pytest.warns(RegimeWarning, match="young_interval"):
        out = ck.young_interval("30 min", "1 h")
    assert out.m == pytest.approx(np.sqrt(2 * 1800 * 3600))
    with pytest.warns(RegimeWarning):
        ck.young_interval(Q_([1, 30], "min"), "1 h")  # one element out of regime is enough
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ck.young_interval("6 min", "1 h")  # delta/M = 0.1: inside


def test_daly_warns_above_delta_equal_m():
    with pytest.warns(RegimeWarning, match="daly_interval"):
        ck.daly_interval("90 min", "1 h")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ck.daly_interval("60 min", "1 h")


# ============================================================ bad input


# (function, kwargs, exception, parameter named): the shared format of tests/_helpers.py
BAD = [
    (ck.young_interval, dict(write_time="0 s", mtbf="4 h"), DomainError, "write_time"),
    (ck.young_interval, dict(write_time=120, mtbf="4 h"), UnitError, "write_time"),
    (ck.daly_interval, dict(write_time="2 min", mtbf=Q_(np.inf, "h")), DomainError, "mtbf"),
    (ck.optimal_interval, dict(write_time="2 min", mtbf="4 h", restart_time="-1 s"), DomainError, "restart_time"),
    (ck.optimal_interval, dict(write_time="2 min", mtbf="4 W"), UnitError, "mtbf"),
]


@pytest.mark.parametrize("row", rows(BAD), ids=lambda r: r.id)
def test_bad_input(row):
    check_row(row)
