"""Build hooks of the documentation site (registered in mkdocs.yml ``hooks:``).

Three jobs, all offline:

* **figures**: every function of :mod:`mlsysim.plot` is called with its defaults and
  saved as ``figures/<name>.png`` into the site, so the pictures in the pages are the
  ones the installed library draws (``docs/figures.md`` shows them all);
* **docstrings**: the numpydoc docstrings use reStructuredText roles and directives
  (``.. math::``, ``:math:``, ``:func:``, ``.. [1]``); :class:`RstToMarkdown`, a Griffe
  extension loaded by mkdocstrings, turns them into the Markdown the site renders;
* **math**: TeX (``$...$`` and ``.. math::`` blocks, marked up by pymdownx.arithmatex) is
  converted to MathML with latex2mathml at build time, which browsers display natively,
  so no JavaScript or web font is fetched.

Nothing here is imported by the library or its tests except ``FIGURES`` and
``figure_names`` (the link check of the docs knows which images the build makes).
"""

from __future__ import annotations

import html
import io
import re
from typing import Any

FIGURES = "figures"  # site folder of the generated figures


def figure_names() -> list[str]:
    """The figures the build draws: one per public function of ``mlsysim.plot``."""
    from mlsysim import plot

    return list(plot.__all__)


def on_config(config: Any) -> Any:
    """Import mlsysim from this checkout's ``src`` (as mkdocstrings reads it), installed or not."""
    import os
    import sys

    src = os.path.join(os.path.dirname(config.config_file_path), "src")
    if src not in sys.path:
        sys.path.insert(0, src)
    return config


# --------------------------------------------------------------------------- figures

def _render_figures() -> dict[str, bytes]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from mlsysim import plot

    pngs = {}
    for name in figure_names():
        fig = getattr(plot, name)()
        buffer = io.BytesIO()
        # metadata without the matplotlib version/date: the same bytes on every build
        fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
        plt.close(fig)
        pngs[name] = buffer.getvalue()
    return pngs


def on_files(files: Any, config: Any) -> Any:
    """Add the figures of ``mlsysim.plot`` to the site as generated files."""
    from mkdocs.structure.files import File

    for name, png in _render_figures().items():
        files.append(File.generated(config, f"{FIGURES}/{name}.png", content=png))
    return files


