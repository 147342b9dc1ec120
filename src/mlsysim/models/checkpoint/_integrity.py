"""Checkpoint: silent data corruption (private; the public path is mlsysim.models.checkpoint)."""


from __future__ import annotations

from typing import Any

import attrs
import numpy as np

from ..._export import exporter
from ..._records import Record, unit_field
from ..._validate import (
    Bandwidth,
    Count,
    Optional,
    Rate,
    Size,
    Time,
    validated,
)
from ._common import _plain

__all__: list[str] = []
export = exporter(__all__)

@export
@validated(rate=Rate(), duration=Time(), devices=Count())
def sdc_probability(rate, duration, devices=1):
    r"""Probability of at least one silent data corruption in a job.

    .. math:: P = 1 - e^{-\lambda N t}

    Parameters
    ----------
    rate : Quantity [1/time]
        SDC rate ``lambda`` of one device (e.g. ``"1e-7 1/h"``).
    duration : Quantity [time]
        Job length ``t``.
    devices : int or array, optional
        Devices ``N`` whose corruption would taint the job, default 1.

    Returns
    -------
    float or array
        Probability in [0, 1].

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    Independent devices, Poisson arrivals, evaluated with ``expm1``.  SDC
    rates are poorly known and vary by orders of magnitude between device
    populations (a few "mercurial" cores account for most of them); treat the
    rate as a scenario assumption.

    References
    ----------
    .. [1] P. H. Hochschild et al., "Cores that don't count", HotOS 2021.
    .. [2] H. D. Dixit et al., "Silent data corruptions at scale",
       arXiv:2102.11245, 2021.

    Examples
    --------
    16,384 GPUs for 30 days at an assumed 1e-7 SDC per device-hour:
    ``lambda N t = 1.18``, so ``1 - e^-1.18 = 0.69``:

    >>> round(sdc_probability("1e-7 1/h", "30 day", 16384), 2)
    0.69
    """
    return _plain(-np.expm1(-rate.m * devices * duration.m))


@export
@attrs.frozen
class SdcDetection(Record):
    """Cost and coverage of two SDC checks that catch different faults: a hash and re-execution.

    Attributes
    ----------
    hash_detects : str
        What hashing catches: corruption of the hashed bytes at rest or in
        transit, after the hash is taken (a ``k``-bit hash misses ``2^-k``).
    dmr_detects : str
        What running the step twice (dual modular redundancy) catches:
        transient faults in compute or memory that make the two runs differ.
    dmr_overhead : Quantity [time]
        Extra time per step for running the computation a second time.
    hash_overhead : Quantity [time]
        Extra time per step for hashing the checked bytes.
    ratio : float or array
        ``dmr_overhead / hash_overhead``: a cost ratio only; the checks are
        not substitutes (see ``hash_detects`` and ``dmr_detects``).
    order_of_magnitude_cheaper : bool or array
        ``ratio >= 10`` (the hash costs a tenth of re-execution or less).
    cheaper : str or array
        ``"hash"`` or ``"dmr"``: which check costs less (not which to use).
    hash_meets_deadline, dmr_meets_deadline : bool or array
        Whether ``compute + overhead`` fits the deadline (True when no deadline is given).
    combined_overhead : Quantity [time]
        Both checks, for both kinds of fault: ``dmr_overhead + hash_overhead``.
    combined_meets_deadline : bool or array
        Whether ``compute + combined_overhead`` fits the deadline.
    """

    dmr_overhead: Any = unit_field("s")
    hash_overhead: Any = unit_field("s")
    ratio: Any
    order_of_magnitude_cheaper: Any
    cheaper: Any
    hash_meets_deadline: Any
    dmr_meets_deadline: Any
    hash_detects: Any
    dmr_detects: Any
    combined_overhead: Any = unit_field("s")
    combined_meets_deadline: Any


_HASH_DETECTS = "bytes corrupted after hashing (not compute faults before it)"
_DMR_DETECTS = "transient faults that make two runs differ (not deterministic defects)"


@export
@validated(compute_time=Time(positive=True), checked_bytes=Size(), hash_bandwidth=Bandwidth(positive=True),
           deadline=Optional(Time(positive=True)))
