"""docs/reality.md cannot drift from the code: its tables and quoted figures are recomputed here."""

from pathlib import Path

import numpy as np
import pytest

from mlsysim.models.storage import _validation as V

PAGE = Path(__file__).resolve().parents[3] / "docs" / "reality.md"


@pytest.fixture(scope="module")
def text():
    return PAGE.read_text(encoding="utf-8")


def test_every_table_on_the_page_is_what_the_code_computes(text):
    blocks = V.page_blocks(text)
    tables = V.page_tables()
    assert set(blocks) == set(tables), "the page and page_tables() name different tables"
    for name, table in tables.items():
        assert blocks[name] == table, (
            f"table {name!r} of docs/reality.md is stale; regenerate it with "
            "PYTHONPATH=src python -m mlsysim.models.storage._validation docs/reality.md")


def test_every_result_is_checked_once():
    checks = V.checks()
    assert len(checks) == 132
    # the prediction is the public function on the measured throughput: spot-check one by hand.
    # DDN unet3d H100: 708.235 samples/s x 146,600,628 B = 1.03827e11 B/s; one H100 at U = 0.9 needs
    # 7 x 146,600,628 B x 0.9 / 0.323 s = 2.85939e9 B/s; 1.03827e11 / 2.85939e9 = 36.31 -> 36 (reported 36)
    ddn = next(c for c in checks if c.result.org == "DDN" and c.result.workload.name.endswith("unet3d (H100)"))
    assert ddn.predicted == 36 and ddn.error == 0.0
    assert ddn.continuous == pytest.approx(99017.8 * 2**20 / (7 * 146600628 * 0.9 / 0.323), rel=1e-9)


def test_figures_quoted_in_the_prose(text):
    text = " ".join(text.split())  # prose wraps lines anywhere
    checks = V.checks()
    at_capacity = [c for c in checks if c.at_capacity]
    assert f"The {len(at_capacity)} results **at capacity**" in text
    rc = [c for c in at_capacity if c.result.benchmark in ("resnet50", "cosmoflow")]
    within = sum(abs(c.error) <= 0.05 + 1e-12 for c in rc)
    assert f"within ±5 % in {within} of {len(rc)} results" in text
    micron = next(c for c in checks if c.result.system.startswith("Micron_9550")
                  and c.result.workload.name.endswith("unet3d (A100)"))
    assert f"{100 * micron.first_step_share:.0f} % of the A100 run" in text
    xs = V.cross_generation()
    ratio = np.array([x.h100.throughput.m_as("B/s") / x.a100.throughput.m_as("B/s") for x in xs])
    err = np.array([x.errors[0] for x in xs])
    same = np.abs(ratio - 1) <= 0.1
    assert f"({same.sum()} of {len(xs)} systems," in text
    assert f"within ±10 % for {int(np.sum(np.abs(err[same]) <= 0.1 + 1e-12))} of {same.sum()}" in text
    assert f"(correlation {np.corrcoef(ratio, err)[0, 1]:.2f})".replace("-", "−") in text


def test_regenerate_is_idempotent(text):
    assert V.regenerate(text) == text
