"""Broadcasting and scalar-result rules shared by every model.

A scalar call gives Python scalars (or scalar Quantities); an array call gives
arrays of the broadcast shape.  These two rules live here, once.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .units import quantity, ureg

__all__ = ["broadcast", "scalar_or_array"]

_Quantity = ureg.Quantity


def scalar_or_array(x: Any) -> Any:
    """A 0-d result as a Python scalar (or scalar Quantity), anything else unchanged.

    Models call this on record fields so that scalar inputs give scalar fields
    (``bottleneck == "storage"``) and array inputs give arrays.
    """
    if isinstance(x, _Quantity):
        m = x.magnitude
        if (isinstance(m, np.ndarray) and m.ndim == 0) or isinstance(m, np.generic):
            return quantity(float(m), x._units)
        return x
    if isinstance(x, np.ndarray) and x.ndim == 0:
        return x.item()
    if isinstance(x, np.generic):
        return x.item()
    return x


def broadcast(*values: Any) -> list[Any]:
    """Broadcast Quantities and arrays to their common shape (0-d become scalars).

    Use it when building a record so every field has the broadcast shape of
    the inputs, as the functions that make records promise.

    >>> from mlsysim import Q_
    >>> import numpy as np
    >>> a, b = broadcast(Q_(np.array([1.0, 2.0]), "s"), 3.0)
    >>> b
    array([3., 3.])
    """
    mags = [v._magnitude if isinstance(v, _Quantity) else v for v in values]
    shapes = [getattr(m, "shape", ()) for m in mags]  # Python scalars and strings have none
    if not any(shapes):  # all scalars: the common, cheap case of a scalar call
        return [scalar_or_array(v) for v in values]
    shape = np.broadcast_shapes(*shapes)
    out = []
    for v, m in zip(values, mags):
        # An array that already has the full shape is kept as is (no copy: a record of
        # a million-point call must not double its memory); a smaller one is expanded.
        if not shape or getattr(m, "shape", None) == shape:
            b = m
        else:
            b = np.broadcast_to(m, shape).copy()
        if isinstance(v, _Quantity):
            out.append(quantity(b, v._units))
        else:
            out.append(scalar_or_array(b) if shape == () else b)
    return out


