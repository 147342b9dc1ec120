"""mlsysim.models.storage, edge, mobile and tiny: fleet logging, weight streaming, audio buffers."""

import numpy as np
import pytest

from _helpers import V3, check_row, check_vectorised, rows, vary
from mlsysim import Q_, DomainError, UnitError
from mlsysim.hardware import UFS_31
from mlsysim.models import storage as S

# ============================================================ known answers


def test_fleet_logging():
    # 5 TB/h / 10,000 = 0.5 GB/h = 138.9 kB/s per vehicle; 1 Mbit/s = 125 kB/s
    # uploads 125/138.9 = 0.9; backlog 13.89 kB/s fills 256 GB in 18.43e6 s = 5,120 h
    f = S.fleet_logging(10_000, Q_("5 TB/h") / 10_000, "1 Mbit/s", "256 GB")
    assert f.upload_fraction == pytest.approx(0.9)
    assert f.fill_time.to("h").m == pytest.approx(5120)
    assert f.fleet_data_rate.to("TB/h").m == pytest.approx(5)
    assert f.fleet_upload_rate.to("TB/h").m == pytest.approx(4.5)
    assert f.storage_fills
    # an uplink that keeps up never fills the disk
    f = S.fleet_logging(10, "0.5 GB/h", "10 Mbit/s", "256 GB")
    assert np.isinf(f.fill_time.m) and not f.storage_fills and f.upload_fraction == 1.0
    # half the time in coverage: 62.5 / 138.9 = 0.45
    assert S.fleet_logging(1, "0.5 GB/h", "1 Mbit/s", "1 TB", 0.5).upload_fraction == pytest.approx(0.45)


def test_weight_streaming():
    # UFS 3.1, 1 MiB reads at QD1 pay access + transfer: 100 us - 4,096 / 2.1e9 s + 1,048,576 / 2.1e9 s
    # = 597.4 us, so X = 1,048,576 B / 597.4 us = 1.755 GB/s (was the 2.1 GB/s ceiling); 64 MB / X = 36.46 ms
    x = 1_048_576 / (100e-6 + (1_048_576 - 4096) / 2.1e9)
    s = S.weight_streaming("64 MB", "50 ms")
    assert s.read_time.to("s").m == pytest.approx(64e6 / x)
    assert not s.frame_skip
    assert s.max_weight_bytes.to("B").m == pytest.approx(50e-3 * x)   # 50 ms x 1.755 GB/s = 87.8 MB
    # scattered 4 KiB reads at QD1: 4,096 B / 100 us = 40.96 MB/s -> 1.5625 s: a skip
    s = S.weight_streaming("64 MB", "50 ms", block_size="4 KiB")
    assert s.read_time.to("s").m == pytest.approx(64e6 / 40.96e6)
    assert s.frame_skip
    # 30 ms compute: overlapped 36.46 ms fits; serial 66.46 ms skips
    assert not S.weight_streaming("64 MB", "50 ms", compute_time="30 ms").frame_skip
    s = S.weight_streaming("64 MB", "50 ms", compute_time="30 ms", overlap=False)
    assert s.frame_skip and s.frame_slack.to("s").m == pytest.approx(50e-3 - 30e-3 - 64e6 / x)


def test_audio_buffer():
    # 65,536 B / (16,000 x 2 B) = 2.048 s
    a = S.audio_buffer("64 KiB", "16 kHz", read_latency="10 us")
    assert a.duration.to("s").m == pytest.approx(2.048)
    assert not a.glitch
    # 48 kHz stereo: 65,536 / 192,000 = 0.3413 s < 400 ms erase: glitch, slack -58.7 ms
    a = S.audio_buffer("64 KiB", "48 kHz", channels=2, read_latency="400 ms")
    assert a.duration.to("ms").m == pytest.approx(65536 / 192)
    assert a.glitch and a.buffer_slack.to("ms").m == pytest.approx(65536 / 192 - 400)


# ============================================================ bad input and vectorised == element-wise


GOOD = {
    S.fleet_logging: dict(vehicles=10, data_rate="0.5 GB/h", uplink_bandwidth="1 Mbit/s", local_capacity="256 GB",
                          uplink_availability=1.0),
    S.weight_streaming: dict(weight_bytes="64 MB", frame_budget="50 ms", device=UFS_31, block_size="1 MiB",
                             queue_depth=1, overlap=True),
    S.audio_buffer: dict(buffer_size="64 KiB", sample_rate="16 kHz", channels=1, read_latency="10 us"),
}

# (function, kwargs, exception, parameter named): the shared format of tests/_helpers.py
BAD = [
    (S.fleet_logging, vary(GOOD, S.fleet_logging, vehicles=0), DomainError, "vehicles"),
    (S.fleet_logging, vary(GOOD, S.fleet_logging, data_rate="0 GB/h"), DomainError, "data_rate"),
    (S.fleet_logging, vary(GOOD, S.fleet_logging, uplink_availability=1.1), DomainError, "uplink_availability"),
    (S.fleet_logging, vary(GOOD, S.fleet_logging, local_capacity="1 TB/s"), UnitError, "local_capacity"),
    (S.weight_streaming, vary(GOOD, S.weight_streaming, frame_budget="0 ms"), DomainError, "frame_budget"),
    (S.weight_streaming, vary(GOOD, S.weight_streaming, weight_bytes=64e6), UnitError, "weight_bytes"),
    (S.weight_streaming, vary(GOOD, S.weight_streaming, queue_depth=-1), DomainError, "queue_depth"),
    (S.weight_streaming, vary(GOOD, S.weight_streaming, compute_time=Q_(float("nan"), "ms")), DomainError, "compute_time"),
    (S.audio_buffer, vary(GOOD, S.audio_buffer, sample_rate="16 kB"), UnitError, "sample_rate"),
    (S.audio_buffer, vary(GOOD, S.audio_buffer, sample_rate="0 Hz"), DomainError, "sample_rate"),
    (S.audio_buffer, vary(GOOD, S.audio_buffer, channels=0), DomainError, "channels"),
    (S.audio_buffer, vary(GOOD, S.audio_buffer, buffer_size=65536), UnitError, "buffer_size"),
    (S.audio_buffer, vary(GOOD, S.audio_buffer, read_latency="-1 ms"), DomainError, "read_latency"),
]


@pytest.mark.parametrize("row", rows(BAD, GOOD), ids=lambda r: r.id)
def test_bad_input(row):
    check_row(row)


VECTOR_CASES = [
    (S.fleet_logging, dict(vehicles=np.array([1, 10, 10000]), data_rate=V3(0.5, 0.5, 5000, "GB/h"),
                           uplink_bandwidth=V3(1, 10, 1, "Mbit/s"), local_capacity="256 GB",
                           uplink_availability=np.array([1.0, 0.5, 0.0]))),
    (S.weight_streaming, dict(weight_bytes=V3(1, 64, 256, "MB"), frame_budget="50 ms",
                              block_size=V3(4096, 2**20, 2**20, "B"), compute_time=V3(0, 30, 30, "ms"),
                              overlap=np.array([True, False, True]))),
    (S.audio_buffer, dict(buffer_size="64 KiB", sample_rate=V3(8, 16, 48, "kHz"), channels=np.array([1, 1, 2]),
                          read_latency=V3(0.01, 45, 400, "ms"))),
]


@pytest.mark.parametrize("fn, kwargs", VECTOR_CASES, ids=[f.__name__ for f, _ in VECTOR_CASES])
def test_vectorised_equals_elementwise(fn, kwargs):
    check_vectorised(fn, kwargs)
