"""mlsysim.models.metadata: lab figures, Erlang C against exact references, properties, bad input."""

import math
import warnings
from decimal import Decimal, localcontext
from fractions import Fraction

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from _helpers import check_row, rows, vary
from mlsysim import Q_, DomainError, UnitError, hardware
from mlsysim.models import metadata as md
from mlsysim.models.metadata import (
    erlang_c,
    file_open_rate,
    layout_demand,
    max_accelerators,
    mds_saturation,
    metadata_demand,
    mmc_wait_time,
    open_latency,
    prefix_load,
    scaling_wall,
)
from mlsysim.testing import magnitudes, quantities

# Lab scenario (Vol. 2 lab 04, Act II)
GPUS, WORKERS = 4096, 8
SAMPLES = 4096 * 8 * 50  # 1,638,400 samples/s across the cluster


# =========================================================================== lab figures


def test_lab_demand_per_sample_files():
    # 4,096 GPUs x 8 workers x 50 opens/s x 3 ops = 4,915,200 ops/s
    d = metadata_demand(GPUS, WORKERS, "50 1/s")
    assert d.to("1/s").m == pytest.approx(4_915_200, rel=1e-15)


def test_lab_one_mds_is_98x_overloaded_and_99_are_needed():
    s = mds_saturation(metadata_demand(GPUS, WORKERS, "50 1/s"))
    assert s.capacity.to("1/s").m == 50_000
    # 4,915,200 / 50,000 = 98.304: the lab's "98x overload"
    assert s.utilization == pytest.approx(98.304, rel=1e-12)
    assert s.overloaded is True
    # ceil(98.304) = 99 servers at perfect scaling
    assert s.servers_needed == 99


def test_lab_shards_bring_demand_to_39_percent():
    # 4,096 x 8 x 0.2 opens/s x 3 = 19,660.8 ops/s; / 50,000 = 0.393216 (39 %)
    d = metadata_demand(GPUS, WORKERS, "0.2 1/s")
    assert d.to("1/s").m == pytest.approx(19_660.8, rel=1e-12)
    s = mds_saturation(d)
    assert s.utilization == pytest.approx(0.393216, rel=1e-12)
    assert s.overloaded is False
    assert s.servers_needed == 1


def test_lab_bandwidth_is_inside_supply_while_metadata_fails_first():
    # bandwidth demand 4,096 x 80 MB/s = 327.68 GB/s ("328 GB/s") < 48 x 28 GB/s = 1,344 GB/s
    assert (GPUS * Q_("80 MB/s")).to("GB/s").m == pytest.approx(327.68)
    storage = 48 * hardware.LUSTRE_OST.read_bandwidth
    network = 48 * hardware.IB_HDR200.bandwidth  # one 25 GB/s port per storage server
    w = scaling_wall("80 MB/s", storage, WORKERS, "50 1/s", network_bandwidth=network)
    assert w.storage_limit == 16_800   # 1,344 GB/s / 80 MB/s
    assert w.network_limit == 15_000   # 1,200 GB/s / 80 MB/s
    assert w.metadata_limit == 41      # floor(50,000 / (8 x 50 x 3)) = floor(41.67)
    assert w.max_accelerators == 41
    assert w.first_wall == "metadata"


def test_without_metadata_pressure_bandwidth_is_the_wall():
    # object store: no opens hit an MDS; 1,344 GB/s storage, no network limit given
    w = scaling_wall("80 MB/s", "1344 GB/s", WORKERS, "0 1/s")
    assert w.metadata_limit == np.inf
    assert w.first_wall == "storage" and w.max_accelerators == 16_800


def test_layouts():
    files = layout_demand(f"{SAMPLES} 1/s")
    assert files.open_rate.m == SAMPLES
    assert files.metadata_rate.m == pytest.approx(4_915_200)
    assert files.object_request_rate.m == 0
    # 0.2 opens/s per worker at 50 samples/s is a 250-sample shard: 1,638,400 / 250 x 3 = 19,660.8
    shards = layout_demand(f"{SAMPLES} 1/s", samples_per_file=250)
    assert shards.metadata_rate.m == pytest.approx(19_660.8)
    objects = layout_demand(f"{SAMPLES} 1/s", store="object")
    assert objects.metadata_rate.m == 0
    assert objects.object_request_rate.m == SAMPLES
    assert file_open_rate("50 1/s", 250).m == pytest.approx(0.2)


