"""Catalog entries: training workloads with the configuration each number comes from.

The six MLPerf Storage v1.0 training workloads are the DLIO configurations of
the benchmark (public repository ``mlcommons/storage``, tag ``v1.0``), one per
workload and emulated accelerator.  Each entry's ``provenance`` names the
repository, tag, commit and YAML file; ``field_sources`` names the YAML key of
every number.

``sample_size`` is ``dataset.record_length`` in bytes (the benchmark's
nominal record length; the benchmark's "MB/s" is samples/s times this length,
in MiB/s); ``compute_time`` is ``train.computation_time``, the emulated compute
time of one step on the named accelerator, measured by MLCommons on that
accelerator (not derived from peak FLOP/s).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

from .specs import Provenance, TrainingWorkload

_REPO = "mlcommons/storage"
_TAG = "v1.0"
_COMMIT = "cd848ba808b2c627261dae8635f13593d3cceecc"
_SOURCE = "MLPerf Storage v1.0 benchmark, DLIO workload configuration"
_KEYS = {
    "sample_size": "dataset.record_length: bytes of one sample as stored (nominal record length)",
    "batch_size": "reader.batch_size: samples per step per emulated accelerator",
    "compute_time": "train.computation_time: emulated compute time of one step on the accelerator, in seconds",
    "min_utilization": "metric.au: accelerator utilization a run must reach to pass",
    "samples_per_file": "dataset.num_samples_per_file: samples packed in one file",
    "sample_size_stdev": "dataset.record_length_stdev: standard deviation of the record length, bytes",
}

_FIELDS = ("sample_size", "batch_size", "compute_time", "min_utilization", "samples_per_file")


def _provenance(path: str) -> Provenance:
    return Provenance(
        source=_SOURCE,
        url=f"https://github.com/{_REPO}/blob/{_COMMIT}/{path}",
        note=f"file {path} of {_REPO} at tag {_TAG}; the same values are on the repository's later branches",
        repository=_REPO, tag=_TAG, commit=_COMMIT, path=path,
    )


def _sources(path: str, fields: tuple[str, ...]) -> dict[str, Provenance]:
    p = _provenance(path)
    return {f: Provenance(p.source, p.url, _KEYS[f], p.repository, p.tag, p.commit, p.path) for f in fields}


UNET3D_A100 = TrainingWorkload(
    name="MLPerf Storage v1.0 unet3d (A100)",
    sample_size="146600628 B",
    batch_size=7,
    compute_time="0.636 s",
    accelerator="A100",
    min_utilization=0.9,
    samples_per_file=1,
    sample_size_stdev="68341808 B",
    provenance=_provenance("storage-conf/workload/unet3d_a100.yaml"),
    field_sources=_sources("storage-conf/workload/unet3d_a100.yaml", _FIELDS + ("sample_size_stdev",)),
)

UNET3D_H100 = TrainingWorkload(
    name="MLPerf Storage v1.0 unet3d (H100)",
    sample_size="146600628 B",
    batch_size=7,
    compute_time="0.323 s",
    accelerator="H100",
    min_utilization=0.9,
    samples_per_file=1,
    sample_size_stdev="68341808 B",
    provenance=_provenance("storage-conf/workload/unet3d_h100.yaml"),
    field_sources=_sources("storage-conf/workload/unet3d_h100.yaml", _FIELDS + ("sample_size_stdev",)),
)

RESNET50_A100 = TrainingWorkload(
    name="MLPerf Storage v1.0 resnet50 (A100)",
    sample_size="114660.07 B",
    batch_size=400,
    compute_time="0.435 s",
    accelerator="A100",
    min_utilization=0.9,
    samples_per_file=1251,
    provenance=_provenance("storage-conf/workload/resnet50_a100.yaml"),
    field_sources=_sources("storage-conf/workload/resnet50_a100.yaml", _FIELDS),
)

RESNET50_H100 = TrainingWorkload(
    name="MLPerf Storage v1.0 resnet50 (H100)",
    sample_size="114660.07 B",
    batch_size=400,
    compute_time="0.224 s",
    accelerator="H100",
    min_utilization=0.9,
    samples_per_file=1251,
    provenance=_provenance("storage-conf/workload/resnet50_h100.yaml"),
    field_sources=_sources("storage-conf/workload/resnet50_h100.yaml", _FIELDS),
)

COSMOFLOW_A100 = TrainingWorkload(
    name="MLPerf Storage v1.0 cosmoflow (A100)",
    sample_size="2828486 B",
    batch_size=1,
    compute_time="0.00551 s",
    accelerator="A100",
    min_utilization=0.7,
    samples_per_file=1,
    provenance=_provenance("storage-conf/workload/cosmoflow_a100.yaml"),
    field_sources=_sources("storage-conf/workload/cosmoflow_a100.yaml", _FIELDS),
)

COSMOFLOW_H100 = TrainingWorkload(
    name="MLPerf Storage v1.0 cosmoflow (H100)",
    sample_size="2828486 B",
    batch_size=1,
    compute_time="0.0035 s",
    accelerator="H100",
    min_utilization=0.7,
    samples_per_file=1,
    provenance=_provenance("storage-conf/workload/cosmoflow_h100.yaml"),
    field_sources=_sources("storage-conf/workload/cosmoflow_h100.yaml", _FIELDS),
)

#: Every catalog entry by its constant name (read-only, like ``hardware.CATALOG``).
CATALOG: Mapping[str, TrainingWorkload] = MappingProxyType({
    name: value for name, value in dict(globals()).items() if isinstance(value, TrainingWorkload) and name.isupper()})

__all__ = sorted(CATALOG)
