"""mlsysim.models.checkpoint: known answers, Lambert-W accuracy, properties, Monte Carlo, bad input."""

import warnings

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from _helpers import check_row, rows
from mlsysim import Q_, DomainError, RegimeWarning, UnitError, hardware
from mlsysim.models import checkpoint as ck
from mlsysim.testing import magnitudes, quantities

H = 3600.0


# ============================================================ known answers (hand calculations)


def test_seed_fleet_16384_gpus_with_4_hour_mtbf():
    # seed lab 07: 16,384 GPUs, fleet MTBF 4 h -> per-GPU MTBF 4 h x 16,384 = 65,536 h
    # = 65,536 / (365.25 x 24) years = 7.476 years
    gpu = Q_(4, "h") * 16384
    assert gpu.to("year").m == pytest.approx(7.4762, rel=1e-4)
    assert ck.fleet_mtbf(gpu, 16384).to("h").m == pytest.approx(4.0, rel=1e-15)
    # doubling the fleet: 2 h
    assert ck.fleet_mtbf(gpu, 32768).to("h").m == pytest.approx(2.0, rel=1e-15)
    # a 24 h day: per GPU exp(-24/65536); the fleet P^N = exp(-6) = 0.0024787521767
    p_gpu = 1 - ck.failure_probability(gpu, "24 h")
    assert p_gpu == pytest.approx(np.exp(-24 / 65536), rel=1e-15)
    assert ck.fleet_survival(p_gpu, 16384) == pytest.approx(0.0024787521767, rel=1e-9)
    # the same from the fleet MTBF directly: 1 - P(failure in 24 h at M = 4 h)
    survival = 1 - ck.failure_probability("4 h", "24 h")
    assert survival == pytest.approx(0.0024787521767, rel=1e-9)
    # 30 days = 720 h -> 180 expected failures
    assert ck.expected_failures("4 h", "30 day") == pytest.approx(180.0)


def test_young_interval_for_the_seed_fleet():
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


def test_expected_runtime_known_answer():
    # 1000 h of work, tau = 1 h, delta = 2 min, M = 4 h, R = 10 min:
    # 1000 x 4 h x e^{1/24} x expm1(3720/14400) = 4000 h x 1.0425469 x 0.2947704 = 1229.248 h
    out = ck.expected_runtime("1000 h", "1 h", "2 min", "4 h", "10 min")
    assert out.to("h").m == pytest.approx(1229.248, rel=2e-6)


def test_expected_runtime_keeps_digits_when_failures_are_rare():
    # M = 1e12 s, tau = 1 s, delta = 0: E = W (1 + tau/(2M) + ...) = 3600 (1 + 5e-13)
    out = ck.expected_runtime("1 h", "1 s", "0 s", Q_(1e12, "s"))
    assert (out.m - 3600.0) / 3600.0 == pytest.approx(5e-13, rel=1e-3)


def test_whole_segments_known_answer():
    # W = 2.5 h, tau = 1 h, delta = 0.1 h, M = 10 h, R = 0:
    # whole: 2 x 10 expm1(0.11) + 10 expm1(0.06) = 2 x 1.1627807 + 0.6183655 = 2.9439269 h
    # smooth (formerly the default, "fractional"): 2.5 x 1.1627807 = 2.9069518 h
    whole = ck.expected_runtime("2.5 h", "1 h", "0.1 h", "10 h")  # the default
    frac = ck.expected_runtime("2.5 h", "1 h", "0.1 h", "10 h", segments="smooth")
    assert whole.to("h").m == pytest.approx(2.9439269, rel=1e-7)
    assert frac.to("h").m == pytest.approx(2.9069518, rel=1e-7)
    # when tau divides W the two agree: 3 h of work in 1 h segments
    a = ck.expected_runtime("3 h", "1 h", "0.1 h", "10 h", segments="whole")
    b = ck.expected_runtime("3 h", "1 h", "0.1 h", "10 h", segments="smooth")
    assert a.m == pytest.approx(b.m, rel=1e-14)
    w = ck.waste_breakdown("2.5 h", "1 h", "0.1 h", "10 h", segments="whole")
    assert w.segments == 3.0 and w.total.to("h").m == pytest.approx(2.9439269, rel=1e-7)
    assert w.checkpointing.to("h").m == pytest.approx(0.3)