def test_object_store_prefixes():
    # 1,638,400 GET/s / 5,500 GET/s per prefix = 297.9 -> 298 prefixes
    p = prefix_load(f"{SAMPLES} 1/s")
    assert p.throttled is True
    assert p.prefixes_needed == 298
    assert p.utilization == pytest.approx(SAMPLES / 5500)
    # writes: 3,500 PUT/s per prefix; 7,000 PUT/s need exactly 2
    assert prefix_load("7000 1/s", method="PUT").prefixes_needed == 2
    # planning at 80 %: ceil(1,638,400 / 4,400) = ceil(372.4) = 373
    assert prefix_load(f"{SAMPLES} 1/s", target_utilization=0.8).prefixes_needed == 373


def test_max_accelerators_lab():
    assert max_accelerators(WORKERS, "50 1/s") == 41        # 50,000 / 1,200 = 41.67
    assert max_accelerators(WORKERS, "0.2 1/s") == 10_416   # 50,000 / 4.8 = 10,416.7
    assert max_accelerators(WORKERS, "50 1/s", servers=99) == 4125  # 4,950,000 / 1,200
    assert max_accelerators(WORKERS, "0 1/s") == np.inf
    assert max_accelerators(16, "50 1/s", ops_per_open=3, server=hardware.LUSTRE_MDS,
                            target_utilization=0.01) == 0  # 500 / 2,400


@pytest.mark.parametrize("demand, servers, efficiency, target, capacity, needed", [
    (100_000, 1, 1.0, 1.0, 50_000, 2),          # exactly two servers' worth: 2, not 3
    (50_000, 1, 1.0, 1.0, 50_000, 1),           # exactly at capacity: 1, utilization 1, not overloaded
    (4_915_200, 1, 0.8, 1.0, 50_000, 123),      # 1 + ceil((98.304 - 1) / 0.8) = 1 + ceil(121.63)
    (4_915_200, 4, 0.5, 1.0, 125_000, 196),     # capacity 50k (1 + 3 x 0.5); 1 + ceil(97.304 / 0.5) = 196
    (4_915_200, 1, 1.0, 0.8, 50_000, 123),      # ceil(98.304 / 0.8) = ceil(122.88)
    (60_000, 3, 0.0, 1.0, 50_000, np.inf),      # extra servers add nothing: never enough
    (0, 1, 1.0, 1.0, 50_000, 1),                # no demand still needs the one server
])
def test_mds_saturation_scaling(demand, servers, efficiency, target, capacity, needed):
    s = mds_saturation(Q_(demand, "1/s"), servers=servers, scaling_efficiency=efficiency,
                       target_utilization=target)
    assert s.capacity.to("1/s").m == pytest.approx(capacity)
    assert s.servers_needed == needed
    assert s.utilization == pytest.approx(demand / capacity)
    assert s.overloaded == (demand > capacity)


def test_catalog_name_accepted_for_server():
    assert mds_saturation("1e5 1/s", server="LUSTRE_MDS").servers_needed == 2


# =========================================================================== Erlang C known answers


def test_erlang_c_hand_calculations():
    # c = 2, a = 1: terms a^k/k! = 1, 1; last a^2/2! x c/(c - a) = 1/2 x 2 = 1  ->  C = 1/(1 + 1 + 1) = 1/3
    assert erlang_c(1.0, 2) == pytest.approx(1 / 3, rel=1e-15)
    # c = 3, a = 2 (the call-centre table entry 0.444): 1 + 2 + 2 = 5; 8/6 x 3/1 = 4  ->  C = 4/9
    assert erlang_c(2.0, 3) == pytest.approx(4 / 9, rel=1e-15)
    # M/M/1: C = rho
    assert erlang_c(0.9, 1) == pytest.approx(0.9, rel=1e-15)
    assert erlang_c(0.0, 5) == 0.0
    assert erlang_c(5.0, 5) == 1.0 and erlang_c(7.0, 5) == 1.0


