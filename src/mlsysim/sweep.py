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

With ``chunks`` the grid is evaluated block by block as a dask array (the
``dask`` extra), on whatever dask scheduler is active -- threads, processes or
a ``dask.distributed`` cluster -- and :meth:`Sweep.compute` brings it into
memory:

>>> lazy = mlsysim.sweep(young_interval, write_time=Q_([1, 2, 5], "min"), mtbf=Q_([2, 4], "h"), chunks=2)
>>> bool((lazy.compute().result.m == s.result.m).all())
True
"""

from __future__ import annotations

import itertools
import operator
from typing import Any, Callable

import attrs
import numpy as np
import pint

from ._records import Record
from .errors import DomainError, UnitError
from .fmt import format_unit
from .units import parse_quantity, ureg

__all__ = ["sweep", "Sweep"]

_Quantity = ureg.Quantity


def _as_axis(name: str, value: Any, choices: tuple[str, ...] | None) -> Any | None:
    """The 1-D axis values if ``value`` is a 1-D sequence, else None (a pass-through scalar).

    A list of strings is a list of quantities (``["1 h", "4 h"]``), read by the
    one unit parser, unless the parameter is declared a choice (``segments``),
    in which case it is an axis of choices.  Quantities of another registry are
    converted through their string form.
    """
    where = f"sweep(): parameter '{name}'"
    if isinstance(value, pint.Quantity) and not isinstance(value, _Quantity):
        try:
            value = _Quantity(value.magnitude, format(value.units, "D"))
        except Exception:
            raise UnitError(f"{where}: a Quantity of another UnitRegistry whose unit mlsysim.ureg cannot "
                            "read; build it with mlsysim.Q_") from None
    if isinstance(value, _Quantity):
        return value if np.ndim(value.magnitude) == 1 else None
    if isinstance(value, (list, tuple)):
        if not value:
            raise DomainError(f"{where}: an empty list gives an empty grid; give at least one value")
        if all(isinstance(v, str) for v in value):
            if choices is not None:
                return np.asarray(value, dtype=object)
            qs = [parse_quantity(v, where) for v in value]
            unit = qs[0].units
            try:
                return _Quantity(np.array([q.m_as(unit) for q in qs], dtype=float), unit)
            except pint.DimensionalityError:
                raise UnitError(f"{where}: the values {', '.join(map(repr, value[:4]))} are not all of one "
                                "dimension") from None
        if all(isinstance(v, pint.Quantity) for v in value):
            first = _as_axis(name, value[0], None) if not isinstance(value[0], _Quantity) else value[0]
            try:
                unit = first.units
                return _Quantity(np.array([_as_axis(name, v, None).m_as(unit) if not isinstance(v, _Quantity)
                                           else v.m_as(unit) for v in value], dtype=float), unit)
            except (pint.DimensionalityError, TypeError, ValueError):
                raise UnitError(f"{where}: a list of Quantities that are not all scalars of one "
                                "dimension") from None
        try:
            arr = np.asarray(value)
        except (ValueError, TypeError):
            raise UnitError(f"{where}: a ragged or mixed list (items of different lengths or types)") from None
        if arr.ndim != 1:
            raise DomainError(f"{where}: a list becomes one grid axis and must be flat; got shape {arr.shape}")
        return arr
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
        What the model returned on the grid (dask-backed when the sweep was
        chunked, until :meth:`compute`).
    model : str
        The swept function's qualified name (``module.name``).
    """

    axes: tuple[str, ...]
    inputs: dict[str, Any]
    result: Any
    model: str = ""

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

        return pd.DataFrame(self.compute().columns())

    @property
    def lazy(self) -> bool:
        """True when the result is a dask array not yet computed (``sweep(..., chunks=...)``)."""
        return any(_is_dask(getattr(v, "magnitude", v)) for v in _result_values(self.result))

    def compute(self, **kwargs: Any) -> Sweep:
        """The same sweep with every dask-backed result computed (itself when nothing is lazy).

        All fields are computed in one ``dask.compute`` call, so each block of
        the grid is evaluated once whatever the number of fields.  Keyword
        arguments go to ``dask.compute`` (e.g. ``scheduler="processes"``).
        """
        if not self.lazy:
            return self
        import dask

        values = _result_values(self.result)
        mags = [v.magnitude if isinstance(v, _Quantity) else v for v in values]
        lazy_index = [i for i, m in enumerate(mags) if _is_dask(m)]
        computed = dask.compute(*[mags[i] for i in lazy_index], **kwargs)
        for i, m in zip(lazy_index, computed):
            m = np.asarray(m)
            if m.dtype == object:
                m = m.astype(str)
            mags[i] = _Quantity(m, values[i].units) if isinstance(values[i], _Quantity) else m
        if isinstance(self.result, Record):
            names = [f.name for f in attrs.fields(type(self.result))]
            result = attrs.evolve(self.result, **dict(zip(names, mags)))
        else:
            result = mags[0]
        return attrs.evolve(self, result=result)

    def to_xarray(self) -> Any:
        """An ``xarray.Dataset`` whose dimensions are the swept axes (xarray is imported here only).

        Coordinates are the axis values (magnitudes, their unit in
        ``attrs["units"]``); data variables are the inputs that vary over the
        grid and the result (one variable per record field, or ``"result"``),
        each with its unit in ``attrs["units"]``.  A lazy sweep stays lazy: the
        variables are dask arrays until computed.

        >>> import mlsysim
        >>> from mlsysim import Q_
        >>> from mlsysim.models.checkpoint import young_interval
        >>> ds = mlsysim.sweep(young_interval, write_time=Q_([1, 2], "min"), mtbf=Q_([2, 4, 8], "h")).to_xarray()
        >>> ds["result"].dims, ds["result"].attrs["units"]
        (('write_time', 'mtbf'), 's')
        >>> round(float(ds["result"].sel(write_time=2, mtbf=8)), 1)   # sqrt(2 x 120 s x 28800 s)
        2629.1
        """
        import xarray as xr

        dims = self.axes
        shape = self.shape
        coords = {}
        for i, name in enumerate(dims):
            value = self.inputs[name]
            index = [0] * len(dims)
            index[i] = slice(None)
            if isinstance(value, _Quantity):
                coords[name] = xr.Variable(name, np.asarray(value.magnitude)[tuple(index)],
                                           attrs={"units": _unit_text(value.units)})
            else:
                coords[name] = xr.Variable(name, np.asarray(value)[tuple(index)])
        data = {}
        for name, value in self.inputs.items():
            if name in dims or not _is_gridded(value, shape):
                continue
            data[name] = _variable(value, dims, shape)
        if isinstance(self.result, Record):
            for f in attrs.fields(type(self.result)):
                data[f.name] = _variable(getattr(self.result, f.name), dims, shape)
        else:
            data["result"] = _variable(self.result, dims, shape)
        scalars = {name: str(value) for name, value in self.inputs.items()
                   if name not in dims and not _is_gridded(value, shape)}
        return xr.Dataset(data, coords=coords, attrs={"model": _model_name(self), **scalars})


