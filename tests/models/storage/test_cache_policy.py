"""cache_hit_fraction policies against an independent LRU/FIFO simulation, mpmath, and hand values."""

import collections

import mpmath
import numpy as np
import pytest

from mlsysim import Q_
from mlsysim.models import storage as S


def simulate(policy, items, capacity, epochs, warm_epochs=3, seed=0):
    """Hit fraction of an LRU or FIFO cache of ``capacity`` items over shuffled epochs of ``items`` items.

    Written from the definitions of the policies (an ordered dict as the queue), not from the formula.
    """
    rng = np.random.default_rng(seed)
    cache = collections.OrderedDict()
    hits = reads = 0
    for epoch in range(warm_epochs + epochs):
        counting = epoch >= warm_epochs
        for item in rng.permutation(items).tolist():
            if item in cache:
                hits += counting
                if policy == "lru":
                    cache.move_to_end(item)
            else:
                cache[item] = None
                if len(cache) > capacity:
                    cache.popitem(last=False)
            reads += counting
    return hits / reads, reads


@pytest.mark.parametrize("policy", ["lru", "fifo"])
@pytest.mark.parametrize("ratio", [0.1, 0.5, 0.9])
def test_matches_simulation(policy, ratio):
    items = 2000
    epochs = 200 if ratio < 0.2 else 40  # enough hits at C/D = 0.1 (about 10 an epoch) for a tight check
    simulated, reads = simulate(policy, items, int(ratio * items), epochs)
    predicted = S.cache_hit_fraction(Q_(ratio * items, "MB"), Q_(items, "MB"), policy=policy)
    # 5 binomial standard errors (over 8 seeds the spread matched the binomial one) plus a
    # fluid-limit finite-size allowance of 0.25 / items (the bias seen was below 1e-4 at 2000 items)
    tol = 5 * np.sqrt(predicted * (1 - predicted) / reads) + 0.25 / items
    assert abs(simulated - predicted) < tol, (simulated, predicted, tol)


def test_simulation_separates_the_policies():
    # at C/D = 0.5 the closed forms differ by 0.04, far beyond the simulation's noise
    lru, _ = simulate("lru", 2000, 1000, 40)
    fifo, _ = simulate("fifo", 2000, 1000, 40)
    assert fifo - lru > 0.03
    assert S.cache_hit_fraction("1 TB", "2 TB", "fifo") - S.cache_hit_fraction("1 TB", "2 TB", "lru") > 0.03


def test_hand_values():
    # LRU: c + (1 - c) ln(1 - c); 0.5 + 0.5 ln 0.5 = 0.5 - 0.34657 = 0.15343 (the "15 %")
    assert S.cache_hit_fraction("1 TB", "2 TB", policy="lru") == pytest.approx(0.5 + 0.5 * np.log(0.5), rel=1e-12)
    # 0.1 + 0.9 ln 0.9 = 0.1 - 0.094825 = 0.0051755
    assert S.cache_hit_fraction("1 TB", "10 TB", policy="lru") == pytest.approx(0.0051755, rel=1e-4)
    # FIFO below 1 - 1/e: -ln(1 - c) - c; ln 2 - 0.5 = 0.19315
    assert S.cache_hit_fraction("1 TB", "2 TB", policy="fifo") == pytest.approx(0.19315, rel=1e-4)
    # FIFO above 1 - 1/e: 1 - (e - 1)(1 - c); c = 0.9: 1 - 0.171828 = 0.828172
    assert S.cache_hit_fraction("9 TB", "10 TB", policy="fifo") == pytest.approx(0.828172, rel=1e-6)
    # the two FIFO branches meet at c = 1 - 1/e with h = 1/e
    knee = 1 - np.exp(-1)
    below = S.cache_hit_fraction(Q_(knee * (1 - 1e-12), "TB"), "1 TB", policy="fifo")
    above = S.cache_hit_fraction(Q_(knee * (1 + 1e-12), "TB"), "1 TB", policy="fifo")
    assert below == pytest.approx(np.exp(-1), rel=1e-9) and above == pytest.approx(np.exp(-1), rel=1e-9)


