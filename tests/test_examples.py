"""Smoke tests for examples/: every script runs, exits 0 and prints the labs' key figures.

Each script runs in a fresh process, from a temporary directory as its working
directory, with the repository's ``src`` on PYTHONPATH (so it uses this
checkout, not an installed copy). The figures asserted are the ones a reader of
the textbook labs checks against (e.g. 2,995 canary requests, 4,000 s to move
50 TB over 100 Gbit/s, 99 metadata servers).

``examples/test_property_example.py`` is outside ``testpaths``, so it is run
here explicitly with pytest in a subprocess.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SRC = ROOT / "src"

# script -> figures its stdout must contain (hand checks in the comments).
EXPECTED = {
    "data_storage.py": [
        "672 GB/s",          # 24 OSTs x 28 GB/s
        "10.24 GB/s",        # 128 GPUs x 80 MB/s
        "storage 1.5% busy",  # 10.24 / 672
        "4,915,200 ops/s",   # 4,096 x 8 x 50/s x 3
        "metadata servers needed: 99",  # ceil(4,915,200 / 50,000)
        "first wall: metadata, at 41 GPUs",  # 50,000 / (8 x 50 x 3) = 41.7
        "bottleneck tier S3",
    ],
    "data_gravity.py": [
        "0.841 ms",          # 64 x 4.1 GFLOP / 312 TFLOP/s
        "4,000 s",           # 50,000 GB / 12.5 GB/s
        "66.7 min",
        "4,000 USD",         # 50,000 GB x 0.08 USD/GB
        "decision: move compute",
    ],
    "fault_tolerance.py": [
        "65,536 h",          # 4 h x 16,384
        "45.7 min",          # exact optimum at 5 min writes, M = 4 h
        "49.0 min",          # Young: sqrt(2 x 5 min x 240 min)
        "by 1.414 (sqrt 2)",  # doubling N
        "66.7x oversubscribed",  # 1,024 x 25 GB/s / 384 GB/s
        "64x cheaper",       # 8 ms DMR / 125 us hash
        "survives True",     # FeRAM brown-out save
    ],
    "operations.py": [
        "2,995 requests",    # ceil(ln 0.05 / ln 0.999)
        "3,000",             # rule of three
        "N* = 25 models",
        "6,294 requests",
    ],
    "what_if_sweep.py": [
        "366 points",        # 6 write times x 61 MTBFs
        "optimal interval 45.7 min",
        "never worse than the optimum anywhere on the grid: True",
    ],
}


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), env.get("PYTHONPATH", "")) if p)
    env["MPLBACKEND"] = "Agg"
    return env


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=cwd, env=_env(), capture_output=True,
                          text=True, timeout=120)


def _check(script: str, proc: subprocess.CompletedProcess[str]) -> None:
    assert proc.returncode == 0, f"{script} failed:\n{proc.stdout}\n{proc.stderr}"
    missing = [figure for figure in EXPECTED[script] if figure not in proc.stdout]
    assert not missing, f"{script} did not print {missing}; stdout:\n{proc.stdout}"
    assert "RegimeWarning" not in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr


# what_if_sweep.py runs in the two tests below it (with and without --out).
@pytest.mark.parametrize("script", sorted(set(EXPECTED) - {"what_if_sweep.py"}))
def test_example_runs_and_prints_lab_figures(script: str, tmp_path: Path) -> None:
    _check(script, _run([str(EXAMPLES / script)], tmp_path))


def test_every_example_script_is_smoke_tested() -> None:
    scripts = {p.name for p in EXAMPLES.glob("*.py") if not p.name.startswith("test_")}
    assert scripts == set(EXPECTED)


def test_what_if_sweep_writes_csv_and_png(tmp_path: Path) -> None:
    out = tmp_path / "results"   # does not exist yet: the script creates it
    proc = _run([str(EXAMPLES / "what_if_sweep.py"), "--out", str(out)], tmp_path)
    _check("what_if_sweep.py", proc)
    csv, png = out / "what_if_sweep.csv", out / "what_if_sweep.png"
    lines = csv.read_text().splitlines()
    assert len(lines) == 1 + 366
    header = lines[0].split(",")
    for column in ("write_time [min]", "mtbf [h]", "interval [min]", "waste_fraction", "young_interval [min]"):
        assert column in header
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 10_000


def test_what_if_sweep_defaults_to_the_working_directory(tmp_path: Path) -> None:
    proc = _run([str(EXAMPLES / "what_if_sweep.py")], tmp_path)
    _check("what_if_sweep.py", proc)
    assert (tmp_path / "what_if_sweep.csv").stat().st_size > 0
    assert (tmp_path / "what_if_sweep.png").stat().st_size > 0


def test_property_example_passes_under_pytest(tmp_path: Path) -> None:
    proc = _run(["-m", "pytest", "-q", "-p", "no:cacheprovider",
                 str(EXAMPLES / "test_property_example.py")], tmp_path)
    assert proc.returncode == 0, f"{proc.stdout}\n{proc.stderr}"
    assert "2 passed" in proc.stdout