def sdc_detection(compute_time, checked_bytes, hash_bandwidth, deadline=None):
    r"""Cost and coverage of detecting SDC by hashing data and by running the computation twice (DMR).

    .. math::

        t_{\text{DMR}} = t_{\text{compute}}, \qquad
        t_{\text{hash}} = \frac{B_{\text{checked}}}{BW_{\text{hash}}}, \qquad
        \text{ratio} = \frac{t_{\text{DMR}}}{t_{\text{hash}}}

    Parameters
    ----------
    compute_time : Quantity [time]
        Time of one step (an inference, a training step) on the device.
    checked_bytes : Quantity [data size]
        Bytes hashed per step (weights checksummed, activations hashed).
    hash_bandwidth : Quantity [bandwidth]
        Rate at which the device hashes them; hashing is memory-bound, so
        about the memory bandwidth.
    deadline : Quantity [time] or None, optional
        Latency budget of one step (e.g. a 10 ms safety loop).

    Returns
    -------
    SdcDetection
        The cost of each check, what each detects, and the cost of both.

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    The two checks detect different faults, so they are not alternatives
    and the record never recommends one for the other.  A checksum or
    activation hash costs one pass over the bytes it covers and detects any
    corruption of those bytes at rest or in transit after it is taken (a
    ``k``-bit hash misses with probability ``2^-k``), but not an arithmetic
    fault inside a kernel before the hash is taken: the wrong result is
    hashed as if it were right.  DMR, run serially on the same device,
    doubles the step (or, run in parallel, the hardware); comparing the two
    outputs catches transient faults in compute and memory alike, but not a
    deterministic defect that corrupts both runs the same way.  The cost
    ratio says how much cheaper the hash's coverage is: a step that does many
    FLOPs per byte it touches is expensive to repeat and cheap to hash.
    ``combined_overhead`` prices running both.

    References
    ----------
    .. [1] S. Mukherjee, *Architecture Design for Soft Errors*, Morgan
       Kaufmann, 2008 (DMR and detection by redundancy).
    .. [2] Machine Learning Systems, Vol. 2, Lab 07: Fault Tolerance
       (the SDC detective: activation hash vs running the model twice).

    Examples
    --------
    An 8 ms perception step whose 25 MB of weights are hashed at 200 GB/s
    (0.125 ms): the hash costs 64 times less than re-execution, and
    re-execution (which catches what the hash cannot) breaks a 10 ms loop:

    >>> r = sdc_detection("8 ms", "25 MB", "200 GB/s", deadline="10 ms")
    >>> r.ratio, r.hash_meets_deadline, r.dmr_meets_deadline
    (64.0, True, False)
    >>> r.hash_detects
    'bytes corrupted after hashing (not compute faults before it)'
    >>> r.dmr_detects
    'transient faults that make two runs differ (not deterministic defects)'
    """
    dmr = compute_time.m
    hashing = checked_bytes.m / hash_bandwidth.m
    with np.errstate(divide="ignore", over="ignore"):  # nothing to hash: infinitely cheaper
        ratio = np.asarray(np.divide(dmr, hashing) + 0.0 * hashing, dtype=float)
    if deadline is None:
        hash_ok = dmr_ok = both_ok = np.asarray(True)
    else:
        hash_ok = np.asarray(dmr + hashing <= deadline.m)
        dmr_ok = np.asarray(2.0 * dmr + 0.0 * hashing <= deadline.m)
        both_ok = np.asarray(2.0 * dmr + hashing <= deadline.m)
    return SdcDetection.build(dmr_overhead=dmr + 0.0 * hashing, hash_overhead=hashing + 0.0 * dmr, ratio=ratio,
                              order_of_magnitude_cheaper=ratio >= 10.0, cheaper=np.where(ratio > 1.0, "hash", "dmr"),
                              hash_meets_deadline=hash_ok, dmr_meets_deadline=dmr_ok, hash_detects=_HASH_DETECTS,
                              dmr_detects=_DMR_DETECTS, combined_overhead=dmr + hashing,
                              combined_meets_deadline=both_ok)
