"""The textbook scenarios: named, labelled inputs shared by the report, the plots and the examples.

Each scenario is a frozen :class:`Scenario` record citing the lab it comes from
by title, holding its numbers as :class:`Value` records that say what each
number means and where it comes from:

* ``"lab"``: the number the lab gives;
* ``"assumption"``: a scenario assumption the lab does not give (a write time,
  a node shape, a price), chosen here and stated wherever it is used;
* ``"derived"``: computed from the others or from the hardware catalog.

A scenario number is written once, here: ``python -m mlsysim report``, the
defaults of :mod:`mlsysim.plot` and the scripts in ``examples/`` read it from
this module.  Scenarios sit above the models and the catalog (they may import
both; models never import scenarios).

>>> from mlsysim.scenarios import FAULT_TOLERANCE
>>> FAULT_TOLERANCE.lab
'Machine Learning Systems, Vol. 2, Lab 07: Fault Tolerance'
>>> FAULT_TOLERANCE.accelerators, str(FAULT_TOLERANCE.fleet_mtbf)
(16384, '4 h')
>>> FAULT_TOLERANCE["write_time"].source
'assumption'
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Mapping

import attrs
import numpy as np

from . import hardware, workloads
from .units import Q_

__all__ = [
    "Value", "Scenario", "SCENARIOS", "get", "names",
    "LAB_DATA_GRAVITY", "LAB_DATA_STORAGE", "LAB_FAULT_TOLERANCE", "LAB_OPERATIONS",
    "DATA_GRAVITY", "RESNET_PIPELINE", "IO_BOTTLENECK", "TIERED_PIPELINE", "METADATA_WALL",
    "EDGE_FLEET", "MOBILE_WEIGHTS", "TINY_AUDIO", "FAULT_TOLERANCE", "CHECKPOINT_STORM",
    "CHECKPOINT_STAGING", "SILENT_CORRUPTION", "PREEMPTION", "BROWNOUT", "OPERATIONS",
]

LAB_DATA_GRAVITY = "Machine Learning Systems, Vol. 1, Lab 04: The Data Gravity Trap"
LAB_DATA_STORAGE = "Machine Learning Systems, Vol. 2, Lab 04: Data Storage"
LAB_FAULT_TOLERANCE = "Machine Learning Systems, Vol. 2, Lab 07: Fault Tolerance"
LAB_OPERATIONS = "Machine Learning Systems, Vol. 2, Lab 12: Operations at Scale"

_SOURCES = ("lab", "assumption", "derived", "measured")


@attrs.frozen
class Value:
    """One number of a scenario: the value, what it means, where it comes from."""

    value: Any = attrs.field(eq=attrs.cmp_using(eq=lambda a, b: _same(a, b)))
    meaning: str
    source: str = attrs.field(validator=attrs.validators.in_(_SOURCES))


def _same(a: Any, b: Any) -> bool:
    if hasattr(a, "units") or isinstance(a, np.ndarray):
        try:
            return bool(np.shape(a) == np.shape(b) and np.all(a == b))
        except Exception:  # different dimensions
            return False
    return bool(a == b)


def _lab(value: Any, meaning: str) -> Value:
    return Value(_q(value), meaning, "lab")


def _assumed(value: Any, meaning: str) -> Value:
    return Value(_q(value), meaning, "assumption")


def _derived(value: Any, meaning: str) -> Value:
    return Value(_q(value), meaning, "derived")


def _q(value: Any) -> Any:
    """Quantity strings ("4 h") as Quantities; numbers, tuples and catalog specs as given."""
    if isinstance(value, str) and _is_quantity_text(value):
        return Q_(value)
    if isinstance(value, tuple) and value and all(isinstance(v, str) and _is_quantity_text(v) for v in value):
        qs = [Q_(v) for v in value]
        values = np.array([q.m_as(qs[0].units) for q in qs], dtype=float)
        values.flags.writeable = False  # scenarios are shared: nobody edits them in place
        return Q_(values, qs[0].units)
    return value


def _is_quantity_text(text: str) -> bool:
    return text[:1].isdigit() or text[:1] in "-+."


@attrs.frozen
class Scenario:
    """A textbook scenario: its name, title, the lab it comes from and its numbers.

    Read a number as an attribute (``scenario.fleet_mtbf``), its record with
    ``scenario["fleet_mtbf"]`` (``.meaning``, ``.source``).
    """

    name: str
    title: str
    lab: str
    values: Mapping[str, Value] = attrs.field(converter=lambda v: MappingProxyType(dict(v)))

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name in ("name", "title", "lab", "values"):
            raise AttributeError(name)
        try:
            return self.values[name].value
        except KeyError:
            raise AttributeError(f"scenario {self.name!r} has no value {name!r}") from None

    def __getitem__(self, name: str) -> Value:
        return self.values[name]

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self.values))

    def assumptions(self) -> dict[str, Value]:
        """The numbers that are scenario assumptions, not given by the lab."""
        return {k: v for k, v in self.values.items() if v.source == "assumption"}

    def __getstate__(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "lab": self.lab, "values": dict(self.values)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for key in ("name", "title", "lab"):
            object.__setattr__(self, key, state[key])
        object.__setattr__(self, "values", MappingProxyType(state["values"]))


def _scenario(name: str, title: str, lab: str, **values: Value) -> Scenario:
    return Scenario(name, title, lab, values)


# ---------------------------------------------------------------------------- Vol. 1, Lab 04
DATA_GRAVITY = _scenario(
    "data_gravity", "Move the data or move the compute?", LAB_DATA_GRAVITY,
    dataset_size=_lab("50 TB", "dataset in one cloud region"),
    link_bandwidth=_lab("100 Gbit/s", "inter-region link"),
    training_time=_lab("6 h", "training run (the time budget)"),
    egress_price=_lab("0.08 USD/GB", "cloud egress price"),
    compute_price=_lab("20 USD/h", "8 x A100 spot instances next to the data"),
    large_dataset_size=_assumed("1 PB", "a larger dataset, for contrast"),
    edge_link_bandwidth=_lab("1 Gbit/s", "edge context: a local network"),
    edge_egress_price=_lab("0 USD/GB", "edge context: no egress fee"),
)

RESNET_PIPELINE = _scenario(
    "resnet_pipeline", "ResNet-50 on one A100, fed from four storage tiers", LAB_DATA_GRAVITY,
    accelerator=_lab(hardware.A100, "the accelerator"),
    batch_size=_lab(64, "images per batch"),
    image_bytes=_lab(Q_(224 * 224 * 3 * 4, "B"), "one 224 x 224 x 3 FP32 image"),
    flop_per_image=_lab("4.1 GFLOP", "ResNet-50 forward pass per image"),
    tier_names=_lab(("HDD", "SATA SSD", "NVMe", "RAM"), "storage tiers"),
    tier_bandwidths=_lab(("0.15 GB/s", "0.55 GB/s", "3.5 GB/s", "50 GB/s"),
                         "the lab's round bandwidths of those tiers"),
    prefetch_accelerators=_assumed(8, "GPUs whose prefetch buffers share the host memory"),
    workload=Value(workloads.RESNET50_A100,
                   "MLPerf Storage v1.0 DLIO resnet50_a100: 400 samples of 114,660.07 B per step, "
                   "0.435 s of compute per step, measured on an A100", "measured"),
)

# ---------------------------------------------------------------------------- Vol. 2, Lab 04
IO_BOTTLENECK = _scenario(
    "io_bottleneck", "128 H100s at 12% utilization beside a 672 GB/s Lustre cluster", LAB_DATA_STORAGE,
    accelerators=_lab(128, "H100 GPUs"),
    batch_bytes=_lab("4 MB", "bytes each GPU reads per step"),
    step_time=_lab("50 ms", "compute time per step"),
    storage_servers=_lab(24, "Lustre OST servers (28 GB/s read each: 672 GB/s)"),
    observed_utilization=_lab(0.12, "GPU utilization the lab observes"),
    gpus_per_node=_assumed(8, "GPUs per node, each node with one InfiniBand HDR200 port"),
    block_size=_lab("4 KiB", "random read size"),
    samples_per_batch=_lab(64, "samples per GPU batch in the lab's simulator"),
    sample_size=_lab("4 MB", "bytes per sample in the lab's simulator"),
    random_efficiency=_lab(0.07, "share of sequential bandwidth random 4 KiB reads reach (simulator)"),
    queue_depths=_assumed((1, 32, 256), "random reads in flight compared on one NVMe drive"),
    stream_block=_assumed("1 MiB", "block size of a streaming read"),
    workers_per_gpu=_assumed((1, 2), "synchronous data-loader workers per GPU compared"),
)

TIERED_PIPELINE = _scenario(
    "tiered_pipeline", "Sizing a tiered S3 -> NVMe pipeline", LAB_DATA_STORAGE,
    target_utilization=_lab(0.95, "utilization target"),
    demand=_assumed("4 GB/s", "one 8-GPU node's read demand, uniform over the dataset"),
    dataset_size=_assumed("50 TB", "dataset"),
    cache_capacity=_assumed("4 TB", "local NVMe cache"),
    cache_bandwidth=_assumed("28 GB/s", "NVMe cache bandwidth (4 drives)"),
    cache_drives=_assumed(4, "NVMe drives the node can hold (caps the cache size)"),
    dram_sockets=_assumed(2, "CPU sockets whose host DRAM serves as page cache"),
    download_bandwidth=_assumed("10 Gbit/s", "link to the object store"),
    small_dataset_size=_assumed("10 TB", "a smaller dataset, for contrast"),
    capacity_price=_assumed("0.10 USD/GB", "price of cache capacity"),
    bandwidth_price=_assumed("2000 USD/(Gbit/s)", "price of link bandwidth"),
)

METADATA_WALL = _scenario(
    "metadata_wall", "When file opens stop the cluster", LAB_DATA_STORAGE,
    accelerators=_lab(4096, "GPUs"),
    workers_per_accelerator=_lab(8, "data-loader workers per GPU"),
    samples_per_worker=_lab("50 1/s", "samples each worker opens per second (one file each)"),
    ops_per_open=_lab(3, "metadata operations per open (lookup, open, close)"),
    bandwidth_per_accelerator=_lab("80 MB/s", "read bandwidth each GPU needs"),
    storage_servers=_assumed(48, "Lustre OST servers, one HDR200 port each"),
    shard_samples=_derived(250, "samples per shard: the lab's 0.2 shard opens/s per worker"),
    scaling_efficiency=_assumed(0.8, "efficiency of adding metadata servers, for contrast"),
    mds_utilizations=_assumed((0.5, 0.8, 0.9, 0.95, 0.99), "MDS utilizations of the latency table"),
    mds_threads=_assumed((1, 32), "MDS service threads of the latency table"),
)

EDGE_FLEET = _scenario(
    "edge_fleet", "Edge track: a vehicle fleet logging sensor data", LAB_DATA_STORAGE,
    vehicles=_lab(10_000, "vehicles"),
    fleet_log_rate=_lab("5 TB/h", "data the fleet generates (read as the fleet total)"),
    uplink=_assumed("1 Mbit/s", "cellular uplink per vehicle"),
    local_storage=_assumed("256 GB", "log storage per vehicle"),
    large_local_storage=_assumed("1 TB", "log storage per vehicle if 5 TB/h were per vehicle"),
)

MOBILE_WEIGHTS = _scenario(
    "mobile_weights", "Mobile track: streaming weights from phone flash", LAB_DATA_STORAGE,
    weight_bytes=_assumed("64 MB", "weights read per frame"),
    frame_budget=_assumed("50 ms", "time budget per frame"),
    device=_assumed(hardware.UFS_31, "phone storage"),
    large_block=_assumed("1 MiB", "block size of sequential reads"),
    small_block=_assumed("4 KiB", "block size of scattered reads"),
)

TINY_AUDIO = _scenario(
    "tiny_audio", "Tiny track: a circular audio buffer beside NOR flash", LAB_DATA_STORAGE,
    buffer_size=_assumed("64 KiB", "circular audio buffer"),
    sample_rate=_assumed("16 kHz", "16-bit mono microphone"),
    stereo_sample_rate=_assumed("48 kHz", "16-bit stereo, for contrast"),
    erase_time=_assumed("400 ms", "worst-case NOR sector erase in the way (W25Q128JV datasheet)"),
)

# ---------------------------------------------------------------------------- Vol. 2, Lab 07
FAULT_TOLERANCE = _scenario(
    "fault_tolerance", "The Young-Daly audit", LAB_FAULT_TOLERANCE,
    accelerators=_lab(16384, "GPUs in the cluster"),
    fleet_mtbf=_lab("4 h", "mean time between failures of the whole cluster"),
    day=_lab("24 h", "period of the survival question"),
    write_times=_assumed(("1 min", "5 min", "15 min"), "checkpoint write times compared"),
    write_time=_assumed("5 min", "checkpoint write time of the waterfall and the plots"),
    restart_time=_assumed("10 min", "restart time after a failure"),
    work=_assumed("30 day", "failure-free compute of the month-long run"),
    short_interval=_lab("10 min", "the lab's 'checkpoint every 10 minutes'"),
    long_interval=_assumed("4 h", "a long interval, for contrast"),
    gpus_per_node=_assumed(8, "GPUs per node (an HGX H100 board)"),
)

CHECKPOINT_STORM = _scenario(
    "checkpoint_storm", "The checkpoint storm", LAB_DATA_STORAGE,
    nodes=_lab(1024, "nodes checkpointing at once"),
    checkpoint_size=_lab("350 GB", "checkpoint, read as per node"),
    storage_servers=_assumed(24, "Lustre OST servers (16 GB/s write each)"),
    groups=_assumed(8, "staggered groups, a first try"),
)

CHECKPOINT_STAGING = _scenario(
    "checkpoint_staging", "Blocking writes vs asynchronous staging", LAB_FAULT_TOLERANCE,
    sockets=_assumed(2, "CPU sockets per node, each with the catalog's host DRAM"),
    buffer_sizes=_assumed(("256 GB", "384 GB"), "staging buffers too small and large enough"),
)

SILENT_CORRUPTION = _scenario(
    "silent_corruption", "Silent data corruption: checksums vs dual modular redundancy", LAB_FAULT_TOLERANCE,
    sdc_rate=_assumed("1e-7 1/h", "silent corruptions per device-hour"),
    duration=_assumed("30 day", "length of the training run"),
    step_time=_assumed("8 ms", "perception step of an autonomous vehicle"),
    deadline=_assumed("10 ms", "control-loop deadline"),
    weight_bytes=_assumed("25 MB", "weights to hash"),
    hash_bandwidth=_assumed("200 GB/s", "hashing throughput"),
)

PREEMPTION = _scenario(
    "preemption", "Mobile track: the preemption wall", LAB_FAULT_TOLERANCE,
    resume_target=_lab("100 ms", "resume time target"),
    state_size=_assumed("1.5 GB", "application state to restore"),
    device=_assumed(hardware.UFS_31, "phone storage"),
    dirty_fractions=_assumed((1.0, 0.1), "share of the state changed since the last save"),
)

BROWNOUT = _scenario(
    "brownout", "Tiny track: brown-out survival", LAB_FAULT_TOLERANCE,
    device=_lab(hardware.FERAM_MCU, "the hearable's microcontroller"),
    state_size=_assumed("8 KiB", "SRAM state to save"),
    capacitance=_assumed("10 uF", "hold-up capacitor"),
    start_voltage=_assumed("3.0 V", "supply when the brown-out is detected"),
    min_voltage=_assumed("1.8 V", "lowest supply the MCU runs at"),
)

# ---------------------------------------------------------------------------- Vol. 2, Lab 12
OPERATIONS = _scenario(
    "operations", "Operations at scale: when a platform pays off", LAB_OPERATIONS,
    platform_cost=_assumed("500000 USD/year", "the lab's 500,000 USD platform, amortised over one year"),
    toil_reduction=_assumed(0.8, "share of toil the platform removes"),
    alert_cost=_assumed("5000 USD/year", "alert work per model"),
    deploy_cost=_assumed("2000 USD/year", "deployment work per model, times log2 N"),
    dependency_cost=_assumed("1000 USD/year", "work per coupled pair of models"),
    heterogeneities=_assumed((1.0, 0.1, 0.0), "share of model pairs that are coupled"),
    model_counts=_assumed((5, 10, 25, 50), "model counts compared"),
    fleet_models=_lab(50, "LLM versions of the large fleet"),
    confidence=_lab(0.95, "confidence of the canary"),
    failure_rate=_lab(1e-3, "the 1-in-1,000 failure to catch"),
    tolerated_failures=_assumed((1, 2), "failures a canary may tolerate, for contrast"),
    release_cycle=_lab("1 week", "release cycle"),
    request_rate=_assumed("10 1/s", "fleet request rate"),
    traffic_fraction=_assumed(0.05, "share of traffic mirrored to the shadow model"),
    shadow_failure_rates=_assumed((1e-3, 1e-4, 1e-5, 1e-6), "failure rates a shadow run must catch"),
    baseline_rate=_assumed(1e-4, "failure rate of a good model (sequential test)"),
    regressed_rate=_assumed(1e-3, "failure rate of a regressed model (sequential test)"),
    ensemble_sizes=_assumed((2, 10, 50), "models in an ensemble, every pair coupled"),
)

#: Every scenario by name, in report order.
SCENARIOS: Mapping[str, Scenario] = MappingProxyType({s.name: s for s in (
    DATA_GRAVITY, RESNET_PIPELINE, IO_BOTTLENECK, TIERED_PIPELINE, METADATA_WALL, EDGE_FLEET,
    MOBILE_WEIGHTS, TINY_AUDIO, FAULT_TOLERANCE, CHECKPOINT_STORM, CHECKPOINT_STAGING,
    SILENT_CORRUPTION, PREEMPTION, BROWNOUT, OPERATIONS)})


def get(name: str) -> Scenario:
    """The scenario called ``name`` (e.g. ``"fault_tolerance"``)."""
    try:
        return SCENARIOS[name]
    except KeyError:
        raise KeyError(f"unknown scenario {name!r}; known: {', '.join(SCENARIOS)}") from None


def names() -> list[str]:
    """The scenario names, in report order."""
    return list(SCENARIOS)
