"""Parameter declarations that take "a spec or a catalog name".

They live beside the catalog, not in :mod:`mlsysim._validate`, so the
validation machinery never imports a catalog (layers point down only)::

    from mlsysim.hardware.params import SpecOrName

    @validated(device=SpecOrName(StorageDevice), ...)
    def device_throughput(device, ...): ...

accepts ``NVME_GEN4``, ``attrs.evolve(NVME_GEN4, ...)`` or ``"nvme gen4"``.
"""

from __future__ import annotations

from typing import Any

from .._validate import Instance
from ..errors import DomainError
from .specs import Spec

__all__ = ["SpecOrName"]


class SpecOrName(Instance):
    """A spec of one of ``classes``, or the name of a catalog entry of one of them.

    Names are looked up with :func:`mlsysim.hardware.get` (case, spaces,
    hyphens and underscores ignored); an unknown name is a
    :class:`~mlsysim.errors.DomainError` listing the closest names, a name of
    an entry of another class a :class:`~mlsysim.errors.UnitError`.
    """

    def __init__(self, *classes: type):
        for c in classes:
            if not (isinstance(c, type) and issubclass(c, Spec)):
                raise TypeError(f"SpecOrName expects spec classes; got {c!r}")
        super().__init__(*classes)

    def convert(self, value: Any, where: str) -> Any:
        if isinstance(value, str):
            from . import get

            try:
                value = get(value)
            except KeyError as exc:
                raise DomainError(f"{where} expects {self.describe()}; {exc.args[0]}") from None
        return super().convert(value, where)
