"""The public top-level names promised by API.md exist and are what they claim."""

import os
import subprocess
import sys
from pathlib import Path

import attrs
import pytest

import mlsysim


@pytest.mark.parametrize(
    "name",
    ["ureg", "Q_", "__version__", "MlsysimError", "UnitError", "DomainError", "RegimeWarning", "hardware", "models"],
)
def test_top_level_names(name):
    assert hasattr(mlsysim, name)
    assert name in mlsysim.__all__


def test_error_hierarchy():
    assert issubclass(mlsysim.UnitError, mlsysim.MlsysimError)
    assert issubclass(mlsysim.UnitError, TypeError)
    assert issubclass(mlsysim.DomainError, mlsysim.MlsysimError)
    assert issubclass(mlsysim.DomainError, ValueError)
    assert issubclass(mlsysim.RegimeWarning, UserWarning)


def test_version():
    assert mlsysim.__version__ == "0.1.0"


def test_q_builds_quantities_of_ureg():
    q = mlsysim.Q_("4 h")
    assert q._REGISTRY is mlsysim.ureg
    assert q.to("s").m == 14400


@pytest.mark.parametrize(
    "constant, cls, fields",
    [
        ("H100", "Accelerator", ["peak_flops", "memory_capacity", "memory_bandwidth", "host_link_bandwidth", "power"]),
        ("NVME_GEN4", "StorageDevice",
         ["read_bandwidth", "write_bandwidth", "random_read_iops", "random_write_iops", "read_latency", "capacity"]),
        ("LUSTRE_OST", "StorageServer", ["read_bandwidth", "write_bandwidth", "devices", "device"]),
        ("LUSTRE_MDS", "MetadataServer", ["ops_rate"]),
        ("IB_HDR200", "NetworkLink", ["bandwidth", "latency"]),
        ("FERAM_MCU", "Microcontroller", ["clock", "active_power", "sleep_power", "nvm"]),
    ],
)
def test_required_catalog_entries(constant, cls, fields):
    spec = getattr(mlsysim.hardware, constant)
    assert type(spec).__name__ == cls
    assert isinstance(spec, getattr(mlsysim.hardware, cls))
    for f in fields:
        assert getattr(spec, f) is not None
    assert isinstance(spec.provenance, mlsysim.hardware.Provenance)
    assert attrs.has(type(spec))


def test_nvm_fields():
    nvm = mlsysim.hardware.FERAM_MCU.nvm
    for f in ("kind", "capacity", "write_bandwidth", "endurance"):
        assert getattr(nvm, f) is not None
    assert nvm.kind == "FRAM"


def _modules_after_import(code: str) -> set[str]:
    src = str(Path(__file__).resolve().parents[1] / "src")
    env = dict(os.environ, PYTHONPATH=src + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sys.modules))"],
                         capture_output=True, text=True, check=True, env=env)
    return set(out.stdout.split())


def test_import_stays_light():
    # pint 0.24 (what pip installs on Python 3.10) imports dask.array, and through it pandas,
    # whenever dask is installed: what `import pint` alone brings is not mlsysim's doing.
    mods = _modules_after_import("import mlsysim") - _modules_after_import("import pint")
    for heavy in ("hypothesis", "matplotlib", "pandas", "scipy.optimize", "scipy.special", "scipy.stats"):
        assert heavy not in mods, f"import mlsysim imported {heavy}"
