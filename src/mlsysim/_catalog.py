"""Name lookup shared by the catalogs (``hardware.get``, ``workloads.get``).

A catalog is a mapping of constant names to frozen specs that each have a
``name``.  :class:`CatalogIndex` finds an entry by either name, ignoring case,
spaces, hyphens, underscores and parentheses, and lists close names when it
cannot.

>>> import collections
>>> Spec = collections.namedtuple("Spec", "name")
>>> index = CatalogIndex({"H100": Spec("NVIDIA H100 SXM5")}, "hardware")
>>> index.get("nvidia-h100 sxm5").name
'NVIDIA H100 SXM5'
"""

from __future__ import annotations

import difflib
import re
from typing import Any, Mapping

__all__ = ["CatalogIndex"]

_IGNORED = re.compile(r"[\s_\-()]+")


def _key(name: str) -> str:
    return _IGNORED.sub("", name).casefold()


class CatalogIndex:
    """Lookup of a catalog's entries by constant name or full name."""

    def __init__(self, catalog: Mapping[str, Any], what: str):
        self.catalog = catalog
        self.what = what
        self._index: dict[str, Any] = {}
        for const, spec in catalog.items():
            self._index[_key(const)] = spec
            self._index.setdefault(_key(spec.name), spec)

    def names(self) -> list[str]:
        """The constant names, sorted."""
        return sorted(self.catalog)

    def get(self, name: str) -> Any:
        """The entry named ``name``; KeyError listing close names for an unknown one."""
        if not isinstance(name, str):
            raise TypeError(f"{self.what}.get() expects a name (str); got {type(name).__name__}")
        if len(name) > 200:  # no catalog name is this long; do not spend time matching it
            raise KeyError(f"no {self.what} named {name[:40]!r}... ({len(name)} characters); "
                           f"known: {', '.join(self.names())}")
        found = self._index.get(_key(name))
        if found is not None:
            return found
        candidates = list(self.catalog) + [s.name for s in self.catalog.values()]
        close = difflib.get_close_matches(name, candidates, n=4, cutoff=0.4)
        close += [c for c in candidates if _key(name) and _key(name) in _key(c) and c not in close]
        hint = f"; close names: {', '.join(close[:5])}" if close else f"; known: {', '.join(self.names())}"
        raise KeyError(f"no {self.what} named {name!r}{hint}")
