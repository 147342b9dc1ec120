"""Nothing a user types can hang, crash or fool mlsysim: the generated bad-input suite.

Every public function is found from the modules' ``__all__`` and its
``@validated`` declarations (a new function is covered without editing this
file), and every declared parameter is tried with a table of inputs chosen
for its kind: wrong kinds, extreme but valid magnitudes in odd units,
masked, ragged, empty, foreign-registry, NaN at one index of a large array,
long and adversarial strings.  For each input the outcome must be

* ``refused``: an mlsysim error (UnitError / DomainError) whose message names
  the function and the parameter, or
* ``value``: a result without NaN (allowed only for inputs that are valid);

never a leaked numpy/pint/Python exception, a silent NaN, or a call that takes
long (each call is timed; the assertion is a generous 1 s so CI never flakes,
the measured maximum is reported by ``python tests/test_bad_input.py``).

The same questions are asked of the catalog specs (``attrs.evolve``),
:func:`mlsysim.sweep`, :mod:`mlsysim.fmt`, the unit parser and the CLI, and a
hypothesis test throws arbitrary values at arbitrary parameters.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import io
import math
import pkgutil
import re
import sys
import time
import warnings
from collections import Counter
from typing import Any, Callable

import attrs
import numpy as np
import pint
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mlsysim
from mlsysim import Q_, hardware
from mlsysim import _validate as V
from mlsysim.errors import DomainError, MlsysimError, RegimeWarning, UnitError
from mlsysim.units import KINDS

SLOW = 1.0  # seconds: generous, so timing never makes CI flaky (the goal is 50 ms; see the report)
BIG = 100_000  # elements of the large array with one NaN
NAN_AT = 77_777
FOREIGN = pint.UnitRegistry()

# Measured outcomes, by family and outcome; the slowest refusal.  Printed by __main__.
COUNTS: Counter = Counter()
SLOWEST: list[tuple[float, str]] = [(0.0, "")]


def _note_time(elapsed: float, label: str) -> None:
    """Keep the five slowest refusals (and all refusal times, for the median)."""
    TIMES.append(elapsed)
    SLOWEST.append((elapsed, label))
    SLOWEST.sort(reverse=True)
    del SLOWEST[5:]


TIMES: list[float] = []


# ------------------------------------------------------------------ discovery

def _public_modules() -> list[Any]:
    skip = {"mlsysim.cli", "mlsysim.plot", "mlsysim.testing", "mlsysim.__main__"}
    mods = [mlsysim]
    for info in pkgutil.walk_packages(mlsysim.__path__, "mlsysim."):
        name = info.name
        if name in skip or any(part.startswith("_") for part in name.split(".")[1:]) or ".report" in name:
            continue
        mods.append(importlib.import_module(name))
    return mods


def validated_functions() -> dict[str, Callable[..., Any]]:
    """Every public function with ``@validated`` declarations, by its public path."""
    found: dict[int, tuple[str, Callable[..., Any]]] = {}
    for mod in _public_modules():
        for name in getattr(mod, "__all__", ()):
            fn = getattr(mod, name, None)
            if callable(fn) and not isinstance(fn, type) and getattr(fn, "__validators__", None) is not None:
                found.setdefault(id(fn), (f"{fn.__module__}.{fn.__name__}", fn))
    return dict(sorted(found.values()))


# Functions this suite does not drive (none: the Monte Carlo functions and the fit are driven
# too, with the base calls below).
NOT_YET_DRIVEN: set[str] = set()
# Valid inputs whose correct answer is costly by design, not probed: the largest trial count
# asks for 1e7 simulated jobs per interval (about 10 s per point, and simulated_optimal_interval
# evaluates some 50 intervals).  Every other probe of these parameters runs.
COSTLY_PROBES = {("simulate_runtime", "trials", "maximum"), ("simulated_optimal_interval", "trials", "maximum")}
FUNCTIONS = {path: fn for path, fn in validated_functions().items() if fn.__name__ not in NOT_YET_DRIVEN}

# Arguments that no declaration describes, or a base call the declarations' typical values
# cannot make feasible (a cross-constraint between parameters): given by hand.
from mlsysim.models import checkpoint as ckpt_models  # noqa: E402

_LAW = ckpt_models.Exponential("4 h")
BASE_OVERRIDES: dict[str, dict[str, Any]] = {
    "tiered_pipeline": dict(tiers=[("NVMe cache", "28 GB/s", 0.6), ("object store", "2 GB/s", 0.4)]),
    "holdup_energy": dict(start_voltage="3.3 V", cutoff_voltage="1.8 V"),
    "brownout_save": dict(start_voltage="3.3 V", cutoff_voltage="1.8 V"),
    "sequential_test": dict(baseline_rate=1e-4, regressed_rate=1e-3),
    # failure laws are records, not declarations; small trial counts keep the suite fast
    "simulate_runtime": dict(work="10 h", interval="1 h", write_time="1 min", failures=_LAW, trials=20, seed=1),
    "simulated_optimal_interval": dict(work="10 h", write_time="1 min", failures=_LAW, trials=20, seed=1),
    "fit_failures": dict(times_between_failures=Q_([1.0, 2.5, 0.7, 4.0, 1.3, 2.2], "h")),
}


def _example(kind: str) -> Any:
    text = KINDS[kind].example.split("'")[1]
    return Q_(text)


def _inner(decl: V.Param) -> V.Param:
    return decl.inner if isinstance(decl, V.Optional) else decl


def typical(decl: V.Param) -> Any:
    """A valid value of a declaration (None for one with nothing to offer)."""
    d = _inner(decl)
    if isinstance(d, V.Dimensioned):
        q = _example(d.kind)
        return q if d.convert(q, "probe") is not None else None
    if isinstance(d, V.Number):
        for v in (0.5, 2.0, 1.0, d.minimum, d.maximum, 10.0, 1000.0):
            if v is None:
                continue
            try:
                d.convert(float(v), "probe")
                return float(v)
            except MlsysimError:
                continue
        return None
    if isinstance(d, V.Choice):
        return d.choices[0]
    if isinstance(d, V.Instance):
        for spec in hardware.CATALOG.values():
            if isinstance(spec, d.classes):
                return spec
    for candidate in _catalog_entries():  # another kind of declaration: the first catalog entry it takes
        try:
            d.convert(candidate, "probe")
            return candidate
        except MlsysimError:
            continue
    return None


def _catalog_entries() -> list[Any]:
    """Entries of every catalog (hardware, workloads, ...) and a few plain values."""
    entries: list[Any] = [True]
    for mod in _public_modules():
        catalog = getattr(mod, "CATALOG", None)
        if catalog is not None and hasattr(catalog, "values"):
            entries += list(catalog.values())
    return entries


def base_call(fname: str, fn: Callable[..., Any]) -> dict[str, Any]:
    """Keyword arguments of a call that succeeds (declarations' typical values plus overrides)."""
    params = inspect.signature(fn).parameters
    kwargs = {}
    for name, p in params.items():
        decl = fn.__validators__.get(name)
        if p.default is p.empty and decl is not None:
            kwargs[name] = typical(decl)
    kwargs.update(BASE_OVERRIDES.get(fn.__name__, {}))
    return kwargs


# ------------------------------------------------------------------ outcomes

def _documented_nan(fn: Any) -> set[str]:
    """Result fields whose numpydoc entry says they may be ``nan`` (e.g. "``nan`` unless exact=True")."""
    fields: set[str] = set()
    current = None
    for line in (inspect.getdoc(fn) or "").splitlines():
        m = re.match(r"^(\w+) : ", line)
        if m:
            current = m.group(1)
        if current and re.search(r"\bnan\b", line):
            fields.add(current)
    return fields


def _has_nan(x: Any, allowed: set[str] = frozenset()) -> bool:
    if hasattr(type(x), "__attrs_attrs__"):
        return any(_has_nan(getattr(x, f.name)) for f in attrs.fields(type(x)) if f.name not in allowed)
    m = getattr(x, "magnitude", x)
    try:
        arr = np.asarray(m)
    except Exception:
        return False
    return arr.dtype.kind in "fc" and bool(np.isnan(arr).any())


def outcome(fn: Callable[..., Any], kwargs: dict[str, Any], names: tuple[str, ...], label: str,
            args: tuple[Any, ...] = ()) -> tuple[str, Any]:
    """Run one input: ("value", result) or ("refused", error); anything else fails the test."""
    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)  # numpy warnings must not reach the user
            warnings.simplefilter("ignore", RegimeWarning)  # out-of-regime is a documented value
            result = fn(*args, **kwargs)
        kind = "value"
    except MlsysimError as exc:
        result, kind = exc, "refused"
    except Exception as exc:  # a leak: report it with the input
        elapsed = time.perf_counter() - start
        COUNTS[(label.split(":")[0], "leaked")] += 1
        pytest.fail(f"{label}: leaked {type(exc).__name__}: {str(exc)[:300]}")
    elapsed = time.perf_counter() - start
    family = label.split(":")[0]
    COUNTS[(family, kind)] += 1
    if kind == "refused":  # refusing must be quick whatever the input; computing a valid one may take longer
        assert elapsed < SLOW, f"{label}: took {elapsed:.3f} s to refuse"
        _note_time(elapsed, label)
        message = str(result)
        if names:
            assert any(n in message for n in names), f"{label}: the message does not name {names}: {message}"
    else:
        allowed = _documented_nan(fn) | _documented_nan(type(result))
        assert not _has_nan(result, allowed), f"{label}: returned NaN silently: {result!r:.300}"
    return kind, result


