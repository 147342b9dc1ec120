"""The command-line interface: ``python -m mlsysim``.

Results go to standard output; messages and errors to standard error.  Bad
input exits with status 2 and one line naming the problem, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Sequence

__all__ = ["main", "build_parser"]


def _cmd_catalog(args: argparse.Namespace) -> int:
    from . import hardware

    if args.json:
        json.dump(_catalog_json(), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    for const in hardware.names():
        spec = hardware.get(const)
        print(f"[{const}] {spec}")
        print(f"  source: {spec.provenance.source}" + (f" <{spec.provenance.url}>" if spec.provenance.url else ""))
        print()
    return 0


def _quantity_json(q: Any) -> Any:
    if hasattr(q, "units"):
        return {"value": q.magnitude.tolist() if hasattr(q.magnitude, "tolist") else q.magnitude,
                "unit": f"{q.units:~P}"}
    return q


def _catalog_json() -> dict[str, Any]:
    import attrs

    from . import hardware

    out: dict[str, Any] = {}
    for const in hardware.names():
        spec = hardware.get(const)
        entry: dict[str, Any] = {"name": spec.name, "class": type(spec).__name__}
        for f in attrs.fields(type(spec)):
            v = getattr(spec, f.name)
            if f.name in ("provenance", "field_sources"):
                continue
            if isinstance(v, hardware.Spec):
                entry[f.name] = v.name
            else:
                entry[f.name] = _quantity_json(v)
        entry["provenance"] = attrs.asdict(spec.provenance)
        entry["field_sources"] = {k: attrs.asdict(p) for k, p in spec.field_sources.items()}
        out[const] = entry
    return out


def _cmd_report(args: argparse.Namespace) -> int:
    from .report import build_report

    print(build_report())
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="python -m mlsysim",
        description="Unit-checked, closed-form models of ML-infrastructure physics.",
    )
    parser.add_argument("--version", action="version", version=f"mlsysim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p = sub.add_parser("report", help="print every seed scenario with its figures and verdict (the main job)")
    p.set_defaults(func=_cmd_report)
    p = sub.add_parser("catalog", help="print the hardware catalog with provenance")
    p.add_argument("--json", action="store_true", help="write the catalog as JSON to stdout")
    p.set_defaults(func=_cmd_catalog)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status."""
    from .errors import MlsysimError

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.func(args))
    except MlsysimError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. piped into head
        return 0
