"""``python -m mlsysim run FILE.toml``: evaluate a subcommand, a model or a sweep from a TOML file.

A file names exactly one of:

* ``command``: a subcommand (``"checkpoint"``, ``"metadata"``, ``"storage pipeline"``,
  ``"storage gravity"``, ``"storage device"``, ``"ops break-even"``, ``"ops canary"``);
  its ``[inputs]`` are the subcommand's options, spelled as keys (``write_time``
  for ``--write-time``).  The file is read through the same parser and checks
  as the command line, so it refuses what the command line refuses.
* ``model``: a public model function, ``"<family>.<function>"`` (e.g.
  ``"checkpoint.waste_breakdown"``), called with ``[inputs]`` as keyword
  arguments.  With a ``[sweep]`` table, each key there is a list of values: one
  axis of a grid evaluated in one vectorised call (:func:`mlsysim.sweep`).

Quantities are strings (``"4 h"``), counts and fractions numbers, flags
booleans.  An optional ``title`` is printed above the results.  Every error
names the key it comes from.  TOML is read with :mod:`tomllib` (Python 3.11+)
or ``tomli`` on Python 3.10.
"""

from __future__ import annotations

import argparse
import importlib
import re
from pathlib import Path
from typing import Any

__all__ = ["run_file", "load_toml", "RunFileError"]

_TOP_KEYS = ("command", "model", "title", "inputs", "sweep")
_FAMILIES = ("storage", "checkpoint", "metadata", "ops")


class RunFileError(Exception):
    """A scenario file the runner refuses; the message names the file and the key."""


def load_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file with tomllib (or tomli on Python 3.10)."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]

    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise RunFileError(f"{path}: no such file") from None
    except tomllib.TOMLDecodeError as exc:
        raise RunFileError(f"{path}: not valid TOML ({exc})") from None


def _fail(path: Path, key: str, message: str) -> RunFileError:
    return RunFileError(f"{path}: key '{key}': {message}")


def run_file(args: argparse.Namespace, parser: argparse.ArgumentParser) -> dict[str, Any] | int:
    """Evaluate the file ``args.file``; returns the named results (printed by the CLI)."""
    from .cli import UsageError

    path = Path(args.file)
    try:
        data = load_toml(path)
        unknown = [k for k in data if k not in _TOP_KEYS]
        if unknown:
            raise _fail(path, unknown[0], f"unknown key; a run file has {', '.join(_TOP_KEYS)}")
        if ("command" in data) == ("model" in data):
            raise RunFileError(f"{path}: give exactly one of the keys 'command' or 'model'")
        inputs = data.get("inputs", {})
        if not isinstance(inputs, dict):
            raise _fail(path, "inputs", "must be a table ([inputs])")
        if "title" in data and not isinstance(data["title"], str):
            raise _fail(path, "title", "must be a string")
        if "command" in data:
            if "sweep" in data:
                raise _fail(path, "sweep", "sweeps go with 'model', not with 'command'")
            return _run_command(args, parser, path, data["command"], inputs, data.get("title"))
        return _run_model(args, path, data["model"], inputs, data.get("sweep"), data.get("title"))
    except RunFileError as exc:
        raise UsageError(str(exc)) from None


# ------------------------------------------------------------------ command mode

