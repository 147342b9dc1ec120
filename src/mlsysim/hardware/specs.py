"""Typed, frozen hardware specifications with provenance.

Each spec class is a frozen attrs class.  Its dimensional fields accept a
Quantity of :data:`mlsysim.ureg` or a string pint parses (``"3.35 TB/s"``) and
are checked for dimension and sign when the instance is built, and again by
``attrs.evolve``, so a what-if variant cannot be malformed::

    >>> import attrs
    >>> from mlsysim.hardware import H100
    >>> faster = attrs.evolve(H100, memory_bandwidth="4.8 TB/s")
    >>> faster.memory_bandwidth.to("TB/s").m
    4.8

Fields keep the unit they were given in (so the catalog prints as its
datasheet does); models convert on entry.

Every spec carries a :class:`Provenance` (the primary source) and
``field_sources``: for each number, the document it comes from and exactly
what it measures (dense vs sparse, per port vs aggregate, sequential vs random,
decimal vs binary prefixes).  A number that is a textbook scenario assumption
rather than a datasheet value says so in its note.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

import attrs
import numpy as np

from .._validate import Count, Dimensioned, Number, Param
from .._validate import Optional as _Optional
from ..errors import DomainError, UnitError
from ..fmt import format_as_given, format_value, table
from ..units import _raw_quantity, ureg

__all__ = [
    "Provenance",
    "FrozenMap",
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
]


@attrs.frozen
class Provenance:
    """Where a number comes from and what exactly it measures.

    Parameters
    ----------
    source : str
        The document: datasheet, paper, manual, or "textbook scenario assumption".
    url : str or None
        Where the document can be found, if public.
    note : str or None
        What the number measures (e.g. "dense BF16 Tensor Core, without sparsity").
    """

    source: str = attrs.field(validator=attrs.validators.instance_of(str))
    url: str | None = attrs.field(default=None, validator=attrs.validators.optional(attrs.validators.instance_of(str)))
    note: str | None = attrs.field(default=None, validator=attrs.validators.optional(attrs.validators.instance_of(str)))

    def __attrs_post_init__(self) -> None:
        if not self.source.strip():
            raise ValueError("Provenance.source must not be empty")


class FrozenMap(Mapping[str, Any]):
    """A read-only mapping (a spec's ``field_sources``): the catalog cannot be rewritten in place.

    Unlike :class:`types.MappingProxyType` it pickles, so specs travel to
    process pools and distributed workers.  ``cited`` (used by
    ``field_sources``) holds the values the sources were cited for, with those
    sources, so that ``attrs.evolve``, which passes the map on, lets a variant
    see what changed.
    """

    __slots__ = ("_data", "cited")

    def __init__(self, data: Mapping[str, Any] | None = None, cited: Mapping[str, Any] | None = None) -> None:
        if cited is None and isinstance(data, FrozenMap):
            cited = data.cited
        object.__setattr__(self, "_data", dict(data or {}))
        object.__setattr__(self, "cited", cited)

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("FrozenMap is read-only")

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._data.items(), key=lambda kv: kv[0])))

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return FrozenMap, (dict(self._data), self.cited)


def _converter(param: Param) -> attrs.Converter:
    def convert(value: Any, self_: Any, field: attrs.Attribute) -> Any:
        return param.convert(value, f"{type(self_).__name__}.{field.name}")

    return attrs.Converter(convert, takes_self=True, takes_field=True)


def quantity(kind: str, *, optional: bool = False, doc: str = "", **kw: Any) -> Any:
    """A dimensional spec field, positive by default, kept in its given unit."""
    kw.setdefault("positive", True)
    param: Param = Dimensioned(kind, canonical=False, scalar=True, **kw)
    if optional:
        return attrs.field(default=None, converter=_converter(_Optional(param)), metadata={"kind": kind, "doc": doc})
    return attrs.field(converter=_converter(param), metadata={"kind": kind, "doc": doc})


def _count(doc: str = "", minimum: float = 1) -> Any:
    param = Count(minimum=minimum)

    def convert(value: Any, self_: Any, field: attrs.Attribute) -> int:
        return int(_scalar(param.convert(value, f"{type(self_).__name__}.{field.name}"),
                           f"{type(self_).__name__}.{field.name}"))

    return attrs.field(converter=attrs.Converter(convert, takes_self=True, takes_field=True),
                       metadata={"kind": "count", "doc": doc})


def _scalar(value: Any, where: str) -> Any:
    """Refuse an array where a catalog field holds one number."""
    if np.ndim(value):
        raise DomainError(f"{where} must be a single number, not an array of shape {np.shape(value)}")
    return value


def _scalar_number(param: Param) -> attrs.Converter:
    def convert(value: Any, self_: Any, field: attrs.Attribute) -> Any:
        where = f"{type(self_).__name__}.{field.name}"
        return _scalar(param.convert(value, where), where)

    return attrs.Converter(convert, takes_self=True, takes_field=True)


def _name(self_: Any, field: attrs.Attribute, value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        raise UnitError(f"{type(self_).__name__}.{field.name} expects a non-empty name (str); got {value!r:.60}")


def _name_field() -> Any:
    return attrs.field(validator=_name)


def _instance_of(cls: type) -> Any:
    def check(self_: Any, field: attrs.Attribute, value: Any) -> None:
        if not isinstance(value, cls):
            raise UnitError(f"{type(self_).__name__}.{field.name} expects a {cls.__name__}; got {type(value).__name__}")

    return check


def _provenance_field() -> Any:
    return attrs.field(validator=attrs.validators.instance_of(Provenance), kw_only=True, repr=False)


def _sources_field() -> Any:
    return attrs.field(factory=FrozenMap, kw_only=True, converter=FrozenMap, eq=False, repr=False,
                       validator=attrs.validators.deep_mapping(
                           key_validator=attrs.validators.instance_of(str),
                           value_validator=attrs.validators.instance_of(Provenance)))


_WHAT_IF = "what-if variant"
_Quantity = ureg.Quantity


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    try:
        return bool(a == b)
    except Exception:
        return False


class Spec:
    """Behaviour shared by every spec class: printing, per-field provenance, what-if variants.

    Specs are deeply immutable: ``field_sources`` is a :class:`FrozenMap`, and a
    Quantity read from a field is a fresh copy, so ``spec.capacity.ito("GiB")``
    changes the copy, never the catalog.

    A variant made with ``attrs.evolve`` records which fields changed: their
    source becomes a "what-if variant" provenance whose note says the value it
    replaced, so the variant no longer cites the datasheet for a number the
    datasheet does not give.
    """

    __slots__ = ()

    def __getattribute__(self, name: str) -> Any:
        value = object.__getattribute__(self, name)
        if type(value) is _Quantity:
            return _raw_quantity(value._magnitude, value._units)
        return value

    def __attrs_post_init__(self) -> None:
        given = self.field_sources  # type: ignore[attr-defined]
        cited = given.cited
        fields = self.quantity_fields()
        if cited is None:  # a new entry: its sources cite its values
            object.__setattr__(self, "field_sources", FrozenMap(
                given, FrozenMap({f: (getattr(self, f), self.source_of(f)) for f in fields})))
            return
        sources = dict(given)
        for f in fields:
            if f not in cited:
                continue
            old, old_source = cited[f]
            source = self.source_of(f)
            automatic = source.source.startswith(_WHAT_IF)
            if _same(getattr(self, f), old):
                if automatic:  # changed back: the original source applies again
                    if old_source is self.provenance:  # type: ignore[attr-defined]
                        sources.pop(f, None)
                    else:
                        sources[f] = old_source
            elif automatic or source == old_source:
                was = "unset" if old is None else (format_as_given(old) if hasattr(old, "units") else
                                                   format_value(old))
                sources[f] = Provenance(
                    source=f"{_WHAT_IF} of {self.name} (not a cited value)",  # type: ignore[attr-defined]
                    note=f"what-if: {f} changed from {was} (cited from: {old_source.source})",
                )
        object.__setattr__(self, "field_sources", FrozenMap(sources, cited))

    @classmethod
    def from_name(cls, name: str) -> Spec:
        """The catalog entry called ``name`` (see :func:`mlsysim.hardware.get`); KeyError if unknown."""
        from . import get  # the catalog sits beside this module

        return get(name)

    def source_of(self, field: str) -> Provenance:
        """The provenance of one field (its own source, else the entry's)."""
        if field not in attrs.fields_dict(type(self)):
            raise AttributeError(f"{type(self).__name__} has no field {field!r}")
        return self.field_sources.get(field, self.provenance)  # type: ignore[attr-defined]

    @classmethod
    def quantity_fields(cls) -> list[str]:
        """Names of the dimensional and count fields."""
        return [f.name for f in attrs.fields(cls) if "kind" in f.metadata]

    def __str__(self) -> str:
        rows = []
        for name in self.quantity_fields():
            value = getattr(self, name)
            if value is None:
                continue
            rows.append((name, format_as_given(value) if hasattr(value, "units") else format_value(value)))
        for f in attrs.fields(type(self)):
            v = getattr(self, f.name)
            if isinstance(v, Spec):
                rows.append((f.name, v.name))  # type: ignore[attr-defined]
        return table(rows, title=f"{type(self).__name__}: {self.name}")  # type: ignore[attr-defined]


@attrs.frozen(str=False)
class Accelerator(Spec):
    """An ML accelerator (GPU or similar).

    ``peak_flops`` is the dense 16-bit (BF16/FP16) Tensor Core peak, never the
    2:4-sparsity figure; ``host_link_bandwidth`` is per direction.
    """

    name: str = _name_field()
    peak_flops: Any = quantity("FLOP rate", doc="dense 16-bit peak FLOP/s")
    memory_capacity: Any = quantity("data size", doc="on-package memory (HBM) capacity")
    memory_bandwidth: Any = quantity("bandwidth", doc="on-package memory bandwidth")
    host_link_bandwidth: Any = quantity("bandwidth", doc="host link bandwidth, per direction")
    power: Any = quantity("power", doc="maximum board power (TDP)")
    scale_up_bandwidth: Any = quantity("bandwidth", optional=True, doc="accelerator-to-accelerator (NVLink) bandwidth, total")
    provenance: Provenance = _provenance_field()
    field_sources: Mapping[str, Provenance] = _sources_field()


@attrs.frozen(str=False)
class StorageDevice(Spec):
    """A block storage device (SSD, HDD, UFS or NOR flash).

    Random IOPS are at ``iops_block_size`` (4 KiB unless noted) and the queue
    depth the datasheet states; ``read_latency`` is the latency of one small
    random read at queue depth 1.
    """

    name: str = _name_field()
    read_bandwidth: Any = quantity("bandwidth", doc="sequential read bandwidth")
    write_bandwidth: Any = quantity("bandwidth", doc="sequential write bandwidth")
    random_read_iops: Any = quantity("rate", doc="random read IOPS at iops_block_size")
    random_write_iops: Any = quantity("rate", doc="random write IOPS at iops_block_size")
    read_latency: Any = quantity("time", doc="small random read latency at queue depth 1")
    capacity: Any = quantity("data size", doc="user capacity")
    iops_block_size: Any = attrs.field(default="4 KiB", converter=_converter(Dimensioned("data size", positive=True, canonical=False,
                                                                                      scalar=True)),
                                       metadata={"kind": "data size", "doc": "block size of the IOPS figures"})
    kind: str = attrs.field(default="SSD", kw_only=True, validator=_name)
    provenance: Provenance = _provenance_field()
    field_sources: Mapping[str, Provenance] = _sources_field()


@attrs.frozen(str=False)
class StorageServer(Spec):
    """A storage server (e.g. a Lustre OST server) built from ``devices`` drives."""

    name: str = _name_field()
    read_bandwidth: Any = quantity("bandwidth", doc="deliverable read bandwidth of the server")
    write_bandwidth: Any = quantity("bandwidth", doc="deliverable write bandwidth of the server")
    devices: Any = _count(doc="number of drives")
    device: StorageDevice = attrs.field(validator=_instance_of(StorageDevice))
    provenance: Provenance = _provenance_field()
    field_sources: Mapping[str, Provenance] = _sources_field()


@attrs.frozen(str=False)
class MetadataServer(Spec):
    """A file-system metadata server (e.g. a Lustre MDS with its MDT)."""

    name: str = _name_field()
    ops_rate: Any = quantity("rate", doc="sustained metadata operations per second")
    provenance: Provenance = _provenance_field()
    field_sources: Mapping[str, Provenance] = _sources_field()


@attrs.frozen(str=False)
class NetworkLink(Spec):
    """A network link: one port, one direction."""

    name: str = _name_field()
    bandwidth: Any = quantity("bandwidth", doc="data rate per port, per direction")
    latency: Any = quantity("time", doc="one-way latency")
    provenance: Provenance = _provenance_field()
    field_sources: Mapping[str, Provenance] = _sources_field()


@attrs.frozen(str=False)
class HostMemory(Spec):
    """Host DRAM of one server."""

    name: str = _name_field()
    capacity: Any = quantity("data size", doc="capacity")
    bandwidth: Any = quantity("bandwidth", doc="peak read bandwidth")
    latency: Any = quantity("time", doc="load-to-use latency")
    provenance: Provenance = _provenance_field()
    field_sources: Mapping[str, Provenance] = _sources_field()


@attrs.frozen(str=False)
class NonVolatileMemory(Spec):
    """On-chip or board-level non-volatile memory (FRAM, NOR flash...).

    ``endurance`` is write cycles per cell (a plain count).
    """

    name: str = _name_field()
    kind: str = attrs.field(validator=_name)
    capacity: Any = quantity("data size", doc="capacity")
    write_bandwidth: Any = quantity("bandwidth", doc="sustained write bandwidth")
    endurance: Any = attrs.field(converter=_scalar_number(Number(positive=True, inf_ok=False)),
                                 metadata={"kind": "count", "doc": "write cycles per cell"})
    write_energy_per_byte: Any = quantity("energy", optional=True, doc="energy to write one byte")
    provenance: Provenance = _provenance_field()
    field_sources: Mapping[str, Provenance] = _sources_field()


@attrs.frozen(str=False)
class Microcontroller(Spec):
    """A microcontroller with non-volatile memory (e.g. a FRAM MCU in a hearable)."""

    name: str = _name_field()
    clock: Any = quantity("rate", doc="maximum CPU clock frequency")
    active_power: Any = quantity("power", doc="active-mode power at the stated clock and voltage")
    sleep_power: Any = quantity("power", doc="low-power (sleep) mode power")
    supply_voltage_min: Any = quantity("voltage", doc="minimum supply voltage")
    supply_voltage_max: Any = quantity("voltage", doc="maximum supply voltage")
    nvm: NonVolatileMemory = attrs.field(validator=_instance_of(NonVolatileMemory))
    sram: Any = quantity("data size", optional=True, doc="SRAM capacity")
    provenance: Provenance = _provenance_field()
    field_sources: Mapping[str, Provenance] = _sources_field()

    def __attrs_post_init__(self) -> None:
        Spec.__attrs_post_init__(self)
        if self.supply_voltage_min > self.supply_voltage_max:
            raise DomainError(
                f"Microcontroller.supply_voltage_min ({self.supply_voltage_min}) exceeds "
                f"supply_voltage_max ({self.supply_voltage_max})"
            )


@attrs.frozen(str=False)
class ObjectStore(Spec):
    """An S3-class object store: request-rate limits per prefix, latency, egress price."""

    name: str = _name_field()
    get_rate_per_prefix: Any = quantity("rate", doc="GET/HEAD requests per second per prefix")
    put_rate_per_prefix: Any = quantity("rate", doc="PUT/COPY/POST/DELETE requests per second per prefix")
    first_byte_latency: Any = quantity("time", doc="typical time to first byte of a GET")
    egress_price: Any = quantity("price per data size", doc="price of data transfer out to the internet")
    provenance: Provenance = _provenance_field()
    field_sources: Mapping[str, Provenance] = _sources_field()
