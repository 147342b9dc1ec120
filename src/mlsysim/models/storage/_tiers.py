"""Storage: tiers (private; the public path is mlsysim.models.storage)."""


from __future__ import annotations

from typing import Any, Sequence

import attrs
import numpy as np

from ..._arrays import select, smallest
from ..._export import exporter
from ..._records import Record, renamed_field, unit_field
from ..._validate import (
    Bandwidth,
    Choice,
    Number,
    Optional,
    Price,
    Size,
    check,
    validated,
)
from ...errors import DomainError, UnitError
from ._common import (
    _BPS,
    _RTOL,
    _USD,
    _divide,
    _f,
    _PriceBandwidth,
    _q,
)

__all__: list[str] = []
export = exporter(__all__)

@export
@validated(cache_capacity=Size(), dataset_size=Size(positive=True), policy=Choice("static", "lru", "fifo"))
def cache_hit_fraction(cache_capacity, dataset_size, policy="static"):
    r"""Fraction of reads a warm cache serves when every epoch reads the dataset in a fresh random order.

    With ``c = C / D`` (cache over dataset),

    .. math::

        h_\text{static} &= \min(1, c) \\
        h_\text{LRU} &= c + (1 - c)\ln(1 - c) \\
        h_\text{FIFO} &= \begin{cases} -\ln(1 - c) - c & c \le 1 - 1/e \\
                                       1 - (e - 1)(1 - c) & c \ge 1 - 1/e \end{cases}

    and ``h = 1`` for ``c >= 1`` under every policy.

    Parameters
    ----------
    cache_capacity : Quantity [data size]
        Cache size ``C`` (local NVMe, DRAM page cache).
    dataset_size : Quantity [data size]
        Dataset size ``D``.
    policy : {"static", "lru", "fifo"}
        ``"static"``: the cache holds a fixed ``C`` bytes of the dataset and
        evicts nothing within an epoch (a pinned cache, a cache filled once).
        ``"lru"``: least-recently-used eviction (the Linux page cache, most
        block caches).  ``"fifo"``: first-in-first-out eviction (hits do not
        refresh an item).

    Returns
    -------
    float or ndarray
        Steady-state fraction of reads served by the cache.

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    Every epoch reads each of the ``D`` items once, in a fresh uniformly
    random order (per-epoch shuffling); items have equal size; the cache is
    warm (after the first epoch, which hits nothing).  The evicting formulas
    are the fluid limit of many items; they are low by about ``1 / C``
    relative for a cache of ``C`` items (LRU at ``c = 0.1``: 0.48 % low for
    2,000 items, 0.05 % for 20,000, against the exact finite count of the
    tests).  Write ``a`` for the fraction of the epoch done.

    *LRU.*  At the start of an epoch the cache holds the last ``cD`` items of
    the previous epoch.  An item read at ``a`` was last read a fraction ``y``
    from the end of the previous epoch (``y`` uniform, independent of ``a``).
    Since then ``aD`` items of this epoch were read, all of them now more
    recent, and the ``yD`` items of the previous epoch's tail minus those of
    them read again, ``a y D``: it is still cached iff
    ``a + y - a y <= c``, i.e. ``y <= (c - a) / (1 - a)``.  Integrating over
    ``a`` from 0 to ``c`` gives ``c + (1 - c) ln(1 - c)``: 15.3 % at
    ``c = 0.5`` and 0.52 % at ``c = 0.1`` (about ``c^2 / 2``), because the
    items just read, which will not be read again this epoch, are the ones
    LRU keeps.

    *FIFO.*  Items inserted during an epoch were read in it and will not hit
    again before it ends, so every hit is to an item that was queued when the
    epoch began.  With ``m(a)`` the misses so far (as a fraction of ``D``),
    the item at queue rank ``r`` (0 newest) is still there while
    ``r + m(a) < c``, so a read at ``a`` hits with probability
    ``h(a) = max(0, c - m(a))`` whatever the queue held, and
    ``m' = 1 - h``.  Thus ``m = (1 - c)(e^a - 1)``, ``h(a) = 1 - (1 - c) e^a``
    until ``a^* = -ln(1 - c)``; integrating to ``min(a^*, 1)`` gives the two
    branches.  FIFO beats LRU here (19.3 % at ``c = 0.5``): a hit does not
    promote an item that is dead for the rest of the epoch.

    ``"static"`` is the upper bound that a cache which never evicts reaches
    (and an optimal policy approaches); the evicting formulas are what an
    unmodified page cache delivers.  Small ``c`` uses the series
    ``sum c^n / (n (n - 1))`` (LRU) and ``sum c^n / n`` (FIFO), ``n >= 2``,
    to avoid cancellation.

    References
    ----------
    .. [1] A. Kumar and M. Sivathanu, "Quiver: An Informed Storage Cache for
       Deep Learning", FAST 2020 (LRU thrashes under shuffled epochs).
    .. [2] J. Mohan et al., "Analyzing and Mitigating Data Stalls in DNN
       Training", VLDB 2021 (the page cache under per-epoch shuffling; MinIO).

    Examples
    --------
    >>> cache_hit_fraction("15.36 TB", "50 TB")
    0.3072
    >>> round(cache_hit_fraction("25 TB", "50 TB", policy="lru"), 4)
    0.1534
    >>> round(cache_hit_fraction("25 TB", "50 TB", policy="fifo"), 4)
    0.1931
    """
    c = np.minimum(1.0, cache_capacity.m / dataset_size.m)
    if policy == "static":
        return _f(c)
    return _f(_lru_hits(c) if policy == "lru" else _fifo_hits(c))