def _unit_text(units: Any) -> str:
    return format_unit(units) if str(units) != "dimensionless" else ""


def _is_dask(m: Any) -> bool:
    return type(m).__module__.startswith("dask.")


def _result_values(result: Any) -> list[Any]:
    if isinstance(result, Record):
        return [getattr(result, f.name) for f in attrs.fields(type(result))]
    return [result]


def _is_gridded(value: Any, shape: tuple[int, ...]) -> bool:
    m = value.magnitude if isinstance(value, _Quantity) else value
    return isinstance(m, np.ndarray) and m.shape == shape or _is_dask(m)


def _variable(value: Any, dims: tuple[str, ...], shape: tuple[int, ...]) -> Any:
    import xarray as xr

    if isinstance(value, _Quantity):
        m = value.magnitude
        m = m if _is_dask(m) else np.broadcast_to(m, shape)
        return xr.Variable(dims, m, attrs={"units": _unit_text(value.units)})
    m = value if _is_dask(value) else np.broadcast_to(np.asarray(value), shape)
    return xr.Variable(dims, m)


def _model_name(s: Sweep) -> str:
    return s.model


def _axis_len(value: Any, position: int) -> int:
    m = value.magnitude if isinstance(value, _Quantity) else value
    return int(np.shape(m)[position])


def _column(name: str, value: Any, shape: tuple[int, ...]) -> dict[str, np.ndarray]:
    if _is_dask(getattr(value, "magnitude", value)):
        raise TypeError("a lazy sweep has no columns yet: call .compute() first")
    if isinstance(value, _Quantity):
        label = f"{name} [{format_unit(value.units)}]"
        return {label: np.broadcast_to(value.magnitude, shape).ravel()}
    if isinstance(value, Record):
        return {}
    return {name: np.broadcast_to(np.asarray(value), shape).ravel()}


