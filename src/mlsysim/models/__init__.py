"""Closed-form models: storage, metadata, checkpoint, ops.

Each submodule is imported lazily on first attribute access so that
``import mlsysim`` stays fast; ``from mlsysim.models import checkpoint`` and
``mlsysim.models.checkpoint`` both work.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["storage", "metadata", "checkpoint", "ops"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
