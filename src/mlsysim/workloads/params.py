"""Validation declaration for "a workload or its catalog name" (lives with the catalog)."""

from __future__ import annotations

from typing import Any

from .._validate import Param
from ..errors import DomainError, UnitError
from .specs import TrainingWorkload

__all__ = ["Workload"]


class Workload(Param):
    """A :class:`TrainingWorkload`, or the name of one in :mod:`mlsysim.workloads`."""

    def describe(self) -> str:
        return "a TrainingWorkload or a workload name (mlsysim.workloads.names())"

    def convert(self, value: Any, where: str) -> Any:
        if isinstance(value, TrainingWorkload):
            return value
        if isinstance(value, str):
            from . import get

            try:
                return get(value)
            except KeyError as exc:
                raise DomainError(f"{where} expects {self.describe()}; {exc.args[0]}") from None
        raise UnitError(f"{where} expects {self.describe()}; got {type(value).__name__} {value!r:.80}")
