"""Packaging metadata agrees with itself: extras, licence, citation and version."""

import re
from pathlib import Path

import yaml

import mlsysim

ROOT = Path(__file__).resolve().parents[1]


def _toml(path: Path) -> dict:
    try:
        import tomllib
    except ImportError:  # Python 3.10: pip vendors the same parser
        try:
            import tomli as tomllib
        except ImportError:
            from pip._vendor import tomli as tomllib
    return tomllib.loads(path.read_text(encoding="utf-8"))


PYPROJECT = _toml(ROOT / "pyproject.toml")
EXTRAS = PYPROJECT["project"]["optional-dependencies"]


def _requirements(extra: str, seen: frozenset = frozenset()) -> set[str]:
    """Every requirement an extra brings, following ``mlsysim[a,b]`` references."""
    out = set()
    for req in EXTRAS[extra]:
        m = re.fullmatch(r"mlsysim\[([\w,\s-]+)\]", req.strip())
        if m:
            for sub in (s.strip() for s in m.group(1).split(",")):
                if sub not in seen:
                    out |= _requirements(sub, seen | {extra})
        else:
            out.add(re.split(r"[;\s]", req.strip())[0])  # the requirement without its marker
    return out


def test_test_extra_includes_every_other_extra():
    # `pip install ".[test]"` must bring what every feature needs, so CI exercises all of them
    test = _requirements("test")
    for extra in EXTRAS:
        missing = _requirements(extra) - test
        assert not missing, f"the test extra lacks {sorted(missing)} from the {extra!r} extra"


def test_version_is_one_number_everywhere():
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert PYPROJECT["project"]["version"] == mlsysim.__version__ == str(citation["version"])


def test_citation_has_the_fields_cff_requires():
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0"
    for key in ("message", "title", "authors"):
        assert citation[key], key
    assert citation["license"] == PYPROJECT["project"]["license"] == "MIT"


def test_license_file_is_the_mit_licence():
    assert PYPROJECT["project"]["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License")
    assert "Permission is hereby granted, free of charge" in text


def test_changelog_has_a_section_for_this_version():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    assert any(mlsysim.__version__ in h for h in headings), headings