def _gallery() -> str:
    from mlsysim import plot

    parts = []
    for name in figure_names():
        doc = (getattr(plot, name).__doc__ or "").strip().splitlines()
        summary = doc[0] if doc else ""
        parts.append(
            f"## `{name}`\n\n{summary} Drawn with `mlsysim.plot.{name}()` and its defaults "
            f"([reference](reference/plot.md#mlsysim.plot.{name})).\n\n"
            f"![{name}]({FIGURES}/{name}.png)\n"
        )
    return "\n".join(parts)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Fill the figures page with one section per figure."""
    if page.file.src_uri == "figures.md":
        return markdown.replace("<!-- figures -->", _gallery())
    return markdown


# --------------------------------------------------------------------------- docstrings

_ROLE = re.compile(r":(?:func|class|meth|attr|data|mod|obj|exc|py:\w+):`~?([^`]+)`")
_MATH_ROLE = re.compile(r":math:`([^`]+)`")
_LITERAL = re.compile(r"(?<!`)``([^`]+)``(?!`)")
_CITATION = re.compile(r"\[(\d+)\]_")
_REFERENCE = re.compile(r"^(\s*)\.\. \[(\d+)\]", re.MULTILINE)


def rst_to_markdown(text: str) -> str:
    r"""Turn the reStructuredText of a numpydoc docstring into Markdown with TeX math.

    >>> print(rst_to_markdown("Young :math:`\\sqrt{2 \\delta M}` [1]_, see :func:`~a.b`."))
    Young $\sqrt{2 \delta M}$ [1], see `a.b`.
    >>> print(rst_to_markdown(".. math:: x = 1\n\nafter"))
    $$
    x = 1
    $$
    <BLANKLINE>
    after
    """
    lines = text.splitlines()
    out: list[str] = []
    section = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.lstrip()
        if i + 1 < len(lines) and stripped and set(lines[i + 1].strip()) == {"-"}:
            section = stripped  # a numpydoc section heading (underlined with dashes)
        if stripped.startswith(">>>") and section != "Examples":
            # a doctest outside the Examples section: a code block, not Markdown text
            indent = line[: len(line) - len(stripped)]
            block = []
            while i < len(lines) and lines[i].strip():
                block.append(lines[i][len(indent):] if lines[i].startswith(indent) else lines[i].strip())
                i += 1
            # fenced at the margin: an indented fence would read as an indented code block
            out += ["", "```pycon", *block, "```", ""]
            continue
        if stripped.startswith(".. math::"):
            indent = line[: len(line) - len(stripped)]
            body = [stripped[len(".. math::"):].strip()]
            i += 1
            while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > len(indent)):
                body.append(lines[i].strip())
                i += 1
            equations = "\n".join(body).strip().split("\n\n")  # blank lines separate equations
            for eq in equations:
                out += [f"{indent}$$", *(f"{indent}{e}" for e in eq.splitlines()), f"{indent}$$", ""]
            continue
        if line.rstrip().endswith("::") and not stripped.startswith(".."):
            line = line.rstrip()[:-1]  # rst literal-block marker: the indented block follows
        out.append(line)
        i += 1
    text = "\n".join(out).rstrip("\n")
    text = _MATH_ROLE.sub(lambda m: f"${m.group(1)}$", text)
    text = _ROLE.sub(lambda m: f"`{m.group(1)}`", text)
    text = _LITERAL.sub(r"`\1`", text)
    text = _CITATION.sub(r"[\1]", text)
    return _REFERENCE.sub(r"\1[\2]", text)


def _runtime_doc(obj: Any) -> str | None:
    """The docstring a function or class has at run time, where it is completed at import."""
    import importlib
    import inspect

    if not (obj.is_function or obj.is_class) or not obj.path.startswith("mlsysim"):
        return None
    target: Any = importlib.import_module(obj.module.path)
    for part in obj.path[len(obj.module.path) + 1:].split("."):
        target = getattr(target, part, None)
    doc = getattr(target, "__doc__", None)
    return inspect.cleandoc(doc) if isinstance(doc, str) else None


try:  # the Griffe extension exists only where the docs extra is installed
    import griffe
except ImportError:  # pragma: no cover - plain test runs without the docs extra
    griffe = None

if griffe is not None:

    class RstToMarkdown(griffe.Extension):
        """Rewrite each docstring's reStructuredText as Markdown before it is parsed."""

        def on_instance(self, *, obj: Any, **kwargs: Any) -> None:
            if obj.docstring is not None:
                obj.docstring.value = rst_to_markdown(_runtime_doc(obj) or obj.docstring.value)

    class RuntimeExports(griffe.Extension):
        """Give each mlsysim module the ``__all__`` it has at run time.

        The model modules build ``__all__`` with an export decorator, which static
        analysis sees as the empty list it starts from; the package ``__init__`` files
        re-export those names with ``import *``. The reference lists what is exported.
        """

        def on_module_members(self, *, mod: Any, **kwargs: Any) -> None:
            import importlib

            if not mod.path.startswith("mlsysim") or mod.name == "__main__":  # __main__ runs the CLI
                return
            names = getattr(importlib.import_module(mod.path), "__all__", None)
            if names is not None:
                mod.exports = list(names)


# --------------------------------------------------------------------------- math

_INLINE = re.compile(r'<span class="arithmatex">\\\((.*?)\\\)</span>', re.DOTALL)
_OPERATORNAME = re.compile(r"\\operatorname\{([^}]*)\}")
_BLOCK = re.compile(r'<div class="arithmatex">\\\[(.*?)\\\]</div>', re.DOTALL)


def _mathml(tex: str, display: str) -> str | None:
    from latex2mathml.converter import convert

    tex = _OPERATORNAME.sub(r"\\mathrm{\1}", html.unescape(tex).strip())  # upright, as TeX sets it
    try:
        return convert(tex, display=display)
    except Exception:  # noqa: BLE001 - a formula latex2mathml cannot read stays as TeX
        return None


def on_page_content(content: str, page: Any, config: Any, files: Any) -> str:
    """Replace the TeX that arithmatex marked up by MathML."""

    def inline(m: re.Match[str]) -> str:
        mathml = _mathml(m.group(1), "inline")
        return mathml if mathml else f'<code class="tex">{m.group(1)}</code>'

    def block(m: re.Match[str]) -> str:
        mathml = _mathml(m.group(1), "block")
        return f'<div class="math">{mathml}</div>' if mathml else f'<pre class="tex"><code>{m.group(1)}</code></pre>'

    return _INLINE.sub(inline, _BLOCK.sub(block, content))