# ------------------------------------------------------------------ input tables

ADVERSARIAL_STRINGS = [
    "9**9**9 s", "10**10**10 s", "2**2**2**2**2**2 s", "s**(9**9)", "(9**99)**99 s", "9^9^9 s",
    "m squared squared squared squared squared squared squared",
    "x" * 100_000, "1 " * 50_000 + "s", "(" * 200 + "s" + ")" * 200, "5 $", "3 ¢", "5 s . 3", "",
    " ", "\x00", "s\u202e", "\u0663 s", "1e999999 s", "-1e999999 s", "nan s", "5 s; import os",
    "__import__('os')", "{0.__class__}", "%s%s%s", "1 " + "GB/" * 80 + "s", "1e-999 s", "5 s 6",
]


def _odd_units(kind: str) -> tuple[str, str]:
    """The largest and the smallest unit of a kind's display ladder (or its canonical unit)."""
    ladder = KINDS[kind].display or (KINDS[kind].canonical,)
    big = {"time": "year", "data size": "EB", "bandwidth": "EB/s"}.get(kind, ladder[-1])
    small = {"time": "ns", "data size": "bit", "bandwidth": "bit/h"}.get(kind, ladder[0])
    return big, small


def must_refuse(decl: V.Param, good: Any) -> list[tuple[str, Any]]:
    """Inputs every parameter of this declaration must refuse."""
    d = _inner(decl)
    if isinstance(good, str) and isinstance(d, V.Dimensioned):
        good = Q_(good)
    rows: list[tuple[str, Any]] = [
        ("object", object()), ("dict", {"a": 1}), ("ragged", [[1.0, 2.0], [3.0]]),
        ("complex", 1 + 2j), ("bytes", b"5 s"), ("str array", np.array(["a", "b"])),
        *[(f"string {s[:20]!r}", s) for s in ADVERSARIAL_STRINGS],
    ]
    if not isinstance(decl, V.Optional):
        rows.append(("None", None))
    if isinstance(d, (V.Dimensioned, V.Number, V.Choice, V.Instance)):  # a flag takes True
        rows.append(("True", True))
    if isinstance(d, V.Dimensioned):
        unit = KINDS[d.kind].canonical
        m = float(np.ravel(good.to(unit).m)[0]) if good is not None else 1.0
        big = np.full(BIG, float(m))  # an int good value (trials=20) must still hold a NaN
        big[NAN_AT] = np.nan
        wrong = "1 V" if d.kind != "voltage" else "1 s"
        m = m if m else 1.0
        rows += [
            ("bare number", m), ("bare array", np.array([m, m])), ("unitless string", "5"),
            ("wrong dimension", Q_(wrong)), ("wrong dimension string", wrong),
            ("foreign wrong dimension", FOREIGN.Quantity(1.0, "volt" if d.kind != "voltage" else "second")),
            ("masked", Q_(np.ma.masked_array([m, 7.0], mask=[False, True]), unit)),
            ("huge int", Q_(10**400, unit)), ("complex quantity", Q_(1 + 2j, unit)),
            ("object array", Q_(np.array([1.0, "x"], dtype=object), unit)),
            ("bool quantity array", Q_(np.array([True, False]), unit)),
            (f"NaN at index {NAN_AT}", Q_(big, unit)),
            ("nan", Q_(float("nan"), unit)),
        ]
        big_unit, small_unit = _odd_units(d.kind)
        if not d.inf_ok:
            rows.append(("inf", Q_(float("inf"), unit)))
            if Q_(1.0, big_unit).m_as(unit) > 1.0:
                rows.append(("overflows when converted", Q_(1e308, big_unit)))
        if d.positive:
            rows.append(("zero", Q_(0.0, unit)))
            if Q_(1.0, small_unit).m_as(unit) < 1.0:
                rows.append(("underflows to 0 when converted", Q_(5e-324, small_unit)))
        if d.nonnegative:
            rows.append(("negative", Q_(-m, unit)))
    elif isinstance(d, V.Number):
        m = good if good is not None else 1.0
        big = np.full(BIG, float(m))  # an int good value (trials=20) must still hold a NaN
        big[NAN_AT] = np.nan
        rows += [
            ("quantity with units", Q_(1.0, "s")), ("unit string", "5 s"),
            ("foreign GB", FOREIGN.Quantity(5.0, "GB")),  # dimensionless in pint's default registry
            ("masked", np.ma.masked_array([m, 7.0], mask=[False, True])),
            ("huge int", 10**400), ("nan", float("nan")), (f"NaN at index {NAN_AT}", big),
            ("object array", np.array([1.0, "x"], dtype=object)), ("numpy complex", np.complex128(1 + 1j)),
        ]
        if not d.inf_ok:
            rows.append(("inf", float("inf")))
        if d.maximum is not None:
            rows.append(("above maximum", d.maximum * 2 + 1))
        if d.minimum is not None:
            rows.append(("below minimum", d.minimum - 1.5))
        if d.integer:
            rows.append(("not whole", math.floor(m) + 0.5))
    elif isinstance(d, V.Choice):
        rows += [("not a choice", "no-such-choice"), ("number", 1.0), ("list of choices", list(d.choices))]
    elif isinstance(d, V.Instance):
        rows += [("unknown name", "NO_SUCH_ENTRY"), ("number", 1.0), ("other spec", _other_spec(d))]
    return rows


