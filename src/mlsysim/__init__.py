"""mlsysim: unit-checked, closed-form models of ML-infrastructure physics.

Storage pipelines, metadata-server saturation, checkpoint intervals and fault
tolerance, and the economics of operating many models, fed by a typed
hardware catalog with provenance for every number.

>>> import mlsysim
>>> mlsysim.hardware.H100.peak_flops.to("TFLOP/s").m
989.4
"""

from __future__ import annotations

from . import hardware, models
from .errors import DomainError, MlsysimError, RegimeWarning, UnitError
from .sweep import Sweep, sweep
from .units import Q_, ureg

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
    "models",
    "sweep",
    "Sweep",
]
