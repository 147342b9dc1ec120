"""The report as a reader meets it: width, words, sources, assumptions, and the lab figures."""

from __future__ import annotations

import re

import pytest

from mlsysim import scenarios
from mlsysim.report import SECTIONS, WIDTH, build_report, report_markdown, section


@pytest.fixture(scope="module")
def report_text():
    return build_report()


def test_no_line_is_wider_than_100_columns(report_text):
    assert WIDTH == 100
    wide = [line for line in report_text.splitlines() if len(line) > WIDTH]
    assert not wide, "\n".join(wide)


def test_no_internal_words_and_booleans_are_words(report_text):
    assert "\u03bc" not in report_text  # one micro sign (U+00B5) whatever pint prints
    words = re.findall(r"[A-Za-z]+", report_text)
    for internal in ("seed", "seeds", "True", "False", "None", "nan", "NaN"):
        assert internal not in words, internal


@pytest.mark.parametrize("name", list(SECTIONS))
def test_every_section_has_one_shape(name):
    s = section(name)
    assert s.name == name and s.title == SECTIONS[name]
    assert s.parts
    for part in s.parts:
        assert part.title and part.lines
    text = s.text()
    assert text.splitlines()[0] == s.title


def test_every_scenario_part_cites_its_lab_and_states_its_assumptions(report_text):
    for name in ("storage", "ops", "metadata", "checkpoint"):
        for part in section(name).parts:
            for lab in part.sources():
                assert lab.startswith("Machine Learning Systems, Vol. ")
            assert part.verdict
    # the fault-tolerance waterfall says which write and restart times it assumes
    waterfall = section("checkpoint").parts[1]
    assert "restart time after a failure: 10 min" in waterfall.assumptions()
    assert "Source: Machine Learning Systems, Vol. 1, Lab 04: The Data Gravity Trap" in report_text


def test_the_report_reads_the_scenarios():
    # change nothing, but check the report prints the scenario's numbers, not copies of them
    ft = scenarios.FAULT_TOLERANCE
    text = section("checkpoint").text()
    assert f"{ft.accelerators:,} GPUs" in text
    # per-GPU MTBF = 4 h x 16,384 = 65,536 h
    assert "4 h x 16,384 = 65,536 h" in text


# Figures a reader of the labs checks, with the hand calculation.
FIGURES = [
    ("storage", "66.67"),            # 50 TB / 12.5 GB/s = 4,000 s = 66.67 min
    ("storage", "4,000"),            # 50,000 GB x 0.08 USD/GB egress
    ("storage", "0.841 ms"),         # 64 x 4.1 GFLOP / 312 TFLOP/s
    ("storage", "10.24 GB/s"),       # 128 GPUs x 80 MB/s
    ("metadata", "4,915,200 ops/s"),  # 4,096 x 8 x 50/s x 3
    ("metadata", "99 with perfect scaling"),  # ceil(4,915,200 / 50,000)
    ("checkpoint", "48.99"),         # Young sqrt(2 x 5 min x 240 min)
    ("checkpoint", "358.4 TB"),      # 1,024 x 350 GB
    ("ops", "2,995 requests"),       # ceil(ln 0.05 / ln 0.999) = ceil(2994.2)
]


@pytest.mark.parametrize("name, figure", FIGURES)
def test_lab_figures(name, figure):
    assert figure in section(name).text()


def test_columns_carry_one_unit_each():
    text = section("checkpoint").text()
    header = next(line for line in text.splitlines() if "Young [min]" in line)
    assert "Daly [min]" in header and "exact [min]" in header
    # the rows under it hold bare numbers in that unit: 15 min writes -> Young sqrt(2 x 15 x 240) = 84.85 min
    assert re.search(r"^\s+15\s+84\.85\s", text, re.MULTILINE)


def test_markdown_has_every_section():
    md = report_markdown()
    for title in SECTIONS.values():
        assert f"## {title}" in md
