r"""Fault tolerance: fleet failure math, checkpoint intervals, waste, and where checkpoints go.

A training job on ``N`` accelerators fails when any one of them fails, so the
fleet's mean time between failures is the node MTBF divided by ``N``; the job
survives a day only if every node does, ``P_fleet = P_node ** N``.  The job
protects itself by writing checkpoints: too often and it spends its time
writing, too rarely and it redoes lost work after every failure.  This module
gives the closed forms of that trade-off and of the physical systems it runs on:

* **fleet failure math**: :func:`fleet_mtbf`, :func:`series_mtbf`,
  :func:`failure_probability`, :func:`fleet_survival`,
  :func:`fleet_failure_probability`, :func:`expected_failures`;
* **intervals**: :func:`young_interval` (Young 1974), :func:`daly_interval`
  (Daly 2006) and :func:`optimal_interval`, the exact minimiser of
  :func:`expected_runtime` through the Lambert W function, evaluated stably
  near its branch point;
* **runtime and waste**: :func:`expected_runtime` (exact expectation under
  exponential failures that strike during compute, checkpoint writes and
  restarts, for a job of whole segments, the last one partial),
  :func:`waste_breakdown` (the total-time waterfall: useful work,
  checkpointing, rework, restart) and :func:`optimal_segments` (the exact
  optimum of a finite job: the best whole number of equal segments);
* **where the checkpoint goes**: :func:`checkpoint_write_time`,
  :func:`checkpoint_storm` (N nodes writing at once to shared storage, and
  staggered groups), :func:`checkpoint_plan` (blocking write vs asynchronous
  staging through host DRAM, the interval and waste each yields, snapshots
  lost while they drain included);
* **silent data corruption**: :func:`sdc_probability`, :func:`sdc_detection`
  (the cost and coverage of checksums or activation hashes and of dual modular
  redundancy, which detect different faults);
* **preemption and brown-out**: :func:`incremental_checkpoint`,
  :func:`holdup_energy`, :func:`brownout_save` (a FeRAM microcontroller saving
  its state on the energy left in a hold-up capacitor).
* **failures as they happen**: the laws :class:`Exponential` and
  :class:`Weibull`, :func:`fit_failures` (maximum likelihood for a failure
  log, censoring included), :func:`simulate_runtime` (Monte Carlo of
  checkpoint/restart under any law or a resampled log) and
  :func:`simulated_optimal_interval`.

All times come back in seconds (convert with ``.to("min")``), probabilities and
counts as plain floats or arrays.

The failure model throughout is the memoryless one: failures arrive as a
Poisson process of rate ``1/M`` (exponential inter-failure times), whatever
the job is doing, and a restart brings the job back to its last checkpoint.
Real fleets show infant mortality and correlated failures (a switch takes down
a rack); the exponential model is the standard first approximation and the one
the classic interval formulas assume.
"""

from __future__ import annotations

from ..._export import set_module
from . import _brownout, _failures, _integrity, _intervals, _laws, _placement, _runtime, _simulation
from ._brownout import *  # noqa: F401,F403
from ._common import DALY_REGIME_LIMIT, YOUNG_REGIME_LIMIT  # noqa: F401 - documented thresholds
from ._failures import *  # noqa: F401,F403
from ._integrity import *  # noqa: F401,F403
from ._intervals import *  # noqa: F401,F403
from ._laws import *  # noqa: F401,F403
from ._placement import *  # noqa: F401,F403
from ._runtime import *  # noqa: F401,F403
from ._simulation import *  # noqa: F401,F403

__all__: list[str] = [*_failures.__all__, *_intervals.__all__, *_runtime.__all__, *_placement.__all__, *_integrity.__all__, *_brownout.__all__,
                     *_laws.__all__, *_simulation.__all__]
set_module(__name__, globals(), __all__)