def test_waste_at_the_optimum_equals_tau_over_m():
    # at the optimum (1 - y) e^{y + d} = 1, so expm1(y + d) = y/(1 - y) and waste = 1 - y/expm1 = y
    tau = ck.optimal_interval("5 min", "4 h")
    w = ck.waste_breakdown("30 day", tau, "5 min", "4 h", segments="smooth")
    assert w.waste_fraction == pytest.approx((tau / Q_(4, "h")).to("").m, rel=1e-12)


def test_waste_breakdown_known_parts():
    # tau = 1 h, delta = 0.1 h, M = 10 h, R = 0.5 h, W = 10 h (10 segments); x = 0.11
    # rework/segment = M (expm1(x) - x) = 10 x 0.0062781 = 0.062781 h
    # restart/segment = M expm1(x) expm1(R/M) = 10 x 0.1162781 x 0.0512711 = 0.0596171 h
    w = ck.waste_breakdown("10 h", "1 h", "0.1 h", "10 h", "0.5 h")
    assert w.useful.to("h").m == pytest.approx(10.0)
    assert w.checkpointing.to("h").m == pytest.approx(1.0)
    assert w.rework.to("h").m == pytest.approx(0.62781, rel=1e-4)
    assert w.restart.to("h").m == pytest.approx(0.596171, rel=1e-5)
    assert w.failures == pytest.approx(w.total.to("h").m / 10.0)
    bars = w.waterfall()
    assert [b[0] for b in bars] == ["useful", "checkpointing", "rework", "restart"]
    assert bars[-1][2].to("h").m == pytest.approx(w.total.to("h").m, rel=1e-15)
    text = str(w)
    assert "WasteBreakdown" in text and "rework" in text and "waste_fraction" in text


def test_series_mtbf_adds_failure_rates():
    # 8/50k + 2/200k + 1/100k = 18/100k per hour -> 5555.56 h
    out = ck.series_mtbf(Q_([50_000, 200_000, 100_000], "h"), [8, 2, 1])
    assert out.to("h").m == pytest.approx(100_000 / 18, rel=1e-12)
    # a component that never fails adds nothing; leading axes are independent systems
    two = ck.series_mtbf(Q_([[100.0, np.inf], [100.0, 100.0]], "h"))
    assert two.to("h").m == pytest.approx([100.0, 50.0])
    assert ck.series_mtbf(Q_([np.inf], "h")).m == np.inf
    # one kind of component: fleet_mtbf
    assert ck.series_mtbf("65536 h", 16384).m == pytest.approx(ck.fleet_mtbf("65536 h", 16384).m)


def test_failure_probability_tiny_and_stable():
    # 1 s at M = 1e6 h: 1/3.6e9 = 2.7777...e-10 (1 - exp would keep only ~6 digits)
    assert ck.failure_probability("1e6 h", "1 s") == pytest.approx(1 / 3.6e9, rel=1e-9)
    assert ck.failure_probability(Q_(np.inf, "h"), "1 h") == 0.0
    # q = 1e-18 per node, 1,000 nodes: 1e-15 (1 - (1 - q)^N would give 0)
    assert ck.fleet_failure_probability(1e-18, 1000) == pytest.approx(1e-15, rel=1e-12)
    assert ck.fleet_failure_probability(1.0, 3) == 1.0
    assert ck.fleet_survival(0.0, 3) == 0.0 and ck.fleet_survival(1.0, 10**6) == 1.0


def test_checkpoint_write_time():
    # 350 GB / 4.3 GB/s = 81.395 s; with 2 s of latency 83.395 s
    assert ck.checkpoint_write_time("350 GB", hardware.NVME_GEN4.write_bandwidth).m == pytest.approx(81.3953, rel=1e-5)
    assert ck.checkpoint_write_time("350 GB", "4.3 GB/s", "2 s").m == pytest.approx(83.3953, rel=1e-5)


