"""Shared helpers of the checkpoint family (private)."""


from __future__ import annotations

from typing import Any

import numpy as np

from ..._arrays import scalar_or_array
from ...units import quantity

#: delta/M above which Young's first-order interval is flagged (see young_interval).
YOUNG_REGIME_LIMIT = 0.1
#: delta/M above which Daly's higher-order estimate is flagged (see daly_interval).
DALY_REGIME_LIMIT = 1.0




def _s(m: Any) -> Any:
    """A magnitude in seconds as a Quantity (0-d arrays become scalars)."""
    return quantity(m, "s")  # 0-d magnitudes come back as Python floats


def _plain(x: Any) -> Any:
    """A dimensionless result: a Python float for scalars, a float array otherwise."""
    return scalar_or_array(np.asarray(x, dtype=float))




def _exceeds(value: float, limit: float) -> str:
    """``value`` printed with enough digits to differ from ``limit`` (never "1 exceeds 1")."""
    for digits in (4, 6, 9, 12, 17):
        text = f"{value:.{digits}g}"
        if float(text) != limit:
            return text
    return repr(float(value))


def _whole_segments(work: Any, interval: Any) -> tuple:
    """``(n, r)``: the job's ``n = floor(W/tau)`` full segments and the rest ``r`` of a last one.

    A rounding residue after whole segments (``r <= 1e-9 tau``) is no extra
    segment; with no whole segment the rest is the whole job, however short
    next to the interval.  ``expected_runtime``, ``waste_breakdown`` and
    ``simulate_runtime`` all cut a job this way, so they price the same job.
    """
    whole = np.floor(work / interval)
    rest = work - whole * interval
    return whole, np.where((whole > 0) & (rest <= 1e-9 * interval), 0.0, rest)
