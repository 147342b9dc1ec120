"""mlsysim.models.checkpoint, silent data corruption: probability and detection cost."""

import pytest

from _helpers import check_row, rows
from mlsysim import DomainError, UnitError
from mlsysim.models import checkpoint as ck

# ============================================================ known answers (hand calculations)


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


# ============================================================ bad input


# (function, kwargs, exception, parameter named): the shared format of tests/_helpers.py
BAD = [
    (ck.sdc_probability, dict(rate="1 GB/s", duration="1 h"), UnitError, "rate"),
    (ck.sdc_probability, dict(rate="-1 1/h", duration="1 h"), DomainError, "rate"),
    (ck.sdc_detection, dict(compute_time="0 ms", checked_bytes="1 MB", hash_bandwidth="1 GB/s"), DomainError, "compute_time"),
    (ck.sdc_detection, dict(compute_time="1 ms", checked_bytes="1 MB", hash_bandwidth="1 GB/s", deadline="1 V"),
     UnitError, "deadline"),
]


@pytest.mark.parametrize("row", rows(BAD), ids=lambda r: r.id)
def test_bad_input(row):
    check_row(row)
