"""The command-line interface: catalog (table and JSON), report, help, exit codes."""

import json

import pytest

from mlsysim.cli import main


def test_help_exits_zero(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    assert "catalog" in capsys.readouterr().out


def test_no_command_prints_help_to_stderr(capsys):
    assert main([]) == 2
    assert "usage" in capsys.readouterr().err


def test_catalog_table(capsys):
    assert main(["catalog"]) == 0
    out = capsys.readouterr().out
    assert "NVIDIA H100 SXM5 80GB" in out and "989.4 TFLOP/s" in out


def test_catalog_json_is_pure_json_on_stdout(capsys):
    assert main(["catalog", "--json"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)["results"]
    assert data["H100"]["peak_flops"] == {"value": 989.4, "unit": "TFLOP/s"}
    assert data["LUSTRE_OST"]["device"] == data["NVME_GEN4"]["name"]
    assert "assumption" in data["LUSTRE_MDS"]["field_sources"]["ops_rate"]["note"]


def test_report_runs(capsys):
    assert main(["report"]) == 0
    assert "Hardware catalog" in capsys.readouterr().out


def test_unknown_command_exits_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["frobnicate"])
    assert info.value.code == 2


def test_docs_catalog_page_is_current():
    # docs/catalog.md is generated; regenerate with `python -m mlsysim catalog --markdown > docs/catalog.md`.
    from pathlib import Path

    from mlsysim.cli import catalog_markdown

    page = Path(__file__).resolve().parents[1] / "docs" / "catalog.md"
    assert page.read_text(encoding="utf-8") == catalog_markdown(), "docs/catalog.md is stale"


def test_catalog_markdown_lists_every_entry_and_source(capsys):
    from mlsysim import hardware

    assert main(["catalog", "--markdown"]) == 0
    out = capsys.readouterr().out
    for const in hardware.names():
        assert f"## `{const}`" in out
    assert "scenario assumption" in out


# ------------------------------------------------------------------ model subcommands

def run_document(capsys, argv):
    """The whole JSON document of a subcommand: one shape for every subcommand."""
    assert main(argv + ["--json"]) == 0
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert sorted(document) == ["command", "inputs", "results", "version"]
    return document


def run_json(capsys, argv):
    return run_document(capsys, argv)["results"]


def test_checkpoint_json(capsys):
    data = run_json(capsys, ["checkpoint", "--write-time", "2 min", "--mtbf", "4 h"])
    # Young: sqrt(2 x 120 s x 14,400 s) = 1,859.03 s
    assert data["young_interval"]["unit"] == "s"
    assert data["young_interval"]["value"] == pytest.approx((2 * 120 * 14400) ** 0.5, rel=1e-12)
    assert data["optimal_interval"]["value"] < data["young_interval"]["value"]
    parts = data["waste_breakdown"]
    total = sum(parts[k]["value"] for k in ("useful", "checkpointing", "rework", "restart"))
    assert total == pytest.approx(parts["total"]["value"], rel=1e-12)
    assert parts["useful"]["value"] == 30 * 86400  # the default 30 days of work


def test_checkpoint_fleet_from_node_mtbf(capsys):
    # 16,384 nodes at 65,536 h each -> fleet MTBF 4 h = 14,400 s
    data = run_json(capsys, ["checkpoint", "--write-time", "2 min", "--node-mtbf", "65536 h", "--nodes", "16384"])
    assert data["fleet_mtbf"]["value"] == pytest.approx(14400)


def test_checkpoint_table(capsys):
    assert main(["checkpoint", "--write-time", "2 min", "--mtbf", "4 h"]) == 0
    out = capsys.readouterr().out
    assert "young_interval" in out and "30.98 min" in out  # 1859.03 s = 30.98 min


def test_storage_pipeline_json(capsys):
    # 128 x 4 MB / 50 ms = 10.24 GB/s demand; supply min(672, 400) = 400 GB/s -> compute-bound
    data = run_json(capsys, ["storage", "pipeline", "--accelerators", "128", "--batch-bytes", "4 MB",
                             "--compute-time", "50 ms", "--storage-bandwidth", "672 GB/s",
                             "--network-bandwidth", "400 GB/s"])
    rec = data["input_pipeline"]
    assert rec["demand"]["value"] == pytest.approx(10.24e9)
    assert rec["supply"]["value"] == pytest.approx(400e9)
    assert rec["bottleneck"] == "compute"


def test_storage_gravity_and_device(capsys):
    data = run_json(capsys, ["storage", "gravity", "--dataset-size", "50 TB", "--link-bandwidth", "100 Gbit/s",
                             "--training-time", "6 h", "--egress-price", "0.08 USD/GB",
                             "--compute-cost-in-place", "120 USD"])
    assert data["data_gravity"]["transfer_time"]["value"] == pytest.approx(4000)  # 4e14 bit / 1e11 bit/s
    assert data["data_gravity"]["egress_cost"]["value"] == pytest.approx(4000)  # 50,000 GB x 0.08
    data = run_json(capsys, ["storage", "device", "--block-size", "1 MiB", "--queue-depth", "4"])
    assert data["throughput"]["value"] == pytest.approx(7e9)  # capped by the 7,000 MB/s sequential read


def test_metadata_json(capsys):
    data = run_json(capsys, ["metadata", "--accelerators", "4096", "--workers-per-accelerator", "8",
                             "--opens-per-worker", "50 1/s"])
    assert data["demand"]["value"] == 4915200  # 4,096 x 8 x 50 x 3
    assert data["mds_saturation"]["servers_needed"] == 99  # ceil(4,915,200 / 50,000)
    assert data["mds_saturation"]["overloaded"] is True


def test_ops_commands(capsys):
    data = run_json(capsys, ["ops", "canary", "--confidence", "0.95", "--failure-rate", "0.001"])
    assert data["canary_sample_size"] == 2995  # ceil(ln 0.05 / ln 0.999) = ceil(2994.23)
    data = run_json(capsys, ["ops", "break-even", "--platform-cost", "500000 USD/year", "--toil-reduction", "0.8",
                             "--alert-cost", "5000 USD/year", "--deploy-cost", "2000 USD/year",
                             "--dependency-cost", "1000 USD/year", "--models", "25"])
    # N = 25: 0.8 x (125,000 + 2,000 x 25 log2 25 + 1,000 x 300) - 500,000 = +25,754 USD/year
    assert data["break_even_models"] == 25
    assert data["platform_roi"]["value"] > 0


BAD_ARGS = [
    (["checkpoint", "--write-time", "2", "--mtbf", "4 h"], "--write-time"),
    (["checkpoint", "--write-time", "2 min", "--mtbf", "4 GB"], "--mtbf"),
    (["checkpoint", "--write-time", "2 min", "--mtbf", "-4 h"], "--mtbf"),
    (["checkpoint", "--write-time", "2 min"], "--mtbf"),
    (["checkpoint", "--write-time", "2 min", "--mtbf", "4 hx"], "--mtbf"),
    (["storage", "device", "--block-size", "4 KiB", "--queue-depth", "abc"], "--queue-depth"),
    (["storage", "device", "--device", "floppy", "--block-size", "4 KiB"], "--device"),
    (["metadata", "--accelerators", "0", "--workers-per-accelerator", "8", "--opens-per-worker", "50 1/s"],
     "--accelerators"),
    (["ops", "canary", "--confidence", "1.5", "--failure-rate", "0.001"], "--confidence"),
    (["ops", "break-even", "--platform-cost", "500000 USD", "--toil-reduction", "0.8", "--alert-cost", "1 USD/year",
      "--deploy-cost", "1 USD/year", "--dependency-cost", "1 USD/year"], "--platform-cost"),
]


@pytest.mark.parametrize("argv, option", BAD_ARGS)
def test_bad_input_exits_2_with_one_line(capsys, argv, option):
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    assert code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert option in lines[0]
    assert "Traceback" not in captured.err


# ------------------------------------------------------------------ the command line does not guess

@pytest.mark.parametrize("argv, named", [
    # 50,000 h per node with no node count: one node would be 16,384x off for a 16,384-node job
    (["checkpoint", "--write-time", "2 min", "--node-mtbf", "50000 h"], ("--node-mtbf", "--nodes")),
    # --nodes beside the job's --mtbf would be dropped silently
    (["checkpoint", "--write-time", "2 min", "--mtbf", "4 h", "--nodes", "16384"], ("--nodes", "--mtbf")),
    (["checkpoint", "--write-time", "2 min", "--mtbf", "4 h", "--node-mtbf", "50000 h", "--nodes", "8"],
     ("--mtbf", "--node-mtbf")),
])
def test_checkpoint_refuses_to_guess(capsys, argv, named):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    for option in named:
        assert option in lines[0]


def test_every_subcommand_json_has_one_shape(capsys):
    commands = [
        ["catalog"],
        ["report", "--section", "ops"],
        ["checkpoint", "--write-time", "2 min", "--mtbf", "4 h"],
        ["storage", "device", "--block-size", "4 KiB"],
        ["metadata", "--accelerators", "8", "--workers-per-accelerator", "1", "--opens-per-worker", "1 1/s"],
        ["ops", "canary", "--confidence", "0.95", "--failure-rate", "0.001"],
    ]
    for argv in commands:
        document = run_document(capsys, argv)
        assert isinstance(document["command"], str) and document["version"]
        assert isinstance(document["inputs"], dict) and isinstance(document["results"], dict)


def test_json_has_no_nan_or_infinity_and_quantities_have_value_and_unit(capsys):
    # heterogeneity 0 with no per-model alert cost: toil never exceeds the platform, N* is infinite
    text_argv = ["ops", "break-even", "--platform-cost", "500000 USD/year", "--toil-reduction", "0.8",
                 "--alert-cost", "0 USD/year", "--deploy-cost", "0 USD/year", "--dependency-cost", "0 USD/year",
                 "--models", "5", "--json"]
    assert main(text_argv) == 0
    out = capsys.readouterr().out
    assert "NaN" not in out and "Infinity" not in out
    data = json.loads(out)["results"]
    assert data["break_even_models"] is None  # infinite: null, never an Infinity token
    # yearly costs per year: 0.8 x 0 - 500,000 USD/year
    assert data["platform_roi"] == {"value": pytest.approx(-500000), "unit": "USD/year"}


def test_counts_are_integers_and_booleans_are_words(capsys):
    data = run_json(capsys, ["metadata", "--accelerators", "4096", "--workers-per-accelerator", "8",
                             "--opens-per-worker", "50 1/s"])
    assert isinstance(data["mds_saturation"]["servers_needed"], int)
    assert main(["metadata", "--accelerators", "4096", "--workers-per-accelerator", "8",
                 "--opens-per-worker", "50 1/s"]) == 0
    out = capsys.readouterr().out
    assert "overloaded      yes" in out and "True" not in out


def test_ops_text_shows_yearly_costs_per_year(capsys):
    assert main(["ops", "break-even", "--platform-cost", "500000 USD/year", "--toil-reduction", "0.8",
                 "--alert-cost", "5000 USD/year", "--deploy-cost", "2000 USD/year",
                 "--dependency-cost", "1000 USD/year", "--models", "25"]) == 0
    out = capsys.readouterr().out
    # 0.8 x (125,000 + 2,000 x 25 log2 25 + 1,000 x 300) - 500,000 = 25,754 USD/year
    assert "25,754.2 USD/year" in out and "USD/s" not in out


# ------------------------------------------------------------------ report formats

def test_report_json_is_one_document_with_every_section(capsys):
    from mlsysim.report import SECTIONS

    document = run_document(capsys, ["report"])
    sections = document["results"]["sections"]
    assert list(sections) == list(SECTIONS)
    ck = sections["checkpoint"]
    assert ck["title"] == "Fault tolerance: checkpoint intervals"
    audit = ck["parts"][0]
    assert audit["sources"] == ["Machine Learning Systems, Vol. 2, Lab 07: Fault Tolerance"]
    # per-GPU MTBF = 4 h x 16,384 = 65,536 h
    assert audit["values"]["gpu_mtbf"]["value"] * {"h": 1, "s": 1 / 3600}[audit["values"]["gpu_mtbf"]["unit"]] \
        == pytest.approx(65536)
    assert all(p["verdict"] for p in ck["parts"])


def test_report_one_section(capsys):
    assert main(["report", "--section", "checkpoint"]) == 0
    out = capsys.readouterr().out
    assert "Fault tolerance: checkpoint intervals" in out
    assert "Hardware catalog" not in out and "Operations at scale" not in out


def test_report_unknown_section_exits_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["report", "--section", "nope"])
    assert info.value.code == 2
    assert "checkpoint" in capsys.readouterr().err  # the choices are listed