_SERIES_BELOW = 1e-2
_SERIES_TERMS = range(2, 10)  # c**10 / c**2 < 1e-16 for c < 1e-2


def _lru_hits(c):
    """``c + (1 - c) ln(1 - c)`` for ``c`` in [0, 1], stable near 0 and exact 1 at 1."""
    small = c < _SERIES_BELOW
    cs = np.where(small, c, 0.0)
    series = sum(cs ** n / (n * (n - 1)) for n in _SERIES_TERMS)
    one_minus = 1.0 - c
    with np.errstate(divide="ignore", invalid="ignore"):
        closed = c + np.where(one_minus > 0, one_minus * np.log(np.where(one_minus > 0, one_minus, 1.0)), 0.0)
    return np.where(small, series, closed)


_FIFO_KNEE = 1.0 - np.exp(-1.0)


def _fifo_hits(c):
    """``-ln(1 - c) - c`` up to ``1 - 1/e``, then ``1 - (e - 1)(1 - c)``, stable near 0."""
    small = c < _SERIES_BELOW
    cs = np.where(small, c, 0.0)
    series = sum(cs ** n / n for n in _SERIES_TERMS)
    early = np.minimum(c, _FIFO_KNEE)
    closed = np.where(c <= _FIFO_KNEE, -np.log1p(-early) - early, 1.0 - np.expm1(1.0) * (1.0 - c))
    return np.where(small, series, closed)


@export
@attrs.frozen
class TieredPipeline(Record):
    """What a set of concurrent storage tiers delivers.

    Attributes
    ----------
    demand : Quantity [bandwidth]
        What the consumers ask for.
    delivered_bandwidth : Quantity [bandwidth]
        ``min_i(bandwidth_i / fraction_i)``: the rate at which every tier keeps up with its share.
    utilization : float or ndarray
        ``min(1, delivered / demand)``.
    bottleneck_tier : str or ndarray of str
        Name of the tier, or of the series stage, that sets the delivered bandwidth.
    starved : bool or ndarray
        The tiers deliver less than the demand.
    """

    demand: Any
    delivered_bandwidth: Any
    utilization: Any
    bottleneck_tier: Any
    starved: Any


_TIER_BANDWIDTH = Bandwidth(positive=True, inf_ok=True)
_TIER_FRACTION = Number(minimum=0.0, maximum=1.0, signed=False, what="a fraction in [0, 1]")