def test_seed_checkpoint_storm_1024_nodes_350_gb():
    # 1,024 nodes x 350 GB = 358.4 TB; 24 OSTs x 16 GB/s = 384 GB/s; links 25 GB/s
    storage = hardware.LUSTRE_OST.write_bandwidth * 24
    s = ck.checkpoint_storm("350 GB", 1024, hardware.IB_HDR200.bandwidth, storage)
    assert s.total_size.to("TB").m == pytest.approx(358.4)
    assert s.demand.to("TB/s").m == pytest.approx(25.6)  # 1024 x 25 GB/s
    assert s.oversubscription == pytest.approx(25600 / 384)  # 66.67x
    assert s.saturated and s.bottleneck == "shared storage"
    assert s.window.to("s").m == pytest.approx(358.4e3 / 384)  # 933.3 s = 15.6 min
    assert s.node_stall.m == pytest.approx(s.window.m)  # all at once: everyone waits the whole window
    assert s.per_node_bandwidth.to("GB/s").m == pytest.approx(0.375)
    # floor(384/25) = 15 writers fit -> ceil(1024/15) = 69 groups
    assert s.groups_needed == 69
    # 8 groups of 128: 384/128 = 3 GB/s each, 116.67 s per group, the window unchanged
    g8 = ck.checkpoint_storm("350 GB", 1024, "25 GB/s", storage, groups=8)
    assert g8.node_stall.m == pytest.approx(350 / 3)
    assert g8.window.m == pytest.approx(s.window.m)
    # 69 groups: 58 of 15 nodes and 11 of 14, all at link speed: 14 s each, window 69 x 14 = 966 s
    g69 = ck.checkpoint_storm("350 GB", 1024, "25 GB/s", storage, groups=69)
    assert not g69.saturated and g69.bottleneck == "node link"
    assert g69.node_stall.m == pytest.approx(14.0) and g69.window.m == pytest.approx(966.0)
    # the other reading, 350 GB for the whole job: 350 / 384 = 0.911 s
    whole = ck.checkpoint_storm(Q_(350, "GB") / 1024, 1024, "25 GB/s", storage)
    assert whole.window.m == pytest.approx(350 / 384)
    # more groups than nodes count as one node per group
    assert ck.checkpoint_storm("1 GB", 4, "1 GB/s", "10 GB/s", groups=10).window.m == pytest.approx(4.0)


def test_checkpoint_plan_blocking_vs_async():
    # 350 GB, M = 4 h.  NVMe: delta = 81.3953 s, d = 0.00565245; p = sqrt(2 (1 - e^-d)) = 0.106174477;
    # y = p - p^2/3 + 11p^3/72 - 43p^4/540 + 769p^5/17280 - 221p^6/8505 + 680863p^7/43545600
    #   = 0.106174477 - 0.003757673 + 0.000182860 - 0.000010119 + 0.000000600 - 0.000000037 = 0.1025901;
    # with R = 0 the waste at the optimum is y itself
    nvme = ck.checkpoint_plan("350 GB", "4 h", "4.3 GB/s")
    assert nvme.mode == "blocking" and nvme.drain_time.m == 0.0
    assert nvme.waste_fraction == pytest.approx(0.1025901, rel=1e-6)
    assert nvme.interval.m == pytest.approx(0.1025901 * 14400, rel=1e-6)
    # async through DRAM at 512 GB/s: delta = 0.68359 s, y ~ sqrt(2d) - 2d/3 = 0.0097123; a failure
    # during the 81.3953 s drain loses the snapshot: the runtime stretches by e^{D/M}, so
    # waste = 1 - (1 - y) e^{-D/M} = 1 - 0.9902877 x 0.9943635 = 0.0152932
    dram = ck.checkpoint_plan("350 GB", "4 h", "512 GB/s", drain_bandwidth="4.3 GB/s", buffer_capacity="1024 GB")
    assert dram.write_time.m == pytest.approx(350 / 512)
    assert dram.waste_fraction == pytest.approx(0.0152932, rel=1e-4)
    assert dram.limited_by == "failures" and dram.feasible and dram.limiting == "none"
    assert dram.buffer_required.to("GB").m == pytest.approx(350)
    # draining at 0.375 GB/s (the storm's share) takes 933.3 s > the optimum: the drain sets the interval
    slow = ck.checkpoint_plan("350 GB", "4 h", "512 GB/s", drain_bandwidth="0.375 GB/s")
    assert slow.limited_by == "drain" and slow.interval.m == pytest.approx(350 / 0.375)
    assert slow.waste_fraction > dram.waste_fraction
    # a 256 GB staging buffer cannot hold 350 GB
    small = ck.checkpoint_plan("350 GB", "4 h", "512 GB/s", drain_bandwidth="4.3 GB/s", buffer_capacity="256 GB")
    assert not small.feasible and small.limiting == "staging buffer"