def test_report_markdown(capsys):
    assert main(["report", "--markdown", "--section", "ops"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# mlsysim report")
    assert "## Operations at scale: when a platform pays off" in out
    assert "*Source:* Machine Learning Systems, Vol. 2, Lab 12: Operations at Scale." in out
    assert "**Verdict:**" in out and "```text" in out


def test_report_needs_only_the_core_dependencies(tmp_path):
    # The README's main job runs with matplotlib, pandas, hypothesis, xarray and dask unimportable.
    import subprocess
    import sys
    from pathlib import Path

    src = Path(__file__).resolve().parents[1] / "src"
    code = ("import sys\n"
            "for name in ('matplotlib', 'pandas', 'hypothesis', 'xarray', 'dask', 'marimo'):\n"
            "    sys.modules[name] = None\n"
            "from mlsysim.cli import main\n"
            "raise SystemExit(main(['report']))\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                          env={"PYTHONPATH": str(src), "PATH": ""}, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "Fault tolerance: checkpoint intervals" in proc.stdout


def test_help_loads_neither_the_report_nor_the_catalog():
    # --help needs the section names only: building the parser must not load the scenarios,
    # the catalog or the models (they cost ~100 ms of start-up; measured in benchmarks/).
    import os
    import pathlib
    import subprocess
    import sys

    import mlsysim

    code = ("import sys; from mlsysim.cli import build_parser; build_parser(); "
            "print(sorted(m for m in sys.modules if m.startswith(('mlsysim.report', 'mlsysim.scenarios', "
            "'mlsysim.hardware', 'mlsysim.models'))))")
    src = pathlib.Path(mlsysim.__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(src)})
    assert out.stdout.strip() == "[]"


def test_section_names_are_the_reports():
    from mlsysim import _sections, report

    assert report.SECTIONS is _sections.SECTIONS