def _parse_tiers(tiers: Any, where: str) -> tuple[list[str], list[Any], list[Any]]:
    """Validate ``(name, bandwidth, fraction)`` tiers; fractions must sum to one."""
    if isinstance(tiers, (str, bytes)) or not isinstance(tiers, Sequence) or len(tiers) == 0:
        raise UnitError(f"{where} expects a non-empty sequence of (name, bandwidth, fraction) tuples; "
                        f"got {tiers!r:.100}")
    names, bws, fracs = [], [], []
    for i, tier in enumerate(tiers):
        if isinstance(tier, (str, bytes)) or not isinstance(tier, Sequence) or len(tier) != 3 \
                or not isinstance(tier[0], str):
            raise UnitError(f"{where}[{i}] expects a (name: str, bandwidth, fraction) tuple; got {tier!r:.100}")
        names.append(tier[0])
        bws.append(check(tier[1], _TIER_BANDWIDTH, f"{where}[{i}] ({tier[0]!r}) bandwidth").m)
        fracs.append(check(tier[2], _TIER_FRACTION, f"{where}[{i}] ({tier[0]!r}) fraction"))
    total = sum(fracs)
    bad = np.abs(np.asarray(total) - 1.0) > _RTOL
    if np.any(bad):
        first = np.asarray(total)[bad].ravel()[0] if np.ndim(total) else total
        raise DomainError(f"{where}: the tier fractions must sum to 1; they sum to {float(first)!r}")
    return names, bws, fracs


def _parse_series(series: Any, where: str) -> tuple[list[str], list[Any], list[Any]]:
    """Validate ``(name, bandwidth)`` or ``(name, bandwidth, fraction)`` series stages."""
    if series is None:
        return [], [], []
    if isinstance(series, (str, bytes)) or not isinstance(series, Sequence):
        raise UnitError(f"{where} expects a sequence of (name, bandwidth[, fraction]) tuples; got {series!r:.100}")
    names, bws, fracs = [], [], []
    for i, stage in enumerate(series):
        if isinstance(stage, (str, bytes)) or not isinstance(stage, Sequence) or len(stage) not in (2, 3) \
                or not isinstance(stage[0], str):
            raise UnitError(f"{where}[{i}] expects a (name: str, bandwidth[, fraction]) tuple; got {stage!r:.100}")
        names.append(stage[0])
        bws.append(check(stage[1], _TIER_BANDWIDTH, f"{where}[{i}] ({stage[0]!r}) bandwidth").m)
        frac = stage[2] if len(stage) == 3 else 1.0
        fracs.append(check(frac, _TIER_FRACTION, f"{where}[{i}] ({stage[0]!r}) fraction"))
    return names, bws, fracs


