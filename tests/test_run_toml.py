"""``python -m mlsysim run FILE.toml``: the example files, their figures, the JSON shape, and errors naming keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlsysim.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run(capsys, path, *extra):
    code = main(["run", str(path), *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_every_family_has_an_example_file():
    names = {p.stem for p in EXAMPLES.glob("*.toml")}
    assert {"storage", "metadata", "checkpoint", "ops"} <= names


def test_checkpoint_file_matches_the_command_line(capsys):
    code, out, err = run(capsys, EXAMPLES / "checkpoint.toml", "--json")
    assert code == 0, err
    document = json.loads(out)
    assert sorted(document) == ["command", "inputs", "results", "version"]
    results = document["results"]
    # 16,384 nodes at 65,536 h each: fleet MTBF 4 h = 14,400 s
    assert results["fleet_mtbf"]["value"] * {"h": 3600, "s": 1}[results["fleet_mtbf"]["unit"]] == pytest.approx(14400)
    # Young: sqrt(2 x 300 s x 14,400 s) = 2,939.4 s (49.0 min)
    assert results["young_interval"]["value"] == pytest.approx((2 * 300 * 14400) ** 0.5)
    assert document["inputs"]["nodes"] == 16384  # a count, an integer
    assert main(["checkpoint", "--write-time", "5 min", "--node-mtbf", "65536 h", "--nodes", "16384",
                 "--restart-time", "10 min", "--work", "30 day", "--json"]) == 0
    same = json.loads(capsys.readouterr().out)["results"]
    assert same == results


def test_storage_file(capsys):
    code, out, err = run(capsys, EXAMPLES / "storage.toml", "--json")
    assert code == 0, err
    rec = json.loads(out)["results"]["input_pipeline"]
    # demand 128 x 256 MB / 50 ms = 655.36 GB/s; supply 7% x 672 GB/s = 47.04 GB/s (under the 400 GB/s network)
    assert rec["demand"]["value"] == pytest.approx(655.36e9)
    assert rec["supply"]["value"] == pytest.approx(47.04e9)
    assert rec["bottleneck"] == "storage"
    # overlapped and I/O-bound: utilization = compute / io time = supply / demand
    assert rec["utilization"] == pytest.approx(47.04 / 655.36)


def test_metadata_and_ops_files(capsys):
    code, out, err = run(capsys, EXAMPLES / "metadata.toml", "--json")
    assert code == 0, err
    results = json.loads(out)["results"]
    assert results["demand"]["value"] == 4915200  # 4,096 x 8 x 50 x 3
    assert results["mds_saturation"]["servers_needed"] == 99  # ceil(4,915,200 / 50,000)
    code, out, err = run(capsys, EXAMPLES / "ops.toml", "--json")
    assert code == 0, err
    results = json.loads(out)["results"]
    assert results["break_even_models"] == 25
    # N = 50: toil 5,000 x 50 + 2,000 x 50 log2 50 + 1,000 x 1,225 = 2,039,386 USD/year
    assert results["toil_cost"] == {"value": pytest.approx(2039385.6, rel=1e-6), "unit": "USD/year"}


def test_sweep_file(capsys):
    code, out, err = run(capsys, EXAMPLES / "checkpoint_sweep.toml", "--json")
    assert code == 0, err
    results = json.loads(out)["results"]
    assert results["axes"]["write_time"]["value"] == [1.0, 5.0, 15.0]
    grid = results["optimal_interval"]["value"]
    assert len(grid) == 3 and all(len(row) == 3 for row in grid)
    # the exact optimum grows with the MTBF along each row and with the write time down each column
    for row in grid:
        assert row == sorted(row)
    assert [r[0] for r in grid] == sorted(r[0] for r in grid)
    code, out, err = run(capsys, EXAMPLES / "checkpoint_sweep.toml")
    assert code == 0, err
    lines = out.splitlines()
    assert "write_time [min]" in lines[1] and len(lines) == 2 + 9  # title, header, 3 x 3 points


BAD_FILES = [
    ('command = "checkpoint"\n[inputs]\nwrite_time = "5 min"\nnode_mtbf = "50000 h"\n', "inputs.nodes"),
    ('command = "checkpoint"\n[inputs]\nwrite_time = "5 min"\nmtbf = "4 h"\nnodes = 8\n', "inputs.nodes"),
    ('command = "checkpoint"\n[inputs]\nwrite_time = "5 min"\nmtbf = "4 GB"\n', "inputs.mtbf"),
    ('command = "checkpoint"\n[inputs]\nwrite_tme = "5 min"\nmtbf = "4 h"\n', "inputs.write_tme"),
    ('command = "checkpoint"\n[inputs]\nmtbf = "4 h"\n', "inputs.write_time"),
    ('command = "checkpoint"\n[inputs]\nwrite_time = "5 min"\nmtbf = "4 h"\nnodes = "8"\n', "inputs.nodes"),
    ('command = "frobnicate"\n', "'command'"),
    ('model = "checkpoint.nope"\n', "'model'"),
    ('model = "checkpoint.optimal_interval"\n[inputs]\nwrite_time = "5"\nmtbf = "4 h"\n', "inputs.write_time"),
    ('model = "checkpoint.optimal_interval"\n[inputs]\nmtbf = "4 h"\n[sweep]\nwrite_time = ["1 min", "2 GB"]\n',
     "sweep.write_time"),
    ('model = "checkpoint.optimal_interval"\n[inputs]\nmtbf = ["4 h"]\nwrite_time = "1 min"\n', "inputs.mtbf"),
    ('modle = "checkpoint.optimal_interval"\n', "'modle'"),
    ('command = "checkpoint"\nmodel = "checkpoint.optimal_interval"\n', "'command' or 'model'"),
    ('command = [1\n', "not valid TOML"),
]


@pytest.mark.parametrize("text, named", BAD_FILES)
def test_bad_files_exit_2_naming_the_key(capsys, tmp_path, text, named):
    path = tmp_path / "scenario.toml"
    path.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, path)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert named in lines[0] and "scenario.toml" in lines[0]
    assert "Traceback" not in err


def test_missing_file(capsys, tmp_path):
    code, _, err = run(capsys, tmp_path / "absent.toml")
    assert code == 2 and "no such file" in err