def test_mmc_wait_hand_calculations():
    # c = 2, lambda = mu = 1/s: Wq = C / (c mu - lambda) = (1/3) / (1/s) = 1/3 s
    assert mmc_wait_time("1 1/s", "1 1/s", 2).to("s").m == pytest.approx(1 / 3, rel=1e-15)
    # c = 3, lambda = 2/s, mu = 1/s: Wq = (4/9) / (1/s) = 4/9 s
    assert mmc_wait_time("2 1/s", "1 1/s", 3).to("s").m == pytest.approx(4 / 9, rel=1e-15)
    # M/M/1 limit: Wq = rho / (mu - lambda) = 0.9 / 5,000 /s = 180 us
    assert mmc_wait_time("45000 1/s", "50000 1/s", 1).to("us").m == pytest.approx(180, rel=1e-13)
    assert mmc_wait_time("0 1/s", "1 1/s", 4).m == 0
    assert mmc_wait_time("3 1/s", "1 1/s", 3).m == np.inf   # rho = 1: unstable
    assert mmc_wait_time("30 1/s", "1 1/s", 3).m == np.inf


def _erlang_c_exact(a: Fraction, c: int) -> Fraction:
    """Erlang C as an exact rational: the textbook sum, no rounding anywhere."""
    term, total = Fraction(1), Fraction(0)
    for k in range(c):
        total += term
        term = term * a / (k + 1)          # term is now a^(k+1) / (k+1)!
    last = term * c / (c - a)              # a^c / c! x c / (c - a)
    return last / (total + last)


@pytest.mark.parametrize("c", [1, 2, 3, 7, 20, 64, 200])
@pytest.mark.parametrize("rho", [Fraction(1, 100), Fraction(1, 2), Fraction(9, 10), Fraction(99, 100),
                                 Fraction(9999, 10000)])
def test_erlang_c_matches_exact_rational(c, rho):
    a = rho * c
    exact = _erlang_c_exact(a, c)
    got = erlang_c(float(a), c)
    assert got == pytest.approx(float(exact), rel=1e-13)
    wait = mmc_wait_time(Q_(float(a), "1/s"), "1 1/s", c).to("s").m
    assert wait == pytest.approx(float(exact / (c - a)), rel=1e-12)


def _erlang_c_decimal(a: float, c: int) -> float:
    """Erlang C from the Erlang B recurrence 1/B_k = 1 + (k/a) / B_{k-1}, in 50-digit decimals."""
    with localcontext() as ctx:
        ctx.prec = 50
        ad = Decimal(a)  # the exact binary value of a
        inv_b = Decimal(1)
        for k in range(1, c + 1):
            inv_b = 1 + (Decimal(k) / ad) * inv_b
        b = 1 / inv_b
        rho = ad / c
        return float(b / (1 - rho + rho * b))


@pytest.mark.parametrize("c", [1000, 5000, 20000])
@pytest.mark.parametrize("rho", [0.5, 0.9, 0.99, 0.999, 0.9999, 1 - 1e-6])
def test_erlang_c_thousands_of_servers_near_saturation(c, rho):
    a = rho * c
    ref = _erlang_c_decimal(a, c)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow, underflow or invalid-value warnings
        got = erlang_c(a, c)
    assert got == pytest.approx(ref, rel=1e-11)


def test_erlang_c_a_million_servers():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tiny = erlang_c(0.5e6, 10**6)          # true value ~ e^{-153,000}: underflows to 0, no NaN
        near = erlang_c(1e6 - 1.0, 10**6)      # rho = 1 - 1e-6
        wait = mmc_wait_time(Q_(1e6 - 1.0, "1/s"), "1 1/s", 10**6)
    assert tiny == 0.0
    assert 0.99 < near < 1.0                   # heavy traffic: C -> 1 as (1 - rho) sqrt(c) -> 0
    assert np.isfinite(wait.m) and wait.m > 0


# =========================================================================== open latency


def test_open_latency_mm1_hand_calculation():
    # one MDS as M/M/1: service 1/50,000 s = 20 us; at rho = 0.9 Wq = 180 us; open = 3 x 200 us = 600 us
    t = open_latency("45000 1/s", threads=1)
    assert t.utilization == pytest.approx(0.9)
    assert t.service_time.to("us").m == pytest.approx(20)
    assert t.queue_wait.to("us").m == pytest.approx(180)
    assert t.latency.to("us").m == pytest.approx(600)
    assert t.slowdown == pytest.approx(10)


