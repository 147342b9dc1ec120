"""Storage models against MLPerf Storage v1.0 (private): the figures of the docs page "How close to reality?".

Nothing here is public API: the docs page ``docs/reality.md`` prints the tables
these functions build, and ``tests/models/storage/test_storage_validation.py``
rebuilds them and compares them with the page, so the page cannot drift from
the code.  Every prediction goes through the public
:func:`~mlsysim.models.storage.supported_accelerators`.
"""

from __future__ import annotations

import re
from typing import Any

import attrs
import numpy as np

from ...units import Q_
from ...workloads import MLPerfResult, mlperf_results
from ._workloads import supported_accelerators

__all__: list[str] = []

#: A result is "at capacity" when its utilization is within this factor of the pass threshold.
AT_CAPACITY = 1.05


@attrs.frozen
class Check:
    """One result: the model's prediction from the result's own measured throughput."""

    result: MLPerfResult
    predicted: int
    continuous: float  # the same before the floor: throughput * t_c / (u * batch bytes)
    error: float  # predicted / submitted - 1
    throughput_utilization: float  # t_c * throughput / (N * batch bytes): U implied by samples/s
    first_step_share: float  # 1 - throughput_utilization / AU: run time AU leaves out (the first step's I/O)

    @property
    def at_capacity(self) -> bool:
        return self.result.accelerator_utilization < AT_CAPACITY * self.result.workload.min_utilization


def checks() -> list[Check]:
    """Every v1.0 result: accelerators predicted from its measured throughput (one vectorised call per workload)."""
    results = mlperf_results()
    out: dict[int, Check] = {}
    for name in sorted({r.workload.name for r in results}):
        group = [(i, r) for i, r in enumerate(results) if r.workload.name == name]
        w = group[0][1].workload
        bandwidth = Q_(np.array([r.throughput.m_as("B/s") for _, r in group]), "B/s")
        predicted = np.atleast_1d(supported_accelerators(w, bandwidth))
        batch = w.batch_size * w.sample_size.m_as("B")
        for (i, r), p in zip(group, predicted):
            u_thr = w.compute_time.m_as("s") * r.throughput.m_as("B/s") / (r.accelerators * batch)
            out[i] = Check(r, int(p), r.accelerators * u_thr / w.min_utilization, float(p) / r.accelerators - 1.0,
                           u_thr, 1.0 - u_thr / r.accelerator_utilization)
    return [out[i] for i in range(len(results))]


def _pct(x: float) -> str:
    return f"{100 * x:+.1f} %"


def _group_key(c: Any) -> tuple[str, str]:
    r = c.result if isinstance(c, Check) else c[1]
    return r.benchmark, r.workload.accelerator


_ORDER = [(b, a) for b in ("unet3d", "resnet50", "cosmoflow") for a in ("A100", "H100")]


