"""Metadata counts rounded exactly at any size, and open latency with inefficient servers."""

from fractions import Fraction

import numpy as np
import pytest

from mlsysim import Q_
from mlsysim.models import metadata as md


def exact_ceil(x: Fraction) -> int:
    return -((-x.numerator) // x.denominator)


class TestExactCounts:
    @pytest.mark.parametrize("seed", range(3))
    def test_servers_needed_above_1e12(self, seed):
        rng = np.random.default_rng(seed)
        demand = 50_000.0 * 10.0 ** rng.uniform(12, 15.5, 200)  # loads of 1e12 .. 3e15 servers
        checked = 0
        for eff in (1.0, 0.8):
            got = md.mds_saturation(Q_(demand, "1/s"), scaling_efficiency=eff).servers_needed
            for d, g in zip(demand, got):
                load = Fraction(d) / 50_000
                x = 1 + (load - 1) / Fraction(eff)
                # keep to ratios more than 5 float spacings from a whole number (closer, the
                # inputs' own rounding decides); that leaves most draws up to 1e14
                frac = x - (x.numerator // x.denominator)
                gap = Fraction(5 * float(np.spacing(float(x))))
                if gap < frac < 1 - gap:
                    assert g == exact_ceil(x), (d, eff)
                    checked += 1
        assert checked > 200  # most of the 400 draws are decidable

    def test_exact_whole_ratios_stay_whole(self):
        # 100,000 / 50,000 = 2 servers; 5e16 / 5e4 = 1e12 exactly
        assert md.mds_saturation("100000 1/s").servers_needed == 2.0
        assert md.mds_saturation("5e16 1/s").servers_needed == 1e12
        assert md.mds_saturation("5.00000000000005e16 1/s").servers_needed == 1e12 + 1  # 1e12 + 0.5 servers

    def test_old_relative_tolerance_would_shift(self):
        # 1e15 + 0.49 servers' worth: ceil is 1e15 + 1; a 1e-12 relative snap gave ceil(1e15 + 0.49 - 1000)
        d = (1e15 + 0.5) * 50_000
        assert md.mds_saturation(Q_(d, "1/s")).servers_needed == exact_ceil(Fraction(d) / 50_000)

    def test_max_accelerators_above_1e12(self):
        rng = np.random.default_rng(7)
        rates = 10.0 ** rng.uniform(-12, -9, 200)  # opens per worker per second
        got = md.max_accelerators(1, Q_(rates, "1/s"), ops_per_open=1)
        for r, g in zip(rates, got):
            x = Fraction(50_000.0) / Fraction(r)
            frac = x - (x.numerator // x.denominator)
            gap = Fraction(5 * float(np.spacing(float(x))))
            if gap < frac < 1 - gap:
                assert g == x.numerator // x.denominator


class TestOpenLatencyEfficiency:
    def test_useless_servers_neither_help_nor_hurt(self):
        one = md.open_latency("45000 1/s", threads=1)
        for n in (2, 8):
            many = md.open_latency("45000 1/s", threads=1, servers=n, scaling_efficiency=0.0)
            assert many.latency.m == pytest.approx(one.latency.m, rel=1e-14)
            assert many.utilization == pytest.approx(0.9)

    def test_perfect_scaling_by_hand(self):
        # two M/M/1 servers at 50,000 ops/s, each 22,500 ops/s: rho 0.45, W = 1/(mu - lambda) = 1/27,500 s
        t = md.open_latency("45000 1/s", threads=1, servers=2)
        assert t.latency.to("s").m == pytest.approx(3 / 27_500, rel=1e-12)

    def test_partial_scaling_between(self):
        # e = 0.5: 1.5 servers' worth, each taking 30,000 ops/s at 50,000: W = 1/20,000 s per op
        t = md.open_latency("45000 1/s", threads=1, servers=2, scaling_efficiency=0.5)
        assert t.latency.to("s").m == pytest.approx(3 / 20_000, rel=1e-12)
        assert t.service_time.to("us").m == pytest.approx(20.0)