@export
@validated(demand=Bandwidth(positive=True))
def tiered_pipeline(demand, tiers, series=None):
    r"""Bandwidth delivered by storage tiers serving shares of the bytes, behind series stages.

    The tiers serve disjoint shares of the bytes concurrently, behind the stages the bytes cross on their way (a NIC, the host-to-accelerator link).

    .. math::

        B_\text{delivered} = \min\left(\min_i \frac{B_i}{f_i},\ \min_j \frac{S_j}{g_j}\right),
        \qquad \sum_i f_i = 1, \qquad
        U = \min\left(1, \frac{B_\text{delivered}}{D}\right)

    Parameters
    ----------
    demand : Quantity [bandwidth]
        What the consumers read per second when never starved.
    tiers : sequence of (str, bandwidth, fraction)
        Ordered fastest first, e.g. ``[("DRAM", "300 GB/s", 0.1), ("NVMe",
        "28 GB/s", 0.5), ("S3", "10 Gbit/s", 0.4)]``: each tier's name, the
        bandwidth it delivers, and the fraction of the bytes it serves.  The
        fractions must sum to 1; a tier with fraction 0 imposes no limit.
        Bandwidths and fractions may be arrays that broadcast.
    series : sequence of (str, bandwidth) or (str, bandwidth, fraction), optional
        Stages in series with the tiers: each stage's name, its bandwidth
        ``S_j`` and the fraction ``g_j`` of all bytes that cross it (default
        1: every byte, e.g. ``("PCIe", "64 GB/s")``; a NIC that only the
        remote tiers use carries their fractions' sum, e.g. ``("NIC",
        "25 GB/s", 0.4)``).  A stage with fraction 0 imposes no limit.

    Returns
    -------
    TieredPipeline
        ``bottleneck_tier`` names the tier or series stage that sets the
        delivered bandwidth.

    Raises
    ------
    UnitError
        A malformed tier or stage, a bare number or wrong dimension for a bandwidth.
    DomainError
        Fractions outside [0, 1] or tier fractions not summing to 1 (within
        1e-9), NaN, a bandwidth that is not positive.

    Notes
    -----
    The tiers work in parallel: to deliver ``X`` bytes per second, tier ``i``
    must serve ``f_i X``, so each tier caps ``X`` at ``B_i / f_i``.  A series
    stage carries ``g_j X`` and caps ``X`` at ``S_j / g_j`` whatever the tiers
    do; with ``g_j = 1`` it is the classic slowest-stage bound.  Stages are
    assumed to pipeline (streaming transfers overlap), so the bound is a
    minimum, not a sum of times.  Ties go to the tier listed first, then to
    the stage listed first.  Use :func:`cache_hit_fraction` for the fractions.

    References
    ----------
    .. [1] Machine Learning Systems, Vol. 2, Lab 04: Data Storage ("Sizing the Pipeline").

    Examples
    --------
    >>> t = tiered_pipeline("4 GB/s", [("NVMe", "28 GB/s", 0.3), ("S3", "10 Gbit/s", 0.7)])
    >>> round(t.delivered_bandwidth.to("GB/s").m, 3), round(t.utilization, 3), t.bottleneck_tier
    (1.786, 0.446, 'S3')

    A host whose 25 Gbit/s NIC carries the 60 % that is remote, behind a
    32 GB/s PCIe link every byte crosses:

    >>> t = tiered_pipeline("4 GB/s", [("NVMe", "28 GB/s", 0.4), ("Lustre", "40 GB/s", 0.6)],
    ...                     series=[("PCIe", "32 GB/s"), ("NIC", "25 Gbit/s", 0.6)])
    >>> round(t.delivered_bandwidth.to("GB/s").m, 3), t.bottleneck_tier
    (5.208, 'NIC')
    """
    names, bws, fracs = _parse_tiers(tiers, "tiered_pipeline(): parameter 'tiers'")
    s_names, s_bws, s_fracs = _parse_series(series, "tiered_pipeline(): parameter 'series'")
    names, bws, fracs = names + s_names, bws + s_bws, fracs + s_fracs
    delivered, which = smallest([_divide(bw, f) for bw, f in zip(bws, fracs)], names)
    util = np.minimum(1.0, delivered / demand.m)
    starved = delivered < demand.m * (1 - _RTOL)
    return TieredPipeline.build(demand=demand, delivered_bandwidth=_q(delivered, _BPS), utilization=util,
                                bottleneck_tier=which, starved=starved)


