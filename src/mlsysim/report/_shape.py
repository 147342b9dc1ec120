"""The one shape of a report section, its renderings (text, Markdown, JSON) and cell helpers.

A section module exposes ``section() -> Section``.  A :class:`Section` is a
title and a list of :class:`Part`; a part names the scenarios it computes (their
lab and their assumptions are printed with it), carries its lines of figures,
its verdict, and the structured values behind the figures (for ``--json``).
"""

from __future__ import annotations

import math
import re
import textwrap
from typing import Any, Iterable, Mapping, Sequence

import attrs
import numpy as np

from ..scenarios import Scenario
from ..units import ureg

__all__ = ["Part", "Section", "WIDTH", "num", "pct", "yes_no", "columns", "jsonable", "show"]

#: The widest line the report prints.
WIDTH = 100

_Quantity = ureg.Quantity


@attrs.frozen
class Part:
    """One scenario question: its figures, verdict, values and the scenarios it reads.

    ``scenarios`` holds :class:`~mlsysim.scenarios.Scenario` records, or
    ``(scenario, keys)`` pairs to state only the assumptions named in ``keys``.
    """

    title: str
    lines: tuple[str, ...] = attrs.field(converter=tuple)
    verdict: str
    values: Mapping[str, Any] = attrs.field(factory=dict)
    scenarios: tuple[Any, ...] = attrs.field(converter=tuple, default=())
    notes: tuple[str, ...] = attrs.field(converter=tuple, default=())

    def sources(self) -> list[str]:
        """The labs this part's scenarios come from, without repeats."""
        out: list[str] = []
        for s in self.scenarios:
            lab = _scenario_of(s).lab
            if lab not in out:
                out.append(lab)
        return out

    def assumptions(self) -> list[str]:
        """Reader-facing statements of the scenario assumptions this part uses."""
        out = []
        for s in self.scenarios:
            scn = _scenario_of(s)
            keys = s[1] if isinstance(s, tuple) else list(scn.assumptions())
            for key in keys:
                v = scn[key]
                out.append(one_micro(f"{v.meaning}: {show(v.value)}"))
        return out


def _scenario_of(s: Any) -> Scenario:
    return s[0] if isinstance(s, tuple) else s


