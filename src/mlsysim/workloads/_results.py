"""The published MLPerf Storage v1.0 training results, as typed records (no pandas needed)."""

from __future__ import annotations

import csv
import functools
import io
from importlib import resources
from typing import Any

import attrs

from ..units import Q_
from .specs import Provenance, TrainingWorkload, _CopyOnRead

__all__ = ["MLPerfResult", "mlperf_results", "RESULTS_PROVENANCE"]

_RESULTS_REPO = "mlcommons/storage_results_v1.0"
_RESULTS_COMMIT = "64c2ce48578aabb20cff572c0495564d289e4955"

#: Where the results come from.
RESULTS_PROVENANCE = Provenance(
    source="MLPerf Storage v1.0 training results (closed and open divisions)",
    url=f"https://github.com/{_RESULTS_REPO}/tree/{_RESULTS_COMMIT}",
    note="each result's mlperf_storage_report.json (path in source_path); accelerator utilization is the "
         "mean over the result's runs (summary.json). The benchmark's 'MB/s' is MiB/s and equals "
         "samples/s x the nominal record length; AU leaves the first step's I/O out",
    repository=_RESULTS_REPO, commit=_RESULTS_COMMIT,
)


@attrs.frozen
class MLPerfResult(_CopyOnRead):
    """One published MLPerf Storage v1.0 training result.

    Attributes
    ----------
    division, org, system : str
        ``"Closed"`` or ``"Open"``, the submitter and the system's name.
    benchmark : str
        ``"unet3d"``, ``"resnet50"`` or ``"cosmoflow"``.
    workload : TrainingWorkload
        The catalog entry the result ran (e.g. :data:`~mlsysim.workloads.UNET3D_H100`).
    accelerators : int
        Emulated accelerators the submitter reported (the largest that passed).
    client_hosts : int
        Host nodes that ran them.
    samples_per_second : Quantity [1/time]
        Samples read per second, over the whole run (first step included).
    throughput : Quantity [bandwidth]
        The reported "MB/s", which is MiB/s: ``samples_per_second * sample_size``.
    accelerator_utilization : float
        Mean accelerator utilization (AU) over the runs, a fraction (first step's I/O left out).
    source_path : str
        The result's report in the results repository.
    """

    division: str
    org: str
    system: str
    benchmark: str
    workload: TrainingWorkload = attrs.field(repr=False)
    accelerators: int
    client_hosts: int
    samples_per_second: Any
    throughput: Any
    accelerator_utilization: float
    source_path: str = attrs.field(repr=False)

    @property
    def url(self) -> str:
        """The result's report on GitHub, at the pinned commit."""
        return f"https://github.com/{_RESULTS_REPO}/blob/{_RESULTS_COMMIT}/{self.source_path}"


@functools.lru_cache(maxsize=1)
def _load() -> tuple[MLPerfResult, ...]:
    from . import get

    text = resources.files("mlsysim").joinpath("data", "mlperf_storage_v1.0_training_results.csv").read_text("utf-8")
    out = []
    for row in csv.DictReader(io.StringIO(text)):
        out.append(MLPerfResult(
            division=row["division"], org=row["org"], system=row["system"], benchmark=row["workload"],
            workload=get(f"{row['workload']}_{row['accelerator']}"),
            accelerators=int(row["accelerators"]), client_hosts=int(row["client_hosts"]),
            samples_per_second=Q_(float(row["samples_per_second"]), "1/s"),
            throughput=Q_(float(row["throughput_MiB_per_s"]), "MiB/s"),
            accelerator_utilization=float(row["accelerator_utilization_percent"]) / 100.0,
            source_path=row["source_path"],
        ))
    return tuple(out)


def mlperf_results(benchmark: str | None = None, accelerator: str | None = None,
                   division: str | None = None) -> list[MLPerfResult]:
    """The 132 published MLPerf Storage v1.0 training results, optionally filtered.

    Parameters
    ----------
    benchmark : str or None
        ``"unet3d"``, ``"resnet50"`` or ``"cosmoflow"`` (case-insensitive).
    accelerator : str or None
        ``"A100"`` or ``"H100"`` (case-insensitive).
    division : str or None
        ``"Closed"`` or ``"Open"`` (case-insensitive).

    Returns
    -------
    list of MLPerfResult
        In the order of the shipped CSV (``mlsysim/data/mlperf_storage_v1.0_training_results.csv``,
        whose provenance is :data:`RESULTS_PROVENANCE`).

    Examples
    --------
    >>> from mlsysim.workloads import mlperf_results
    >>> len(mlperf_results()), len(mlperf_results("unet3d", "h100"))
    (132, 36)
    >>> r = mlperf_results("resnet50", "a100")[0]
    >>> r.org, r.accelerators, round(r.throughput.to("MiB/s").m, 1)
    ('DDN', 864, 79064.7)
    """
    def keep(r: MLPerfResult) -> bool:
        return ((benchmark is None or r.benchmark == benchmark.casefold())
                and (accelerator is None or r.workload.accelerator.casefold() == accelerator.casefold())
                and (division is None or r.division.casefold() == division.casefold()))

    return [r for r in _load() if keep(r)]