def test_open_latency_two_servers_split_the_demand():
    # 2 MDS, 90,000 ops/s: each M/M/1 at 45,000/s of 50,000/s -> the same 600 us
    t = open_latency("90000 1/s", threads=1, servers=2)
    assert t.latency.to("us").m == pytest.approx(600)
    over = open_latency("120000 1/s", threads=4, servers=2)
    assert over.utilization == pytest.approx(1.2) and over.latency.m == np.inf


# =========================================================================== properties

RATES = quantities("1/s", 1.0, 1e7, units=["1/s", "1/min", "1/h"])


@given(RATES, st.floats(0.01, 100.0), st.integers(1, 16), st.floats(0.0, 1.0))
def test_utilization_linear_in_demand(demand, k, servers, efficiency):
    one = mds_saturation(demand, servers=servers, scaling_efficiency=efficiency)
    scaled = mds_saturation(demand * k, servers=servers, scaling_efficiency=efficiency)
    assert scaled.utilization == pytest.approx(k * one.utilization, rel=1e-12)
    assert scaled.capacity == one.capacity


@given(RATES, st.floats(0.05, 1.0), st.floats(0.1, 1.0))
def test_servers_needed_is_the_smallest_that_suffices(demand, efficiency, target):
    n = mds_saturation(demand, scaling_efficiency=efficiency, target_utilization=target).servers_needed
    enough = mds_saturation(demand, servers=n, scaling_efficiency=efficiency)
    assert enough.utilization <= target * (1 + 1e-9)
    if n > 1:
        fewer = mds_saturation(demand, servers=n - 1, scaling_efficiency=efficiency)
        assert fewer.utilization > target * (1 - 1e-9)


@given(st.integers(1, 64), quantities("1/s", 0.01, 100.0), st.floats(0.5, 4.0), st.integers(1, 8))
def test_max_accelerators_is_the_last_count_that_fits(workers, opens, ops, servers):
    n = max_accelerators(workers, opens, ops_per_open=ops, servers=servers)
    capacity = servers * 50_000
    if n >= 1:
        assert metadata_demand(n, workers, opens, ops).m <= capacity * (1 + 1e-9)
    assert metadata_demand(n + 1, workers, opens, ops).m > capacity * (1 - 1e-9)


@given(magnitudes(0.0, 5000.0), magnitudes(0.1, 100.0, log_uniform=True), st.integers(1, 300))
def test_more_servers_never_raise_wait(lam, mu, c):
    w1 = mmc_wait_time(Q_(lam, "1/s"), Q_(mu, "1/s"), c).m
    w2 = mmc_wait_time(Q_(lam, "1/s"), Q_(mu, "1/s"), c + 1).m
    assert w2 <= w1 * (1 + 1e-12) or w1 == np.inf


@given(magnitudes(0.0, 5000.0), magnitudes(0.1, 100.0, log_uniform=True), st.integers(1, 300))
def test_wait_finite_exactly_when_utilization_below_one(lam, mu, c):
    w = mmc_wait_time(Q_(lam, "1/s"), Q_(mu, "1/s"), c).m
    rho = lam / mu / c
    assert np.isfinite(w) == (rho < 1)
    assert w >= 0


@given(st.integers(1, 500), st.integers(1, 50))
def test_wait_infinite_at_exact_saturation(c, mu):
    # lambda = c mu exactly (integers): utilization 1
    assert mmc_wait_time(Q_(float(c * mu), "1/s"), Q_(float(mu), "1/s"), c).m == np.inf


@given(magnitudes(0.0, 1e4), magnitudes(0.0, 1e4), st.integers(1, 200))
def test_wait_grows_with_arrivals(l1, l2, c):
    lo, hi = sorted((l1, l2))
    w_lo = mmc_wait_time(Q_(lo, "1/s"), "100 1/s", c).m
    w_hi = mmc_wait_time(Q_(hi, "1/s"), "100 1/s", c).m
    assert w_hi >= w_lo * (1 - 1e-12)


@given(magnitudes(0.0, 1000.0), st.integers(1, 1000))
def test_erlang_c_is_a_probability(a, c):
    p = erlang_c(a, c)
    assert 0.0 <= p <= 1.0


@given(magnitudes(0.0, 80_000.0), st.integers(1, 64))
def test_open_latency_finite_exactly_below_saturation(demand, threads):
    t = open_latency(Q_(demand, "1/s"), threads=threads)
    assert np.isfinite(t.latency.m) == (t.utilization < 1)
    assert t.slowdown >= 1


# ---------------------------------------------------------------- vectorised == element-wise


