"""The docs and the README link only to files in the repository.

Every relative link (``[text](target)``, ``![alt](target)``, and ``<a href>``/``<img src>``)
in README.md, CHANGELOG.md and the pages under docs/ must name a file or folder that exists
in this checkout, and must not leave it. The one exception is the figures the site build
draws (``figures/<name>.png``, one per function of ``mlsysim.plot``; see docs/hooks.py).
"""

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted([ROOT / "README.md", ROOT / "CHANGELOG.md", *(ROOT / "docs").rglob("*.md")])

_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)|(?:href|src)=\"([^\"]+)\"")
_FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
_CODE = re.compile(r"`[^`\n]*`")


def _generated_figures() -> set[str]:
    sys.path.insert(0, str(ROOT / "docs"))
    try:
        import hooks
    finally:
        sys.path.remove(str(ROOT / "docs"))
    return {f"{hooks.FIGURES}/{name}.png" for name in hooks.figure_names()}


def _links(page: Path) -> list[str]:
    text = _CODE.sub("", _FENCE.sub("", page.read_text(encoding="utf-8")))
    return [a or b for a, b in _LINK.findall(text)]


def _is_external(target: str) -> bool:
    return bool(re.match(r"^[a-z][a-z0-9+.-]*:", target)) or target.startswith(("#", "//"))


def test_the_pages_are_found():
    names = {p.relative_to(ROOT).as_posix() for p in PAGES}
    assert {"README.md", "docs/index.md", "docs/api.md", "docs/reference/index.md"} <= names


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_relative_links_name_files_in_the_repository(page):
    generated = _generated_figures()
    bad = []
    for target in _links(page):
        if _is_external(target):
            continue
        path = target.split("#", 1)[0].split("?", 1)[0]
        if not path:
            continue
        resolved = (page.parent / path).resolve()
        inside = resolved == ROOT or ROOT in resolved.parents
        if page.parent.name == "docs" or ROOT / "docs" in page.parents:
            rel_to_docs = resolved.relative_to(ROOT / "docs").as_posix() if ROOT / "docs" in resolved.parents else None
            if rel_to_docs in generated:
                continue
        if not inside or not resolved.exists():
            bad.append(target)
    assert not bad, f"{page.relative_to(ROOT)} links to what is not in the repository: {bad}"


def test_the_link_pattern_reads_what_pages_use(tmp_path):
    # the checker itself: it finds Markdown links, images and HTML attributes, skips code
    page = tmp_path / "p.md"
    page.write_text('[a](x.md) ![b](img/y.png "t") <a href="z.md">z</a> `[c](not-a-link.md)`\n'
                    "```\n[d](in-a-fence.md)\n```\n[e](https://example.org) [f](#anchor)\n",
                    encoding="utf-8")
    assert _links(page) == ["x.md", "img/y.png", "z.md", "https://example.org", "#anchor"]