def test_sdc_known_answers():
    # 1e-7 /h x 16,384 x 720 h = 1.179648; 1 - e^{-1.179648} = 1 - 0.307386 = 0.692614
    assert ck.sdc_probability("1e-7 1/h", "30 day", 16384) == pytest.approx(0.692614, rel=1e-5)
    # 8 ms step; 25 MB / 200 GB/s = 0.125 ms of hashing: 64x cheaper, DMR takes 16 ms > 10 ms
    r = ck.sdc_detection("8 ms", "25 MB", "200 GB/s", deadline="10 ms")
    assert r.ratio == pytest.approx(64.0)
    assert r.order_of_magnitude_cheaper and r.cheaper == "hash"
    assert r.hash_meets_deadline and not r.dmr_meets_deadline
    # hashing a big buffer for a cheap step: 1 ms step, 1 GB at 200 GB/s = 5 ms -> DMR is cheaper
    r2 = ck.sdc_detection("1 ms", "1 GB", "200 GB/s")
    assert r2.cheaper == "dmr" and not r2.order_of_magnitude_cheaper and r2.dmr_meets_deadline


def test_incremental_checkpoint_against_100_ms():
    # 1.5 GB on UFS 3.1 reads (2.1 GB/s): full 714.29 ms; 10 % dirty 71.43 ms; f_max = 0.1 x 2.1 / 1.5 = 0.14
    full = ck.incremental_checkpoint("1.5 GB", 1.0, hardware.UFS_31.read_bandwidth)
    assert full.time.to("ms").m == pytest.approx(714.2857, rel=1e-6) and not full.meets_target
    r = ck.incremental_checkpoint("1.5 GB", 0.1, "2.1 GB/s")
    assert r.time.to("ms").m == pytest.approx(71.42857, rel=1e-6) and r.meets_target
    assert r.margin.to("ms").m == pytest.approx(28.57143, rel=1e-6)
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
    assert r.margin == pytest.approx(9.9311, rel=1e-4) and r.feasible and r.limiting == "none"
    # holdup time: 28.8 uJ / 5.664 mW = 5.085 ms
    assert r.holdup_time.to("ms").m == pytest.approx(5.0847, rel=1e-4)
    # NOR flash page programming at 0.64 MB/s: 12.8 ms, 72.4992 uJ -> infeasible;
    # needs C >= 2 x 72.4992 uJ / (9 - 3.24) V^2 = 25.17 uF
    nor = ck.brownout_save("8 KiB", "10 uF", "3.0 V", "1.8 V", write_bandwidth=hardware.NOR_FLASH.write_bandwidth)
    assert nor.save_time.to("ms").m == pytest.approx(12.8)
    assert not nor.feasible and nor.limiting == "energy"
    assert nor.min_capacitance.to("uF").m == pytest.approx(25.1733, rel=1e-4)
    assert ck.brownout_save("8 KiB", nor.min_capacitance * 1.000001, "3.0 V", "1.8 V",
                            write_bandwidth="0.64 MB/s").feasible
    # a state bigger than the 256 KiB of FRAM does not fit, whatever the capacitor
    big = ck.brownout_save("300 KiB", "1 F", "3.0 V", "1.8 V", mcu="FERAM_MCU")
    assert not big.feasible and big.limiting == "nvm capacity"


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

mtbfs = quantities("h", 0.5, 1e5, units=["h", "s", "day"])
writes = quantities("s", 1.0, 3600.0, units=["s", "min"])


@given(quantities("h", 1.0, 1e6), st.integers(1, 10**6))
def test_fleet_mtbf_halves_when_nodes_double(node_mtbf, nodes):
    one = ck.fleet_mtbf(node_mtbf, nodes)
    two = ck.fleet_mtbf(node_mtbf, 2 * nodes)
    assert two.m == pytest.approx(one.m / 2, rel=1e-14)


@given(magnitudes(1e-3, 1e3), magnitudes(0.01, 100.0), magnitudes(1e-4, 1e-2))
def test_young_scales_with_sqrt_delta_m(m_hours, k, d):
    delta = Q_(d * m_hours, "h")
    mtbf = Q_(m_hours, "h")
    base = ck.young_interval(delta, mtbf).m
    assert ck.young_interval(delta * k, mtbf * k).m == pytest.approx(k * base, rel=1e-12)
    k2 = min(k, 5.0)  # keep delta/M inside Young's regime
    assert ck.young_interval(delta * k2, mtbf).m == pytest.approx(np.sqrt(k2) * base, rel=1e-12)