def _summary(rows: list[tuple[tuple[str, str], float, float]], title: str) -> str:
    lines = [f"| workload | accelerator | {title} | median error | worst error | within ±5 % | "
             "median, before rounding | worst, before rounding |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for key in _ORDER + [None]:
        errs = np.array([e for k, e, _ in rows if key is None or k == key])
        cont = np.array([e for k, _, e in rows if key is None or k == key])
        if errs.size == 0:
            continue
        worst = errs[np.argmax(np.abs(errs))]
        worst_cont = cont[np.argmax(np.abs(cont))]
        within = int(np.sum(np.abs(errs) <= 0.05 + 1e-12))
        label = ("all", "") if key is None else key
        lines.append(f"| {label[0]} | {label[1]} | {errs.size} | {_pct(float(np.median(errs)))} | "
                     f"{_pct(float(worst))} | {within} of {errs.size} | {_pct(float(np.median(cont)))} | "
                     f"{_pct(float(worst_cont))} |")
    return "\n".join(lines)


def error_table(at_capacity_only: bool = False) -> str:
    """Median and worst relative error of the predicted accelerator count, by workload and accelerator.

    Also of the continuous count before the floor (``continuous / submitted - 1``), which separates
    the model's error from the rounding to whole accelerators.
    """
    cs = [c for c in checks() if c.at_capacity or not at_capacity_only]
    return _summary([(_group_key(c), c.error, c.continuous / c.result.accelerators - 1.0) for c in cs], "results")


def first_step_table() -> str:
    """The share of run time AU leaves out (first-step I/O), by workload: median and largest."""
    lines = ["| workload | accelerator | results | median share | largest share |", "|---|---|---:|---:|---:|"]
    cs = checks()
    for key in _ORDER:
        shares = np.array([c.first_step_share for c in cs if _group_key(c) == key])
        lines.append(f"| {key[0]} | {key[1]} | {shares.size} | {100 * np.median(shares):.1f} % | "
                     f"{100 * np.max(shares):.1f} % |")
    return "\n".join(lines)


def outliers(limit: float = 0.08) -> str:
    """The results predicted more than ``limit`` off, with what explains each."""
    lines = ["| result | accelerators | hosts | AU | predicted | error | explanation |",
             "|---|---:|---:|---:|---:|---:|---|"]
    for c in sorted(checks(), key=lambda c: -abs(c.error)):
        if abs(c.error) <= limit:
            continue
        r = c.result
        if c.error > 0 and not c.at_capacity:
            why = f"headroom: AU {100 * r.accelerator_utilization:.1f} % > threshold x {AT_CAPACITY}"
        elif c.first_step_share > 0.05:
            why = f"first-step I/O: {100 * c.first_step_share:.1f} % of the run outside AU"
        elif abs(c.predicted - r.accelerators) == 1:
            why = (f"one accelerator of {r.accelerators}: the model's {c.continuous:.2f} rounds down "
                   f"(first-step share {100 * c.first_step_share:.1f} %)")
        else:  # pragma: no cover - none in v1.0; kept so a new round cannot print a blank reason
            why = "unexplained"
        lines.append(f"| {r.org} {r.system} ({r.benchmark}, {r.workload.accelerator}) | {r.accelerators} | "
                     f"{r.client_hosts} | {100 * r.accelerator_utilization:.1f} % | {c.predicted} | "
                     f"{_pct(c.error)} | {why} |")
    return "\n".join(lines)


def _system_key(r: MLPerfResult) -> tuple[str, str, str]:
    """Same storage system across accelerator generations: the name without accelerator and host counts."""
    name = re.sub(r"(?i)[-_]?(a100|h100)", "", r.system)
    name = re.sub(r"(?i)[-_]?\d+[-_]?(clients?|hosts?)", "", name)
    return r.org, name, r.benchmark


@attrs.frozen
class CrossGeneration:
    """The H100 count predicted from the same system's A100 result."""

    a100: MLPerfResult
    h100: MLPerfResult
    storage_only: int  # storage bandwidth = the A100 result's throughput
    with_hosts: int  # plus a per-host ceiling: the A100 throughput per A100 host, over the H100 run's hosts

    @property
    def errors(self) -> tuple[float, float]:
        n = self.h100.accelerators
        return self.storage_only / n - 1.0, self.with_hosts / n - 1.0


def cross_generation() -> list[CrossGeneration]:
    """Every system with both an A100 and an H100 result of one benchmark (the largest count of each)."""
    groups: dict[tuple[str, str, str], dict[str, list[MLPerfResult]]] = {}
    for r in mlperf_results(division="closed"):
        groups.setdefault(_system_key(r), {"A100": [], "H100": []})[r.workload.accelerator].append(r)
    out = []
    for key in sorted(groups):
        g = groups[key]
        if not (g["A100"] and g["H100"]):
            continue
        a = max(g["A100"], key=lambda r: r.accelerators)
        h = max(g["H100"], key=lambda r: r.accelerators)
        storage_only = supported_accelerators(h.workload, a.throughput)
        with_hosts = supported_accelerators(h.workload, a.throughput, client_bandwidth=a.throughput / a.client_hosts,
                                            clients=h.client_hosts)
        out.append(CrossGeneration(a, h, int(storage_only), int(with_hosts)))
    return out


def cross_generation_table() -> str:
    """Per system: A100 count and hosts, H100 count and hosts, both predictions and their errors."""
    lines = ["| system | workload | A100 (hosts) | H100 (hosts) | H100/A100 throughput | predicted | error | "
             "with host ceiling | error |", "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for x in cross_generation():
        e1, e2 = x.errors
        lines.append(f"| {x.a100.org} {_system_key(x.a100)[1]} | {x.a100.benchmark} | "
                     f"{x.a100.accelerators} ({x.a100.client_hosts}) | {x.h100.accelerators} ({x.h100.client_hosts}) | "
                     f"{x.h100.throughput.m_as('B/s') / x.a100.throughput.m_as('B/s'):.2f} | {x.storage_only} | {_pct(e1)} | {x.with_hosts} | {_pct(e2)} |")
    return "\n".join(lines)


def cross_generation_summary() -> str:
    """Median and worst error of the cross-generation prediction, by workload, both variants."""
    xs = cross_generation()
    lines = ["| workload | systems | median error | worst error | within ±10 % | median, host ceiling | "
             "worst, host ceiling |", "|---|---:|---:|---:|---:|---:|---:|"]
    def same(x: CrossGeneration) -> bool:
        return abs(x.h100.throughput.m_as("B/s") / x.a100.throughput.m_as("B/s") - 1.0) <= 0.1

    for bench in ("unet3d", "resnet50", "cosmoflow", None, "same"):
        if bench == "same":
            sel = [x for x in xs if same(x)]
        else:
            sel = [x for x in xs if bench is None or x.a100.benchmark == bench]
        e1 = np.array([x.errors[0] for x in sel])
        e2 = np.array([x.errors[1] for x in sel])
        w1, w2 = e1[np.argmax(np.abs(e1))], e2[np.argmax(np.abs(e2))]
        label = {None: "all", "same": "all, same throughput (±10 %)"}.get(bench, bench)
        lines.append(f"| {label} | {len(sel)} | {_pct(float(np.median(e1)))} | {_pct(float(w1))} | "
                     f"{int(np.sum(np.abs(e1) <= 0.1 + 1e-12))} of {len(sel)} | {_pct(float(np.median(e2)))} | "
                     f"{_pct(float(w2))} |")
    return "\n".join(lines)


def workloads_table() -> str:
    """The six catalog workloads: what one accelerator reads, computes and asks of storage."""
    from ... import workloads
    from ._workloads import workload_demand

    lines = ["| constant | sample size | batch | compute per step | pass at AU | demand per accelerator | "
             "configuration file |", "|---|---:|---:|---:|---:|---:|---|"]
    for const in ("UNET3D_A100", "UNET3D_H100", "RESNET50_A100", "RESNET50_H100", "COSMOFLOW_A100", "COSMOFLOW_H100"):
        w = workloads.get(const)
        size = f"{w.sample_size.m_as('B'):,.2f}".rstrip("0").rstrip(".")
        lines.append(f"| `{const}` | {size} B | {w.batch_size} | "
                     f"{w.compute_time.m_as('s'):g} s | {100 * w.min_utilization:.0f} % | "
                     f"{workload_demand(w).m_as('MB/s'):,.1f} MB/s | [`{w.provenance.path}`]({w.provenance.url}) |")
    return "\n".join(lines)


def page_tables() -> dict[str, str]:
    """Every table of docs/reality.md by its marker name."""
    return {
        "workloads": workloads_table(),
        "errors": error_table(),
        "errors-at-capacity": error_table(at_capacity_only=True),
        "outliers": outliers(),
        "first-step": first_step_table(),
        "cross-generation-summary": cross_generation_summary(),
        "cross-generation": cross_generation_table(),
    }


_BLOCK = re.compile(r"(<!-- table: (?P<name>[a-z0-9-]+) -->\n)(?P<body>.*?)(\n<!-- end table -->)", re.S)


def page_blocks(text: str) -> dict[str, str]:
    """The tables a page holds between ``<!-- table: NAME -->`` and ``<!-- end table -->``."""
    return {m["name"]: m["body"] for m in _BLOCK.finditer(text)}


def regenerate(text: str) -> str:
    """``text`` with every marked table replaced by the one the code computes now."""
    tables = page_tables()
    return _BLOCK.sub(lambda m: m.group(1) + tables[m["name"]] + m.group(4), text)


if __name__ == "__main__":  # pragma: no cover - the maintainer's regeneration command
    import sys

    path = sys.argv[1]
    with open(path, encoding="utf-8") as fh:
        old = fh.read()
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(regenerate(old))
