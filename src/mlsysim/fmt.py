"""Formatting helpers for textbook scripts and reports.

>>> from mlsysim import Q_
>>> from mlsysim.fmt import format_quantity
>>> format_quantity(Q_(4000, "s"))
'1.111 h'
>>> format_quantity(Q_(328e9, "B/s"))
'328 GB/s'
"""

from __future__ import annotations

from ._records import format_as_given, format_quantity, format_value, table

__all__ = ["format_quantity", "format_as_given", "format_value", "table"]
