"""Hypothesis strategies for property tests of mlsysim models.

Import this module only in tests (it imports hypothesis); ``import mlsysim``
does not.

>>> from hypothesis import given
>>> from mlsysim.testing import quantities
>>> @given(quantities("h", 0.1, 1000))
... def test_positive(mtbf):
...     assert mtbf.to("s").m > 0
>>> test_positive()
"""

from __future__ import annotations

from typing import Any, Sequence

import attrs
import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from .hardware import CATALOG
from .hardware.specs import Spec
from .units import ureg

__all__ = ["quantities", "magnitudes", "catalog_specs", "spec_variants", "shapes", "training_workloads"]


def shapes(max_dims: int = 2, max_side: int = 4) -> st.SearchStrategy[tuple[int, ...]]:
    """Array shapes from ``()`` (a scalar) up to ``max_dims`` dimensions."""
    return hnp.array_shapes(min_dims=0, max_dims=max_dims, min_side=1, max_side=max_side)


def magnitudes(min_value: float, max_value: float, *, shape: tuple[int, ...] | None = None,
               log_uniform: bool | None = None) -> st.SearchStrategy[Any]:
    """Finite floats in ``[min_value, max_value]``: a float, or an array of ``shape``.

    With ``log_uniform`` (the default when the range spans more than two
    decades and is positive), values are drawn uniformly in log space so every
    scale of a sweep is exercised.
    """
    if not (np.isfinite(min_value) and np.isfinite(max_value) and min_value <= max_value):
        raise ValueError(f"magnitudes(): need finite min_value <= max_value; got {min_value}, {max_value}")
    if log_uniform is None:
        log_uniform = min_value > 0 and max_value / min_value > 100
    if log_uniform:
        if min_value <= 0:
            raise ValueError("magnitudes(): log_uniform needs min_value > 0")
        lo, hi = np.log10(min_value), np.log10(max_value)
        scalar = st.floats(lo, hi, allow_nan=False, allow_infinity=False).map(
            lambda e: float(np.clip(10.0 ** e, min_value, max_value)))
    else:
        scalar = st.floats(min_value, max_value, allow_nan=False, allow_infinity=False)
    if shape is None:
        return scalar
    return hnp.arrays(np.float64, shape, elements=scalar)


def quantities(unit: str, min_value: float, max_value: float, *, shape: tuple[int, ...] | None = None,
               arrays: bool = False, units: Sequence[str] | None = None,
               log_uniform: bool | None = None) -> st.SearchStrategy[Any]:
    """Quantities of ``unit``'s dimension whose value lies in ``[min_value, max_value] unit``.

    Parameters
    ----------
    unit : str
        The unit the bounds are given in, e.g. ``"h"`` or ``"GB/s"``.
    min_value, max_value : float
        Bounds, inclusive, in ``unit``.
    shape : tuple of int, optional
        Draw arrays of this shape (``()`` for 0-d arrays).
    arrays : bool
        Draw scalars or arrays of any small shape (ignored when ``shape`` is given).
    units : sequence of str, optional
        Express each draw in one of these compatible units, chosen at random,
        so that unit conversion is exercised (values keep their size).
    log_uniform : bool, optional
        See :func:`magnitudes`.
    """
    base = ureg.Unit(unit)
    alternatives = [ureg.Unit(u) for u in (units or [unit])]
    for alt in alternatives:
        if alt.dimensionality != base.dimensionality:
            raise ValueError(f"quantities(): unit {alt} is not compatible with {unit}")
    if shape is not None:
        mags = magnitudes(min_value, max_value, shape=shape, log_uniform=log_uniform)
    elif arrays:
        mags = shapes().flatmap(lambda s: magnitudes(min_value, max_value, shape=s, log_uniform=log_uniform))
    else:
        mags = magnitudes(min_value, max_value, log_uniform=log_uniform)

    def build(args: tuple[Any, Any]) -> Any:
        m, alt = args
        q = ureg.Quantity(m, base)
        return q if alt == base else q.to(alt)

    return st.tuples(mags, st.sampled_from(alternatives)).map(build)


def catalog_specs(cls: type | None = None) -> st.SearchStrategy[Spec]:
    """Catalog entries, optionally only those of spec class ``cls``."""
    entries = [s for s in CATALOG.values() if cls is None or isinstance(s, cls)]
    if not entries:
        raise ValueError(f"catalog_specs(): no catalog entry of class {cls}")
    return st.sampled_from(sorted(entries, key=lambda s: s.name))


def spec_variants(spec: Spec | type | None = None, *, scale: tuple[float, float] = (0.1, 10.0)) -> st.SearchStrategy[Spec]:
    """What-if variants of catalog specs: some dimensional fields scaled by a factor in ``scale``.

    ``spec`` is a catalog entry, a spec class (any entry of that class) or
    ``None`` (any entry).  Variants are made with :func:`attrs.evolve`, so they
    are validated like the originals.  Count fields (e.g. ``devices``) are
    scaled and rounded to at least 1.
    """
    base = st.just(spec) if isinstance(spec, Spec) else catalog_specs(spec)
    factor = magnitudes(scale[0], scale[1], log_uniform=True)

    @st.composite
    def variant(draw: Any) -> Spec:
        s = draw(base)
        fields = [f for f in s.quantity_fields() if getattr(s, f) is not None]
        chosen = draw(st.lists(st.sampled_from(fields), unique=True, max_size=len(fields)))
        changes = {}
        for group in _coupled(chosen):
            k = draw(factor)  # fields with a cross-constraint scale together
            for name in group:
                value = getattr(s, name)
                if hasattr(value, "units"):
                    changes[name] = value * k
                else:
                    changes[name] = max(1, int(round(float(value) * k)))
        return attrs.evolve(s, **changes)

    return variant()


# Fields whose values constrain each other (min <= max): scaled by one factor.
_COUPLED = (("supply_voltage_min", "supply_voltage_max"),)


def _coupled(chosen: list[str]) -> list[tuple[str, ...]]:
    groups: list[tuple[str, ...]] = []
    seen: set[str] = set()
    for name in chosen:
        if name in seen:
            continue
        group = next((g for g in _COUPLED if name in g), (name,))
        groups.append(group)
        seen.update(group)
    return groups


def training_workloads(*, scale: tuple[float, float] = (0.1, 10.0)) -> st.SearchStrategy[Any]:
    """Training workloads: the catalog's entries (:mod:`mlsysim.workloads`) and what-if variants.

    A variant scales ``sample_size``, ``compute_time`` and ``batch_size`` (rounded,
    at least 1) by factors in ``scale`` and draws ``min_utilization`` in [0.05, 1];
    it is made with :func:`attrs.evolve`, so it is validated like the originals.

    >>> from hypothesis import given
    >>> @given(training_workloads())
    ... def test_positive_batch(w):
    ...     assert w.batch_bytes.m > 0
    >>> test_positive_batch()
    """
    from .workloads import CATALOG as WORKLOADS

    entries = st.sampled_from([WORKLOADS[k] for k in sorted(WORKLOADS)])
    factor = magnitudes(scale[0], scale[1], log_uniform=True)

    @st.composite
    def variant(draw: Any) -> Any:
        w = draw(entries)
        if draw(st.booleans()):
            return w
        return attrs.evolve(w, sample_size=w.sample_size * draw(factor), compute_time=w.compute_time * draw(factor),
                            batch_size=max(1, int(round(w.batch_size * draw(factor)))),
                            min_utilization=draw(st.floats(0.05, 1.0)))

    return variant()