@attrs.frozen
class Section:
    """A report section: a name (``--section NAME``), a title and its parts."""

    name: str
    title: str
    parts: tuple[Part, ...] = attrs.field(converter=tuple)
    intro: tuple[str, ...] = attrs.field(converter=tuple, default=())

    def text(self) -> str:
        """The section as plain text, at most :data:`WIDTH` columns per line."""
        lines = [self.title, "=" * len(self.title)]
        lines += [w for p in self.intro for w in _wrap(p, "")]
        for part in self.parts:
            lines.append("")
            lines.append(part.title)
            for src in part.sources():
                lines += _wrap(f"Source: {src}", "  ")
            assumed = part.assumptions()
            if assumed:
                lines += _wrap("Assumptions: " + "; ".join(assumed) + ".", "  ")
            lines += [f"  {line}" if line else "" for line in part.lines]
            for note in part.notes:
                lines += _wrap(f"Note: {note}", "  ")
            if part.verdict:
                lines += _wrap(f"Verdict: {part.verdict}", "  ")
        return one_micro("\n".join(lines))

    def markdown(self) -> str:
        """The section as a Markdown page fragment."""
        out = [f"## {self.title}", ""]
        if self.intro:
            out += [" ".join(self.intro), ""]
        for part in self.parts:
            out += [f"### {part.title}", ""]
            for src in part.sources():
                out.append(f"*Source:* {src}.  ")
            out.append("")
            assumed = part.assumptions()
            if assumed:
                out += ["Scenario assumptions:", ""] + [f"- {a}" for a in assumed] + [""]
            out += ["```text", *part.lines, "```", ""]
            for note in part.notes:
                out += [f"*Note:* {note}", ""]
            if part.verdict:
                out += [f"**Verdict:** {part.verdict}", ""]
        return one_micro("\n".join(out))

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON: every quantity as ``{"value", "unit"}``."""
        return {
            "name": self.name,
            "title": self.title,
            "parts": [
                {"title": p.title, "sources": p.sources(), "assumptions": p.assumptions(),
                 "values": {k: jsonable(v) for k, v in p.values.items()},
                 "notes": list(p.notes), "verdict": p.verdict}
                for p in self.parts
            ],
        }


_NUMBER_UNIT = re.compile(r"(\d) (?=[A-Za-zµ%])")


def one_micro(text: str) -> str:
    """One micro sign everywhere: MICRO SIGN (U+00B5), whatever pint printed (some releases print U+03BC)."""
    return text.replace("\u03bc", "\u00b5")


def _wrap(text: str, indent: str) -> list[str]:
    """Wrap prose at :data:`WIDTH`, never between a number and its unit."""
    glued = _NUMBER_UNIT.sub("\\1\x00", text)
    lines = textwrap.wrap(glued, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ",
                          break_on_hyphens=False, break_long_words=False) or [""]
    return [line.replace("\x00", " ") for line in lines]


# ------------------------------------------------------------------ cells

def _sig(x: float, digits: int = 4) -> str:
    """``digits`` significant figures; thousands separators from 10,000 up; 'inf' spelled out."""
    if not math.isfinite(x):
        return "inf" if x > 0 else ("-inf" if x < 0 else "n/a")
    ax = abs(x)
    if ax >= 1e3:
        return f"{x:,.0f}"
    return f"{x:.{digits}g}"


def num(value: Any, unit: str | None = None, digits: int = 4) -> str:
    """A number (a quantity converted to ``unit``) without its unit, for a column headed by it."""
    if unit is not None:
        value = value.m_as(unit)
    elif isinstance(value, _Quantity):
        value = value.m_as("")
    return _sig(float(value), digits)


def pct(x: Any, digits: int = 1) -> str:
    """A fraction as a percentage: ``pct(0.1234) == '12.3%'``."""
    return f"{100 * float(x):.{digits}f}%"


def yes_no(flag: Any) -> str:
    """A boolean as a word."""
    return "yes" if bool(flag) else "no"


def show(value: Any) -> str:
    """An input value as a reader sees it: a quantity as given, a catalog spec by name, a list joined."""
    from ..fmt import format_as_given

    if isinstance(value, _Quantity) and value.dimensionality == _PRICE_PER_BANDWIDTH:
        return f"{_sig(value.m_as('USD/(Gbit/s)'))} USD per Gbit/s"
    if isinstance(value, _Quantity):
        m = value.magnitude
        if np.ndim(m):
            unit = format_as_given(_Quantity(1.0, value.units)).split(" ", 1)[1]
            return ", ".join(_sig(float(x)) for x in np.ravel(m)) + f" {unit}"
        unit = format_as_given(_Quantity(1.0, value.units)).split(" ", 1)[1]
        return f"{_sig(float(m))} {unit}"
    if hasattr(value, "provenance") and hasattr(value, "name"):
        return value.name
    if isinstance(value, (tuple, list)):
        return ", ".join(show(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def columns(header: Sequence[str], rows: Iterable[Sequence[str]], *, left: int = 1, gap: int = 2) -> list[str]:
    """An aligned table: the first ``left`` columns left-aligned, the rest right-aligned.

    Each header names its column's one unit (e.g. ``"interval [min]"``).
    """
    rows = [list(map(str, r)) for r in rows]
    table = [list(header)] + rows
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    out = []
    for r in table:
        cells = [c.ljust(w) if i < left else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))]
        out.append((" " * gap).join(cells).rstrip())
    return out


# ------------------------------------------------------------------ JSON

def jsonable(v: Any) -> Any:
    """Plain JSON data: quantities as ``{"value", "unit"}``, NaN and infinities as ``None``.

    Money per time is given per year (``USD/year``), every other quantity in
    the unit it carries.  Whole finite numbers that are not quantities (counts)
    become integers.
    """
    from .._records import Record

    if isinstance(v, _Quantity):
        q = v
        if q.dimensionality == _MONEY_RATE:
            q = q.to("USD/year")
        return {"value": _plain(q.magnitude, counts=False), "unit": unit_text(q.units)}
    if isinstance(v, Record):
        return {f.name: jsonable(getattr(v, f.name)) for f in attrs.fields(type(v))}
    if isinstance(v, Scenario):
        return {"name": v.name, "title": v.title, "lab": v.lab,
                "values": {k: {"value": jsonable(x.value), "meaning": x.meaning, "source": x.source}
                           for k, x in v.values.items()}}
    if hasattr(v, "provenance") and hasattr(v, "name"):  # a catalog spec
        return v.name
    if isinstance(v, Mapping):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    return _plain(v)


_MONEY_RATE = (ureg.USD / ureg.second).dimensionality
_PRICE_PER_BANDWIDTH = (ureg.USD / (ureg.byte / ureg.second)).dimensionality


def _plain(v: Any, counts: bool = True) -> Any:
    if isinstance(v, np.ndarray):
        return [_plain(x, counts) for x in v.tolist()] if v.ndim else _plain(v.item(), counts)
    if isinstance(v, list):
        return [_plain(x, counts) for x in v]
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, bool) or v is None or isinstance(v, (str, int)):
        return v
    if isinstance(v, float):
        if not math.isfinite(v):
            return None
        if counts and v.is_integer() and abs(v) < 2**53:
            return int(v)
        return v
    return str(v)


def unit_text(units: Any) -> str:
    """A unit as text that pint parses back, the same on every pint version (``us``, ``USD/year``).

    Built from the unit's own terms and the registry's symbols, not from pint's
    format specifications (whose output changed between pint releases).
    """
    num, den = [], []
    for name, power in sorted(units._units.items(), key=lambda kv: -kv[1]):
        symbol = _SYMBOLS.get(ureg.get_symbol(name), ureg.get_symbol(name)).replace("µ", "u").replace("μ", "u")
        p = abs(power)
        term = symbol if p == 1 else f"{symbol}**{p:g}"
        (num if power > 0 else den).append(term)
    text = "*".join(num) or ("1" if den else "")
    if den:
        text += "/" + (den[0] if len(den) == 1 else "(" + "*".join(den) + ")")
    return text


_SYMBOLS = {"a": "year", "d": "day"}
