"""Result records: frozen attrs classes that print as tables and broadcast.

A model that returns several values returns a frozen attrs class deriving from
:class:`Record`, built by field name with :meth:`Record.build`.  Its fields are
Quantities of :data:`mlsysim.ureg`, or numpy arrays of bool/str/float for flags,
names and fractions.  A record:

* prints as an aligned two-column table with units (``str(record)``);
* indexes like the arrays it holds (``record[3]``, ``record[:, 0]``), so a
  broadcast result can be compared with element-wise calls;
* converts to plain data with :meth:`Record.as_dict` for JSON or pandas.

A field may declare its unit with :func:`unit_field`; :meth:`Record.build` then
accepts a bare magnitude for it, so model bodies work on magnitudes and units
are attached by name, never by position.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np

from ._arrays import broadcast, scalar, scalar_or_array
from .errors import warn_regime
from .fmt import format_unit, format_value, table
from .units import _raw_quantity, quantity, ureg

__all__ = ["Record", "unit_field", "renamed_field"]

_Quantity = ureg.Quantity
_UNIT = "mlsysim_unit"


def unit_field(unit: str) -> Any:
    """An attrs field whose value is a Quantity in ``unit`` (``Record.build`` attaches it)."""
    return attrs.field(metadata={_UNIT: ureg.Unit(unit)})


def renamed_field(record: str, old: str, new: str) -> property:
    """A read-only property ``old`` that returns the field ``new`` and warns.

    A renamed record field keeps its old name for one release: reading it
    emits a ``DeprecationWarning`` at the caller's line (through
    :func:`~mlsysim.errors.warn_regime`).  The old name is not a field, so the
    table, :meth:`Record.as_dict`, pickles and ``attrs.evolve`` know only the
    new one.  Use in the class body: ``margin = renamed_field("Plan", "margin", "target_slack")``.
    """
    message = f"{record}.{old} is deprecated and will be removed in 0.3; use {new}"

    def get(self: Any) -> Any:
        warn_regime(message, DeprecationWarning)
        return getattr(self, new)

    get.__name__ = old
    get.__doc__ = f"Deprecated name of :attr:`{new}` (removed in 0.3)."
    return property(get)


def _as_text(v: Any) -> Any:
    """Arrays of names as numpy str arrays, scalars as ``str``."""
    if isinstance(v, np.ndarray) and v.dtype.kind in "US":
        return v.astype(str, copy=False)  # a str array (or a broadcast view of one) is kept as it is
    if isinstance(v, np.str_):
        return str(v)
    return v


class Record:
    """Base of every multi-value result (use with ``@attrs.frozen``)."""

    __slots__ = ()

    @classmethod
    def build(cls, **fields: Any) -> Any:
        """Build a record by field name, broadcasting every field to the common shape.

        A field declared with :func:`unit_field` may be given as a bare
        magnitude (in its declared unit); every other field is taken as given.
        Scalar inputs give Python scalars, array inputs arrays of the broadcast
        shape; names (str arrays) stay str arrays.  A field given as ``None``
        (an optional result that was not computed) stays ``None``.

        >>> import attrs
        >>> @attrs.frozen
        ... class Pair(Record):
        ...     time: Any = unit_field("s")
        ...     ok: Any = None
        >>> Pair.build(time=[1.0, 2.0], ok=True).ok
        array([ True,  True])
        """
        declared = _declared_units(cls)
        scalar = _scalar_fields(fields, declared)
        if scalar is not None:  # every field a scalar: the cheap, common case of a scalar call
            return cls(**scalar)
        built = dict.fromkeys(fields)  # None stays None, not an object array of None
        names = [n for n in fields if fields[n] is not None]
        values = []
        for name in names:
            v = fields[name]
            u = declared.get(name)
            if u is not None and not isinstance(v, _Quantity):
                v = quantity(np.asarray(v, dtype=float) if not isinstance(v, float) else v, u)
            values.append(v)
        out = broadcast(*values)
        built.update((n, _as_text(v)) for n, v in zip(names, out))
        return cls(**built)

    def __str__(self) -> str:
        rows = [(f.name, format_value(getattr(self, f.name))) for f in attrs.fields(type(self))]
        return table(rows, title=type(self).__name__)

    def __getitem__(self, index: Any) -> Record:
        """The record of the ``index``-th element of every array field."""
        changes = {}
        for f in attrs.fields(type(self)):
            v = getattr(self, f.name)
            if isinstance(v, _Quantity):
                m = v.magnitude
                if np.ndim(m):
                    changes[f.name] = scalar_or_array(_Quantity(np.asarray(m)[index], v.units))
            elif isinstance(v, np.ndarray) and v.ndim:
                changes[f.name] = scalar_or_array(v[index])
        if not changes:
            raise IndexError(f"{type(self).__name__} holds scalars; it cannot be indexed")
        return attrs.evolve(self, **changes)

    @property
    def shape(self) -> tuple[int, ...]:
        """The broadcast shape of the record's fields (``()`` for scalars)."""
        shapes = []
        for f in attrs.fields(type(self)):
            v = getattr(self, f.name)
            m = v.magnitude if isinstance(v, _Quantity) else v
            if isinstance(m, (np.ndarray, float, int, np.number, bool, np.bool_)):
                shapes.append(np.shape(m))
        return np.broadcast_shapes(*shapes) if shapes else ()

    def as_dict(self) -> dict[str, Any]:
        """Plain data: each Quantity as ``{"value": ..., "unit": ...}``.

        Arrays become nested lists; suitable for ``json.dumps``.
        """
        out: dict[str, Any] = {}
        for f in attrs.fields(type(self)):
            v = getattr(self, f.name)
            if isinstance(v, _Quantity):
                out[f.name] = {"value": np.asarray(v.magnitude).tolist(), "unit": format_unit(v.units)}
            elif isinstance(v, np.ndarray):
                out[f.name] = v.tolist()
            elif isinstance(v, np.generic):
                out[f.name] = v.item()
            elif isinstance(v, Record):
                out[f.name] = v.as_dict()
            else:
                out[f.name] = v
        return out


def _scalar_fields(fields: dict[str, Any], declared: dict[str, Any]) -> dict[str, Any] | None:
    """The fields as a record of scalars holds them, or None if any field is an array.

    Each value goes through :func:`scalar_or_array` and a declared unit is
    attached to a bare magnitude: exactly what the general path (with
    :func:`broadcast`) gives for all-scalar fields, without its cost.
    """
    out = {}
    for name, v in fields.items():
        m = v._magnitude if type(v) is _Quantity else v
        if type(m) is not float:  # a float (the common case) is already what a record holds
            if not (m is None or isinstance(m, Record) or scalar(m)):
                return None  # an array (or a list): the general path broadcasts it
            v = scalar_or_array(v)
        u = declared.get(name)
        if u is not None and v is not None and type(v) is not _Quantity:  # None stays None
            v = _raw_quantity(float(v), u._units)
        out[name] = v
    return out


_UNITS_CACHE: dict[type, dict[str, Any]] = {}


def _declared_units(cls: type) -> dict[str, Any]:
    """The units a record class declares for its fields (cached per class)."""
    units = _UNITS_CACHE.get(cls)
    if units is None:
        units = {f.name: f.metadata[_UNIT] for f in attrs.fields(cls) if _UNIT in f.metadata}
        _UNITS_CACHE[cls] = units
    return units
