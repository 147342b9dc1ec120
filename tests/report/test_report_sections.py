"""Each report section reproduces the lab figures (moved here from the model families' tests)."""

from __future__ import annotations

import re

import pytest

from mlsysim.report import SECTIONS, section


def text(name):
    return section(name).text()


def test_storage_section():
    t = text("storage")
    # 50 TB / 12.5 GB/s = 4,000 s = 66.67 min; 50,000 GB x 0.08 USD/GB = 4,000 USD; 128 x 80 MB/s = 10.24 GB/s;
    # 24 x 28 GB/s = 672 GB/s; 16 x 25 GB/s = 400 GB/s; a 1 MiB read pays access + transfer,
    # 1 MiB / (84.41 + 149.80) us = 4,477 MB/s, over 4 KiB / 85 us = 48.19 MB/s: 93x;
    # 64 KiB / (16 kHz x 2 B) = 2.048 s = 2,048 ms
    for figure in ("66.67", "4,000", "move compute", "10.24 GB/s", "672 GB/s", "400 GB/s", "93x", "2,048",
                   "download link"):
        assert figure in t, figure


def test_checkpoint_section():
    t = text("checkpoint")
    # 4 h x 16,384 = 65,536 h = 7.48 years; 1,024 x 25 GB/s / 384 GB/s = 66.67x;
    # ceil(66.67) + ... groups: 1,024 nodes / floor(384 / 25) = 69 groups
    assert "65,536 h = 7.48 years" in t
    assert "66.67" in t and "69 staggered groups" in t
    assert "feasible yes" in t and "feasible no" in t
    assert SECTIONS["checkpoint"] == "Fault tolerance: checkpoint intervals"


def test_metadata_section():
    t = text("metadata")
    # 4,096 x 8 x 50 x 3 = 4,915,200 ops/s = 98.3 x 50,000; ceil -> 99; 4,096 x 80 MB/s = 327.7 GB/s;
    # 48 x 28 GB/s = 1.344 TB/s; 250-sample shards: 4,915,200 / 250 = 19,661 ops/s (0.393 of one MDS);
    # 50,000 / (8 x 50 x 3) = 41.7 -> 41 GPUs; 1,638,400 GET/s / 5,500 per prefix -> 298 prefixes
    for figure in ("4,915,200 ops/s", "98.3x", "99 with perfect scaling", "327.7 GB/s", "1.344 TB/s",
                   "19,661", "0.393", "the first wall is metadata, at 41 GPUs", "298 prefixes"):
        assert figure in t, figure
    assert SECTIONS["metadata"] == "Metadata: when file opens stop the cluster"


def test_ops_section():
    t = text("ops")
    # N* = 25 (the platform ROI changes sign between 24 and 25 models); ceil(ln 0.05 / ln 0.999) = 2,995;
    # the fixed-size test with alpha = beta = 5% needs 6,294 requests
    assert "break-even N* [models]" in t and re.search(r"^\s+1\s+25$", t, re.MULTILINE)
    assert "2,995 requests" in t and "6,294 requests" in t
    assert "misses; mirror 50%" in t
    assert SECTIONS["ops"].startswith("Operations at scale")


@pytest.mark.parametrize("name", list(SECTIONS))
def test_section_values_are_json(name):
    import json

    data = section(name).as_dict()
    json.dumps(data, allow_nan=False)
    assert data["name"] == name and data["parts"]