@given(magnitudes(1e-8, 1.0), magnitudes(1e-3, 10.0), magnitudes(1.0, 1e6))
def test_expected_runtime_convex_with_minimum_at_optimal_interval(d, r, m):
    mtbf, delta, restart = Q_(m, "s"), Q_(d * m, "s"), Q_(r * m, "s")
    tau = ck.optimal_interval(delta, mtbf, restart)
    factors = np.array([0.5, 0.8, 0.95, 0.999, 1.0, 1.001, 1.05, 1.25, 2.0])
    taus = np.minimum(tau.m * factors, 50 * m)
    e = ck.expected_runtime(Q_(1e3 * m, "s"), Q_(taus, "s"), delta, mtbf, restart, segments="smooth").m
    assert np.all(e >= e[4] * (1 - 1e-13))  # minimum at the optimum
    # convexity: on any three points, the middle lies below the chord
    t1, t2, t3 = taus[:-2], taus[1:-1], taus[2:]
    e1, e2, e3 = e[:-2], e[1:-1], e[2:]
    chord = e1 + (e3 - e1) * (t2 - t1) / (t3 - t1)
    assert np.all(e2 <= chord * (1 + 1e-12))


@given(magnitudes(1e-9, 0.09))
def test_daly_and_young_agree_with_exact_to_first_order(d):
    exact = ck.optimal_interval(Q_(d, "h"), "1 h").m
    daly = ck.daly_interval(Q_(d, "h"), "1 h").m
    young = ck.young_interval(Q_(d, "h"), "1 h").m
    # Daly's error is O(d^{3/2}), below d; Young's is ~sqrt(2d)/3, below sqrt(d)
    assert abs(daly / exact - 1) <= d
    assert abs(young / exact - 1) <= np.sqrt(d)


@given(quantities("h", 1.0, 1e4), magnitudes(1e-3, 3.0), magnitudes(0.0, 0.5), magnitudes(0.0, 0.5),
       st.sampled_from(["fractional", "whole"]))
def test_waste_parts_sum_to_the_total(mtbf, t, d, r, segments):
    m = mtbf.to("s").m
    tau, delta, restart = Q_(t * m, "s"), Q_(d * m, "s"), Q_(r * m, "s")
    work = Q_(7.3 * t * m, "s")
    w = ck.waste_breakdown(work, tau, delta, mtbf, restart, segments=segments)
    parts = w.useful + w.checkpointing + w.rework + w.restart
    assert parts.m == pytest.approx(w.total.m, rel=1e-15)
    total = ck.expected_runtime(work, tau, delta, mtbf, restart, segments=segments)
    assert w.total.m == pytest.approx(total.m, rel=1e-12)
    assert w.useful.m == pytest.approx(work.m, rel=1e-15)
    assert 0.0 <= w.waste_fraction < 1.0
    assert min(w.checkpointing.m, w.rework.m, w.restart.m) >= 0.0


def _elementwise(fn, *arrays, **kw):
    return [fn(*(a[i] for a in arrays), **kw) for i in range(len(arrays[0]))]


def _same(vec, scalars):
    for i, s in enumerate(scalars):
        v = vec[i] if not np.isscalar(vec) else vec
        if hasattr(s, "as_dict"):
            for name, value in s.as_dict().items():
                got = v.as_dict()[name]
                if isinstance(value, dict):
                    assert got["value"] == pytest.approx(value["value"], rel=1e-12, nan_ok=True)
                elif isinstance(value, float):
                    assert got == pytest.approx(value, rel=1e-12)
                else:
                    assert got == value
        elif hasattr(s, "m"):
            assert v.m == pytest.approx(s.m, rel=1e-12)
        else:
            assert v == pytest.approx(s, rel=1e-12)


