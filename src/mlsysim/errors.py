"""Exceptions and warnings raised by mlsysim.

Every error mlsysim raises on purpose derives from :class:`MlsysimError`, so
callers can catch the library's complaints without catching everything else.
The two concrete errors also derive from the builtin a Python user would expect:
a quantity of the wrong kind is a :class:`TypeError`, a value outside a model's
domain is a :class:`ValueError`.
"""

from __future__ import annotations

__all__ = ["MlsysimError", "UnitError", "DomainError", "RegimeWarning", "warn_regime"]


class MlsysimError(Exception):
    """Base class of every error mlsysim raises deliberately."""


class UnitError(MlsysimError, TypeError):
    """An argument has the wrong kind.

    A wrong dimension, a bare number where a quantity with units is required,
    an unparseable unit, ``None`` or a bool.
    """


class DomainError(MlsysimError, ValueError):
    """An argument has the right kind but a value outside the model's domain.

    NaN, infinity, a negative size, a zero rate, a fraction above one.
    """


class RegimeWarning(UserWarning):
    """A closed form is used outside the regime where it is accurate.

    The function still returns its documented value; the warning says which
    assumption no longer holds.
    """


_PACKAGE_DIR = __file__.rsplit("errors.py", 1)[0]


def warn_regime(message: str, category: type[Warning] = RegimeWarning) -> None:
    """Emit ``category`` (a :class:`RegimeWarning`) attributed to the caller's line.

    The stack level is computed, not guessed: the warning points at the first
    frame outside the mlsysim package, whatever chain of decorators and helpers
    lies between, so ``warnings.filterwarnings(module=...)`` and the printed
    file name refer to the user's code.
    """
    import sys
    import warnings

    frame = sys._getframe(1)
    level = 2  # stacklevel 1 is this function, 2 its caller
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back
        level += 1
    warnings.warn(message, category, stacklevel=level)
