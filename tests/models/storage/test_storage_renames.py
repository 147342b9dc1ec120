"""Renamed record fields of the storage models: the old names still work for one release and warn."""

import pytest

from _helpers import check_renamed
from mlsysim.models import storage as st


def test_weight_streaming_slack_is_frame_slack_and_warns():
    # UFS 3.1, 1 MiB reads at QD1: 100 us access - 4,096 B / 2.1 GB/s + 1 MiB / 2.1 GB/s = 597.4 us,
    # X = 1.755 GB/s, so 64 MB reads in 36.46 ms; serial with 30 ms compute: 50 - 66.46 = -16.46 ms
    x = 1_048_576 / (100e-6 + (1_048_576 - 4096) / 2.1e9)
    s = st.weight_streaming("64 MB", "50 ms", compute_time="30 ms", overlap=False)
    assert s.frame_slack.to("s").m == pytest.approx(50e-3 - 30e-3 - 64e6 / x)
    with pytest.warns(DeprecationWarning, match="frame_slack"):
        old = s.slack
    assert old.to("ms").m == s.frame_slack.to("ms").m


def test_audio_buffer_headroom_is_buffer_slack_and_warns():
    # 65,536 B / (48,000 x 2 B x 2) = 341.3 ms of audio against a 400 ms stall: -58.7 ms
    a = st.audio_buffer("64 KiB", "48 kHz", channels=2, read_latency="400 ms")
    assert a.buffer_slack.to("ms").m == pytest.approx(65536 / 192 - 400)
    with pytest.warns(DeprecationWarning, match="buffer_slack"):
        old = a.headroom
    assert old.to("ms").m == a.buffer_slack.to("ms").m


def test_old_names_are_not_fields():
    # the table, as_dict and indexing show the new names only
    a = st.audio_buffer("64 KiB", "16 kHz")
    assert "buffer_slack" in a.as_dict() and "headroom" not in a.as_dict()
    assert "headroom" not in str(a)


def test_upgrade_plan_cache_limit_is_cache_limited_by_and_warns():
    # 4 GB/s of demand on 50 TB, 4 TB cached: reaching 0.95 x 4 = 3.8 GB/s over a 1.25 GB/s link needs
    # h = 1 - 1.25 / 3.8 = 0.671 > 15.36 / 50 = 0.307, the most cache the node holds: the link limits the cache
    p = st.cheapest_upgrade("4 GB/s", "50 TB", "4 TB", "28 GB/s", "10 Gbit/s", max_cache_capacity="15.36 TB")
    assert check_renamed(p, "cache_limit", "cache_limited_by") == "download link"
