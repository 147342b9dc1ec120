"""The validation decorator: every rejection, on scalars and arrays, with precise messages."""

import warnings

import numpy as np
import pint
import pytest

from mlsysim import Q_, DomainError, UnitError, ureg
from mlsysim._validate import (
    Bandwidth,
    Choice,
    Count,
    Fraction,
    Instance,
    Number,
    Optional,
    Probability,
    Size,
    Time,
    validated,
)
from mlsysim.hardware import NVME_GEN4, StorageDevice


@validated(write_time=Time(positive=True), mtbf=Time(positive=True))
def interval(write_time, mtbf):
    return np.sqrt(2 * write_time * mtbf)


@validated(size=Size(), bandwidth=Bandwidth(positive=True), fraction=Fraction(), nodes=Count(),
           confidence=Probability(), restart=Time())
def model(size, bandwidth, fraction=1.0, nodes=1, confidence=0.5, restart="0 s"):
    return size, bandwidth, fraction, nodes, confidence, restart


# ---------------------------------------------------------------- accepted input

def test_strings_are_parsed_and_converted_to_canonical_units():
    out = interval("2 min", "4 h")
    # sqrt(2 * 120 s * 14400 s) = sqrt(3,456,000) s = 1859.03 s
    assert out.units == ureg.s
    assert out.m == pytest.approx(np.sqrt(2 * 120 * 14400), rel=1e-15)


def test_quantities_of_any_compatible_unit():
    size, bw, *_ = model(Q_(1, "GiB"), Q_(200, "Gbit/s"))
    assert size.units == ureg.B and size.m == 2**30
    assert bw.units == ureg.B / ureg.s and bw.m == pytest.approx(25e9)


def test_arrays_broadcast_through():
    out = interval(Q_(np.array([1.0, 2.0]), "min"), Q_(np.array([[1.0], [4.0]]), "h"))
    assert out.shape == (2, 2)


def test_defaults_parsed_once_and_used():
    *_, restart = model("1 GB", "1 GB/s")
    assert restart == Q_(0, "s")


def test_counts_fractions_probabilities_accept_plain_numbers_and_arrays():
    _, _, f, n, c, _ = model("1 GB", "1 GB/s", fraction=np.array([0.0, 1.0]), nodes=np.array([1, 1024]),
                             confidence=0.95)
    assert f.tolist() == [0.0, 1.0] and n.tolist() == [1.0, 1024.0] and c == 0.95


def test_dimensionless_quantity_accepted_for_counts():
    *_, n, _, _ = model("1 GB", "1 GB/s", nodes=Q_(8, ""))
    assert n == 8


def test_foreign_registry_quantity_is_converted_through_its_string():
    other = pint.UnitRegistry()
    out = interval(other.Quantity(2, "minute"), "4 h")
    assert out.m == pytest.approx(np.sqrt(2 * 120 * 14400))


def test_foreign_registry_bandwidth_gets_information_dimension():
    other = pint.UnitRegistry()
    _, bw, *_ = model("1 GB", other.Quantity(1, "GB/s"))
    assert bw.to("GB/s").m == pytest.approx(1.0)


# ---------------------------------------------------------------- rejections

BAD = [
    # (kwargs for interval, exception, fragments expected in the message)
    (dict(write_time=120, mtbf="4 h"), UnitError, ["interval()", "'write_time'", "time", "without units"]),
    (dict(write_time=np.array([1.0, 2.0]), mtbf="4 h"), UnitError, ["'write_time'", "without units"]),
    (dict(write_time="2 GB", mtbf="4 h"), UnitError, ["'write_time'", "time", "[information]"]),
    (dict(write_time="2 min", mtbf="4 GB/s"), UnitError, ["'mtbf'", "time"]),
    (dict(write_time=None, mtbf="4 h"), UnitError, ["'write_time'", "None"]),
    (dict(write_time=True, mtbf="4 h"), UnitError, ["'write_time'", "True"]),
    (dict(write_time="2 minnn", mtbf="4 h"), UnitError, ["'write_time'", "cannot parse"]),
    (dict(write_time=Q_(float("nan"), "s"), mtbf="4 h"), DomainError, ["'write_time'", "NaN"]),
    (dict(write_time=Q_(float("inf"), "s"), mtbf="4 h"), DomainError, ["'write_time'", "infinite"]),
    (dict(write_time="-2 min", mtbf="4 h"), DomainError, ["'write_time'", "-2", "not positive"]),
    (dict(write_time="0 min", mtbf="4 h"), DomainError, ["'write_time'", "not positive"]),
    (dict(write_time=Q_(np.array([1.0, -1.0, 2.0]), "s"), mtbf="4 h"), DomainError,
     ["'write_time'", "-1.0", "index (1,)"]),
    (dict(write_time=Q_(np.array([[1.0, np.nan]]), "s"), mtbf="4 h"), DomainError,
     ["'write_time'", "index (0, 1)", "NaN"]),
    (dict(write_time=Q_(np.array(["a"]), "s") if False else Q_(np.array([1 + 1j]), "s"), mtbf="4 h"),
     UnitError, ["'write_time'", "complex"]),
]


@pytest.mark.parametrize("kwargs, exc, fragments", BAD)
def test_interval_rejects(kwargs, exc, fragments):
    with pytest.raises(exc) as info:
        interval(**kwargs)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"