def _other_spec(d: V.Instance) -> Any:
    return next(s for s in hardware.CATALOG.values() if not isinstance(s, d.classes))


def may_accept(decl: V.Param, good: Any) -> list[tuple[str, Any]]:
    """Valid (if odd) inputs: a correct value or a named refusal, never a leak or a NaN."""
    d = _inner(decl)
    if isinstance(good, str) and isinstance(d, V.Dimensioned):
        good = Q_(good)
    rows: list[tuple[str, Any]] = []
    if isinstance(d, V.Dimensioned) and good is not None:
        unit = KINDS[d.kind].canonical
        m = float(np.ravel(good.to(unit).m)[0])  # an array-valued good (a sample) gives its first value
        big, small = _odd_units(d.kind)
        try:  # pint's default registry has no USD or FLOP
            rows.append(("foreign registry", FOREIGN.Quantity(good.magnitude, format(good.units, "D"))))
        except pint.UndefinedUnitError:
            pass
        rows += [
            ("empty array", Q_(np.array([]), unit)), ("0-d array", Q_(np.array(m), unit)),
            ("float32 array", Q_(np.array([m, m], dtype=np.float32), unit)),
            ("int array", Q_(np.array([max(int(m), 1)] * 2), unit)),
            ("1e300 in the largest unit", Q_(1e300, big)), ("1e-300 in the smallest unit", Q_(1e-300, small)),
            ("huge", Q_(1e300, unit)), ("tiny", Q_(1e-300, unit)), ("list of strings", [str(good), str(good)]),
        ]
    elif isinstance(d, V.Number) and good is not None:
        rows += [
            ("foreign dimensionless", FOREIGN.Quantity(good, "")), ("empty array", np.array([])),
            ("0-d array", np.array(good)), ("numpy int", np.int64(max(int(good), 1))), ("list", [good, good]),
            ("tuple", (good, good)), ("1e300", 1e300), ("1e-300", 1e-300), ("2**62", 2**62),
            ("float16", np.float16(good)),
        ]
        if d.minimum is not None:
            rows.append(("minimum", d.minimum))
        if d.maximum is not None:
            rows.append(("maximum", d.maximum))
    elif isinstance(d, V.Instance):
        rows += [("catalog name", next(n for n, s in hardware.CATALOG.items() if isinstance(s, d.classes)))]
    return rows


