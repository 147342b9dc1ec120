"""Typed, frozen training-workload specifications with provenance.

A :class:`TrainingWorkload` describes what one emulated accelerator asks of
storage: the bytes of a sample, the samples of a step, and the compute time of
a step on that accelerator.  Like the hardware specs, its dimensional fields
accept a Quantity of :data:`mlsysim.ureg` or a string pint parses and are
checked for dimension and sign when the instance is built and again by
``attrs.evolve``::

    >>> import attrs
    >>> from mlsysim.workloads import RESNET50_H100
    >>> slower = attrs.evolve(RESNET50_H100, compute_time="0.3 s")
    >>> slower.compute_time.to("s").m
    0.3

Every workload carries a :class:`Provenance` (the configuration file it comes
from: repository, tag, commit and path) and ``field_sources`` saying, per
number, which configuration key it is and what it measures.

Like the hardware catalog, the entries are deeply immutable: a Quantity read
from a field is a fresh copy (``UNET3D_H100.sample_size.ito("MB")`` changes
the copy, never the catalog), ``field_sources`` is a read-only
:class:`~mlsysim.hardware.FrozenMap`, and a field holds one number (an array
is refused)::

    >>> from mlsysim.workloads import UNET3D_H100
    >>> size = UNET3D_H100.sample_size
    >>> size.ito("MB")
    >>> UNET3D_H100.sample_size.m, round(size.m, 3)
    (146600628.0, 146.601)
"""

from __future__ import annotations

from typing import Any, Mapping

import attrs
import numpy as np

from .._validate import Count, Dimensioned, Fraction, Param
from .._validate import Optional as _Optional
from ..errors import DomainError, UnitError
from ..fmt import format_as_given, format_value, table
from ..hardware.specs import FrozenMap
from ..units import _raw_quantity, ureg

__all__ = ["Provenance", "TrainingWorkload"]


_Quantity = ureg.Quantity


class _CopyOnRead:
    """Quantities read from a field are fresh copies, so no in-place change reaches the instance.

    ``ito``, ``+=`` and friends change the Quantity in place; without the copy
    they would rewrite a catalog entry (and every result computed from it
    afterwards).  The hardware specs do the same (``Spec.__getattribute__``).
    """

    __slots__ = ()

    def __getattribute__(self, name: str) -> Any:
        value = object.__getattribute__(self, name)
        if type(value) is _Quantity:
            m = value._magnitude
            return _raw_quantity(m.copy() if type(m) is np.ndarray else m, value._units)
        return value


def _optional_str() -> Any:
    return attrs.field(default=None, validator=attrs.validators.optional(attrs.validators.instance_of(str)))


@attrs.frozen
class Provenance:
    """Where a workload number comes from and what exactly it measures.

    Parameters
    ----------
    source : str
        The document or configuration (e.g. "MLPerf Storage v1.0 DLIO workload configuration").
    url : str or None
        Where it can be found, if public.
    note : str or None
        What the number measures (e.g. "reader.batch_size: samples per step per accelerator").
    repository, tag, commit, path : str or None
        For a file in a version-controlled repository: the repository
        (``owner/name``), the tag, the full commit hash and the file's path.
    """

    source: str = attrs.field(validator=attrs.validators.instance_of(str))
    url: str | None = _optional_str()
    note: str | None = _optional_str()
    repository: str | None = _optional_str()
    tag: str | None = _optional_str()
    commit: str | None = _optional_str()
    path: str | None = _optional_str()

    def __attrs_post_init__(self) -> None:
        if not self.source.strip():
            raise ValueError("Provenance.source must not be empty")


def _converter(param: Param) -> attrs.Converter:
    def convert(value: Any, self_: Any, field: attrs.Attribute) -> Any:
        return param.convert(value, f"{type(self_).__name__}.{field.name}")

    return attrs.Converter(convert, takes_self=True, takes_field=True)


def _quantity(kind: str, *, optional: bool = False, doc: str = "") -> Any:
    """A positive dimensional field kept in its given unit."""
    param: Param = Dimensioned(kind, positive=True, canonical=False, scalar=True)
    if optional:
        return attrs.field(default=None, kw_only=True, converter=_converter(_Optional(param)),
                           metadata={"kind": kind, "doc": doc})
    return attrs.field(converter=_converter(param), metadata={"kind": kind, "doc": doc})