def _assert_same(vector_value, scalar_value):
    if hasattr(scalar_value, "units"):
        assert vector_value.units == scalar_value.units
        vector_value, scalar_value = vector_value.m, scalar_value.m
    if isinstance(scalar_value, (str, bool, np.bool_)):
        assert vector_value == scalar_value
    else:
        assert float(vector_value) == pytest.approx(float(scalar_value), rel=1e-14, abs=0)


def _assert_record_row(record, i, scalar_record):
    row = record[i]
    for f in attrs.fields(type(scalar_record)):
        _assert_same(getattr(row, f.name), getattr(scalar_record, f.name))


N = st.integers(1, 5)


@given(st.data())
def test_vectorised_equals_elementwise(data):
    n = data.draw(N)
    counts = hnp.arrays(np.int64, (n,), elements=st.integers(1, 64))
    lam = data.draw(magnitudes(0.0, 3000.0, shape=(n,)))
    mu = data.draw(magnitudes(1.0, 100.0, shape=(n,)))
    c = data.draw(counts)
    gpus, workers, servers = data.draw(counts), data.draw(counts), data.draw(counts)
    opens = data.draw(magnitudes(0.0, 100.0, shape=(n,)))
    eff = data.draw(magnitudes(0.0, 1.0, shape=(n,)))
    spf = data.draw(magnitudes(1.0, 1e4, shape=(n,)))
    demand = data.draw(magnitudes(0.0, 1e7, shape=(n,)))

    wait = mmc_wait_time(Q_(lam, "1/s"), Q_(mu, "1/s"), c)
    ec = erlang_c(lam / mu, c)
    dem = metadata_demand(gpus, workers, Q_(opens, "1/s"))
    sat = mds_saturation(Q_(demand, "1/s"), servers=servers, scaling_efficiency=eff)
    mx = max_accelerators(workers, Q_(opens, "1/s"), servers=servers, scaling_efficiency=eff)
    lay = layout_demand(Q_(demand, "1/s"), samples_per_file=spf)
    wall = scaling_wall(Q_(demand + 1.0, "B/s"), "1 TB/s", workers, Q_(opens, "1/s"),
                        network_bandwidth=Q_(spf, "GB/s"), servers=servers)
    lat = open_latency(Q_(demand / 100, "1/s"), threads=c, servers=servers, scaling_efficiency=eff)
    pre = prefix_load(Q_(demand, "1/s"), prefixes=servers)
    for i in range(n):
        _assert_same(wait[i], mmc_wait_time(Q_(lam[i], "1/s"), Q_(mu[i], "1/s"), int(c[i])))
        _assert_same(ec[i], erlang_c(lam[i] / mu[i], int(c[i])))
        _assert_same(dem[i], metadata_demand(int(gpus[i]), int(workers[i]), Q_(opens[i], "1/s")))
        _assert_record_row(sat, i, mds_saturation(Q_(demand[i], "1/s"), servers=int(servers[i]),
                                                  scaling_efficiency=eff[i]))
        _assert_same(mx[i], max_accelerators(int(workers[i]), Q_(opens[i], "1/s"), servers=int(servers[i]),
                                             scaling_efficiency=eff[i]))
        _assert_record_row(lay, i, layout_demand(Q_(demand[i], "1/s"), samples_per_file=spf[i]))
        _assert_record_row(wall, i, scaling_wall(Q_(demand[i] + 1.0, "B/s"), "1 TB/s", int(workers[i]),
                                                 Q_(opens[i], "1/s"), network_bandwidth=Q_(spf[i], "GB/s"),
                                                 servers=int(servers[i])))
        _assert_record_row(lat, i, open_latency(Q_(demand[i] / 100, "1/s"), threads=int(c[i]),
                                                servers=int(servers[i]), scaling_efficiency=eff[i]))
        _assert_record_row(pre, i, prefix_load(Q_(demand[i], "1/s"), prefixes=int(servers[i])))


def test_records_broadcast_to_a_grid():
    s = mds_saturation(Q_(np.array([1e4, 1e5, 1e6]), "1/s"), servers=np.array([[1], [2]]))
    assert s.shape == (2, 3)
    assert s.overloaded.tolist() == [[False, True, True], [False, False, True]]
    w = scaling_wall("80 MB/s", "1344 GB/s", 8, Q_(np.array([50.0, 0.2, 0.0]), "1/s"))
    assert w.first_wall.tolist() == ["metadata", "metadata", "storage"]
    assert "MdsSaturation" in str(s) and "first_wall" in str(w)


