"""The registry's own definitions: information, FLOP and currency are dimensions."""

import pint
import pytest

from mlsysim import Q_, ureg


def test_information_is_a_dimension():
    # pint's default has bit = [] so GB/s == 1/s dimensionally; ours must not.
    assert Q_("1 GB/s").dimensionality != Q_("1 1/s").dimensionality
    assert Q_("1 GB").dimensionality == Q_("1 bit").dimensionality
    assert str(Q_("1 bit").dimensionality) == "[information]"


@pytest.mark.parametrize(
    "text, bytes_",
    [
        ("1 kB", 1_000),  # decimal kilo
        ("1 KiB", 1_024),  # binary kibi
        ("1 GB", 10**9),
        ("1 GiB", 2**30),
        ("1 TB", 10**12),
        ("8 bit", 1),
        ("100 Gbit", 12.5e9),  # 100e9 bits / 8
    ],
)
def test_byte_prefixes(text, bytes_):
    assert Q_(text).to("B").m == pytest.approx(bytes_, rel=1e-15)


def test_gb_and_gib_stay_distinct():
    # 1 GB = 1e9 B, 1 GiB = 1073741824 B: ratio 0.931322574615...
    assert Q_("1 GB").to("GiB").m == pytest.approx(1e9 / 2**30, rel=1e-15)


def test_network_rate_converts_to_bytes():
    # 200 Gbit/s / 8 = 25 GB/s (the lab's IB HDR200 per-port figure)
    assert Q_("200 Gbit/s").to("GB/s").m == pytest.approx(25.0, rel=1e-15)
    assert Q_("200 Gbps").to("GB/s").m == pytest.approx(25.0, rel=1e-15)


def test_flop_is_its_own_dimension():
    q = Q_("989 TFLOP/s")
    assert q.to("FLOP/s").m == pytest.approx(989e12, rel=1e-15)
    assert q.dimensionality != Q_("1 1/s").dimensionality  # cannot pass for IOPS
    assert q.dimensionality != Q_("1 GB/s").dimensionality


def test_currency_is_a_dimension():
    price = Q_("0.08 USD/GB")
    # 50 TB x 0.08 USD/GB = 50,000 GB x 0.08 = 4,000 USD
    assert (price * Q_("50 TB")).to("USD").m == pytest.approx(4000.0, rel=1e-12)
    assert price.dimensionality != Q_("1 1/B").dimensionality


def test_kelvin_byte_is_not_a_kilobyte():
    with pytest.raises(pint.errors.UndefinedUnitError):
        Q_("1 KB")


def test_iops_alias_is_a_rate():
    assert Q_("800000 IOPS").to("1/s").m == pytest.approx(8e5)


def test_registry_is_not_the_application_registry():
    # We never call set_application_registry.
    assert pint.get_application_registry().get() is not ureg