# ------------------------------------------------------------------ the model functions

PARAMS = [(fname, name) for fname, fn in FUNCTIONS.items() for name in fn.__validators__]


def test_discovery_finds_every_family():
    families = {f.rsplit(".", 1)[0] for f in FUNCTIONS}
    assert {"mlsysim.models.storage", "mlsysim.models.checkpoint", "mlsysim.models.metadata",
            "mlsysim.models.ops"} <= families
    assert len(FUNCTIONS) >= 50


@pytest.mark.parametrize("fname", list(FUNCTIONS), ids=lambda f: f.rsplit(".", 1)[1])
def test_base_call_is_good(fname):
    fn = FUNCTIONS[fname]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RegimeWarning)
        fn(**base_call(fname, fn))


@pytest.mark.parametrize("fname, param", PARAMS, ids=[f"{f.rsplit('.', 1)[1]}-{p}" for f, p in PARAMS])
def test_every_parameter_refuses_bad_input(fname, param):
    fn = FUNCTIONS[fname]
    decl = fn.__validators__[param]
    base = base_call(fname, fn)
    good = base.get(param, typical(decl))
    for label, value in must_refuse(decl, good):
        kind, exc = outcome(fn, {**base, param: value}, (param,), f"models:{fn.__name__}({param}={label})")
        assert kind == "refused", f"{fn.__name__}({param}={label}) was accepted: {exc!r:.200}"
        assert fn.__name__ in str(exc)
        if label.startswith("NaN at index"):
            assert str(NAN_AT) in str(exc), f"{fn.__name__}({param}): the message does not give the index: {exc}"


