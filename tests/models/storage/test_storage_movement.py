"""mlsysim.models.storage, moving data: transfer time, egress cost, data gravity (Vol. 1, Lab 04)."""

import pytest

from _helpers import V3, check_row, check_vectorised, rows, vary
from mlsysim import Q_, DomainError, UnitError
from mlsysim.models import storage as S

# ============================================================ known answers


def test_transfer_time_lab():
    # 50 TB = 5e13 B over 100 Gbit/s = 1.25e10 B/s: 5e13 / 1.25e10 = 4,000 s = 66.7 min
    assert S.transfer_time("50 TB", "100 Gbit/s").to("s").m == pytest.approx(4000, rel=1e-12)
    assert S.transfer_time("50 TB", "100 Gbit/s").to("min").m == pytest.approx(66.667, rel=1e-4)


def test_egress_cost_lab():
    # 50 TB = 50,000 GB x 0.08 USD/GB = 4,000 USD
    assert S.egress_cost("50 TB", "0.08 USD/GB").to("USD").m == pytest.approx(4000, rel=1e-12)
    assert S.egress_cost("1 PB", "0.08 USD/GB").to("USD").m == pytest.approx(80_000, rel=1e-12)


@pytest.mark.parametrize(
    "size, compute_cost, exceeds, decision, reason",
    [
        # the lab (Vol. 1, Lab 04): 4,000 s < 6 h; 4,000 USD egress > 8 A100 x 2.5 USD/h x 6 h = 120 USD -> move compute
        ("50 TB", "120 USD", False, "move compute", "egress cost"),
        # computing in place would cost 5,000 USD > 4,000 USD egress, and 4,000 s < 6 h -> move data
        ("50 TB", "5000 USD", False, "move data", "copy is faster and cheaper"),
        # 1 PB / 12.5 GB/s = 80,000 s = 22.2 h > 6 h, 80,000 USD > 120 USD
        ("1 PB", "120 USD", True, "move compute", "transfer time and egress cost"),
        # 1 PB, 1e6 USD in place: only the time rule fires
        ("1 PB", "1000000 USD", True, "move compute", "transfer time"),
    ],
)
def test_data_gravity_decisions(size, compute_cost, exceeds, decision, reason):
    g = S.data_gravity(size, "100 Gbit/s", "6 h", "0.08 USD/GB", compute_cost)
    assert g.transfer_exceeds_training is exceeds
    assert g.decision == decision
    assert g.reason == reason


def test_data_gravity_lab_figures():
    g = S.data_gravity("50 TB", "100 Gbit/s", "6 h", "0.08 USD/GB", "120 USD")
    assert g.transfer_time.to("s").m == pytest.approx(4000)
    assert g.egress_cost.to("USD").m == pytest.approx(4000)
    assert g.time_ratio == pytest.approx(4000 / 21600)  # 4,000 s / 6 h
    assert "move compute" in str(g)


# ============================================================ bad input and vectorised == element-wise


GOOD = {
    S.transfer_time: dict(size="50 TB", bandwidth="100 Gbit/s"),
    S.egress_cost: dict(size="50 TB", price="0.08 USD/GB"),
    S.data_gravity: dict(dataset_size="50 TB", link_bandwidth="100 Gbit/s", training_time="6 h",
                         egress_price="0.08 USD/GB", compute_cost_in_place="120 USD"),
}

# (function, kwargs, exception, parameter named): the shared format of tests/_helpers.py
BAD = [
    (S.transfer_time, vary(GOOD, S.transfer_time, size=50), UnitError, "size"),                     # bare number
    (S.transfer_time, vary(GOOD, S.transfer_time, bandwidth="100 Gbit"), UnitError, "bandwidth"),        # a size, not a bandwidth
    (S.transfer_time, vary(GOOD, S.transfer_time, bandwidth="0 GB/s"), DomainError, "bandwidth"),        # zero where positive is needed
    (S.transfer_time, vary(GOOD, S.transfer_time, size="-1 TB"), DomainError, "size"),
    (S.egress_cost, vary(GOOD, S.egress_cost, price="0.08 USD"), UnitError, "price"),              # money, not a price per byte
    (S.egress_cost, vary(GOOD, S.egress_cost, size=Q_(float("nan"), "TB")), DomainError, "size"),
    (S.data_gravity, vary(GOOD, S.data_gravity, training_time="0 h"), DomainError, "training_time"),
    (S.data_gravity, vary(GOOD, S.data_gravity, compute_cost_in_place="-5 USD"), DomainError, "compute_cost_in_place"),
    (S.data_gravity, vary(GOOD, S.data_gravity, egress_price=0.08), UnitError, "egress_price"),
    (S.data_gravity, vary(GOOD, S.data_gravity, link_bandwidth="1 TB"), UnitError, "link_bandwidth"),
]


@pytest.mark.parametrize("row", rows(BAD, GOOD), ids=lambda r: r.id)
def test_bad_input(row):
    check_row(row)


VECTOR_CASES = [
    (S.transfer_time, dict(size=V3(1, 50, 1000, "TB"), bandwidth="100 Gbit/s")),
    (S.egress_cost, dict(size=V3(1, 50, 1000, "TB"), price=V3(0, 0.08, 0.09, "USD/GB"))),
    (S.data_gravity, dict(dataset_size=V3(1, 50, 1000, "TB"), link_bandwidth="100 Gbit/s", training_time="6 h",
                          egress_price="0.08 USD/GB", compute_cost_in_place=V3(120, 1e9, 120, "USD"))),
]


@pytest.mark.parametrize("fn, kwargs", VECTOR_CASES, ids=[f.__name__ for f, _ in VECTOR_CASES])
def test_vectorised_equals_elementwise(fn, kwargs):
    check_vectorised(fn, kwargs)
