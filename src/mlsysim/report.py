"""``python -m mlsysim report``: every seed scenario, its figures and its verdict.

The report is a list of sections; each section is a function returning text.
Model families add their section to :data:`SECTIONS`.
"""

from __future__ import annotations

from typing import Callable

from . import hardware
from .fmt import format_as_given, format_value

__all__ = ["SECTIONS", "catalog_section", "build_report"]


def catalog_section() -> str:
    """The hardware catalog: one line per entry with its headline numbers."""
    lines = []
    for const in hardware.names():
        spec = hardware.get(const)
        fields = [f for f in spec.quantity_fields() if getattr(spec, f) is not None][:4]
        figures = ", ".join(
            f"{f} {_show(getattr(spec, f))}"
            for f in fields
        )
        lines.append(f"  {const:<14} {spec.name}: {figures}")
    return "\n".join(lines)


def _show(value: object) -> str:
    return format_as_given(value) if hasattr(value, "units") else format_value(value)


#: (title, section function) in report order.
SECTIONS: list[tuple[str, Callable[[], str]]] = [
    ("Hardware catalog", catalog_section),
    ("Storage: feeding the accelerators",
     lambda: __import__("mlsysim._report_storage", fromlist=["storage_section"]).storage_section()),
    ("Operations at scale: when a platform pays off",
     lambda: __import__("mlsysim._report_ops", fromlist=["ops_section"]).ops_section()),
    ("Metadata: when file opens stop the cluster",
     lambda: __import__("mlsysim._report_metadata", fromlist=["metadata_section"]).metadata_section()),
    ("Fault tolerance: checkpoint intervals",
     lambda: __import__("mlsysim._report_checkpoint", fromlist=["checkpoint_section"]).checkpoint_section()),
]


def build_report(sections: list[tuple[str, Callable[[], str]]] | None = None) -> str:
    """The whole report as text."""
    parts = [f"mlsysim report (version {_version()})", ""]
    for title, render in sections if sections is not None else SECTIONS:
        parts += [title, "=" * len(title), render(), ""]
    return "\n".join(parts)


def _version() -> str:
    from . import __version__

    return __version__
