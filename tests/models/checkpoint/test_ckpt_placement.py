"""mlsysim.models.checkpoint, where the checkpoint goes: write time, the checkpoint storm, blocking vs asynchronous plans."""

import pytest

from _helpers import check_row, rows
from mlsysim import Q_, DomainError, UnitError, hardware
from mlsysim.models import checkpoint as ck

# ============================================================ known answers (hand calculations)


def test_checkpoint_write_time():
    # 350 GB / 4.3 GB/s = 81.395 s; with 2 s of latency 83.395 s
    assert ck.checkpoint_write_time("350 GB", hardware.NVME_GEN4.write_bandwidth).m == pytest.approx(81.3953, rel=1e-5)
    assert ck.checkpoint_write_time("350 GB", "4.3 GB/s", "2 s").m == pytest.approx(83.3953, rel=1e-5)


def test_lab_checkpoint_storm_1024_nodes_350_gb():
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
    assert dram.interval_set_by == "failures" and dram.feasible and dram.infeasible_because == "none"
    assert dram.buffer_required.to("GB").m == pytest.approx(350)
    # draining at 0.375 GB/s (the storm's share) takes 933.3 s > the optimum: the drain sets the interval
    slow = ck.checkpoint_plan("350 GB", "4 h", "512 GB/s", drain_bandwidth="0.375 GB/s")
    assert slow.interval_set_by == "drain" and slow.interval.m == pytest.approx(350 / 0.375)
    assert slow.waste_fraction > dram.waste_fraction
    # a 256 GB staging buffer cannot hold 350 GB
    small = ck.checkpoint_plan("350 GB", "4 h", "512 GB/s", drain_bandwidth="4.3 GB/s", buffer_capacity="256 GB")
    assert not small.feasible and small.infeasible_because == "staging buffer"


# ============================================================ bad input


# (function, kwargs, exception, parameter named): the shared format of tests/_helpers.py
BAD = [
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
]


@pytest.mark.parametrize("row", rows(BAD), ids=lambda r: r.id)
def test_bad_input(row):
    check_row(row)
