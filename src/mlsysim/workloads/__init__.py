"""The typed catalog of training workloads (what accelerators ask of storage).

Shaped like :mod:`mlsysim.hardware`: frozen specs with provenance, ``get`` and
``names``.  The entries are the MLPerf Storage v1.0 DLIO configurations;
:func:`mlperf_results` loads the round's published training results, against
which :mod:`mlsysim.models.storage` is checked (docs page "How close to reality?").

>>> from mlsysim import workloads
>>> w = workloads.get("resnet50_h100")
>>> w.batch_size, w.compute_time
(400, <Quantity(0.224, 'second')>)
>>> "UNET3D_A100" in workloads.names()
True
"""

from __future__ import annotations

import difflib
import re

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


def _key(name: str) -> str:
    return re.sub(r"[\s_\-()]+", "", name).casefold()


_INDEX = {}
for _const, _spec in CATALOG.items():
    _INDEX[_key(_const)] = _spec
    _INDEX.setdefault(_key(_spec.name), _spec)


def names() -> list[str]:
    """The catalog's entry names (the constants of :mod:`mlsysim.workloads`), sorted."""
    return sorted(CATALOG)


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
    if not isinstance(name, str):
        raise TypeError(f"workloads.get() expects a name (str); got {type(name).__name__}")
    try:
        return _INDEX[_key(name)]
    except KeyError:
        pass
    candidates = list(CATALOG) + [s.name for s in CATALOG.values()]
    close = difflib.get_close_matches(name, candidates, n=4, cutoff=0.4)
    close += [c for c in candidates if _key(name) and _key(name) in _key(c) and c not in close]
    hint = f"; close names: {', '.join(close[:5])}" if close else f"; known: {', '.join(names())}"
    raise KeyError(f"no workload named {name!r}{hint}")