@pytest.mark.parametrize("fname, param", PARAMS, ids=[f"{f.rsplit('.', 1)[1]}-{p}" for f, p in PARAMS])
def test_every_parameter_handles_odd_valid_input(fname, param):
    fn = FUNCTIONS[fname]
    decl = fn.__validators__[param]
    base = base_call(fname, fn)
    good = base.get(param, typical(decl))
    for label, value in may_accept(decl, good):
        if (fn.__name__, param, label) in COSTLY_PROBES:
            continue
        kind, result = outcome(fn, {**base, param: value}, (param,), f"models:{fn.__name__}({param}={label})")
        if kind == "value" and label in ("foreign registry", "foreign dimensionless", "catalog name"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RegimeWarning)
                expected = fn(**{**base, param: good})
            assert _same(result, expected), f"{fn.__name__}({param}={label}) gave {result!r:.200}"


def _same(a: Any, b: Any) -> bool:
    if hasattr(type(a), "__attrs_attrs__"):
        return all(_same(getattr(a, f.name), getattr(b, f.name)) for f in attrs.fields(type(a)))
    if hasattr(a, "units"):
        return bool(np.allclose(a.m_as(b.units), b.magnitude, equal_nan=True))
    if isinstance(a, (float, np.ndarray, np.floating)) and not isinstance(a, bool):
        return bool(np.allclose(a, b, equal_nan=True))
    return bool(np.all(a == b))


def test_mismatched_broadcast_shapes_name_the_parameters():
    for fname, fn in FUNCTIONS.items():
        base = base_call(fname, fn)
        arrays = []
        for name, decl in fn.__validators__.items():
            v = base.get(name)
            if v is None or not isinstance(_inner(decl), (V.Dimensioned, V.Number)):
                continue
            arrays.append(name)
            if len(arrays) == 2:
                break
        if len(arrays) < 2:
            continue
        a, b = arrays
        kwargs = {**base, a: _array_of(base[a], 2), b: _array_of(base[b], 3)}
        kind, exc = outcome(fn, kwargs, (a, b), f"broadcast:{fn.__name__}({a}, {b})")
        assert kind == "refused" and isinstance(exc, DomainError), f"{fn.__name__}: {exc!r:.200}"
        assert a in str(exc) and b in str(exc) and "(2,)" in str(exc) and "(3,)" in str(exc)


def _array_of(v: Any, n: int) -> Any:
    if isinstance(v, str):
        v = Q_(v)
    if hasattr(v, "units"):
        return Q_(np.full(n, float(v.magnitude)), v.units)
    return np.full(n, float(v))


# ------------------------------------------------------------------ hypothesis: anything at all

_anything = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.complex_numbers(),
    st.text(max_size=40), st.text(alphabet="0123456789.eE+-*/^() sGBhTFLOPWJVmin$", max_size=60),
    st.binary(max_size=10), st.lists(st.floats(), max_size=4),
    st.lists(st.one_of(st.floats(), st.lists(st.floats(), max_size=2)), max_size=4),
    st.builds(lambda m, u: Q_(m, u), st.floats(), st.sampled_from(["s", "GB", "GB/s", "1/s", "USD", "W", ""])),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PARAMS), _anything)