def _evaluate(fn: Callable[..., Any], call: dict[str, Any], choice_axes: list[tuple[str, int, Any]],
              shape: tuple[int, ...], fixed: frozenset[int]) -> Any:
    """``fn`` on the grid; a choice axis is evaluated once per choice and the results stacked on it."""
    if not choice_axes:
        return fn(**call)
    (name, pos, values), rest = choice_axes[0], choice_axes[1:]
    parts = [_evaluate(fn, {**call, name: str(v)}, rest, shape, fixed | {pos}) for v in values]
    target = tuple(1 if (i == pos or i in fixed) else n for i, n in enumerate(shape))
    return _stack(parts, pos, target)


def _stack(parts: list[Any], axis: int, target: tuple[int, ...]) -> Any:
    first = parts[0]
    if isinstance(first, Record):
        return type(first)(**{f.name: _stack([getattr(p, f.name) for p in parts], axis, target)
                              for f in attrs.fields(type(first))})
    if isinstance(first, _Quantity):
        unit = first.units
        return _Quantity(np.concatenate([np.broadcast_to(p.m_as(unit), target) for p in parts], axis=axis), unit)
    return np.concatenate([np.broadcast_to(np.asarray(p), target) for p in parts], axis=axis)


def sweep(fn: Callable[..., Any], /, *, chunks: Any = None, **params: Any) -> Sweep:
    """Evaluate ``fn`` on the outer-product grid of its 1-D array arguments.

    Parameters
    ----------
    fn : callable
        Any mlsysim model (or any function that broadcasts over numpy arrays).
    **params
        The model's arguments by name.  A 1-D array, a Quantity wrapping one,
        a list of numbers or a list of unit strings (``["1 h", "4 h"]``)
        becomes a grid axis, and so does a list of choices for a parameter
        declared as one (``segments=["fractional", "whole"]``: the model is
        evaluated once per choice); anything else (scalars, strings, specs, arrays of
        other dimensions) passes through unchanged.
    chunks : int, tuple of int or dict, optional
        Evaluate the grid block by block as a dask array (needs the ``dask``
        extra): an int is the block length along every axis, a tuple one
        length per axis, a dict ``{axis name: length}`` (axes not named are
        not split).  The result is lazy; :meth:`Sweep.compute` (or any dask
        computation of the fields) runs the blocks on the active scheduler,
        a ``dask.distributed.Client`` included.  Each block is one vectorised
        call of ``fn`` on numpy arrays, so values equal the in-memory call.

    Returns
    -------
    Sweep
        ``inputs`` broadcast to the grid, ``result`` of ``fn`` on the grid.

    Notes
    -----
    Axis ``k`` of the grid is the ``k``-th swept parameter in the order given.
    Without ``chunks`` the call is a single vectorised evaluation, so errors
    in any grid point are raised as the model would raise them.  With
    ``chunks`` one grid point (the first of every axis) is evaluated at once
    to learn the result's structure and units, and to raise bad input early;
    an error in another block is raised when that block is computed.
    """
    declared = getattr(fn, "__validators__", {})
    choice_of = {name: getattr(d, "choices", None) for name, d in declared.items()}
    axes = {name: axis for name, value in params.items()
            if (axis := _as_axis(name, value, choice_of.get(name))) is not None}
    ndim = len(axes)
    call: dict[str, Any] = {}
    choice_axes: list[tuple[str, int, Any]] = []
    position = 0
    for name, value in params.items():
        if name in axes:
            if choice_of.get(name) is not None and isinstance(axes[name], np.ndarray):
                choice_axes.append((name, position, axes[name]))
                call[name] = None  # set per choice by _evaluate
            else:
                call[name] = _reshape(axes[name], position, ndim)
            position += 1
        else:
            call[name] = value
    shape = tuple(int(np.size(a.magnitude if isinstance(a, _Quantity) else a)) for a in axes.values())
    if chunks is None:
        result = _evaluate(fn, call, choice_axes, shape, frozenset())
    elif choice_axes:
        raise DomainError(f"sweep(): parameter '{choice_axes[0][0]}': a choice axis cannot be chunked; "
                          "sweep one choice at a time, or leave chunks out")
    else:
        result = _lazy_result(fn, axes, {n: v for n, v in params.items() if n not in axes}, chunks, shape)
    for name, pos, values in choice_axes:
        call[name] = _reshape(values, pos, ndim)
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
    model = f"{getattr(fn, '__module__', '')}.{getattr(fn, '__qualname__', getattr(fn, '__name__', ''))}"
    return Sweep(axes=tuple(axes), inputs=inputs, result=result, model=model.lstrip("."))


