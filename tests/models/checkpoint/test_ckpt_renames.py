"""Renamed record fields of the checkpoint models: the old names still work for one release and warn."""

import numpy as np
import pytest

from _helpers import check_renamed
from mlsysim import Q_
from mlsysim.models import checkpoint as ck


def test_incremental_checkpoint_margin_is_target_slack():
    # 10 % of 1.5 GB at 2.1 GB/s: 71.4286 ms against the 100 ms target leaves 28.5714 ms
    r = ck.incremental_checkpoint("1.5 GB", 0.1, "2.1 GB/s")
    slack = check_renamed(r, "margin", "target_slack")
    assert slack.to("ms").m == pytest.approx(100 - 1.5e3 * 0.1 / 2.1, rel=1e-12)


def test_brownout_save_margin_is_holdup_ratio_and_limiting_is_infeasible_because():
    # 10 uF from 3.0 to 1.8 V holds 10e-6 x (9 - 3.24) / 2 = 28.8 uJ; saving 8,192 B at 16 MB/s takes 0.512 ms
    # at 5.664 mW = 2.899968 uJ: 28.8 / 2.899968 = 9.9311
    r = ck.brownout_save("8 KiB", "10 uF", "3.0 V", "1.8 V")
    assert check_renamed(r, "margin", "holdup_ratio") == pytest.approx(28.8 / (5.664e-3 * 0.512e-3) * 1e-6, rel=1e-9)
    assert check_renamed(r, "limiting", "infeasible_because") == "none"
    # NOR flash at 0.64 MB/s: 12.8 ms, 72.5 uJ > 28.8 uJ
    nor = ck.brownout_save("8 KiB", "10 uF", "3.0 V", "1.8 V", write_bandwidth="0.64 MB/s")
    assert check_renamed(nor, "limiting", "infeasible_because") == "energy"
    # arrays: the old name returns the same array
    v = ck.brownout_save("8 KiB", "10 uF", Q_(np.array([3.0, 1.9]), "V"), "1.8 V")
    assert check_renamed(v, "limiting", "infeasible_because").tolist() == ["none", "energy"]


def test_checkpoint_plan_limited_by_is_interval_set_by_and_limiting_is_infeasible_because():
    # draining 350 GB at 0.375 GB/s takes 933.3 s, above the ~0.68 s-write optimum: the drain sets the interval;
    # a 256 GB staging buffer cannot hold the 350 GB snapshot
    p = ck.checkpoint_plan("350 GB", "4 h", "512 GB/s", drain_bandwidth="0.375 GB/s", buffer_capacity="256 GB")
    assert check_renamed(p, "limited_by", "interval_set_by") == "drain"
    assert check_renamed(p, "limiting", "infeasible_because") == "staging buffer"
    ok = ck.checkpoint_plan("350 GB", "4 h", "4.3 GB/s")
    assert check_renamed(ok, "limited_by", "interval_set_by") == "failures"
    assert check_renamed(ok, "limiting", "infeasible_because") == "none"
