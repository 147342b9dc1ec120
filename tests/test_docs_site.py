"""The documentation site builds with ``mkdocs build --strict`` and holds what it promises.

Built once per test session into a temporary folder (about 10-20 s): every public name of
each documented module has its entry in the generated API reference, every catalog entry
is on the catalog page, each figure of ``mlsysim.plot`` is drawn into the site, and every
formula became MathML (nothing is left for a JavaScript renderer the site does not load).
"""

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mlsysim import hardware

ROOT = Path(__file__).resolve().parents[1]

# reference page (docs/reference/<page>.md) -> the modules documented on it
REFERENCE = {
    "mlsysim": ["mlsysim.units", "mlsysim.errors"],
    "storage": ["mlsysim.models.storage"],
    "metadata": ["mlsysim.models.metadata"],
    "checkpoint": ["mlsysim.models.checkpoint"],
    "ops": ["mlsysim.models.ops"],
    "hardware": ["mlsysim.hardware.specs"],
    "workloads": ["mlsysim.workloads.specs", "mlsysim.workloads.catalog"],
    "scenarios": ["mlsysim.scenarios"],
    "report": ["mlsysim.report"],
    "sweep": ["mlsysim.sweep", "mlsysim.fmt"],
    "plot": ["mlsysim.plot"],
    "testing": ["mlsysim.testing"],
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(ROOT / "mkdocs.yml"),
         "--site-dir", str(out)],
        capture_output=True, text=True, env=env, timeout=600,
    )
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{proc.stdout}\n{proc.stderr}"
    return out


def _page(site, *parts):
    return (site.joinpath(*parts) / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("page", sorted(REFERENCE))
def test_every_public_name_has_a_reference_entry(site, page):
    html = _page(site, "reference", page)
    missing = [f"{mod}.{name}" for mod in REFERENCE[page]
               for name in importlib.import_module(mod).__all__
               if f'id="{mod}.{name}"' not in html]
    assert not missing, f"reference/{page}.md does not document {missing}"


def test_every_model_module_has_a_reference_page():
    import mlsysim.models

    for family in mlsysim.models.__all__:
        assert f"mlsysim.models.{family}" in sum(REFERENCE.values(), []), family


def test_every_catalog_entry_is_on_the_catalog_page(site):
    html = _page(site, "catalog")
    missing = [name for name in hardware.names() if f"<code>{name}</code>" not in html]
    assert not missing


def test_the_figures_are_drawn_into_the_site(site):
    from mlsysim import plot

    gallery = _page(site, "figures")
    for name in plot.__all__:
        png = site / "figures" / f"{name}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
        assert png.stat().st_size > 5_000, name  # a drawn figure, not an empty canvas
    shown = {(site / "figures" / src).resolve() for src in re.findall(r'<img [^>]*src="([^"]+)"', gallery)}
    assert shown == {(site / "figures" / f"{name}.png").resolve() for name in plot.__all__}


def test_formulas_are_mathml_and_docstrings_are_markdown(site):
    for page in ("storage", "checkpoint", "metadata", "ops"):
        guide, reference = _page(site, page), _page(site, "reference", page)
        for html in (guide, reference):
            assert "<math" in html
            assert 'class="tex"' not in html, f"a formula of {page} was left as TeX"
            assert 'class="arithmatex"' not in html
        for rest in (".. math::", ":math:`", ":func:`", "]_"):
            assert rest not in reference, f"reStructuredText {rest!r} left in reference/{page}"


def test_no_page_fetches_from_the_network(site):
    # the site reads offline: no web fonts, no CDN scripts
    for html_file in site.rglob("*.html"):
        text = html_file.read_text(encoding="utf-8")
        for host in ("fonts.googleapis.com", "cdn.jsdelivr.net", "unpkg.com", "polyfill.io"):
            assert host not in text, f"{html_file.relative_to(site)} loads from {host}"


def test_every_page_is_in_the_navigation():
    # a page left out of mkdocs.yml's nav builds but cannot be reached from the menu
    import yaml

    class _Loader(yaml.SafeLoader):
        pass

    _Loader.add_multi_constructor("", lambda loader, suffix, node: None)  # !!python/name tags
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)

    def pages(node):
        if isinstance(node, str):
            yield node
        elif isinstance(node, list):
            for item in node:
                yield from pages(item)
        elif isinstance(node, dict):
            for value in node.values():
                yield from pages(value)

    in_nav = set(pages(config["nav"]))
    on_disk = {p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md")}
    assert on_disk - in_nav == set(), "pages missing from mkdocs.yml nav"