BAD_PLAIN = [
    (dict(fraction=1.5), DomainError, ["'fraction'", "[0, 1]", "1.5"]),
    (dict(fraction=-0.1), DomainError, ["'fraction'"]),
    (dict(fraction=np.array([0.5, 1.01])), DomainError, ["'fraction'", "index (1,)"]),
    (dict(fraction="50 %"), UnitError, ["'fraction'", "no units"]),
    (dict(fraction=Q_(1, "s")), UnitError, ["'fraction'", "no units"]),
    (dict(fraction=None), UnitError, ["'fraction'", "None"]),
    (dict(fraction=False), UnitError, ["'fraction'", "False"]),
    (dict(fraction=float("nan")), DomainError, ["'fraction'", "NaN"]),
    (dict(nodes=0), DomainError, ["'nodes'", ">= 1"]),
    (dict(nodes=2.5), DomainError, ["'nodes'", "whole"]),
    (dict(nodes=np.array([1, 2.5])), DomainError, ["'nodes'", "index (1,)"]),
    (dict(nodes=float("inf")), DomainError, ["'nodes'", "infinite"]),
    (dict(confidence=1.0), DomainError, ["'confidence'", "open interval"]),
    (dict(confidence=0.0), DomainError, ["'confidence'", "open interval"]),
    (dict(confidence=np.array([0.5, 1.0])), DomainError, ["'confidence'", "index (1,)"]),
    (dict(size="-1 GB"), DomainError, ["'size'", "negative"]),
    (dict(bandwidth="0 GB/s"), DomainError, ["'bandwidth'", "not positive"]),
    (dict(bandwidth="1 GB"), UnitError, ["'bandwidth'", "bandwidth"]),
    (dict(bandwidth="1000 1/s"), UnitError, ["'bandwidth'", "1 / [time]"]),  # an IOPS is not a bandwidth
    (dict(bandwidth="1 KB/s"), UnitError, ["'bandwidth'", "kB (kilobyte"]),  # spelling hint
    (dict(bandwidth="1 GBps"), UnitError, ["'bandwidth'", "GB/s"]),
    (dict(restart="-1 s"), DomainError, ["'restart'", "negative"]),
]


@pytest.mark.parametrize("kwargs, exc, fragments", BAD_PLAIN)
def test_model_rejects(kwargs, exc, fragments):
    args = dict(size="1 GB", bandwidth="1 GB/s")
    args.update(kwargs)
    with pytest.raises(exc) as info:
        model(**args)
    message = str(info.value)
    assert message.startswith("model(): parameter")
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"


def test_errors_are_also_builtin_errors():
    with pytest.raises(TypeError):
        interval(120, "4 h")
    with pytest.raises(ValueError):
        interval("-1 s", "4 h")


def test_signature_errors_are_type_errors():
    with pytest.raises(TypeError, match="missing"):
        interval("1 s")
    with pytest.raises(TypeError, match="unexpected keyword argument 'mtfb'; did you mean 'mtbf'"):
        interval("1 s", mtfb="4 h")
    with pytest.raises(TypeError, match="multiple values"):
        interval("1 s", "4 h", write_time="1 s")
    with pytest.raises(TypeError, match="positional"):
        interval("1 s", "4 h", "5 h")


def test_declaration_typo_fails_at_decoration():
    with pytest.raises(TypeError, match="no parameter named 'mtfb'"):
        @validated(mtfb=Time())
        def f(mtbf):
            return mtbf


def test_bad_default_fails_at_decoration():
    with pytest.raises(UnitError):
        @validated(t=Time())
        def f(t=5):
            return t


def test_inf_allowed_where_declared():
    @validated(mtbf=Time(positive=True, inf_ok=True))
    def f(mtbf):
        return mtbf

    assert np.isinf(f(Q_(float("inf"), "h")).m)
    with pytest.raises(DomainError):
        f(Q_(float("nan"), "h"))


def test_choice_instance_optional():
    @validated(kind=Choice("a", "b"), device=Instance(StorageDevice), bw=Optional(Bandwidth(positive=True)))
    def f(kind, device, bw=None):
        return kind, device, bw

    assert f("a", NVME_GEN4) == ("a", NVME_GEN4, None)
    assert f("b", "nvme_gen4", "1 GB/s")[1] is NVME_GEN4  # catalog lookup by name
    with pytest.raises(DomainError, match="one of 'a', 'b'"):
        f("c", NVME_GEN4)
    with pytest.raises(UnitError, match="StorageDevice"):
        f("a", 3)
    with pytest.raises(UnitError, match="StorageDevice"):
        f("a", "H100")  # a catalog entry of the wrong class
    with pytest.raises(DomainError, match="no hardware named"):
        f("a", "no such disk")
    with pytest.raises(UnitError):
        f("a", NVME_GEN4, bw=5)


def test_signed_number():
    @validated(x=Number())
    def f(x):
        return x

    assert f(-3) == -3.0


def test_wrapper_keeps_signature_and_docs():
    import inspect

    assert list(inspect.signature(interval).parameters) == ["write_time", "mtbf"]
    assert interval.__name__ == "interval"
    assert set(interval.__validators__) == {"write_time", "mtbf"}


def test_vectorised_equals_elementwise():
    w = np.array([1.0, 30.0, 600.0])
    m = np.array([3600.0, 7200.0, 86400.0])
    vec = interval(Q_(w, "s"), Q_(m, "s")).m
    each = [interval(Q_(a, "s"), Q_(b, "s")).m for a, b in zip(w, m)]
    np.testing.assert_allclose(vec, each, rtol=0, atol=0)


def test_no_warnings_on_happy_path():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        interval(Q_(np.array([0.0001, 1.0]), "s"), "4 h")