def test_any_value_at_any_parameter_is_a_value_or_a_named_refusal(target, value):
    fname, param = target
    fn = FUNCTIONS[fname]
    base = base_call(fname, fn)
    outcome(fn, {**base, param: value}, (param,), f"hypothesis:{fn.__name__}({param}={value!r:.40})")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300) | st.text(alphabet="9*^() s.eE-+", max_size=300))
def test_parser_accepts_or_refuses_any_string_quickly(text):
    start = time.perf_counter()
    try:
        mlsysim.units.parse_quantity(text, "param 'x'")  # "nan s" is a faithful parse: NaN is refused later
        COUNTS[("parser", "value")] += 1
    except UnitError as exc:
        COUNTS[("parser", "refused")] += 1
        assert "param 'x'" in str(exc)
    elapsed = time.perf_counter() - start
    _note_time(elapsed, f"parser:{text[:30]!r}")
    assert elapsed < SLOW


# ------------------------------------------------------------------ catalog specs

SPEC_FIELDS = [(const, f) for const, spec in sorted(hardware.CATALOG.items()) for f in spec.quantity_fields()
               if getattr(spec, f) is not None]


@pytest.mark.parametrize("const, field", SPEC_FIELDS, ids=[f"{c}.{f}" for c, f in SPEC_FIELDS])
def test_spec_fields_refuse_bad_what_ifs(const, field):
    spec = hardware.CATALOG[const]
    good = getattr(spec, field)
    optional = attrs.fields_dict(type(spec))[field].default is None
    bad = ["9**9**9 GB", "x" * 100_000, "5 $", True, "nan GB/s", object(), [[1], [2, 3]],
           *([] if optional else [None]),
           Q_(np.array([1.0, 2.0]), getattr(good, "units", "")), np.array([1.0, 2.0])]
    if hasattr(good, "units"):
        bad += [float(good.magnitude), Q_(-1.0, good.units), Q_(float("inf"), good.units), "1 V" if
                good.dimensionality != Q_("1 V").dimensionality else "1 s"]
    else:
        bad += [0, -1, "5 s"]
    for value in bad:
        kind, exc = outcome(lambda: attrs.evolve(spec, **{field: value}), {}, (field,),
                            f"specs:{const}.{field}={value!r:.30}")
        assert kind == "refused", f"{const}.{field}={value!r:.40} accepted"


def test_catalog_is_deeply_frozen():
    spec = hardware.NVME_GEN4
    before = spec.read_bandwidth
    spec.read_bandwidth.ito("bit/s")  # a copy: the catalog does not change
    assert spec.read_bandwidth == before and str(spec.read_bandwidth.units) == str(before.units)
    with pytest.raises((TypeError, AttributeError)):
        spec.field_sources["read_bandwidth"] = None  # type: ignore[index]
    with pytest.raises((TypeError, AttributeError)):
        hardware.CATALOG["X"] = spec  # type: ignore[index]
    for value in (None, "", "  ", 5):
        outcome(lambda: attrs.evolve(spec, name=value), {}, ("name",), f"specs:name={value!r}")


def test_what_if_variant_does_not_cite_the_datasheet_for_what_changed():
    spec = hardware.NVME_GEN4
    variant = attrs.evolve(spec, read_bandwidth="8 GB/s")
    changed = variant.source_of("read_bandwidth")
    assert "what-if" in changed.source and "read_bandwidth changed from 7000 MB/s" in changed.note
    assert changed != spec.source_of("read_bandwidth")
    assert variant.source_of("write_bandwidth") == spec.source_of("write_bandwidth")
    back = attrs.evolve(variant, read_bandwidth=spec.read_bandwidth)  # changed back: cited again
    assert back.source_of("read_bandwidth") == spec.source_of("read_bandwidth")


# ------------------------------------------------------------------ sweep, fmt, lookups

