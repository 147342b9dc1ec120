"""The interactive labs in examples/labs/ run headless and show what the library computes.

Each marimo app is imported from its file and run with ``app.run()``, which
executes every cell (an exception in any cell fails the test) and returns the
cell outputs and the app's global definitions. The tests then check that the
numbers the page displays are the library's, for the default slider values,
and a few against hand calculations of the textbook labs' figures. Some tests
replace a cell of controls through ``app.run(defs=...)`` to exercise another
setting without a browser (``rerun``: the default runs already rendered every
figure, so re-runs draw them but skip the PNG encoding, which keeps the file fast).
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path
from types import SimpleNamespace

import marimo  # noqa: F401  (the labs extra, part of the test extra: a missing one fails here)
import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import mlsysim  # noqa: E402
from mlsysim import Q_  # noqa: E402
from mlsysim.models import checkpoint as ck  # noqa: E402
from mlsysim.models import metadata, ops, storage  # noqa: E402

LABS = Path(__file__).resolve().parents[1] / "examples" / "labs"
NAMES = ("data_storage", "fault_tolerance", "operations", "data_gravity")
hw = mlsysim.hardware

from mlsysim import workloads  # noqa: E402


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"_lab_{name}", LABS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.app


def _text(outputs) -> str:
    """Everything the page shows, as one string of HTML."""
    return "\n".join(str(getattr(o, "text", "")) for o in outputs if o is not None)


_RUNS: dict[str, tuple] = {}


def run(name: str):
    """Outputs and definitions of one lab at its default settings (run once per session)."""
    if name not in _RUNS:
        _RUNS[name] = _load(name).run()
    return _RUNS[name]


def controls(**values) -> dict:
    """Stand-ins for marimo UI elements: anything with a ``.value``."""
    return {k: SimpleNamespace(value=v) for k, v in values.items()}


def _top_level_names(body) -> set[str]:
    """Names a cell body binds outside nested functions (imports, assignments, function names)."""
    names = set()
    for stmt in body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            names |= {a.asname or a.name.split(".")[0] for a in stmt.names}
        elif isinstance(stmt, ast.FunctionDef):
            names.add(stmt.name)
        elif isinstance(stmt, ast.Assign):
            names |= {t.id for t in stmt.targets if isinstance(t, ast.Name)}
        elif isinstance(stmt, ast.Try):
            names |= _top_level_names(stmt.body) | _top_level_names(stmt.orelse)
            for handler in stmt.handlers:
                names |= _top_level_names(handler.body)
    return {n for n in names if not n.startswith("_")}


def rerun(name: str, **values):
    """Run a lab again with some controls set, skipping the PNG rendering its default run already tested.

    The figures are still drawn (every plotting call runs); only the setup cell's
    ``figure`` helper, which renders and embeds them, is replaced by one that closes them.
    """
    import importlib

    import matplotlib.pyplot as plt

    setup = _cells(ast.parse((LABS / f"{name}.py").read_text()))[0]
    _, defaults = run(name)
    defs = {}
    for n in _top_level_names(setup.body):  # marimo wants every name the setup cell defines
        defs[n] = defaults[n] if n in defaults else importlib.import_module(n)
    defs["figure"] = lambda fig: plt.close(fig)
    return _load(name).run(defs={**defs, **controls(**values)})


def close(a, b, rel=1e-12) -> bool:
    return bool(np.allclose(Q_(a).to_base_units().m, Q_(b).to_base_units().m, rtol=rel, atol=0))


def test_every_lab_is_tested():
    assert {p.stem for p in LABS.glob("*.py")} == set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_lab_runs_headless_and_renders_figures(name):
    outputs, defs = run(name)
    page = _text(outputs)
    assert page.count("<img") >= 2, f"{name}: expected its figures on the page"
    assert "Traceback" not in page


@pytest.mark.parametrize("name", NAMES)
def test_lab_computes_no_formula_of_its_own(name):
    """The physics lives in mlsysim: a lab calls no math module and no elementary numpy function."""
    tree = ast.parse((LABS / f"{name}.py").read_text())
    banned = {"sqrt", "log", "log2", "log1p", "exp", "expm1", "ceil", "floor", "power"}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
            assert "math" not in names, f"{name} imports math"
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "np":
            assert node.attr not in banned, f"{name} calls np.{node.attr}"


def _cells(tree: ast.Module) -> list[ast.FunctionDef]:
    return [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "_"]


@pytest.mark.parametrize("name", NAMES)
def test_cells_declare_what_they_read(name):
    """Each cell lists as parameters exactly the other cells' names it reads (as ``marimo edit`` writes them)."""
    cells = _cells(ast.parse((LABS / f"{name}.py").read_text()))
    shared = set()
    for cell in cells:
        for node in ast.walk(cell):
            if isinstance(node, ast.Return) and node.value is not None:
                value = node.value
                items = value.elts if isinstance(value, ast.Tuple) else [value]
                shared |= {i.id for i in items if isinstance(i, ast.Name)}
    for cell in cells:
        bound = {n.id for n in ast.walk(cell) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        bound |= {a.asname or a.name.split(".")[0] for n in ast.walk(cell) if isinstance(n, (ast.Import, ast.ImportFrom))
                  for a in n.names}
        bound |= {n.name for n in ast.walk(cell) if isinstance(n, ast.FunctionDef) and n is not cell}
        read = {n.id for n in ast.walk(cell) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        params = {a.arg for a in cell.args.args}
        assert (read & shared) - bound == params, f"{name}, cell at line {cell.lineno}"


def test_fault_tolerance_shows_the_exact_optimum():
    outputs, defs = run("fault_tolerance")
    page = _text(outputs)
    # defaults: 16,384 GPUs, 65,536 h per GPU, 5 min writes, 10 min restarts, 30 days of work
    fleet = ck.fleet_mtbf("65536 h", 16384)
    assert close(defs["fleet_mtbf"], "4 h")  # 65,536 / 16,384 = 4 h exactly
    expected = ck.optimal_interval("5 min", fleet, "10 min")
    assert close(defs["optimum"], expected)
    assert f"{expected.to('min').m:.2f} min" in page  # the optimum as displayed: 45.71 min
    # Young: sqrt(2 x 5 min x 240 min) = sqrt(2400) min = 48.99 min
    assert close(defs["young"], Q_(2400 ** 0.5, "min"))
    assert "48.99 min" in page
    w = ck.waste_breakdown("30 day", "10 min", "5 min", fleet, "10 min")
    assert close(defs["at_chosen"].total, w.total)
    assert f"{w.waste_fraction:.1%}" in page
    # P_fleet = P_node^N for a day: exp(-24 h / 4 h) = exp(-6) = 0.0025
    assert f"{float(np.exp(-6)):.4f}" in page


def test_fault_tolerance_staging_and_sdc_match_the_library():
    outputs, defs = run("fault_tolerance")
    page = _text(outputs)
    # 1,024 nodes x 350 GB at 25 GB/s each into 24 x 16 GB/s: 25,600 / 384 = 66.7x
    assert "66.7x" in page
    assert close(defs["storm"].oversubscription, 1024 * 25 / 384)
    # hashing 25 MB at 200 GB/s = 125 us vs an 8 ms second run: 64x
    assert close(defs["detection"].hash_overhead, "125 us")
    assert "64x" in page
    assert close(defs["p_sdc"], ck.sdc_probability("1e-7 1/h", "30 day", 16384))


def test_fault_tolerance_with_other_controls():
    _, defs = rerun("fault_tolerance", gpus=32768, gpu_mtbf_h=65536, write_min=5, restart_min=10, work_days=30,
                    chosen_min=45)
    assert close(defs["optimum"], ck.optimal_interval("5 min", "2 h", "10 min"))  # M = 65,536 / 32,768 = 2 h
    assert defs["regime_notes"] == []
    # 30 min writes on a fleet failing every 16,384 h / 65,536 = 15 min: Young and Daly are out of their
    # regime, and the page says so instead of leaving the warning in the console
    outputs, defs = rerun("fault_tolerance", gpus=65536, gpu_mtbf_h=16384, write_min=30, restart_min=30,
                          work_days=90, chosen_min=2)
    assert any("young_interval" in note for note in defs["regime_notes"])
    assert "Outside the approximations" in _text(outputs)


def test_operations_break_even_and_canary():
    outputs, defs = run("operations")
    page = _text(outputs)
    costs = dict(alert_cost="5000 USD/year", deploy_cost="2000 USD/year", dependency_cost="1000 USD/year")
    n_star = ops.break_even_models(platform_cost="500000 USD/year", toil_reduction=0.8, **costs)
    assert defs["n_star"] == n_star == 25   # the operations lab's N* (same figure as examples/operations.py)
    assert close(defs["roi"], ops.platform_roi(50, platform_cost="500000 USD/year", toil_reduction=0.8, **costs))
    # ceil(ln 0.05 / ln 0.999) = ceil(2994.23) = 2,995 requests
    assert defs["canary"] == 2995
    assert "2,995" in page
    # 2,995 requests at 10/s x 5% = 0.5 req/s: 5,990 s = 1.664 h
    assert close(defs["shadow"].duration, Q_(5990, "s"))
    assert "1.664 h" in page
    assert defs["sprt"].fixed_requests == ops.sequential_test(1e-4, 1e-3).fixed_requests


def test_data_gravity_calculator():
    outputs, defs = run("data_gravity")
    page = _text(outputs)
    g = defs["gravity"]
    # 50 TB over 100 Gbit/s = 50e12 B / 12.5e9 B/s = 4,000 s; 50,000 GB x 0.08 USD/GB = 4,000 USD
    assert close(g.transfer_time, "4000 s")
    assert close(g.egress_cost, "4000 USD")
    assert "4,000 USD" in page
    assert g.decision == "move compute"   # 4,000 USD of egress vs 20 USD/h x 6 h = 120 USD
    assert "120 USD" in page
    # Act I: 64 x 4.1 GFLOP / 312 TFLOP/s = 0.841 ms on the A100
    assert close(defs["compute_time"], Q_(64 * 4.1e9 / 312e12, "s"))
    expected = storage.input_pipeline(1, 64 * Q_(602112, "B"), defs["compute_time"],
                                      storage.device_throughput(hw.HDD, Q_(602112, "B"), 4, access="sequential"))
    assert close(defs["pipeline"].utilization, expected.utilization)
    assert f"{expected.utilization:.1%}" in page


def test_data_gravity_random_reads_on_nvme():
    _, defs = rerun("data_gravity", workload="lab", accelerator="A100", tier="NVME_GEN4", sample=602112, batch=64,
                    pattern="random", workers=8, overlap=True)
    bw = storage.device_throughput(hw.NVME_GEN4, Q_(602112, "B"), 8, access="random")
    assert close(defs["read_bandwidth"], bw)


def test_data_storage_instruments():
    outputs, defs = run("data_storage")
    page = _text(outputs)
    io = defs["io"]
    # 128 GPUs x 4 MB / 50 ms = 10.24 GB/s of demand against 24 x 28 = 672 GB/s rated
    assert close(io.demand, "10.24 GB/s")
    assert close(defs["rated"], "672 GB/s")
    random_bw = storage.storage_throughput(hw.LUSTRE_OST, "4 KiB", 128, servers=24, extra_latency=hw.IB_HDR200.latency)
    expected = storage.input_pipeline(128, "4 MB", "50 ms", "672 GB/s", access_efficiency=(random_bw / Q_("672 GB/s")).to("").m,
                                      network_bandwidth=16 * hw.IB_HDR200.bandwidth)
    assert close(io.utilization, expected.utilization)
    assert f"{expected.utilization:.1%}" in page
    # the tiered pipeline: 1,024 GB of DRAM and 4 TB of NVMe hold 5.024 of 50 TB, leaving
    # 1 - 5.024 / 50 = 0.89952 of the bytes to a 10 Gbit/s = 1.25 GB/s link, so it delivers
    # 1.25 / 0.89952 = 1.3896 GB/s of the 4 GB/s demanded
    assert close(defs["tiered"].delivered_bandwidth, Q_(1.25 / (1 - 5.024 / 50), "GB/s"), rel=1e-9)
    assert defs["tiered"].bottleneck_tier == "S3"
    # metadata: 4,096 x 8 x 50/s x 3 = 4,915,200 ops/s against 50,000: 99 servers
    assert close(defs["md_load"].metadata_rate, "4915200 1/s")
    assert defs["md_sat"].servers_needed == 99
    assert "4,915,200" in page
    # checkpoint wall: 350 GB at 4.3 GB/s, exact optimum at MTBF 4 h
    assert close(defs["ckpt_best"], ck.optimal_interval(ck.checkpoint_write_time("350 GB", "4300 MB/s"), "4 h"))


def test_data_storage_metadata_with_shards():
    _, defs = rerun("data_storage", md_gpus=4096, md_workers=8, md_opens=50, layout="shards", md_servers=1)
    expected = metadata.layout_demand(Q_(4096 * 8 * 50, "1/s"), samples_per_file=250)
    assert close(defs["md_load"].metadata_rate, expected.metadata_rate)
    assert not defs["md_sat"].overloaded


def test_workload_choice_follows_the_catalog():
    """The labs offer the lab's own scenario and every MLPerf Storage workload of the catalog."""
    _outputs, defs = run("data_storage")
    assert list(defs["workload"].options.values()) == ["lab", *workloads.names()]
    _outputs, gravity = run("data_gravity")
    assert list(gravity["workload"].options.values()) == ["lab", *workloads.names()]
    w = workloads.get("UNET3D_H100")
    outputs, defs = rerun("data_storage", workload="UNET3D_H100", gpus=128, osts=24, loader_workers=8,
                          access="sequential", block="4 KiB")
    assert close(defs["io"].compute_time, w.compute_time)
    assert close(defs["io"].demand, storage.workload_demand(w, 128))
    # the page says how many accelerators the delivered bandwidth feeds at the workload's threshold
    supported = storage.supported_accelerators(w, defs["io"].supply)
    assert f"{supported:,.0f}" in _text(outputs)
    assert "accelerators this supply feeds" in _text(outputs)


def test_track_figures():
    _, ft = run("fault_tolerance")
    # 10% of 1.5 GB read back at the UFS 3.1's 2,100 MB/s: 150 MB / 2.1 GB/s = 71.43 ms, under 100 ms
    assert close(ft["resume"].time, Q_(150 / 2100, "s"))
    assert ft["resume"].meets_target
    expected = ck.brownout_save("8 KiB", "10 uF", "3.0 V", hw.FERAM_MCU.supply_voltage_min)
    assert close(ft["brownout"].energy_available, expected.energy_available)
    # 1/2 C (V0^2 - V1^2) = 0.5 x 10 uF x (9 - 3.24) V^2 = 28.8 uJ
    assert close(ft["brownout"].energy_available, "28.8 uJ", rel=1e-9)
    assert ft["brownout"].feasible
    _, ds = run("data_storage")
    # 5 TB/h over 10,000 vehicles = 0.5 GB/h = 138.9 kB/s each, against a 1 Mbit/s = 125 kB/s uplink: 90%
    assert ds["logs"].upload_fraction == pytest.approx(125 / (0.5e6 / 3600), rel=1e-12)
    # 64 KiB of 16-bit mono audio at 16 kHz = 65,536 B / 32,000 B/s = 2.048 s
    assert close(ds["audio"].duration, "2.048 s")