@export
@attrs.frozen
class UpgradePlan(Record):
    """The cheapest change (cache capacity or download bandwidth) that reaches a target utilization.

    Attributes
    ----------
    utilization : float or ndarray
        Today's warm-cache utilization.
    target_utilization : float or ndarray
        The goal (e.g. 0.95).
    cold_utilization : float or ndarray
        Utilization while the cache is cold (first epoch, single-pass data):
        ``min(1, download / demand)``; no cache size changes it.
    hit_fraction : float or ndarray
        Today's cache hit fraction.
    needed_hit_fraction : float or ndarray
        The hit fraction that relieves the download link enough.
    cache_capacity_needed : Quantity [data size]
        Total cache for the target with today's link (``inf`` if the cache cannot do it).
    extra_cache_capacity : Quantity [data size]
        Cache to add (``inf`` if the cache cannot do it).
    download_bandwidth_needed : Quantity [bandwidth]
        Total download bandwidth for the target with today's cache (``inf`` if it cannot).
    extra_download_bandwidth : Quantity [bandwidth]
        Download bandwidth to add (``inf`` if it cannot).
    cache_cost, download_cost : Quantity [currency] or None
        Price of each option (None when its price was not given; ``inf`` when infeasible).
    cache_can_help : bool or ndarray
        More cache alone reaches the target.
    cache_limited_by : str or ndarray of str
        Why more cache cannot help: ``"download link"`` (the cache cannot grow
        enough to relieve it), ``"cache bandwidth"`` (the cache device cannot
        serve the extra hits) or ``"none"``.  Called ``cache_limit`` before
        0.2; that name still works for one release and warns.
    choice : str or ndarray of str
        ``"none needed"``, ``"cache capacity"``, ``"download bandwidth"``,
        ``"either"`` (both work, no prices to compare) or ``"neither"``.
    """

    utilization: Any
    target_utilization: Any
    cold_utilization: Any
    hit_fraction: Any
    needed_hit_fraction: Any
    cache_capacity_needed: Any = unit_field("B")
    extra_cache_capacity: Any = unit_field("B")
    download_bandwidth_needed: Any = unit_field("B/s")
    extra_download_bandwidth: Any = unit_field("B/s")
    cache_cost: Any
    download_cost: Any
    cache_can_help: Any
    cache_limited_by: Any
    choice: Any

    cache_limit = renamed_field("UpgradePlan", "cache_limit", "cache_limited_by")


@export
@validated(demand=Bandwidth(positive=True), dataset_size=Size(positive=True), cache_capacity=Size(),
           cache_bandwidth=Bandwidth(positive=True), download_bandwidth=Bandwidth(positive=True),
           target_utilization=Number(positive=True, signed=False, maximum=1.0, what="a fraction in (0, 1]"),
           max_cache_capacity=Optional(Size(inf_ok=True)), capacity_price=Optional(Price()),
           bandwidth_price=Optional(_PriceBandwidth()))
