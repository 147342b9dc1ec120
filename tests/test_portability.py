"""What the library prints is the same on every supported Python and pint release.

pip installs pint 0.24 on Python 3.10 and pint 0.26 on 3.12/3.13; 0.26 changed the
Quantity repr (``<Quantity(4.0, 'hour')>`` became ``Quantity(4.0, "hour")``), the micro
prefix (U+00B5 MICRO SIGN became U+03BC GREEK SMALL LETTER MU) and the product dot
(U+00B7 MIDDLE DOT became U+22C5 DOT OPERATOR). The library formats units itself
(``mlsysim.fmt.format_unit``) and the doctests print numbers, never pint reprs.
"""

import re
from pathlib import Path

import pytest

from mlsysim import Q_, sweep
from mlsysim.fmt import format_as_given, format_quantity, format_unit
from mlsysim.models.checkpoint import young_interval

ROOT = Path(__file__).resolve().parents[1]
MICRO, DOT = "\u00b5", "\u00b7"
OTHER_MICRO, OTHER_DOT = "\u03bc", "\u22c5"

# Expected text written by hand from pint's short symbols: 'u' prefix -> the micro sign,
# products joined by the middle dot, per-year costs with pint's year symbol 'a'.
UNITS = [
    ("us", MICRO + "s"),
    ("uW", MICRO + "W"),
    ("uJ", MICRO + "J"),
    ("uF", MICRO + "F"),
    ("TB*s/Gbit", "s" + DOT + "TB/Gbit"),
    ("GB/s", "GB/s"),
    ("1/s", "1/s"),
    ("KiB", "KiB"),
    ("USD/year", "USD/a"),
    ("TFLOP/s", "TFLOP/s"),
]


@pytest.mark.parametrize(("unit", "text"), UNITS)
def test_format_unit_is_the_same_on_every_pint(unit, text):
    assert format_unit(Q_(1, unit).units) == text


def test_formatted_quantities_use_one_micro_sign():
    # 85.6e-6 s is in the microsecond rung of the ladder; 8 KiB stays as given
    assert format_quantity(Q_(85.6e-6, "s")) == "85.6 " + MICRO + "s"
    assert format_as_given(Q_(10, "uF")) == "10 " + MICRO + "F"


def test_sweep_labels_use_the_library_symbols():
    s = sweep(young_interval, write_time=Q_([1.0, 2.0], "us"), mtbf="4 h")
    assert "write_time [" + MICRO + "s]" in s.columns()


def _run(capsys, *args):
    from mlsysim.cli import main

    assert main(list(args)) == 0
    return capsys.readouterr().out


def test_report_and_catalog_print_one_micro_sign_and_one_dot(capsys):
    for args in (("report",), ("catalog",), ("catalog", "--json"), ("catalog", "--markdown")):
        out = _run(capsys, *args)
        assert OTHER_MICRO not in out and OTHER_DOT not in out, args
    assert MICRO + "s" in _run(capsys, "catalog")  # the Ethernet latencies are in microseconds


def test_no_doctest_expects_a_pint_repr():
    # print a rounded magnitude (round(q.to("min").m, 2)) or text from mlsysim.fmt instead
    files = [*sorted((ROOT / "src").rglob("*.py")), *sorted((ROOT / "docs").rglob("*.md")), ROOT / "README.md"]
    offenders = []
    for path in files:
        lines = path.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines[1:], start=1):
            prev = lines[i - 1].strip()
            # pint <= 0.25 prints <Quantity(2.0, 'second')>, pint 0.26 Quantity(2.0, "second")
            if "<Quantity(" in line or (prev.startswith((">>>", "...")) and re.match(r"^\s*\(?Quantity\(", line)):
                offenders.append(f"{path.relative_to(ROOT)}:{i + 1}")
    assert not offenders, f"doctests expecting pint's repr, which changes between pint releases: {offenders}"