# =========================================================================== bad input

GOOD = {
    metadata_demand: dict(accelerators=4096, workers_per_accelerator=8, opens_per_worker="50 1/s"),
    file_open_rate: dict(sample_rate="50 1/s", samples_per_file=250),
    layout_demand: dict(sample_rate="50 1/s", samples_per_file=1, store="posix"),
    mds_saturation: dict(demand="1e5 1/s", servers=2, scaling_efficiency=0.9, target_utilization=0.8),
    max_accelerators: dict(workers_per_accelerator=8, opens_per_worker="50 1/s", servers=2),
    scaling_wall: dict(per_accelerator_bandwidth="80 MB/s", storage_bandwidth="1344 GB/s",
                       workers_per_accelerator=8, opens_per_worker="50 1/s", network_bandwidth="1200 GB/s"),
    erlang_c: dict(offered_load=1.0, servers=2),
    mmc_wait_time: dict(arrival_rate="1 1/s", service_rate="1 1/s", servers=2),
    open_latency: dict(demand="1e4 1/s", threads=4, servers=1),
    prefix_load: dict(request_rate="1e4 1/s", prefixes=2, method="GET"),
}

BAD = [
    # (function, kwargs, exception, parameter named): the shared format of tests/_helpers.py
    (metadata_demand, vary(GOOD, metadata_demand, opens_per_worker=50), UnitError, "opens_per_worker"),                 # bare number
    (metadata_demand, vary(GOOD, metadata_demand, opens_per_worker="50 MB/s"), UnitError, "opens_per_worker"),          # a bandwidth, not a rate
    (metadata_demand, vary(GOOD, metadata_demand, opens_per_worker="-1 1/s"), DomainError, "opens_per_worker"),
    (metadata_demand, vary(GOOD, metadata_demand, accelerators=0), DomainError, "accelerators"),
    (metadata_demand, vary(GOOD, metadata_demand, accelerators=2.5), DomainError, "accelerators"),                  # not whole
    (metadata_demand, vary(GOOD, metadata_demand, workers_per_accelerator=np.nan), DomainError, "workers_per_accelerator"),
    (metadata_demand, vary(GOOD, metadata_demand, ops_per_open=-1), DomainError, "ops_per_open"),
    (metadata_demand, vary(GOOD, metadata_demand, ops_per_open="3 s"), UnitError, "ops_per_open"),
    (file_open_rate, vary(GOOD, file_open_rate, sample_rate="50 s"), UnitError, "sample_rate"),
    (file_open_rate, vary(GOOD, file_open_rate, samples_per_file=0.5), DomainError, "samples_per_file"),               # below one sample
    (file_open_rate, vary(GOOD, file_open_rate, sample_rate=Q_(np.array([1.0, np.inf]), "1/s")), DomainError, "sample_rate"),
    (layout_demand, vary(GOOD, layout_demand, store="s3"), DomainError, "store"),
    (layout_demand, vary(GOOD, layout_demand, samples_per_file="250 B"), UnitError, "samples_per_file"),
    (mds_saturation, vary(GOOD, mds_saturation, demand=1e5), UnitError, "demand"),
    (mds_saturation, vary(GOOD, mds_saturation, demand="1e5 B"), UnitError, "demand"),
    (mds_saturation, vary(GOOD, mds_saturation, demand=Q_(np.array([1.0, -1.0]), "1/s")), DomainError, "demand"),
    (mds_saturation, vary(GOOD, mds_saturation, servers=0), DomainError, "servers"),
    (mds_saturation, vary(GOOD, mds_saturation, scaling_efficiency=1.5), DomainError, "scaling_efficiency"),             # fraction above 1
    (mds_saturation, vary(GOOD, mds_saturation, target_utilization=0.0), DomainError, "target_utilization"),             # must be positive
    (mds_saturation, vary(GOOD, mds_saturation, target_utilization=1.2), DomainError, "target_utilization"),
    (mds_saturation, vary(GOOD, mds_saturation, server=hardware.S3_STANDARD), UnitError, "server"),          # not a MetadataServer
    (mds_saturation, vary(GOOD, mds_saturation, server="NO_SUCH_MDS"), DomainError, "server"),
    (max_accelerators, vary(GOOD, max_accelerators, opens_per_worker="nan 1/s"), DomainError, "opens_per_worker"),
    (max_accelerators, vary(GOOD, max_accelerators, workers_per_accelerator=-8), DomainError, "workers_per_accelerator"),
    (scaling_wall, vary(GOOD, scaling_wall, per_accelerator_bandwidth="0 MB/s"), DomainError, "per_accelerator_bandwidth"),   # zero where positive is needed
    (scaling_wall, vary(GOOD, scaling_wall, storage_bandwidth="1344 GB"), UnitError, "storage_bandwidth"),
    (scaling_wall, vary(GOOD, scaling_wall, network_bandwidth=1200), UnitError, "network_bandwidth"),
    (erlang_c, vary(GOOD, erlang_c, offered_load=-0.5), DomainError, "offered_load"),
    (erlang_c, vary(GOOD, erlang_c, offered_load="1 1/s"), UnitError, "offered_load"),                       # Erlangs are plain numbers
    (erlang_c, vary(GOOD, erlang_c, servers=0), DomainError, "servers"),
    (mmc_wait_time, vary(GOOD, mmc_wait_time, service_rate="0 1/s"), DomainError, "service_rate"),
    (mmc_wait_time, vary(GOOD, mmc_wait_time, arrival_rate="1 s"), UnitError, "arrival_rate"),
    (mmc_wait_time, vary(GOOD, mmc_wait_time, arrival_rate=None), UnitError, "arrival_rate"),
    (mmc_wait_time, vary(GOOD, mmc_wait_time, servers=1.5), DomainError, "servers"),
    (open_latency, vary(GOOD, open_latency, threads=0), DomainError, "threads"),
    (open_latency, vary(GOOD, open_latency, demand="inf 1/s"), DomainError, "demand"),
    (open_latency, vary(GOOD, open_latency, scaling_efficiency=-0.1), DomainError, "scaling_efficiency"),
    (prefix_load, vary(GOOD, prefix_load, method="POST"), DomainError, "method"),
    (prefix_load, vary(GOOD, prefix_load, prefixes=0), DomainError, "prefixes"),
    (prefix_load, vary(GOOD, prefix_load, store=hardware.LUSTRE_MDS), UnitError, "store"),
]