def _count(doc: str = "") -> Any:
    param = Count(minimum=1)

    def convert(value: Any, self_: Any, field: attrs.Attribute) -> int:
        if isinstance(value, bool):
            raise UnitError(f"{type(self_).__name__}.{field.name} expects a whole count >= 1; got {value!r}")
        return int(param.convert(value, f"{type(self_).__name__}.{field.name}"))

    return attrs.field(converter=attrs.Converter(convert, takes_self=True, takes_field=True),
                       metadata={"kind": "count", "doc": doc})


def _fraction(doc: str = "") -> Any:
    param = Fraction(what="a fraction in (0, 1]")

    def convert(value: Any, self_: Any, field: attrs.Attribute) -> float:
        where = f"{type(self_).__name__}.{field.name}"
        m = float(param.convert(value, where))
        if m <= 0:
            raise DomainError(f"{where} must be a fraction in (0, 1]; got {m!r}")
        return m

    return attrs.field(converter=attrs.Converter(convert, takes_self=True, takes_field=True),
                       metadata={"kind": "fraction", "doc": doc})


def _name(self_: Any, field: attrs.Attribute, value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        raise UnitError(f"{type(self_).__name__}.{field.name} expects a non-empty str; got {value!r}")


@attrs.frozen(str=False)
class TrainingWorkload(_CopyOnRead):
    """What one accelerator of a training job asks of storage.

    ``sample_size`` is the bytes of one sample as stored (the record length);
    ``batch_size`` the samples one accelerator reads per step;
    ``compute_time`` the time one step computes on ``accelerator`` (a measured
    or emulated figure, not a peak-FLOP/s estimate); ``min_utilization`` the
    accelerator utilization a run must reach to count as keeping the
    accelerators busy; ``samples_per_file`` how the dataset is packed (1: a
    file per sample; more: records in a container format such as TFRecord).
    """

    name: str = attrs.field(validator=_name)
    sample_size: Any = _quantity("data size", doc="bytes per sample as stored (record length)")
    batch_size: int = _count(doc="samples per step per accelerator")
    compute_time: Any = _quantity("time", doc="compute time of one step on the accelerator")
    accelerator: str = attrs.field(validator=_name)
    min_utilization: float = _fraction(doc="accelerator utilization a run must reach (pass threshold)")
    samples_per_file: int = _count(doc="samples packed in one file")
    sample_size_stdev: Any = _quantity("data size", optional=True,
                                       doc="standard deviation of the sample size (None: fixed size)")
    provenance: Provenance = attrs.field(validator=attrs.validators.instance_of(Provenance), kw_only=True,
                                         repr=False)
    field_sources: Mapping[str, Provenance] = attrs.field(
        factory=FrozenMap, kw_only=True, converter=FrozenMap, eq=False, repr=False,
        validator=attrs.validators.deep_mapping(key_validator=attrs.validators.instance_of(str),
                                                value_validator=attrs.validators.instance_of(Provenance)))

    def __attrs_post_init__(self) -> None:
        names = attrs.fields_dict(type(self))
        for key in self.field_sources:
            if key not in names:
                raise AttributeError(f"{type(self).__name__}.field_sources names no field {key!r}")

    @property
    def batch_bytes(self) -> Any:
        """Bytes one accelerator reads per step: ``batch_size * sample_size``."""
        return (self.batch_size * self.sample_size).to("B")

    def source_of(self, field: str) -> Provenance:
        """The provenance of one field (its own source, else the workload's)."""
        if field not in attrs.fields_dict(type(self)):
            raise AttributeError(f"{type(self).__name__} has no field {field!r}")
        return self.field_sources.get(field, self.provenance)

    @classmethod
    def quantity_fields(cls) -> list[str]:
        """Names of the dimensional, count and fraction fields."""
        return [f.name for f in attrs.fields(cls) if "kind" in f.metadata]

    def __str__(self) -> str:
        rows = [("accelerator", self.accelerator)]
        for name in self.quantity_fields():
            value = getattr(self, name)
            if value is None:
                continue
            rows.append((name, format_as_given(value) if hasattr(value, "units") else format_value(value)))
        return table(rows, title=f"{type(self).__name__}: {self.name}")
