"""Warnings point at the caller's line, through the validation decorator."""

from __future__ import annotations

import warnings

from mlsysim.errors import RegimeWarning
from mlsysim.models.checkpoint import daly_interval, young_interval


def test_regime_warning_names_the_callers_file_and_line():
    for fn in (young_interval, daly_interval):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fn("5 h", "4 h")  # write_time/mtbf = 1.25: outside both regimes (limits 0.1 and 1)
        [w] = [w for w in caught if issubclass(w.category, RegimeWarning)]
        assert w.filename == __file__, w.filename


def test_models_warn_through_warn_regime():
    """A hand-counted stacklevel points at the decorator, not the caller: models use warn_regime."""
    import pathlib

    import mlsysim

    root = pathlib.Path(mlsysim.__file__).parent
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.py")
                 if p.name != "errors.py" and "warnings.warn(" in p.read_text(encoding="utf-8")]
    assert not offenders, offenders
