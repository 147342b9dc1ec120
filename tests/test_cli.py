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
