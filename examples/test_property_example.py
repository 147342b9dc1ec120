"""A property-based test of the checkpoint models that you can copy into your own suite.

Known-answer tests check a model at the points someone thought of; property
tests check an invariant at hundreds of points hypothesis picks, including the
awkward ones. ``mlsysim.testing.quantities`` draws unit-carrying values (here
also expressed in random compatible units, so unit conversion is exercised too).

The invariants, from the fault-tolerance lab (Volume 2, lab 07):

1. Waste at the exact optimal interval never exceeds waste at Young's interval
   (the optimum is a minimum; Young's sqrt(2 delta M) is an approximation).
2. The optimal interval grows with the MTBF: a more reliable fleet checkpoints
   less often.

Run:  python -m pytest examples/test_property_example.py
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mlsysim.models.checkpoint import optimal_interval, waste_breakdown, young_interval
from mlsysim.testing import magnitudes, quantities

# Fleet MTBFs from half an hour to six weeks, drawn log-uniformly and expressed
# in hours, minutes or days.
mtbfs = quantities("h", 0.5, 1000, units=["h", "min", "day"])
# Write time as a fraction of the MTBF. Young's formula is only meant for
# delta / M <= 0.1 and warns (RegimeWarning) beyond it; stay inside, with a
# margin: 0.1 x M converted between units can come out a hair above 0.1.
write_ratios = magnitudes(1e-5, 0.09)
restarts = quantities("min", 0, 60)


@settings(deadline=None, max_examples=50)
@given(mtbf=mtbfs, ratio=write_ratios, restart=restarts)
def test_optimal_interval_wastes_no_more_than_young(mtbf, ratio, restart):
    write_time = ratio * mtbf
    work = "30 day"
    # optimal_interval minimises the smooth (long-job) runtime; a finite job's exact optimum is
    # optimal_segments, so compare on the smooth form.
    best = waste_breakdown(work, optimal_interval(write_time, mtbf, restart), write_time, mtbf, restart,
                           segments="smooth")
    young = waste_breakdown(work, young_interval(write_time, mtbf), write_time, mtbf, restart, segments="smooth")
    # A relative tolerance of a few ulps: both are floating-point evaluations.
    assert best.waste_fraction <= young.waste_fraction * (1 + 1e-12)
    # ... and the parts always add up to the total.
    parts = best.useful + best.checkpointing + best.rework + best.restart
    assert abs((parts - best.total) / best.total).to("").m < 1e-9


@settings(deadline=None, max_examples=50)
@given(mtbf=mtbfs, ratio=write_ratios, factor=st.floats(1.01, 10))
def test_optimal_interval_grows_with_mtbf(mtbf, ratio, factor):
    write_time = ratio * mtbf
    assert optimal_interval(write_time, factor * mtbf) > optimal_interval(write_time, mtbf)


if __name__ == "__main__":  # python examples/test_property_example.py
    import sys

    import pytest

    sys.exit(pytest.main([__file__, "-q"]))