def _run_command(args: argparse.Namespace, parser: argparse.ArgumentParser, path: Path, command: Any,
                 inputs: dict[str, Any], title: str | None) -> Any:
    from .cli import _subparser

    if not isinstance(command, str):
        raise _fail(path, "command", "must be a string such as \"checkpoint\"")
    words = command.split()
    sub = _subparser(parser, words)
    if sub is None or words[0] in ("run", "report", "catalog") or not sub.get_default("input_names"):
        raise _fail(path, "command", f"unknown command {command!r}; use one of {', '.join(_commands(parser))}")
    options = {a.dest: a for a in sub._actions if a.dest not in ("help", "json")}
    argv = list(words)
    for key, value in inputs.items():
        action = options.get(key.replace("-", "_"))
        if action is None:
            raise _fail(path, f"inputs.{key}", f"'{command}' has no such input; it takes "
                        f"{', '.join(options)}")
        flag = action.option_strings[0]
        if action.nargs == 0:  # a flag such as --no-overlap
            if not isinstance(value, bool):
                raise _fail(path, f"inputs.{key}", "must be true or false")
            if value:
                argv.append(flag)
            continue
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise _fail(path, f"inputs.{key}", "must be a quantity string such as \"4 h\" or a number")
        if action.type is float and isinstance(value, str):
            raise _fail(path, f"inputs.{key}", f"must be a number, not the string {value!r}")
        argv += [flag, str(value)]
    for dest, action in options.items():
        if action.required and dest not in {k.replace("-", "_") for k in inputs}:
            raise _fail(path, f"inputs.{dest}", f"missing: '{command}' needs it")
    if args.json:
        argv.append("--json")

    def refuse(message: str) -> Any:
        raise RunFileError(_as_key(message, path))

    sub.error = refuse  # type: ignore[method-assign]  # argparse's complaints name the key, one line
    sub_args = sub.parse_args(argv[len(words):])
    for name in ("func", "command_name", "input_names"):
        setattr(args, name, getattr(sub_args, name))
    for name in sub_args.input_names:
        setattr(args, name, getattr(sub_args, name))
    args.rename_error = lambda message: _as_key(message, path)
    args.command_name = f"run {command}" if title is None else f"{title} ({command})"
    results = sub_args.func(sub_args)
    args.json_inputs = {k: _input(getattr(sub_args, k)) for k in sub_args.input_names
                        if getattr(sub_args, k, None) is not None}
    return results


def _input(value: Any) -> Any:
    from .cli import _input_value

    return _input_value(value)


def _commands(parser: argparse.ArgumentParser) -> list[str]:
    out = []
    for name in ("storage pipeline", "storage gravity", "storage device", "checkpoint", "metadata",
                 "ops break-even", "ops canary"):
        if _subparser_exists(parser, name):
            out.append(name)
    return out


def _subparser_exists(parser: argparse.ArgumentParser, name: str) -> bool:
    from .cli import _subparser

    return _subparser(parser, name.split()) is not None


def _as_key(message: str, path: Path) -> str:
    """A model's or option's error, naming the file's key instead of the option."""
    first = message.split("\n")[0]
    first = re.sub(r"parameter '([a-z_]+)'", lambda m: f"key 'inputs.{m.group(1)}'", first)
    first = re.sub(r"(?:option |argument )?--([a-z][a-z-]*)",
                   lambda m: f"key 'inputs.{m.group(1).replace('-', '_')}'", first)
    return f"{path}: {first}"


# ------------------------------------------------------------------ model mode

def _model_function(path: Path, name: Any) -> Any:
    if not isinstance(name, str) or name.count(".") != 1:
        raise _fail(path, "model", "must be a string '<family>.<function>', e.g. 'checkpoint.optimal_interval'")
    family, function = name.split(".")
    if family not in _FAMILIES:
        raise _fail(path, "model", f"unknown family {family!r}; use one of {', '.join(_FAMILIES)}")
    module = importlib.import_module(f"mlsysim.models.{family}")
    if function not in getattr(module, "__all__", ()) or not callable(getattr(module, function)):
        raise _fail(path, "model", f"mlsysim.models.{family} has no public function {function!r}")
    return getattr(module, function)


def _value(path: Path, key: str, value: Any) -> Any:
    """A TOML value as a model argument: strings stay strings (the model parses them), numbers as given."""
    if isinstance(value, dict):
        raise _fail(path, key, "must be a value, not a table")
    if isinstance(value, list):
        raise _fail(path, key, "lists belong in [sweep], one list per axis")
    return value


