"""Renamed record fields of the edge models: the old names still work for one release and warn."""

import pytest

from mlsysim.models import storage as st


def test_weight_streaming_slack_is_frame_slack_and_warns():
    # 64 MB at 2.1 GB/s = 30.48 ms read, serial with 30 ms compute: 50 - 60.48 = -10.48 ms
    s = st.weight_streaming("64 MB", "50 ms", compute_time="30 ms", overlap=False)
    assert s.frame_slack.to("ms").m == pytest.approx(50 - 30 - 64 / 2.1)
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
