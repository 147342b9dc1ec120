"""Report section: the hardware catalog, one entry per block with its headline numbers."""

from __future__ import annotations

from .. import hardware
from ..fmt import format_as_given, format_value
from ._shape import WIDTH, Part, Section

__all__ = ["section"]


def _show(value: object) -> str:
    return format_as_given(value) if hasattr(value, "units") else format_value(value)


def section() -> Section:
    """Every catalog entry: its name and up to four headline figures, wrapped at the report width."""
    lines: list[str] = []
    values = {}
    for const in hardware.names():
        spec = hardware.get(const)
        fields = [f for f in spec.quantity_fields() if getattr(spec, f) is not None][:4]
        figures = [f"{f.replace('_', ' ')} {_show(getattr(spec, f))}" for f in fields]
        values[const] = {f: getattr(spec, f) for f in fields}
        lines.append(f"{const}: {spec.name}")
        line = "   "
        for i, fig in enumerate(figures):
            piece = fig + ("," if i < len(figures) - 1 else "")
            if len(line) + 1 + len(piece) > WIDTH - 2:
                lines.append(line)
                line = "   "
            line += " " + piece
        lines.append(line)
    part = Part("Entries and headline figures (python -m mlsysim catalog prints every number and source)",
                lines, "", values=values,
                notes=["numbers the catalog marks as scenario assumptions are textbook-lab choices, not "
                       "datasheet values."])
    return Section("catalog", "Hardware catalog", [part])
