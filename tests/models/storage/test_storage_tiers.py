"""mlsysim.models.storage, cache tiers: hit fraction, tiered pipeline, cheapest upgrade."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from _helpers import V3, check_row, check_vectorised, rows, same, vary
from mlsysim import Q_, DomainError, UnitError
from mlsysim.models import storage as S
from mlsysim.testing import magnitudes, quantities

# ============================================================ known answers


def test_cache_hit_fraction():
    assert S.cache_hit_fraction("15.36 TB", "50 TB") == pytest.approx(0.3072)
    assert S.cache_hit_fraction("60 TB", "50 TB") == 1.0
    assert S.cache_hit_fraction("0 B", "50 TB") == 0.0


def test_tiered_pipeline_known():
    # NVMe 28 / 0.3 = 93.3 GB/s, S3 1.25 / 0.7 = 1.786 GB/s -> 1.786 GB/s, utilization 1.786 / 4 = 0.446
    t = S.tiered_pipeline("4 GB/s", [("NVMe", "28 GB/s", 0.3), ("S3", "10 Gbit/s", 0.7)])
    assert t.delivered_bandwidth.to("GB/s").m == pytest.approx(1.25 / 0.7)
    assert t.utilization == pytest.approx(1.25 / 0.7 / 4)
    assert t.bottleneck_tier == "S3" and t.starved
    # a tier serving nothing imposes no limit: DRAM at 1 GB/s with fraction 0
    t = S.tiered_pipeline("1 GB/s", [("DRAM", "1 GB/s", 0.0), ("NVMe", "28 GB/s", 1.0)])
    assert t.delivered_bandwidth.to("GB/s").m == pytest.approx(28)
    assert t.utilization == 1.0 and t.bottleneck_tier == "NVMe" and not t.starved


def test_cheapest_upgrade_link_bound():
    # h = 4/50 = 0.08; delivered = min(28/0.08, 1.25/0.92) = 1.359 GB/s; utilization 1.359/4 = 0.3397
    # R = 0.95 x 4 = 3.8 GB/s; needed h = 1 - 1.25/3.8 = 0.671 > 15.36/50 = 0.307 -> the cache cannot help
    # link: (1 - 0.08) x 3.8 = 3.496 GB/s, +2.246 GB/s = +17.97 Gbit/s
    p = S.cheapest_upgrade("4 GB/s", "50 TB", "4 TB", "28 GB/s", "10 Gbit/s", max_cache_capacity="15.36 TB")
    assert p.utilization == pytest.approx(1.25 / 0.92 / 4)
    assert p.needed_hit_fraction == pytest.approx(1 - 1.25 / 3.8)
    assert not p.cache_can_help and p.cache_limited_by == "download link"
    assert np.isinf(p.extra_cache_capacity.m)
    assert p.download_bandwidth_needed.to("GB/s").m == pytest.approx(0.92 * 3.8)
    assert p.extra_download_bandwidth.to("GB/s").m == pytest.approx(0.92 * 3.8 - 1.25)
    assert p.choice == "download bandwidth"
    assert p.cold_utilization == pytest.approx(1.25 / 4)      # first epoch: link alone
    assert p.cache_cost is None and p.download_cost is None


def test_cheapest_upgrade_prices():
    # 10 TB: h = 0.4; needed h 0.671 -> 6.711 TB, +2.711 TB x 0.10 USD/GB = 271 USD
    # link: 0.6 x 3.8 = 2.28 GB/s, +1.03 GB/s = 8.24 Gbit/s x 2,000 USD = 16,480 USD -> cache
    kw = dict(max_cache_capacity="15.36 TB", capacity_price="0.10 USD/GB", bandwidth_price="2000 USD/(Gbit/s)")
    p = S.cheapest_upgrade("4 GB/s", "10 TB", "4 TB", "28 GB/s", "10 Gbit/s", **kw)
    assert p.extra_cache_capacity.to("TB").m == pytest.approx((1 - 1.25 / 3.8) * 10 - 4)
    assert p.cache_cost.to("USD").m == pytest.approx(((1 - 1.25 / 3.8) * 10 - 4) * 1000 * 0.10)
    assert p.download_cost.to("USD").m == pytest.approx(1.03 * 8 * 2000)
    assert p.choice == "cache capacity"
    # without prices both work: "either"
    assert S.cheapest_upgrade("4 GB/s", "10 TB", "4 TB", "28 GB/s", "10 Gbit/s").choice == "either"


@pytest.mark.parametrize(
    "demand, cache_bw, choice, limit",
    [
        ("1 GB/s", "28 GB/s", "none needed", "none"),       # delivered min(70, 2.08) >= 0.95
        ("4 GB/s", "2 GB/s", "download bandwidth", "cache bandwidth"),  # 0.671 x 3.8 = 2.55 > 2 GB/s NVMe
        ("4 GB/s", "1 GB/s", "neither", "cache bandwidth"),  # even today's 0.4 x 3.8 = 1.52 > 1 GB/s
    ],
)
def test_cheapest_upgrade_regimes(demand, cache_bw, choice, limit):
    p = S.cheapest_upgrade(demand, "10 TB", "4 TB", cache_bw, "10 Gbit/s")
    assert p.choice == choice
    assert p.cache_limited_by == limit


# ============================================================ properties


@given(bw=quantities("GB/s", 0.01, 100), factor=magnitudes(1.0, 100.0), f=magnitudes(0.0, 1.0))
def test_more_tier_bandwidth_never_lowers_utilization(bw, factor, f):
    tiers = lambda x: [("NVMe", x, f), ("S3", "10 Gbit/s", 1 - f)]  # noqa: E731
    a = S.tiered_pipeline("4 GB/s", tiers(bw))
    b = S.tiered_pipeline("4 GB/s", tiers(bw * factor))
    assert b.utilization >= a.utilization * (1 - 1e-12)


@given(fracs=st.lists(magnitudes(0.0, 1.0), min_size=1, max_size=4))
def test_tier_fractions_must_sum_to_one(fracs):
    tiers = [(f"t{i}", "1 GB/s", f) for i, f in enumerate(fracs)]
    if abs(sum(fracs) - 1) > 1e-6:
        with pytest.raises(DomainError, match="sum to 1"):
            S.tiered_pipeline("1 GB/s", tiers)
    total = sum(fracs)
    if total > 0:
        normal = [(n, bw, f / total) for n, bw, f in tiers]
        t = S.tiered_pipeline("1 GB/s", normal)
        # delivered = 1 GB/s / max fraction
        assert t.delivered_bandwidth.to("GB/s").m == pytest.approx(1 / max(f for *_, f in normal))


@given(h=magnitudes(0.0, 1.0), demand=quantities("GB/s", 0.1, 100), target=magnitudes(0.05, 1.0))
def test_cheapest_upgrade_reaches_the_target(h, demand, target):
    # applying either proposed change reaches the target on the tiered model
    p = S.cheapest_upgrade(demand, "10 TB", Q_(10 * h, "TB"), "28 GB/s", "10 Gbit/s", target_utilization=target)
    if p.cache_can_help:
        hn = S.cache_hit_fraction(p.cache_capacity_needed, "10 TB")
        t = S.tiered_pipeline(demand, [("NVMe", "28 GB/s", hn), ("S3", "10 Gbit/s", 1 - hn)])
        assert t.utilization >= target * (1 - 1e-6)
    if np.isfinite(p.download_bandwidth_needed.m) and p.download_bandwidth_needed.m > 0:
        t = S.tiered_pipeline(demand, [("NVMe", "28 GB/s", p.hit_fraction),
                                       ("S3", p.download_bandwidth_needed, 1 - p.hit_fraction)])
        assert t.utilization >= target * (1 - 1e-6)


# ============================================================ vectorised == element-wise


def test_tiered_pipeline_vectorised_equals_elementwise():
    bw = V3(7, 28, 56, "GB/s")
    f = np.array([0.0, 0.5, 0.9])
    out = S.tiered_pipeline(V3(1, 4, 10, "GB/s"), [("DRAM", "300 GB/s", 0.1), ("NVMe", bw, f * 0.9),
                                                    ("S3", "10 Gbit/s", 0.9 - f * 0.9)])
    assert out.shape == (3,)
    for i in range(3):
        one = S.tiered_pipeline(Q_([1, 4, 10][i], "GB/s"), [("DRAM", "300 GB/s", 0.1),
                                                           ("NVMe", Q_(bw.m[i], "GB/s"), f[i] * 0.9),
                                                           ("S3", "10 Gbit/s", 0.9 - f[i] * 0.9)])
        same(out[i], one)


# ============================================================ bad input and vectorised == element-wise


GOOD = {
    S.cache_hit_fraction: dict(cache_capacity="4 TB", dataset_size="50 TB"),
    S.tiered_pipeline: dict(demand="4 GB/s", tiers=[("NVMe", "28 GB/s", 0.3), ("S3", "10 Gbit/s", 0.7)]),
    S.cheapest_upgrade: dict(demand="4 GB/s", dataset_size="50 TB", cache_capacity="4 TB", cache_bandwidth="28 GB/s",
                             download_bandwidth="10 Gbit/s", target_utilization=0.95),
}

# (function, kwargs, exception, parameter named): the shared format of tests/_helpers.py
BAD = [
    (S.cache_hit_fraction, vary(GOOD, S.cache_hit_fraction, dataset_size="0 TB"), DomainError, "dataset_size"),
    (S.cache_hit_fraction, vary(GOOD, S.cache_hit_fraction, cache_capacity="4 TB/s"), UnitError, "cache_capacity"),
    (S.tiered_pipeline, vary(GOOD, S.tiered_pipeline, demand="0 GB/s"), DomainError, "demand"),
    (S.tiered_pipeline, vary(GOOD, S.tiered_pipeline, tiers=[]), UnitError, "tiers"),
    (S.tiered_pipeline, vary(GOOD, S.tiered_pipeline, tiers=[("NVMe", "28 GB/s")]), UnitError, "tiers"),
    (S.tiered_pipeline, vary(GOOD, S.tiered_pipeline, tiers=[(1, "28 GB/s", 1.0)]), UnitError, "tiers"),
    (S.tiered_pipeline, vary(GOOD, S.tiered_pipeline, tiers=[("NVMe", 28, 1.0)]), UnitError, "tiers"),
    (S.tiered_pipeline, vary(GOOD, S.tiered_pipeline, tiers=[("NVMe", "28 GB/s", 1.5)]), DomainError, "tiers"),
    (S.tiered_pipeline, vary(GOOD, S.tiered_pipeline, tiers=[("NVMe", "28 GB/s", 0.5), ("S3", "1 GB/s", 0.4)]), DomainError, "tiers"),
    (S.tiered_pipeline, vary(GOOD, S.tiered_pipeline, tiers=[("NVMe", "0 GB/s", 1.0)]), DomainError, "tiers"),
    (S.tiered_pipeline, vary(GOOD, S.tiered_pipeline, tiers=[("NVMe", "28 GB/s", float("nan"))]), DomainError, "tiers"),
    (S.cheapest_upgrade, vary(GOOD, S.cheapest_upgrade, target_utilization=1.2), DomainError, "target_utilization"),
    (S.cheapest_upgrade, vary(GOOD, S.cheapest_upgrade, target_utilization=0.0), DomainError, "target_utilization"),
    (S.cheapest_upgrade, vary(GOOD, S.cheapest_upgrade, dataset_size="0 TB"), DomainError, "dataset_size"),
    (S.cheapest_upgrade, vary(GOOD, S.cheapest_upgrade, download_bandwidth="10 Gbit"), UnitError, "download_bandwidth"),
    (S.cheapest_upgrade, vary(GOOD, S.cheapest_upgrade, cache_capacity="-1 TB"), DomainError, "cache_capacity"),
    (S.cheapest_upgrade, vary(GOOD, S.cheapest_upgrade, bandwidth_price="0.1 USD/GB"), UnitError, "bandwidth_price"),
    (S.cheapest_upgrade, vary(GOOD, S.cheapest_upgrade, capacity_price="2000 USD/(Gbit/s)"), UnitError, "capacity_price"),
    (S.cache_hit_fraction, vary(GOOD, S.cache_hit_fraction, policy="lfu"), DomainError, "policy"),
]


@pytest.mark.parametrize("row", rows(BAD, GOOD), ids=lambda r: r.id)
def test_bad_input(row):
    check_row(row)


VECTOR_CASES = [
    (S.cache_hit_fraction, dict(cache_capacity=V3(0, 4, 60, "TB"), dataset_size="50 TB")),
    (S.cheapest_upgrade, dict(demand=V3(1, 4, 4, "GB/s"), dataset_size=V3(10, 50, 10, "TB"), cache_capacity="4 TB",
                              cache_bandwidth=V3(28, 28, 2, "GB/s"), download_bandwidth="10 Gbit/s",
                              max_cache_capacity="15.36 TB", capacity_price="0.1 USD/GB",
                              bandwidth_price="2000 USD/(Gbit/s)")),
]


@pytest.mark.parametrize("fn, kwargs", VECTOR_CASES, ids=[f.__name__ for f, _ in VECTOR_CASES])
def test_vectorised_equals_elementwise(fn, kwargs):
    check_vectorised(fn, kwargs)
