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
    data = json.loads(captured.out)
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

def run_json(capsys, argv):
    assert main(argv + ["--json"]) == 0
    captured = capsys.readouterr()
    return json.loads(captured.out)


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