@given(st.integers(0, 2**31 - 1))
def test_vectorised_equals_elementwise(seed):
    rng = np.random.default_rng(seed)
    n = 4
    m = Q_(rng.uniform(1, 100, n), "h")
    delta = Q_(rng.uniform(1, 300, n), "s")
    tau = Q_(rng.uniform(0.1, 3, n), "h")
    work = Q_(rng.uniform(10, 1000, n), "h")
    restart = Q_(rng.uniform(0, 600, n), "s")
    nodes = rng.integers(1, 5000, n).astype(float)
    prob = rng.uniform(0, 1, n)
    size = Q_(rng.uniform(1, 500, n), "GB")
    bw = Q_(rng.uniform(1, 50, n), "GB/s")
    volts = Q_(rng.uniform(2.0, 3.6, n), "V")
    caps = Q_(rng.uniform(1, 100, n), "uF")
    cases = [
        (ck.fleet_mtbf, (m, nodes), {}),
        (ck.failure_probability, (m, tau), {}),
        (ck.fleet_survival, (prob, nodes), {}),
        (ck.fleet_failure_probability, (prob, nodes), {}),
        (ck.expected_failures, (m, work), {}),
        (ck.young_interval, (delta, m), {}),
        (ck.daly_interval, (delta, m), {}),
        (ck.optimal_interval, (delta, m, restart), {}),
        (ck.expected_runtime, (work, tau, delta, m, restart), {}),
        (ck.expected_runtime, (work, tau, delta, m, restart), {"segments": "whole"}),
        (ck.waste_breakdown, (work, tau, delta, m, restart), {}),
        (ck.waste_breakdown, (work, tau, delta, m, restart), {"segments": "whole"}),
        (ck.checkpoint_write_time, (size, bw), {}),
        (ck.checkpoint_storm, (size, nodes, bw, bw * 40), {"groups": 7}),
        (ck.checkpoint_plan, (size, m, bw * 10), {"drain_bandwidth": "4 GB/s", "buffer_capacity": "300 GB"}),
        (ck.checkpoint_plan, (size, m, bw), {}),
        (ck.sdc_probability, (Q_(rng.uniform(0, 1e-5, n), "1/h"), work, nodes), {}),
        (ck.sdc_detection, (delta, size, bw), {"deadline": "100 s"}),
        (ck.incremental_checkpoint, (size, prob, bw), {}),
        (ck.holdup_energy, (caps, volts, Q_(1.8, "V") + 0 * volts), {}),
        (ck.brownout_save, (Q_(rng.uniform(1, 64, n), "KiB"), caps, volts, Q_(1.8, "V") + 0 * volts), {}),
    ]
    for fn, args, kw in cases:
        _same(fn(*args, **kw), _elementwise(fn, *args, **kw))
    # series_mtbf reduces the last axis: each row alone gives the same
    comp = Q_(rng.uniform(1e3, 1e5, (n, 3)), "h")
    counts = rng.integers(0, 9, (n, 3)).astype(float) + np.array([1.0, 0.0, 0.0])
    _same(ck.series_mtbf(comp, counts), [ck.series_mtbf(comp[i], counts[i]) for i in range(n)])


def test_arrays_broadcast_to_the_common_shape():
    out = ck.expected_runtime("100 h", Q_([[0.5], [1.0], [2.0]], "h"), Q_([60, 120], "s"), "4 h")
    assert out.shape == (3, 2)
    w = ck.waste_breakdown("100 h", Q_([[0.5], [1.0], [2.0]], "h"), Q_([60, 120], "s"), "4 h")
    assert w.shape == (3, 2) and w.waste_fraction.shape == (3, 2) and w.segments.shape == (3, 2)
    s = ck.checkpoint_storm("350 GB", 1024, "25 GB/s", "384 GB/s", groups=np.array([1, 8, 69]))
    assert s.bottleneck.tolist() == ["shared storage", "shared storage", "node link"]


# ============================================================ Monte Carlo


def _simulate(compute, delta, mtbf, restart, rng):
    """Simulate the failure process of expected_runtime for segments of compute time ``compute``.

    Returns per-segment (useful, checkpointing, rework, restart, failures).  Vectorised over
    segments; each loop round draws one attempt for every segment still running.
    """
    n = compute.size
    a = compute + delta
    rework = np.zeros(n)
    restarting = np.zeros(n)
    failures = np.zeros(n)
    active = np.arange(n)
    for _ in range(10_000):
        if active.size == 0:
            break
        x = rng.exponential(mtbf, active.size)
        failed = x < a[active]
        idx = active[failed]
        rework[idx] += x[failed]
        failures[idx] += 1
        # each failure triggers a restart, itself interrupted by failures
        pending = idx
        while pending.size:
            y = rng.exponential(mtbf, pending.size)
            ok = y >= restart
            restarting[pending[ok]] += restart
            restarting[pending[~ok]] += y[~ok]
            failures[pending[~ok]] += 1
            pending = pending[~ok]
        active = idx
    else:  # pragma: no cover
        raise AssertionError("simulation did not finish")
    return compute, np.full(n, delta), rework, restarting, failures


