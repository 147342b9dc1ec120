"""What-if sweeps over outer-product grids.

:func:`sweep` turns every 1-D array argument into one axis of a grid and calls
the model once, vectorised, on the whole grid; scalars pass through.  Because
every model broadcasts, a million-point sweep is one numpy evaluation.

>>> import numpy as np
>>> import mlsysim
>>> from mlsysim import Q_
>>> from mlsysim.models.checkpoint import young_interval
>>> s = mlsysim.sweep(young_interval, write_time=Q_([1, 2, 5], "min"), mtbf=Q_([2, 4], "h"))
>>> s.shape
(3, 2)
>>> s.axes
('write_time', 'mtbf')
>>> round(float(s.result.to("min").m[1, 1]), 2)    # sqrt(2 x 2 min x 240 min)
30.98
"""

from __future__ import annotations

from typing import Any, Callable

import attrs
import numpy as np

from ._records import Record
from .fmt import format_unit
from .units import ureg

__all__ = ["sweep", "Sweep"]

_Quantity = ureg.Quantity


def _as_axis(value: Any) -> Any | None:
    """The 1-D axis values if ``value`` is a 1-D sequence, else None (a pass-through scalar)."""
    if isinstance(value, _Quantity):
        return value if np.ndim(value.magnitude) == 1 else None
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(v, str) for v in value):
            qs = [ureg.Quantity(v) for v in value]
            unit = qs[0].units
            try:
                return _Quantity(np.array([q.m_as(unit) for q in qs], dtype=float), unit)
            except Exception:  # incompatible units or plain strings: keep as an object axis
                return np.asarray(value, dtype=object)
        return np.asarray(value)
    if isinstance(value, np.ndarray):
        return value if value.ndim == 1 else None
    return None


def _reshape(axis: Any, position: int, ndim: int) -> Any:
    shape = [1] * ndim
    shape[position] = -1
    if isinstance(axis, _Quantity):
        return _Quantity(np.reshape(axis.magnitude, shape), axis.units)
    return np.reshape(axis, shape)


@attrs.frozen
class Sweep:
    """The result of :func:`sweep`.

    Attributes
    ----------
    axes : tuple of str
        The names of the swept parameters, in grid-axis order.
    inputs : dict
        Every parameter by name, broadcast to the grid shape (pass-through
        scalars stay scalars).
    result : Quantity, array or Record
        What the model returned on the grid.
    """

    axes: tuple[str, ...]
    inputs: dict[str, Any]
    result: Any

    @property
    def shape(self) -> tuple[int, ...]:
        """The grid shape: one axis per swept parameter."""
        return tuple(_axis_len(self.inputs[a], i) for i, a in enumerate(self.axes))

    def columns(self) -> dict[str, np.ndarray]:
        """Flat columns, one row per grid point: ``"name [unit]"`` -> 1-D array.

        Inputs come first, then the result (one column per record field, or a
        column named after the model for a single value).
        """
        shape = self.shape
        cols: dict[str, np.ndarray] = {}
        for name, value in self.inputs.items():
            cols.update(_column(name, value, shape))
        if isinstance(self.result, Record):
            for f in attrs.fields(type(self.result)):
                cols.update(_column(f.name, getattr(self.result, f.name), shape))
        else:
            cols.update(_column("result", self.result, shape))
        return cols

    def to_dataframe(self) -> Any:
        """A pandas DataFrame of :meth:`columns` (pandas is imported here only)."""
        import pandas as pd

        return pd.DataFrame(self.columns())


def _axis_len(value: Any, position: int) -> int:
    m = value.magnitude if isinstance(value, _Quantity) else value
    return int(np.shape(m)[position])


def _column(name: str, value: Any, shape: tuple[int, ...]) -> dict[str, np.ndarray]:
    if isinstance(value, _Quantity):
        label = f"{name} [{format_unit(value.units)}]"
        return {label: np.broadcast_to(value.magnitude, shape).ravel()}
    if isinstance(value, Record):
        return {}
    return {name: np.broadcast_to(np.asarray(value), shape).ravel()}


def sweep(fn: Callable[..., Any], /, **params: Any) -> Sweep:
    """Evaluate ``fn`` on the outer-product grid of its 1-D array arguments.

    Parameters
    ----------
    fn : callable
        Any mlsysim model (or any function that broadcasts over numpy arrays).
    **params
        The model's arguments by name.  A 1-D array, a Quantity wrapping one,
        a list of numbers or a list of unit strings (``["1 h", "4 h"]``)
        becomes a grid axis; anything else (scalars, strings, specs, arrays of
        other dimensions) passes through unchanged.

    Returns
    -------
    Sweep
        ``inputs`` broadcast to the grid, ``result`` of ``fn`` on the grid.

    Notes
    -----
    Axis ``k`` of the grid is the ``k``-th swept parameter in the order given.
    The call is a single vectorised evaluation, so errors in any grid point
    are raised as the model would raise them.
    """
    axes = {name: axis for name, value in params.items() if (axis := _as_axis(value)) is not None}
    ndim = len(axes)
    call: dict[str, Any] = {}
    position = 0
    for name, value in params.items():
        if name in axes:
            call[name] = _reshape(axes[name], position, ndim)
            position += 1
        else:
            call[name] = value
    result = fn(**call)
    shape = tuple(int(np.size(a.magnitude if isinstance(a, _Quantity) else a)) for a in axes.values())
    inputs = {}
    for name, value in call.items():
        if name in axes:
            v = value
            if isinstance(v, _Quantity):
                inputs[name] = _Quantity(np.broadcast_to(v.magnitude, shape), v.units)
            else:
                inputs[name] = np.broadcast_to(v, shape)
        else:
            inputs[name] = value
    return Sweep(axes=tuple(axes), inputs=inputs, result=result)
