r"""Storage pipelines: what feeds the accelerators.

Closed-form models of moving training data: how long a transfer takes and what
it costs (data gravity), what a storage device delivers for a given access
pattern (sequential vs random, queue depth through Little's law), whether an
input pipeline keeps a fleet of accelerators busy and what limits it, how deep
a prefetch queue must be, how a tiered object store -> NVMe -> DRAM pipeline
shares its load and which upgrade reaches a target utilization most cheaply,
and the storage questions of the edge, mobile and tiny tracks (vehicle fleet
logging, streaming weights from phone flash, a hearable's audio buffer).

Every function takes Quantities or unit strings, broadcasts over numpy arrays
and validates its arguments (:mod:`mlsysim._validate`); results with several
values are records that print as tables and index like their arrays.

>>> from mlsysim.models.storage import input_pipeline
>>> p = input_pipeline(128, "4 MB", "50 ms", "672 GB/s")
>>> print(p.bottleneck, round(p.demand.to("GB/s").m, 2))
compute 10.24
"""

from __future__ import annotations

from ..._export import set_module
from . import _devices, _edge, _movement, _pipeline, _tiers, _workloads
from ._devices import *  # noqa: F401,F403
from ._edge import *  # noqa: F401,F403
from ._movement import *  # noqa: F401,F403
from ._pipeline import *  # noqa: F401,F403
from ._tiers import *  # noqa: F401,F403
from ._workloads import *  # noqa: F401,F403

__all__: list[str] = [*_movement.__all__, *_devices.__all__, *_pipeline.__all__, *_tiers.__all__, *_edge.__all__,
                      *_workloads.__all__]
set_module(__name__, globals(), __all__)
