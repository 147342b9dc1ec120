"""mlsysim: unit-checked, closed-form models of ML-infrastructure physics.

Storage pipelines, metadata-server saturation, checkpoint intervals and fault
tolerance, and the economics of operating many models, fed by a typed
hardware catalog with provenance for every number.

>>> import mlsysim
>>> mlsysim.hardware.H100.peak_flops
<Quantity(989.4, 'teraFLOP / second')>
"""

from __future__ import annotations

import importlib
from typing import Any

from .errors import DomainError, MlsysimError, RegimeWarning, UnitError
from .sweep import Sweep, sweep
from .units import Q_, ureg

#: Subpackages imported on first use, so that ``import mlsysim`` (and
#: ``python -m mlsysim --help``) pays only for the unit registry.
_LAZY_SUBPACKAGES = ("hardware", "workloads", "models")

__version__ = "0.1.0"

__all__ = [
    "ureg",
    "Q_",
    "__version__",
    "MlsysimError",
    "UnitError",
    "DomainError",
    "RegimeWarning",
    "hardware",
    "workloads",
    "models",
    "sweep",
    "Sweep",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY_SUBPACKAGES:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
