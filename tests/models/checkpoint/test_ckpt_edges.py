"""Brown-out under a linear regulator, SDC coverage, regime-warning digits."""

import warnings

import numpy as np
import pytest

import mlsysim
from mlsysim import Q_, hardware
from mlsysim.models import checkpoint as ck


class TestBrownoutConstantCurrent:
    def test_fram_by_hand(self):
        # I = 5.664 mW / 3.0 V = 1.888 mA; t = 8192 B / 16e6 B/s = 0.512 ms; Q = I t = 0.966656 uC
        # the capacitor's charge above the cutoff: 10 uF x (3.0 - 1.8) V = 12 uC
        r = ck.brownout_save("8 KiB", "10 uF", "3.0 V", "1.8 V", load="constant_current")
        assert r.holdup_ratio == pytest.approx(12.0 / 0.966656, rel=1e-9)
        assert r.holdup_time.to("s").m == pytest.approx(10e-6 * 1.2 / 1.888e-3, rel=1e-9)  # 6.356 ms
        assert r.min_capacitance.to("uF").m == pytest.approx(0.966656 / 1.2, rel=1e-9)
        # energy given up delivering Q from 3.0 V: Q (V1 - Q / 2C) = 0.966656 uC x (3 - 0.0483328) V
        assert r.energy_required.to("uJ").m == pytest.approx(0.966656 * (3.0 - 0.966656 / 20.0), rel=1e-9)
        assert r.feasible

    def test_nor_flash_infeasible_by_hand(self):
        # t = 8192 / 0.64e6 = 12.8 ms; Q = 1.888 mA x 12.8 ms = 24.1664 uC > 12 uC
        r = ck.brownout_save("8 KiB", "10 uF", "3.0 V", "1.8 V", write_bandwidth=hardware.NOR_FLASH.write_bandwidth,
                             load="constant_current")
        assert not r.feasible and r.infeasible_because == "energy"
        assert r.holdup_ratio == pytest.approx(12.0 / 24.1664, rel=1e-9)
        assert r.min_capacitance.to("uF").m == pytest.approx(24.1664 / 1.2, rel=1e-9)

    def test_holdup_ratio_of_the_two_laws(self):
        # same current at V1: hold-up ratio 2 V1 / (V1 + V2) = 6 / 4.8 = 1.25
        p = ck.brownout_save("8 KiB", "10 uF", "3.0 V", "1.8 V")
        c = ck.brownout_save("8 KiB", "10 uF", "3.0 V", "1.8 V", load="constant_current")
        assert (c.holdup_time / p.holdup_time).to("").m == pytest.approx(1.25, rel=1e-12)

    def test_simulated_discharge(self):
        # integrate dV/dt = -I/C numerically: time to reach the cutoff
        c_f, i_a, v1, v2 = 10e-6, 1.888e-3, 3.0, 1.8
        dt = 1e-7
        v, t = v1, 0.0
        while v > v2:
            v -= i_a / c_f * dt
            t += dt
        r = ck.brownout_save("8 KiB", "10 uF", "3.0 V", "1.8 V", load="constant_current")
        assert r.holdup_time.to("s").m == pytest.approx(t, abs=2 * dt)

    def test_arrays_and_bad_load(self):
        r = ck.brownout_save("8 KiB", Q_(np.array([1.0, 10.0]), "uF"), "3.0 V", "1.8 V", load="constant_current")
        assert r.feasible.tolist() == [True, True] and r.holdup_ratio.shape == (2,)
        with pytest.raises(mlsysim.DomainError, match="load"):
            ck.brownout_save("8 KiB", "10 uF", "3.0 V", "1.8 V", load="ldo")


class TestSdcCoverage:
    def test_says_what_each_detects(self):
        r = ck.sdc_detection("8 ms", "25 MB", "200 GB/s", deadline="10 ms")
        assert "hash" in r.hash_detects and "not compute faults" in r.hash_detects
        assert "two runs differ" in r.dmr_detects
        # both checks: 8 ms + 0.125 ms of overhead on an 8 ms step misses a 10 ms loop
        assert r.combined_overhead.to("ms").m == pytest.approx(8.125)
        assert not r.combined_meets_deadline
        assert ck.sdc_detection("1 ms", "25 MB", "200 GB/s", deadline="10 ms").combined_meets_deadline


class TestRegimeWarningDigits:
    def test_daly_ratio_just_above_the_limit_is_distinguishable(self):
        with pytest.warns(mlsysim.RegimeWarning) as caught:
            ck.daly_interval(Q_(1.0000001, "h"), "1 h")
        text = str(caught[0].message)
        assert "= 1.0000001 exceeds 1.0" in text

    def test_young_ratio(self):
        with pytest.warns(mlsysim.RegimeWarning) as caught:
            ck.young_interval(Q_(0.10000003, "h"), "1 h")
        assert "= 0.10000003 exceeds 0.1" in str(caught[0].message)

    def test_plain_ratio(self):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ck.daly_interval("3 h", "1 h")
        assert "= 3 exceeds" in str(caught[0].message)