def _run_model(args: argparse.Namespace, path: Path, model: Any, inputs: dict[str, Any], sweep: Any,
               title: str | None) -> dict[str, Any]:
    import inspect

    import numpy as np

    from .sweep import sweep as run_sweep

    fn = _model_function(path, model)
    params = inspect.signature(fn).parameters
    kwargs = {}
    for key, value in inputs.items():
        if key not in params:
            raise _fail(path, f"inputs.{key}", f"{model} has no parameter {key!r}; it takes {', '.join(params)}")
        kwargs[key] = _value(path, f"inputs.{key}", value)
    axes: dict[str, Any] = {}
    if sweep is not None:
        if not isinstance(sweep, dict) or not sweep:
            raise _fail(path, "sweep", "must be a table of lists, one per swept parameter")
        for key, values in sweep.items():
            where = f"sweep.{key}"
            if key not in params:
                raise _fail(path, where, f"{model} has no parameter {key!r}; it takes {', '.join(params)}")
            if key in kwargs:
                raise _fail(path, where, "is also given in [inputs]; give it once")
            if not isinstance(values, list) or not values:
                raise _fail(path, where, "must be a non-empty list of values")
            kinds = {type(v) for v in values}
            if kinds <= {int, float} and bool not in kinds:
                axes[key] = np.asarray(values, dtype=float)
            elif kinds == {str}:
                axes[key] = _quantity_axis(path, where, values)
            else:
                raise _fail(path, where, "must list quantity strings (\"4 h\") or numbers, not a mix")
    args.rename_error = lambda message: _as_key(message, path)
    args.command_name = f"run {model}" if title is None else f"{title} ({model})"
    args.json_inputs = {**{k: _input(v) for k, v in kwargs.items()}, **axes}
    name = model.split(".")[1]
    if not axes:
        return {name: fn(**kwargs)}
    result = run_sweep(fn, **kwargs, **axes)
    args.text = _sweep_text(args.command_name, result)
    return {"axes": axes, name: result.result}


def _sweep_text(title: str, result: Any) -> str:
    """A sweep as one row per grid point: the swept inputs, then every result field, one unit per column."""
    import attrs
    import numpy as np

    from ._records import Record
    from .fmt import format_quantity
    from .report._shape import columns, num
    from .units import ureg

    shape = result.shape
    cols: dict[str, Any] = {name: result.inputs[name] for name in result.axes}
    if isinstance(result.result, Record):
        cols.update({f.name: getattr(result.result, f.name) for f in attrs.fields(type(result.result))})
    else:
        cols["result"] = result.result
    header, cells = [], []
    for name, value in cols.items():
        if isinstance(value, ureg.Quantity):
            m = np.broadcast_to(value.magnitude, shape).ravel()
            finite = m[np.isfinite(m)]
            ref = ureg.Quantity(float(np.median(finite)) if finite.size else 1.0, value.units)
            unit = format_quantity(ref).split(" ", 1)[1]
            header.append(f"{name} [{unit}]")
            cells.append([num(ureg.Quantity(x, value.units), unit) for x in m])
        else:
            a = np.broadcast_to(np.asarray(value), shape).ravel()
            header.append(name)
            if a.dtype.kind == "b":
                cells.append(["yes" if x else "no" for x in a])
            elif a.dtype.kind in "fiu":
                cells.append([num(float(x)) for x in a])
            else:
                cells.append([str(x) for x in a])
    rows = [list(r) for r in zip(*cells)]
    return "\n".join([title, *("  " + line for line in columns(header, rows, left=0))])


def _quantity_axis(path: Path, where: str, values: list[str]) -> Any:
    import numpy as np

    from ._validate import parse_quantity
    from .errors import MlsysimError
    from .units import ureg

    try:
        qs = [parse_quantity(v, f"key '{where}'") for v in values]
        unit = qs[0].units
        return ureg.Quantity(np.array([q.m_as(unit) for q in qs], dtype=float), unit)
    except MlsysimError as exc:
        raise RunFileError(f"{path}: {str(exc).splitlines()[0]}") from None
    except Exception:  # noqa: BLE001 - incompatible units between the list's entries
        raise _fail(path, where, "the values must all have the same dimension") from None