@pytest.mark.parametrize("policy", ["static", "lru", "fifo"])
def test_limits(policy):
    assert S.cache_hit_fraction("0 B", "1 TB", policy) == 0.0
    assert S.cache_hit_fraction("1 TB", "1 TB", policy) == 1.0
    assert S.cache_hit_fraction("3 TB", "1 TB", policy) == 1.0


def test_ordering_static_fifo_lru_and_monotone():
    c = np.linspace(0, 1, 201)
    static = S.cache_hit_fraction(Q_(c, "TB"), "1 TB")
    lru = S.cache_hit_fraction(Q_(c, "TB"), "1 TB", "lru")
    fifo = S.cache_hit_fraction(Q_(c, "TB"), "1 TB", "fifo")
    assert np.all(lru <= fifo + 1e-15) and np.all(fifo <= static + 1e-15)
    for h in (lru, fifo):
        assert np.all(np.diff(h) >= 0)


@pytest.mark.parametrize("c", [1e-12, 1e-6, 3e-3, 9.9e-3, 1.01e-2, 0.3, 0.7, 0.999999])
def test_against_mpmath(c):
    mpmath.mp.dps = 50
    cm = mpmath.mpf(c)
    lru = cm + (1 - cm) * mpmath.log(1 - cm)
    e = mpmath.e
    fifo = -mpmath.log(1 - cm) - cm if cm <= 1 - 1 / e else 1 - (e - 1) * (1 - cm)
    got_lru = S.cache_hit_fraction(Q_(c, "TB"), "1 TB", "lru")
    got_fifo = S.cache_hit_fraction(Q_(c, "TB"), "1 TB", "fifo")
    assert got_lru == pytest.approx(float(lru), rel=1e-12)
    assert got_fifo == pytest.approx(float(fifo), rel=1e-12)


def test_vectorised_equals_elementwise():
    caps = Q_(np.array([[0.0, 0.05, 0.5], [0.7, 1.0, 2.0]]), "TB")
    for policy in ("static", "lru", "fifo"):
        out = S.cache_hit_fraction(caps, "1 TB", policy)
        assert out.shape == (2, 3)
        for idx in np.ndindex(2, 3):
            assert out[idx] == S.cache_hit_fraction(caps[idx], "1 TB", policy)


@pytest.mark.parametrize("policy", ["lru", "fifo"])
def test_broadcasting_over_both_sizes(policy):
    caps = Q_(np.array([[0.0], [3.0], [9.0]]), "TB")
    data = Q_(np.array([1.0, 10.0, 40.0]), "TB")
    out = S.cache_hit_fraction(caps, data, policy)
    assert out.shape == (3, 3)
    for i in range(3):
        for j in range(3):
            assert out[i, j] == S.cache_hit_fraction(caps[i, 0], data[j], policy)


def exact_lru(items, capacity):
    """Exact steady-state LRU hit fraction for ``items`` items under shuffled epochs (finite, no fluid limit).

    Counted from stack distances: the item at position j of this epoch sat r-th from the end of the
    previous one; the distinct items read since are the j - 1 of this epoch plus the r - 1 after it in
    the previous epoch, minus H of them read twice, H ~ Hypergeometric(items - 1, r - 1, j - 1). LRU
    hits iff that count is at most capacity - 1.
    """
    from scipy.stats import hypergeom

    # H <= min(j, r) - 1, so positions j or r beyond capacity never hit
    r = np.arange(1, capacity + 1)[None, :]
    j = np.arange(1, capacity + 1)[:, None]
    need = (j - 1) + (r - 1) - (capacity - 1)  # H must be at least this
    return hypergeom.sf(need - 1, items - 1, r - 1, j - 1).sum() / items**2


@pytest.mark.parametrize("items", [200, 400])
@pytest.mark.parametrize("ratio", [0.1, 0.5, 0.9])
def test_lru_fluid_limit_against_the_exact_finite_count(items, ratio):
    capacity = int(ratio * items)
    exact = exact_lru(items, capacity)
    fluid = S.cache_hit_fraction(Q_(capacity, "GB"), Q_(items, "GB"), "lru")
    # the fluid limit is a little low, by about 1 / capacity relative (C/D = 0.1: 4.6 % at 200 items,
    # 0.48 % at 2000, 0.05 % at 20000); it converges as the item count grows
    assert fluid <= exact
    assert exact - fluid <= exact / capacity