def test_sweep_refuses_bad_axes_naming_the_parameter():
    from mlsysim.models.checkpoint import young_interval

    for label, value in [("adversarial", ["9**9**9 s"]), ("mixed", ["1 s", "1 GB"]), ("ragged", [1, [2, 3]]),
                         ("empty", []), ("2-D list", [[1.0, 2.0], [3.0, 4.0]]), ("long", ["x" * 10_000])]:
        kind, _ = outcome(mlsysim.sweep, {"write_time": value, "mtbf": "4 h"}, ("write_time",),
                          f"sweep:{label}", args=(young_interval,))
        assert kind == "refused", label


def test_sweep_handles_choices_and_foreign_quantities():
    from mlsysim.models.checkpoint import expected_runtime, young_interval

    s = mlsysim.sweep(expected_runtime, work="100 h", interval=["1 h", "2 h"], write_time="5 min", mtbf="4 h",
                      segments=["fractional", "whole"])
    assert s.shape == (2, 2) and s.axes == ("interval", "segments")
    direct = expected_runtime("100 h", "2 h", "5 min", "4 h", segments="whole")
    assert s.result[1, 1].to("s").m == pytest.approx(direct.to("s").m)
    f = mlsysim.sweep(young_interval, write_time=FOREIGN.Quantity([1.0, 2.0], "minute"), mtbf="4 h")
    assert f.result.to("s").m == pytest.approx(np.sqrt(2 * np.array([60.0, 120.0]) * 14400))  # sqrt(2 d M)


FMT_INPUTS = [None, 5, 10**400, "x", 1 + 2j, [], np.array([]), Q_(np.array([]), "s"), Q_(10**400, "s"),
              Q_(1 + 2j, "s"), Q_(np.nan, "s"), Q_(np.array([np.nan, np.inf]), "GB"), FOREIGN.Quantity(5, "s"),
              Q_(np.ma.masked_array([1.0, 2.0], [False, True]), "s"), Q_(1e308, "EB"), object(),
              Q_(np.zeros((0, 3)), "s"), np.array(["a"]), np.array([True]), Q_(5, "m**3/kg"), np.arange(1e6)]


@pytest.mark.parametrize("name", ["format_quantity", "format_as_given", "format_value"])
def test_fmt_never_leaks(name):
    fn = getattr(mlsysim.fmt, name)
    for v in FMT_INPUTS:
        kind, text = outcome(fn, {}, ("q",), f"fmt:{name}({v!r:.30})", args=(v,))
        assert kind == "refused" or isinstance(text, str)
    for rows in ([], [("a",)], "abc", None, [(1, 2)]):
        outcome(mlsysim.fmt.table, {}, ("rows",), f"fmt:table({rows!r})", args=(rows,))


def test_hardware_lookup_refuses_cleanly():
    for value in ["x" * 100_000, "", None, 5, "NO_SUCH"]:
        start = time.perf_counter()
        with pytest.raises((KeyError, TypeError)):
            hardware.get(value)
        assert time.perf_counter() - start < SLOW


def _plot_params() -> list[tuple[str, str]]:
    import mlsysim.plot as plot

    return [(n, p) for n in plot.__all__ for p in getattr(getattr(plot, n), "__validators__", {})]


@pytest.mark.parametrize("name, param", _plot_params(), ids=[f"{n}-{p}" for n, p in _plot_params()])
def test_plot_parameters_refuse_bad_input(name, param):
    import mlsysim.plot as plot

    fn = getattr(plot, name)
    decl = fn.__validators__[param]
    for label, value in must_refuse(decl, typical(decl)):  # refused before a figure is made
        kind, exc = outcome(fn, {param: value}, (param,), f"plot:{name}({param}={label})")
        assert kind == "refused", f"{name}({param}={label}) was accepted"


def test_every_plot_function_declares_its_parameters():
    import inspect

    import mlsysim.plot as plot

    for name in plot.__all__:
        fn = getattr(plot, name)
        undeclared = set(inspect.signature(fn).parameters) - set(fn.__validators__) - {"ax"}
        assert not undeclared, f"{name}: {undeclared}"


# ------------------------------------------------------------------ the CLI