# --------------------------------------------------------------------------- blockwise evaluation


def _block_sizes(chunks: Any, names: list[str], shape: tuple[int, ...]) -> list[tuple[int, ...]]:
    """The block lengths along every axis (dask's ``normalize_chunks`` convention)."""
    from dask.array.core import normalize_chunks

    if isinstance(chunks, dict):
        unknown = set(chunks) - set(names)
        if unknown:
            raise ValueError(f"sweep: chunks names {sorted(unknown)}, which are not swept axes {names}")
        chunks = tuple(chunks.get(n, -1) for n in names)
    elif isinstance(chunks, (tuple, list)) and len(chunks) != len(names):
        raise ValueError(f"sweep: chunks gives {len(chunks)} lengths for {len(names)} axes {names}")
    return list(normalize_chunks(chunks, shape))


def _pack(value: Any) -> Any:
    """A Quantity as (magnitude, unit text) so task graphs carry plain numpy data and strings."""
    if isinstance(value, _Quantity):
        return ("__quantity__", value.magnitude, str(value.units))
    return value


def _unpack(value: Any) -> Any:
    if isinstance(value, tuple) and len(value) == 3 and value[0] == "__quantity__":
        return ureg.Quantity(value[1], value[2])
    return value


def _evaluate_block(fn: Callable[..., Any], arguments: dict[str, Any], shape: tuple[int, ...]) -> tuple:
    """Call ``fn`` on one block; every result field as a magnitude of the block's shape."""
    result = fn(**{name: _unpack(v) for name, v in arguments.items()})
    out = []
    for v in _result_values(result):
        m = v.magnitude if isinstance(v, _Quantity) else v
        m = np.broadcast_to(np.asarray(m), shape)
        out.append(m.astype(object) if m.dtype.kind in "US" else m)
    return tuple(out)


def _lazy_result(fn: Callable[..., Any], axes: dict[str, Any], passthrough: dict[str, Any],
                 chunks: Any, shape: tuple[int, ...]) -> Any:
    try:
        import dask
        import dask.array as da
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise ImportError("sweep(..., chunks=...) needs dask: pip install 'mlsysim[dask]'") from exc
    names = list(axes)
    ndim = len(names)
    packed = {n: _pack(v) for n, v in passthrough.items()}
    # One grid point, evaluated now: bad input fails here, and the result's structure is learned.
    probe_args = {n: _reshape(a[:1], i, ndim) for i, (n, a) in enumerate(axes.items())}
    probe = fn(**probe_args, **passthrough)
    templates = _result_values(probe)
    sizes = _block_sizes(chunks, names, shape)
    starts = [np.concatenate([[0], np.cumsum(s)]).astype(int) for s in sizes]
    fields: list[dict[tuple[int, ...], Any]] = [{} for _ in templates]
    for index in itertools.product(*[range(len(s)) for s in sizes]):
        block_shape = tuple(sizes[k][i] for k, i in enumerate(index))
        arguments = dict(packed)
        for k, (name, axis) in enumerate(axes.items()):
            lo, hi = starts[k][index[k]], starts[k][index[k] + 1]
            arguments[name] = _pack(_reshape(axis[lo:hi], k, ndim))
        task = dask.delayed(_evaluate_block, pure=True)(fn, arguments, block_shape)
        for j, template in enumerate(templates):
            m = template.magnitude if isinstance(template, _Quantity) else np.asarray(template)
            dtype = object if m.dtype.kind in "US" else m.dtype
            part = dask.delayed(operator.getitem, pure=True)(task, j)
            fields[j][index] = da.from_delayed(part, shape=block_shape, dtype=dtype)
    arrays = [da.block(_nested(blocks, [len(s) for s in sizes])) if ndim else blocks[()]
              for blocks in fields]
    values = [_Quantity(a, t.units) if isinstance(t, _Quantity) else a for a, t in zip(arrays, templates)]
    if isinstance(probe, Record):
        return type(probe)(**{f.name: v for f, v in zip(attrs.fields(type(probe)), values)})
    return values[0]


def _nested(blocks: dict[tuple[int, ...], Any], counts: list[int], prefix: tuple[int, ...] = ()) -> Any:
    """Blocks keyed by grid index as the nested lists ``dask.array.block`` takes."""
    if len(prefix) == len(counts):
        return blocks[prefix]
    return [_nested(blocks, counts, prefix + (i,)) for i in range(counts[len(prefix)])]
