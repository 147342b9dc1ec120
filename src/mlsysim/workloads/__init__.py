"""The typed catalog of training workloads (what accelerators ask of storage).

Shaped like :mod:`mlsysim.hardware`: frozen specs with provenance, ``get`` and
``names``.  The entries are the MLPerf Storage v1.0 DLIO configurations;
:func:`mlperf_results` loads the round's published training results, against
which :mod:`mlsysim.models.storage` is checked (docs page "How close to reality?").

>>> from mlsysim import workloads
>>> w = workloads.get("resnet50_h100")
>>> w.batch_size, w.compute_time.to("s").m
(400, 0.224)
>>> "UNET3D_A100" in workloads.names()
True
"""

from __future__ import annotations

from .._catalog import CatalogIndex
from . import catalog
from ._results import MLPerfResult, mlperf_results
from .catalog import *  # noqa: F401,F403 - the catalog constants are public
from .catalog import CATALOG
from .specs import Provenance, TrainingWorkload

__all__ = [
    "get",
    "names",
    "CATALOG",
    "Provenance",
    "TrainingWorkload",
    "MLPerfResult",
    "mlperf_results",
    *catalog.__all__,
]


_LOOKUP = CatalogIndex(CATALOG, "workload")


def names() -> list[str]:
    """The catalog's entry names (the constants of :mod:`mlsysim.workloads`), sorted."""
    return _LOOKUP.names()


def get(name: str) -> TrainingWorkload:
    """Look up a workload by constant name or full name.

    Case, spaces, hyphens, parentheses and underscores are ignored, so
    ``"unet3d_h100"``, ``"UNET3D_H100"`` and ``"MLPerf Storage v1.0 unet3d (H100)"``
    all work.

    Raises
    ------
    KeyError
        For an unknown name; the message lists the closest names.
    """
    return _LOOKUP.get(name)