@pytest.mark.parametrize("row", rows(BAD, GOOD), ids=lambda r: r.id)
def test_bad_input(row):
    check_row(row)


@pytest.mark.parametrize("fn", list(GOOD), ids=lambda f: f.__name__)
def test_good_rows_are_good(fn):
    fn(**GOOD[fn])


def test_every_public_function_has_a_bad_input_row():
    public = {getattr(md, n) for n in md.__all__ if callable(getattr(md, n)) and not isinstance(getattr(md, n), type)}
    assert public == set(GOOD) == {row[0] for row in BAD}


def test_docstrings_state_formula_and_references():
    for name in md.__all__:
        obj = getattr(md, name)
        if callable(obj) and not isinstance(obj, type):
            doc = obj.__doc__
            assert ".. math::" in doc and "References" in doc and ">>>" in doc, name


@pytest.mark.parametrize("n", [1, 2, 10, 15, 16, 17, 100, 1000])
def test_stirling_error_on_both_sides_of_the_switch(n):
    # ln n! - (n ln n - n + ln sqrt(2 pi n)), e.g. n = 1: 0 - (-1 + 0.9189...) = 0.0810614667953...
    expected = math.lgamma(n + 1) - (n * math.log(n) - n + 0.5 * math.log(2 * math.pi * n))
    assert md._stirling_error(np.array([float(n)]))[0] == pytest.approx(expected, rel=1e-9, abs=1e-15)


def test_no_operations_per_open_cost_nothing_even_when_saturated():
    # m = 0 metadata operations per open: latency m x (W + S) = 0, not 0 x inf = NaN on a saturated server
    # (50,000 ops/s of demand on one 50,000 ops/s MDS: utilization 1, infinite wait)
    out = open_latency("50000 1/s", 8, ops_per_open=0)
    assert out.latency.m == 0.0 and out.utilization == 1.0 and np.isinf(out.queue_wait.m)
    assert open_latency("25000 1/s", 8, ops_per_open=np.array([0.0, 3.0])).latency.m[0] == 0.0
