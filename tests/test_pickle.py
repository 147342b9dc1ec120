"""Quantities, records and catalog specs round-trip through pickle into mlsysim.ureg.

Process pools and distributed schedulers (dask.distributed) pickle arguments
and results; a Quantity must come back in mlsysim's registry (where a byte is
information and a FLOP is a dimension), not pint's default one.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys

import attrs
import numpy as np
import pytest

import mlsysim
from mlsysim import Q_, hardware, ureg
from mlsysim.models import checkpoint, storage

SRC = os.path.join(os.path.dirname(__file__), os.pardir, "src")


def _roundtrip(x):
    return pickle.loads(pickle.dumps(x))


def test_quantities_and_units_come_back_in_mlsysim_registry():
    for q in (Q_("5 GB"), Q_("989.4 TFLOP/s"), Q_(np.array([1.0, 2.0]), "USD/GB"), ureg.Unit("GB/s")):
        back = _roundtrip(q)
        assert back._REGISTRY is ureg
        assert np.all(back == q) and back.dimensionality == q.dimensionality


def test_records_and_specs_round_trip():
    rec = checkpoint.waste_breakdown("100 h", "1 h", "5 min", "4 h")
    back = _roundtrip(rec)
    assert type(back) is type(rec)
    assert back.total == rec.total and back.total._REGISTRY is ureg
    pipe = storage.input_pipeline(8, "4 MB", "50 ms", Q_(np.array([10.0, 100.0]), "GB/s"))
    assert np.array_equal(_roundtrip(pipe).bottleneck, pipe.bottleneck)
    for spec in hardware.CATALOG.values():
        again = _roundtrip(spec)
        assert again == spec and dict(again.field_sources) == dict(spec.field_sources)
    variant = attrs.evolve(hardware.NVME_GEN4, read_bandwidth="8 GB/s")
    assert _roundtrip(variant).source_of("read_bandwidth") == variant.source_of("read_bandwidth")


def test_unpickling_in_a_fresh_process():
    payload = pickle.dumps([Q_("5 GB"), hardware.H100, checkpoint.young_interval("2 min", "4 h")])
    code = ("import pickle, sys; import mlsysim; q, h100, t = pickle.loads(sys.stdin.buffer.read()); "
            "assert q._REGISTRY is mlsysim.ureg and str(q.dimensionality) == '[information]', q; "
            "assert h100.peak_flops.to('TFLOP/s').m == 989.4; print(round(t.to('s').m, 1))")
    env = dict(os.environ, PYTHONPATH=os.path.abspath(SRC))
    out = subprocess.run([sys.executable, "-c", code], input=payload, capture_output=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr.decode()[-800:]
    # sqrt(2 x 120 s x 14400 s) = 1859.03 s
    assert out.stdout.decode().strip() == "1859.0"


def test_unpickling_after_clearing_the_parse_caches():
    blob = pickle.dumps(Q_("3.35 TB/s"))
    mlsysim.units._parse_cached.cache_clear()
    mlsysim.units._units_of.cache_clear()
    assert pickle.loads(blob).to("GB/s").m == pytest.approx(3350.0, rel=1e-15)
