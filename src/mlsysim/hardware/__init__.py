"""The typed hardware catalog.

>>> from mlsysim import hardware
>>> hardware.get("h100").memory_bandwidth.to("TB/s").m
3.35
>>> "NVME_GEN4" in hardware.names()
True
"""

from __future__ import annotations

import difflib
import re

from . import catalog
from .catalog import *  # noqa: F401,F403 - the catalog constants are public
from .catalog import CATALOG
from .specs import (
    Accelerator,
    HostMemory,
    MetadataServer,
    Microcontroller,
    NetworkLink,
    NonVolatileMemory,
    ObjectStore,
    Provenance,
    Spec,
    StorageDevice,
    StorageServer,
)

__all__ = [
    "get",
    "names",
    "CATALOG",
    "Provenance",
    "Spec",
    "Accelerator",
    "StorageDevice",
    "StorageServer",
    "MetadataServer",
    "NetworkLink",
    "NonVolatileMemory",
    "Microcontroller",
    "ObjectStore",
    "HostMemory",
    *catalog.__all__,
]


def _key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name).casefold()


_INDEX = {}
for _const, _spec in CATALOG.items():
    _INDEX[_key(_const)] = _spec
    _INDEX.setdefault(_key(_spec.name), _spec)


def names() -> list[str]:
    """The catalog's entry names (the constants of :mod:`mlsysim.hardware`), sorted."""
    return sorted(CATALOG)


def get(name: str) -> Spec:
    """Look up a catalog entry by constant name or product name.

    Case, spaces, hyphens and underscores are ignored, so ``"h100"``,
    ``"H100"`` and ``"NVIDIA H100 SXM5 80GB"`` all work.

    Raises
    ------
    KeyError
        For an unknown name; the message lists the closest names.
    """
    if not isinstance(name, str):
        raise TypeError(f"hardware.get() expects a name (str); got {type(name).__name__}")
    if len(name) > 200:  # no catalog name is this long; do not spend time matching it
        raise KeyError(f"no hardware named {name[:40]!r}... ({len(name)} characters); known: {', '.join(names())}")
    try:
        return _INDEX[_key(name)]
    except KeyError:
        pass
    candidates = list(CATALOG) + [s.name for s in CATALOG.values()]
    close = difflib.get_close_matches(name, candidates, n=4, cutoff=0.4)
    close += [c for c in candidates if _key(name) and _key(name) in _key(c) and c not in close]
    hint = f"; close names: {', '.join(close[:5])}" if close else f"; known: {', '.join(names())}"
    raise KeyError(f"no hardware named {name!r}{hint}")