def cheapest_upgrade(demand, dataset_size, cache_capacity, cache_bandwidth, download_bandwidth,
                     target_utilization=0.95, max_cache_capacity=None, capacity_price=None, bandwidth_price=None):
    r"""Size the cheapest change (cache capacity or download link) that reaches a target utilization.

    A two-tier pipeline: a local cache (NVMe) serves the hit fraction
    ``h = min(1, C / D)`` and a download link (object store to node) the rest.
    To deliver ``R = u D_demand`` both tiers must keep up with their shares:

    .. math::

        h\,R \le B_\text{cache}, \qquad (1-h)\,R \le B_\text{download}

    so more cache works by raising ``h`` to
    ``h^* = \max(h, 1 - B_\text{download}/R)``, feasible while
    ``h^* \le \min(1, C_\text{max}/D, B_\text{cache}/R)``; a faster link works
    with today's ``h`` if ``B_\text{download} \ge (1-h) R``, feasible while
    ``h R \le B_\text{cache}``.

    Parameters
    ----------
    demand : Quantity [bandwidth]
        What the accelerators read per second when never starved.
    dataset_size : Quantity [data size]
        The dataset read uniformly at random each epoch.
    cache_capacity : Quantity [data size]
        Today's cache.
    cache_bandwidth : Quantity [bandwidth]
        What the cache device delivers (e.g. 4 x 7 GB/s NVMe).
    download_bandwidth : Quantity [bandwidth]
        Today's link from the object store.
    target_utilization : float
        The goal, in (0, 1] (default 0.95).
    max_cache_capacity : Quantity [data size] or None
        The most cache the node can hold (its NVMe capacity); None for no cap.
    capacity_price : Quantity [currency / data size] or None
        Price of cache capacity (``"0.10 USD/GB"``).
    bandwidth_price : Quantity [currency / bandwidth] or None
        Price of download bandwidth (``"2000 USD/(Gbit/s)"``), over the same
        period as ``capacity_price`` (both one-off, or both per month).

    Returns
    -------
    UpgradePlan

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    Steady state with a warm cache and uniform random access
    (:func:`cache_hit_fraction`); the tiers serve concurrently
    (:func:`tiered_pipeline`).  The cold first epoch, or a single pass over
    streaming data, hits nothing: there only the link counts
    (``cold_utilization``), which is the sense in which "more NVMe cannot help
    when the download link is the bottleneck".  More cache can also hurt: it
    shifts load onto the cache device, which caps the useful hit fraction at
    ``B_cache / R``.  The DRAM tier and host decode are not modelled here; use
    :func:`tiered_pipeline` with three tiers to check a finished design.

    References
    ----------
    .. [1] Machine Learning Systems textbook, Vol. 2 lab 04 "Sizing the Pipeline".

    Examples
    --------
    A node reading 4 GB/s of a 50 TB dataset, 4 TB cached on 28 GB/s of NVMe,
    a 10 Gbit/s link, at most 15.36 TB of NVMe:

    >>> p = cheapest_upgrade("4 GB/s", "50 TB", "4 TB", "28 GB/s", "10 Gbit/s", max_cache_capacity="15.36 TB")
    >>> round(p.utilization, 3), p.cache_can_help, p.cache_limited_by, p.choice
    (0.34, False, 'download link', 'download bandwidth')
    >>> round(p.extra_download_bandwidth.to("Gbit/s").m, 1)
    18.0
    """
    R = target_utilization * demand.m
    D = dataset_size.m
    cache_bw = cache_bandwidth.m
    down = download_bandwidth.m
    h = np.minimum(1.0, cache_capacity.m / D)
    delivered = np.minimum(_divide(cache_bw, h), _divide(down, 1.0 - h))
    util = np.minimum(1.0, delivered / demand.m)
    met = delivered >= R * (1 - _RTOL)
    h_cap = 1.0 if max_cache_capacity is None else np.minimum(1.0, max_cache_capacity.m / D)
    h_need = np.maximum(h, np.maximum(0.0, 1.0 - down / R))
    link_limit = h_need > h_cap * (1 + _RTOL)
    bw_limit = h_need * R > cache_bw * (1 + _RTOL)
    cache_ok = ~link_limit & ~bw_limit
    cache_total = np.where(cache_ok, h_need * D, np.inf)
    cache_extra = np.where(cache_ok, np.maximum(0.0, h_need * D - cache_capacity.m), np.inf)
    down_ok = h * R <= cache_bw * (1 + _RTOL)
    down_total = np.where(down_ok, (1.0 - h) * R, np.inf)
    down_extra = np.where(down_ok, np.maximum(0.0, (1.0 - h) * R - down), np.inf)
    cache_cost = None if capacity_price is None else _cost(cache_extra, capacity_price.m)
    down_cost = None if bandwidth_price is None else _cost(down_extra, bandwidth_price.m)
    if cache_cost is not None and down_cost is not None:
        both = np.where(cache_cost <= down_cost, "cache capacity", "download bandwidth")
    else:
        both = "either"
    choice = select([met, cache_ok & down_ok, cache_ok, down_ok],
                       ["none needed", both, "cache capacity", "download bandwidth"], "neither")
    limit = select([link_limit, bw_limit], ["download link", "cache bandwidth"], "none")
    cold = np.minimum(1.0, down / demand.m)
    return UpgradePlan.build(utilization=util, target_utilization=target_utilization, cold_utilization=cold,
                             hit_fraction=h, needed_hit_fraction=h_need, cache_capacity_needed=cache_total,
                             extra_cache_capacity=cache_extra, download_bandwidth_needed=down_total,
                             extra_download_bandwidth=down_extra,
                             cache_cost=None if cache_cost is None else _q(cache_cost, _USD),
                             download_cost=None if down_cost is None else _q(down_cost, _USD),
                             cache_can_help=cache_ok, cache_limited_by=limit, choice=choice)


def _cost(amount: Any, price: Any) -> Any:
    """``amount * price`` with an infeasible (infinite) amount costing ``inf``, even at price 0."""
    amount = np.asarray(amount, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(np.isinf(amount), np.inf, amount * price)


