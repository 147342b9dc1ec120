"""The typed hardware catalog.

>>> from mlsysim import hardware
>>> hardware.get("h100").memory_bandwidth.to("TB/s").m
3.35
>>> "NVME_GEN4" in hardware.names()
True
"""

from __future__ import annotations

from .._catalog import CatalogIndex
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


_LOOKUP = CatalogIndex(CATALOG, "hardware")


def names() -> list[str]:
    """The catalog's entry names (the constants of :mod:`mlsysim.hardware`), sorted."""
    return _LOOKUP.names()


def get(name: str) -> Spec:
    """Look up a catalog entry by constant name or product name.

    Case, spaces, hyphens and underscores are ignored, so ``"h100"``,
    ``"H100"`` and ``"NVIDIA H100 SXM5 80GB"`` all work.

    Raises
    ------
    KeyError
        For an unknown name; the message lists the closest names.
    """
    return _LOOKUP.get(name)
