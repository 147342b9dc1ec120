"""The textbook scenarios: labelled, written once, read by report, plots and examples."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mlsysim import scenarios
from mlsysim.units import ureg

ROOT = Path(__file__).resolve().parents[1]
LABS = {scenarios.LAB_DATA_GRAVITY, scenarios.LAB_DATA_STORAGE, scenarios.LAB_FAULT_TOLERANCE,
        scenarios.LAB_OPERATIONS}


@pytest.mark.parametrize("name", scenarios.names())
def test_each_scenario_cites_a_lab_and_labels_each_number(name):
    s = scenarios.get(name)
    assert s.name == name and s.title
    assert s.lab in LABS
    assert s.values
    for key, v in s.values.items():
        assert v.source in ("lab", "assumption", "derived", "measured"), key
        if v.source == "measured":  # a measurement names what measured it
            assert "MLPerf" in v.meaning or "measured" in v.meaning, key
        assert v.meaning and "seed" not in v.meaning.lower()
        assert getattr(s, key) is v.value


def test_attribute_and_item_access():
    ft = scenarios.FAULT_TOLERANCE
    assert ft.fleet_mtbf == ureg.Quantity(4, "h")
    assert ft["fleet_mtbf"].source == "lab"
    assert ft["write_time"].source == "assumption"
    assert "write_time" in ft.assumptions() and "fleet_mtbf" not in ft.assumptions()
    with pytest.raises(AttributeError, match="no value 'nope'"):
        _ = ft.nope
    with pytest.raises(KeyError, match="unknown scenario"):
        scenarios.get("nope")


def test_array_values_are_read_only():
    with pytest.raises(ValueError):
        scenarios.FAULT_TOLERANCE.write_times.magnitude[0] = 99.0


def test_models_never_import_scenarios():
    for path in (ROOT / "src" / "mlsysim" / "models").rglob("*.py"):
        assert "scenarios" not in path.read_text(encoding="utf-8"), path


# Distinctive scenario numbers: written in scenarios.py and nowhere else among its readers.
LITERALS = ["350 GB", "16384", "16_384", "500000 USD/year", "4096", "0.08 USD/GB", "65536",
            "5000 USD/year", "1e-7 1/h", "1.5 GB", "10 uF"]
READERS = sorted([*(ROOT / "src" / "mlsysim" / "report").glob("*.py"), ROOT / "src" / "mlsysim" / "plot.py",
                  *(p for p in (ROOT / "examples").glob("*.py") if not p.name.startswith("test_"))])


@pytest.mark.parametrize("path", READERS, ids=lambda p: p.name)
def test_scenario_numbers_are_written_once(path):
    text = path.read_text(encoding="utf-8")
    code = "\n".join(line.split("#")[0] for line in text.splitlines())  # comments may explain
    code = re.sub(r'"""(.|\n)*?"""', "", code)  # and so may docstrings
    found = [lit for lit in LITERALS if lit in code]
    assert not found, f"{path.name} repeats scenario numbers {found}; read them from mlsysim.scenarios"
    assert "seed" not in text.lower()
