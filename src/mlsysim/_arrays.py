"""Broadcasting and scalar-result rules shared by every model.

A scalar call gives Python scalars (or scalar Quantities); an array call gives
arrays of the broadcast shape.  These two rules live here, once.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .units import quantity, ureg

__all__ = ["blockwise", "broadcast", "scalar", "scalar_or_array", "select", "smallest"]

#: Elements per block in :func:`blockwise`: a few arrays of this many float64 fit in L2 cache.
BLOCK = 16384

_Quantity = ureg.Quantity


_SCALAR_TYPES = frozenset({float, int, bool, str, np.float64, np.int64, np.bool_, np.str_})


def scalar(*values: Any) -> bool:
    """True if every value is one value: a Python or numpy scalar (number, bool, str), or a 0-d array.

    The test a model's one-point fast path starts with; cheaper than
    ``np.ndim(x) == 0``, which goes through an exception for a Python float.

    >>> scalar(1.0, np.float64(2.0), np.asarray(3.0)), scalar(1.0, np.ones(2))
    (True, False)
    """
    for v in values:
        if type(v) in _SCALAR_TYPES:
            continue
        if isinstance(v, np.ndarray):
            if v.ndim:
                return False
        elif np.ndim(v):
            return False
    return True


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
        # a million-point call must not double its memory); a smaller one is expanded
        # as a read-only view (records are immutable): a constant such as a long name
        # costs nothing per point (a copy of 60 characters at 1e6 points was 240 MB).
        if not shape or getattr(m, "shape", None) == shape:
            b = m
        else:
            b = np.broadcast_to(m, shape)
        if isinstance(v, _Quantity):
            out.append(quantity(b, v._units))
        else:
            out.append(scalar_or_array(b) if shape == () else b)
    return out




def blockwise(fn: Any, *arrays: Any, block: int = BLOCK) -> Any:
    """``fn(*arrays)`` evaluated on blocks of ``block`` elements, for long element-wise searches.

    ``fn`` takes 1-d float arrays of one length and returns one 1-d array or a
    tuple of them, element by element.  The inputs are broadcast and raveled;
    the outputs come back in the broadcast shape.  An iterative search
    (Newton, bisection) on blocks keeps its working arrays in cache and stops
    each block as soon as that block has converged, instead of every element
    waiting for the slowest of millions: the same values, faster, and peak
    memory bounded by the block rather than the input.

    >>> import numpy as np
    >>> blockwise(lambda a, b: a + b, np.arange(5.0), 1.0, block=2)
    array([1., 2., 3., 4., 5.])
    """
    arrays = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in arrays))
    shape = arrays[0].shape
    flat = [a.ravel() for a in arrays]
    size = flat[0].size
    if size <= block:
        out = fn(*flat)
        return tuple(o.reshape(shape) for o in out) if isinstance(out, tuple) else out.reshape(shape)
    parts = [fn(*(a[i:i + block] for a in flat)) for i in range(0, size, block)]
    if isinstance(parts[0], tuple):
        return tuple(np.concatenate(col).reshape(shape) for col in zip(*parts))
    return np.concatenate(parts).reshape(shape)


def select(conditions: list[Any], choices: list[str], default: str) -> Any:
    """``np.select(conditions, choices, default)`` for names, with a fast path for one point.

    When every condition and choice is a scalar (a bool or a 0-d array; the
    choices strings), the first choice whose condition holds is returned as a
    ``str``, as :func:`scalar_or_array` would make of np.select's 0-d result
    (np.select on strings costs ~10 us a call).

    >>> select([False, True], ["compute", "storage"], "network")
    'storage'
    >>> select([np.array([True, False])], ["a"], "b")
    array(['a', 'b'], dtype='<U1')
    """
    if not scalar(*conditions, *choices):
        return np.select(conditions, choices, default)
    for cond, choice in zip(conditions, choices):
        if cond:
            return str(choice)
    return str(default)


def smallest(values: list[Any], names: Any) -> tuple[Any, Any]:
    """The smallest of several broadcasting values, and the name of the first that attains it.

    Ties go to the first, as ``np.argmin`` picks; one point gives a float and
    a ``str`` without stacking arrays.

    >>> smallest([3.0, 1.0, 1.0], ["a", "b", "c"])
    (1.0, 'b')
    >>> smallest([np.array([3.0, 0.5]), 1.0], ["a", "b"])
    (array([1. , 0.5]), array(['b', 'a'], dtype='<U1'))
    """
    if scalar(*values):
        at = min(range(len(values)), key=values.__getitem__)
        return float(values[at]), str(names[at])
    stacked = np.stack(np.broadcast_arrays(*values))
    return np.min(stacked, axis=0), np.asarray(names)[np.argmin(stacked, axis=0)]