CLI_CASES = [
    (["checkpoint", "--write-time", "{}", "--mtbf", "4 h"], "--write-time"),
    (["checkpoint", "--write-time", "2 min", "--mtbf", "{}"], "--mtbf"),
    (["checkpoint", "--write-time", "2 min", "--node-mtbf", "{}", "--nodes", "8"], "--node-mtbf"),
    (["checkpoint", "--write-time", "2 min", "--mtbf", "4 h", "--interval", "{}"], "--interval"),
    (["storage", "gravity", "--dataset-size", "{}", "--link-bandwidth", "100 Gbit/s", "--training-time", "6 h",
      "--egress-price", "0.08 USD/GB", "--compute-cost-in-place", "120 USD"], "--dataset-size"),
    (["storage", "device", "--device", "{}", "--block-size", "4 KiB"], "--device"),
    (["storage", "device", "--block-size", "{}"], "--block-size"),
    (["metadata", "--accelerators", "{}", "--workers-per-accelerator", "8", "--opens-per-worker", "50 1/s"],
     "--accelerators"),
    (["ops", "canary", "--confidence", "{}", "--failure-rate", "0.001"], "--confidence"),
]
CLI_VALUES = ["9**9**9 s", "inf h", "1e-300 ns", "x" * 10_000, "5 $", "nan s", "-1 s", "0", "1e999", "inf", "5 GB", "", "NaN"]


@pytest.mark.parametrize("argv, option", CLI_CASES, ids=[c[1] + "-" + c[0][0] for c in CLI_CASES])
def test_cli_refuses_bad_options_naming_the_one_given(argv, option):
    from mlsysim.cli import main

    for value in CLI_VALUES:
        args = [a.replace("{}", value) if a == "{}" else a for a in argv]
        out, err = io.StringIO(), io.StringIO()
        start = time.perf_counter()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(args)
            except SystemExit as exc:
                code = exc.code
        elapsed = time.perf_counter() - start
        assert elapsed < SLOW
        message = err.getvalue()
        if code == 0:  # accepted: the output must be honest (no NaN printed as a number)
            COUNTS[("cli", "value")] += 1
            assert "nan" not in out.getvalue().lower(), f"{args}: printed NaN with exit 0"
            continue
        COUNTS[("cli", "refused")] += 1
        _note_time(elapsed, f"cli:{option}={value[:20]!r}")
        assert code == 2, f"{args}: exit {code}"
        lines = message.strip().splitlines()
        assert "Traceback" not in message and "error: " in lines[-1], message[:500]
        assert all(line.startswith(("error: ", "warning: ", "usage: ", "python -m mlsysim")) for line in lines), \
            message[:500]
        others = {o for _, o in CLI_CASES if o != option and o not in argv}
        blamed = [o for o in others if re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", message)]
        assert not blamed, f"{args}: blames an option not given: {message}"


def test_cli_json_is_valid_json_even_for_extreme_results():
    import json

    from mlsysim.cli import main

    def refuse(constant: str) -> None:
        raise AssertionError(f"invalid JSON constant {constant}")

    accepted = 0
    for mtbf, interval in [("4 h", "1e300 s"), ("1e300 h", "1 h"), ("4 h", "1e-300 s"), ("4 h", "1 h")]:
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            code = main(["checkpoint", "--write-time", "2 min", "--mtbf", mtbf, "--interval", interval, "--json"])
        if code == 0:  # whatever the values, the document is strict JSON
            accepted += 1
            assert "results" in json.loads(out.getvalue(), parse_constant=refuse)
        else:
            assert code == 2
    assert accepted >= 1


if __name__ == "__main__":  # pragma: no cover - prints the counts for the report
    code = pytest.main([__file__, "-q", "-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning"])
    run = sys.modules.get("test_bad_input", sys.modules[__name__])  # the copy pytest imported
    COUNTS, SLOWEST, TIMES = run.COUNTS, run.SLOWEST, run.TIMES  # noqa: N806
    by_family: dict[str, Counter] = {}
    for (family, kind), n in COUNTS.items():
        by_family.setdefault(family, Counter())[kind] = n
    total = Counter()
    for family, c in sorted(by_family.items()):
        total.update(c)
        print(f"{family:12s} " + "  ".join(f"{k} {v}" for k, v in sorted(c.items())))
    print(f"{'total':12s} " + "  ".join(f"{k} {v}" for k, v in sorted(total.items())), f"(inputs {sum(total.values())})")
    for elapsed, label in SLOWEST:
        print(f"slow refusal: {elapsed * 1e3:.2f} ms ({label[:90]})")
    times = np.sort(TIMES)
    print(f"refusal time: median {times[len(times) // 2] * 1e6:.0f} us, 99th percentile "
          f"{times[int(len(times) * 0.99)] * 1e3:.2f} ms, over 50 ms: {int(np.sum(times > 0.05))} of {len(times)}")
    sys.exit(code)
