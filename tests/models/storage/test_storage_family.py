"""mlsysim.models.storage across its themes: every function has a good call and bad rows; array errors.

Each theme has its own file (``test_storage_<theme>.py``, mirroring ``models/storage/_<theme>.py``)
with its own ``GOOD`` calls and bad-input table; the coverage test here reads them all.
"""

import numpy as np
import pytest
import test_storage_devices
import test_storage_edge
import test_storage_movement
import test_storage_pipeline
import test_storage_tiers
import test_storage_workloads

from _helpers import V3
from mlsysim import DomainError
from mlsysim.models import storage as S

_THEMES = (test_storage_movement, test_storage_devices, test_storage_pipeline, test_storage_tiers, test_storage_edge,
           test_storage_workloads)
# every theme's good calls and bad-input table (pytest puts this folder on sys.path: the basenames are unique)
GOOD = {fn: kwargs for theme in _THEMES for fn, kwargs in theme.GOOD.items()}
BAD = [row for theme in _THEMES for row in theme.BAD]


def test_every_public_function_has_a_good_call_and_bad_rows():
    functions = {getattr(S, n) for n in S.__all__ if callable(getattr(S, n)) and not isinstance(getattr(S, n), type)}
    assert functions == set(GOOD)
    assert functions == {f for f, *_ in BAD}
    for fn, kwargs in GOOD.items():
        fn(**kwargs)


def test_array_domain_error_names_the_offending_element():
    with pytest.raises(DomainError, match="index"):
        S.transfer_time(V3(1, -2, 3, "TB"), "1 GB/s")
    with pytest.raises(DomainError, match="sum to 1"):
        S.tiered_pipeline("1 GB/s", [("a", "1 GB/s", np.array([0.5, 0.2])), ("b", "1 GB/s", 0.5)])