def test_monte_carlo_agrees_with_expected_runtime_and_its_parts():
    rng = np.random.default_rng(20240507)
    mtbf, tau, delta, restart = 1.0, 0.5, 0.1, 0.2  # hours; a third of attempts fail
    n = 200_000
    useful, ckpt, rework, rest, failures = _simulate(np.full(n, tau), delta, mtbf, restart, rng)
    total = useful + ckpt + rework + rest
    w = ck.waste_breakdown(Q_(tau, "h"), Q_(tau, "h"), Q_(delta, "h"), Q_(mtbf, "h"), Q_(restart, "h"))
    # one segment: e^{0.2} expm1(0.6) h = 1.2214028 x 0.8221188 = 1.0041376 h
    assert w.total.to("h").m == pytest.approx(1.0041376, rel=1e-6)
    for sample, expected in ((total, w.total), (rework, w.rework), (rest, w.restart)):
        se = sample.std(ddof=1) / np.sqrt(n)
        assert abs(sample.mean() - expected.to("h").m) < 4 * se
    se = failures.std(ddof=1) / np.sqrt(n)
    assert abs(failures.mean() - w.failures) < 4 * se


def test_monte_carlo_whole_segments_with_a_partial_last_one():
    rng = np.random.default_rng(7)
    mtbf, tau, delta, restart, work = 2.0, 0.5, 0.05, 0.1, 2.3  # 4 segments of 0.5 h and one of 0.3 h
    jobs = 40_000
    compute = np.tile([0.5, 0.5, 0.5, 0.5, 0.3], jobs)
    parts = _simulate(compute, delta, mtbf, restart, rng)
    per_job = sum(parts[:4]).reshape(jobs, 5).sum(axis=1)
    expected = ck.expected_runtime(Q_(work, "h"), Q_(tau, "h"), Q_(delta, "h"), Q_(mtbf, "h"), Q_(restart, "h"),
                                   segments="whole").to("h").m
    se = per_job.std(ddof=1) / np.sqrt(jobs)
    assert abs(per_job.mean() - expected) < 4 * se


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


def test_overflow_is_inf_not_nan():
    out = ck.expected_runtime("1 h", "1000 h", "0 s", "1 h", segments="smooth")
    assert out.m == np.inf
    w = ck.waste_breakdown("1 h", "1000 h", "0 s", "1 h", segments="smooth")
    assert w.total.m == np.inf and w.waste_fraction == 1.0
    assert ck.optimal_interval("1e6 s", "1 s").m == pytest.approx(1.0)  # the limit tau -> M


