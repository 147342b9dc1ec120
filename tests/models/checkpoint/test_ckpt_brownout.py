"""mlsysim.models.checkpoint, incremental checkpoints, hold-up energy and the brown-out save."""

import numpy as np
import pytest

from _helpers import check_row, rows
from mlsysim import Q_, DomainError, UnitError, hardware
from mlsysim.models import checkpoint as ck

# ============================================================ known answers (hand calculations)


def test_incremental_checkpoint_against_100_ms():
    # 1.5 GB on UFS 3.1 reads (2.1 GB/s): full 714.29 ms; 10 % dirty 71.43 ms; f_max = 0.1 x 2.1 / 1.5 = 0.14
    full = ck.incremental_checkpoint("1.5 GB", 1.0, hardware.UFS_31.read_bandwidth)
    assert full.time.to("ms").m == pytest.approx(714.2857, rel=1e-6) and not full.meets_target
    r = ck.incremental_checkpoint("1.5 GB", 0.1, "2.1 GB/s")
    assert r.time.to("ms").m == pytest.approx(71.42857, rel=1e-6) and r.meets_target
    assert r.target_slack.to("ms").m == pytest.approx(28.57143, rel=1e-6)
    assert r.max_dirty_fraction == pytest.approx(0.14)
    # a latency above the target leaves no room at all
    late = ck.incremental_checkpoint("1.5 GB", 0.0, "2.1 GB/s", latency="150 ms")
    assert late.max_dirty_fraction == 0.0 and not late.meets_target


def test_feram_brownout_save():
    # 10 uF, 3.0 -> 1.8 V: 10e-6 x (9 - 3.24) / 2 = 28.8 uJ
    assert ck.holdup_energy("10 uF", "3.0 V", "1.8 V").to("uJ").m == pytest.approx(28.8)
    assert ck.holdup_energy("10 uF", "3.0 V", "1.8 V", efficiency=0.9).to("uJ").m == pytest.approx(25.92)
    # FRAM at 16 MB/s: 8192 B -> 0.512 ms; 5.664 mW x 0.512 ms = 2.89997 uJ; margin 28.8 / 2.89997 = 9.931
    r = ck.brownout_save("8 KiB", "10 uF", "3.0 V", "1.8 V", mcu=hardware.FERAM_MCU)
    assert r.save_time.to("ms").m == pytest.approx(0.512)
    assert r.energy_required.to("uJ").m == pytest.approx(2.899968, rel=1e-6)
    assert r.holdup_ratio == pytest.approx(9.9311, rel=1e-4) and r.feasible and r.infeasible_because == "none"
    # holdup time: 28.8 uJ / 5.664 mW = 5.085 ms
    assert r.holdup_time.to("ms").m == pytest.approx(5.0847, rel=1e-4)
    # NOR flash page programming at 0.64 MB/s: 12.8 ms, 72.4992 uJ -> infeasible;
    # needs C >= 2 x 72.4992 uJ / (9 - 3.24) V^2 = 25.17 uF
    nor = ck.brownout_save("8 KiB", "10 uF", "3.0 V", "1.8 V", write_bandwidth=hardware.NOR_FLASH.write_bandwidth)
    assert nor.save_time.to("ms").m == pytest.approx(12.8)
    assert not nor.feasible and nor.infeasible_because == "energy"
    assert nor.min_capacitance.to("uF").m == pytest.approx(25.1733, rel=1e-4)
    assert ck.brownout_save("8 KiB", nor.min_capacitance * 1.000001, "3.0 V", "1.8 V",
                            write_bandwidth="0.64 MB/s").feasible
    # a state bigger than the 256 KiB of FRAM does not fit, whatever the capacitor
    big = ck.brownout_save("300 KiB", "1 F", "3.0 V", "1.8 V", mcu="FERAM_MCU")
    assert not big.feasible and big.infeasible_because == "nvm capacity"


# ============================================================ regimes


def test_brownout_without_voltage_swing_needs_infinite_capacitance():
    # start == cutoff: the capacitor delivers no energy, so no capacitance is enough
    r = ck.brownout_save("8 KiB", "10 uF", "1.8 V", "1.8 V")
    assert r.feasible is False
    assert r.energy_available.to("J").m == 0.0
    assert np.isinf(r.min_capacitance.to("F").m)
    vec = ck.brownout_save("8 KiB", "10 uF", Q_(np.array([1.8, 3.0]), "V"), "1.8 V")
    assert np.isinf(vec.min_capacitance.to("F").m[0]) and vec.feasible.tolist() == [False, True]


# ============================================================ bad input


# (function, kwargs, exception, parameter named): the shared format of tests/_helpers.py
BAD = [
    (ck.incremental_checkpoint, dict(state_size="1 GB", dirty_fraction=1.5, bandwidth="1 GB/s"), DomainError, "dirty_fraction"),
    (ck.incremental_checkpoint, dict(state_size="1 GB", dirty_fraction=0.1, bandwidth="1 GB/s", target="0 s"),
     DomainError, "target"),
    (ck.holdup_energy, dict(capacitance="10 uF", start_voltage="1.8 V", cutoff_voltage="3.0 V"), DomainError, "start_voltage"),
    (ck.holdup_energy, dict(capacitance=10e-6, start_voltage="3 V", cutoff_voltage="1.8 V"), UnitError, "capacitance"),
    (ck.holdup_energy, dict(capacitance="10 uF", start_voltage="3 V", cutoff_voltage="1.8 V", efficiency=2.0),
     DomainError, "efficiency"),
    (ck.brownout_save, dict(state_size="8 KiB", capacitance="10 uF", start_voltage="1 V", cutoff_voltage="1.8 V"),
     DomainError, "start_voltage"),
    (ck.brownout_save, dict(state_size="8 KiB", capacitance="10 uF", start_voltage="3 V", cutoff_voltage="1.8 V",
                            mcu="H100"), UnitError, "mcu"),
    (ck.brownout_save, dict(state_size="8 KiB", capacitance="10 uF", start_voltage="3 V", cutoff_voltage="1.8 V",
                            power="1 J"), UnitError, "power"),
]


@pytest.mark.parametrize("row", rows(BAD), ids=lambda r: r.id)
def test_bad_input(row):
    check_row(row)