@pytest.mark.parametrize("interval", ["700 h", "1000 h", "1e9 h"])
def test_whole_segments_longer_than_the_job_are_one_short_segment(interval):
    # work 1 h < interval: the whole job is one segment of 1 h, so
    # E = M expm1((W + delta)/M) = 1 h x (e - 1) = 6185.81 s, whatever the interval.
    expected = 3600 * np.expm1(1.0)
    assert ck.expected_runtime("1 h", interval, "0 s", "1 h", segments="whole").to("s").m == pytest.approx(
        expected, rel=1e-12)
    w = ck.waste_breakdown("1 h", interval, "0 s", "1 h", segments="whole")
    assert w.total.to("s").m == pytest.approx(expected, rel=1e-12)
    assert np.isfinite(w.waste_fraction)


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
    (ck.fleet_mtbf, dict(node_mtbf=4.0, nodes=2), UnitError, "node_mtbf"),
    (ck.fleet_mtbf, dict(node_mtbf="4 GB", nodes=2), UnitError, "node_mtbf"),
    (ck.fleet_mtbf, dict(node_mtbf="0 h", nodes=2), DomainError, "node_mtbf"),
    (ck.fleet_mtbf, dict(node_mtbf="4 h", nodes=0), DomainError, "nodes"),
    (ck.fleet_mtbf, dict(node_mtbf="4 h", nodes=2.5), DomainError, "nodes"),
    (ck.series_mtbf, dict(component_mtbf=Q_([1.0, np.nan], "h")), DomainError, "component_mtbf"),
    (ck.series_mtbf, dict(component_mtbf="1 h", count=-1), DomainError, "count"),
    (ck.failure_probability, dict(mtbf="4 h", duration="-1 h"), DomainError, "duration"),
    (ck.failure_probability, dict(mtbf="4 h", duration=3.0), UnitError, "duration"),
    (ck.fleet_survival, dict(node_survival=1.5, nodes=3), DomainError, "node_survival"),
    (ck.fleet_survival, dict(node_survival="0.5", nodes=3), UnitError, "node_survival"),
    (ck.fleet_failure_probability, dict(node_failure_probability=np.nan, nodes=3), DomainError, "node_failure_probability"),
    (ck.expected_failures, dict(mtbf="4 h", duration="1 GB"), UnitError, "duration"),
    (ck.young_interval, dict(write_time="0 s", mtbf="4 h"), DomainError, "write_time"),
    (ck.young_interval, dict(write_time=120, mtbf="4 h"), UnitError, "write_time"),
    (ck.daly_interval, dict(write_time="2 min", mtbf=Q_(np.inf, "h")), DomainError, "mtbf"),
    (ck.optimal_interval, dict(write_time="2 min", mtbf="4 h", restart_time="-1 s"), DomainError, "restart_time"),
    (ck.optimal_interval, dict(write_time="2 min", mtbf="4 W"), UnitError, "mtbf"),
    (ck.expected_runtime, dict(work="1 h", interval="0 s", write_time="1 s", mtbf="1 h"), DomainError, "interval"),
    (ck.expected_runtime, dict(work="1 h", interval="1 h", write_time="nan s", mtbf="1 h"), DomainError, "write_time"),
    (ck.expected_runtime, dict(work="1 h", interval="1 h", write_time="1 s", mtbf="1 h", segments="half"),
     DomainError, "segments"),
    (ck.waste_breakdown, dict(work="0 h", interval="1 h", write_time="1 s", mtbf="1 h"), DomainError, "work"),
    (ck.optimal_segments, dict(work="1 h", write_time="0 s", mtbf="1 h"), DomainError, "write_time"),
    (ck.optimal_segments, dict(work=3600, write_time="1 s", mtbf="1 h"), UnitError, "work"),
    (ck.waste_breakdown, dict(work="1 h", interval="1 h", write_time="1 s", mtbf=None), UnitError, "mtbf"),
    (ck.checkpoint_write_time, dict(state_size="1 GB", bandwidth="0 GB/s"), DomainError, "bandwidth"),
    (ck.checkpoint_write_time, dict(state_size="1 GB", bandwidth="1 1/s"), UnitError, "bandwidth"),
    (ck.checkpoint_storm, dict(state_size="1 GB", nodes=4, node_bandwidth="1 GB/s", storage_bandwidth="1 GB/s",
                               groups=0), DomainError, "groups"),
    (ck.checkpoint_storm, dict(state_size="-1 GB", nodes=4, node_bandwidth="1 GB/s", storage_bandwidth="1 GB/s"),
     DomainError, "state_size"),
    (ck.checkpoint_plan, dict(state_size="1 GB", mtbf="1 h", write_bandwidth="1 GB/s", drain_bandwidth=5.0),
     UnitError, "drain_bandwidth"),
    (ck.checkpoint_plan, dict(state_size="1 GB", mtbf="1 h", write_bandwidth="1 GB/s", buffer_capacity="-1 GB"),
     DomainError, "buffer_capacity"),
    (ck.sdc_probability, dict(rate="1 GB/s", duration="1 h"), UnitError, "rate"),
    (ck.sdc_probability, dict(rate="-1 1/h", duration="1 h"), DomainError, "rate"),
    (ck.sdc_detection, dict(compute_time="0 ms", checked_bytes="1 MB", hash_bandwidth="1 GB/s"), DomainError, "compute_time"),
    (ck.sdc_detection, dict(compute_time="1 ms", checked_bytes="1 MB", hash_bandwidth="1 GB/s", deadline="1 V"),
     UnitError, "deadline"),
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
    # failure laws and the simulation (more rows in tests/models/checkpoint/test_ckpt_simulation.py)
    (ck.simulate_runtime, dict(work="1 h", interval="1 h", write_time="1 s", failures="4 h"), UnitError, "failures"),
    (ck.simulated_optimal_interval, dict(work="1 h", write_time="0 s", failures=ck.Exponential("4 h")), DomainError,
     "write_time"),
    (ck.fit_failures, dict(times_between_failures=Q_([1.0], "h")), DomainError, "times_between_failures"),
]


@pytest.mark.parametrize("row", rows(BAD), ids=lambda r: r.id)
def test_bad_input(row):
    check_row(row)


def test_every_public_function_has_a_bad_input_row():
    covered = {row[0].__name__ for row in BAD}
    functions = {name for name in ck.__all__ if callable(getattr(ck, name)) and name[0].islower()}
    assert functions <= covered
