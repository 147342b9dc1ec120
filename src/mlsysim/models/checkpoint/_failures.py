"""Checkpoint: fleet failure math (private; the public path is mlsysim.models.checkpoint)."""


from __future__ import annotations

import numpy as np

from ..._export import exporter
from ..._validate import (
    Count,
    Fraction,
    Time,
    validated,
)
from ._common import _plain, _s

__all__: list[str] = []
export = exporter(__all__)

@export
@validated(node_mtbf=Time(positive=True, inf_ok=True), nodes=Count())
def fleet_mtbf(node_mtbf, nodes):
    r"""Mean time between failures of a fleet of ``nodes`` identical nodes.

    .. math:: M_{\text{fleet}} = \frac{M_{\text{node}}}{N}

    Parameters
    ----------
    node_mtbf : Quantity [time]
        MTBF of one node (``inf`` for a node that never fails).
    nodes : int or array
        Number of nodes, at least 1.

    Returns
    -------
    Quantity [time]
        Fleet MTBF, in seconds.

    Raises
    ------
    UnitError
        ``node_mtbf`` is not a time.
    DomainError
        ``node_mtbf`` not positive or NaN; ``nodes`` not a whole number >= 1.

    Notes
    -----
    The job stops when any node fails (a series system), and with exponential
    failures the rates add: ``N`` nodes of rate ``1/M`` fail at rate ``N/M``.
    Doubling the fleet halves its MTBF, so the optimal checkpoint interval,
    which grows as :math:`\sqrt{M}`, shrinks by :math:`\sqrt{2}`.  Assumes
    independent failures; correlated ones (a shared power feed, a switch) make
    the fleet fail less often than this but in larger pieces.

    References
    ----------
    .. [1] M. Rausand and A. Hoyland, *System Reliability Theory*, 2nd ed.,
       Wiley, 2004, ch. 4 (series structures).

    Examples
    --------
    The 16,384-GPU cluster of Machine Learning Systems, Vol. 2, Lab 07 (Fault Tolerance) fails every 4 hours, so each GPU's MTBF is
    ``4 h x 16,384 = 65,536 h`` (about 7.5 years):

    >>> fleet_mtbf("65536 h", 16384).to("h").m
    4.0
    """
    return node_mtbf / nodes


@export
@validated(component_mtbf=Time(positive=True, inf_ok=True), count=Count(minimum=0))
def series_mtbf(component_mtbf, count=1):
    r"""MTBF of a series system of heterogeneous components: failure rates add.

    .. math:: M = \Bigl(\sum_i \frac{n_i}{M_i}\Bigr)^{-1}

    Parameters
    ----------
    component_mtbf : Quantity [time], array
        MTBF of each kind of component along the **last axis** (``inf`` for a
        component that never fails).  Leading axes are independent systems.
    count : int or array
        How many of each component the system holds (0 allowed), broadcast
        against ``component_mtbf``.

    Returns
    -------
    Quantity [time]
        System MTBF, with the last axis reduced; ``inf`` when nothing can fail.

    Raises
    ------
    UnitError, DomainError
        As for :func:`fleet_mtbf`; ``count`` must be a whole number >= 0.

    Notes
    -----
    Exponential, independent component failures, and any component failure
    stops the system.  With one kind of component this is :func:`fleet_mtbf`.

    References
    ----------
    .. [1] M. Rausand and A. Hoyland, *System Reliability Theory*, 2nd ed.,
       Wiley, 2004, ch. 4.

    Examples
    --------
    A node of 8 GPUs (MTBF 50,000 h each), 2 CPUs (200,000 h) and a NIC
    (100,000 h): rates ``8/50k + 2/200k + 1/100k = 18/100k`` per hour:

    >>> from mlsysim import Q_
    >>> round(series_mtbf(Q_([50_000, 200_000, 100_000], "h"), [8, 2, 1]).to("h").m, 2)
    5555.56
    """
    m = np.atleast_1d(component_mtbf.m)
    n = np.broadcast_to(count, np.broadcast_shapes(np.shape(m), np.shape(count)))
    m = np.broadcast_to(m, n.shape)
    rate = np.sum(n / m, axis=-1)
    with np.errstate(divide="ignore"):
        return _s(1.0 / rate)


@export
@validated(mtbf=Time(positive=True, inf_ok=True), duration=Time())
def failure_probability(mtbf, duration):
    r"""Probability of at least one failure in ``duration`` (exponential failures).

    .. math:: P = 1 - e^{-t/M} = -\operatorname{expm1}(-t/M)

    Parameters
    ----------
    mtbf : Quantity [time]
        Mean time between failures (``inf``: never fails).
    duration : Quantity [time]
        Length of the exposure, ``>= 0``.

    Returns
    -------
    float or array
        Probability in [0, 1].

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    ``expm1`` keeps full relative accuracy when ``t/M`` is tiny (a node over
    one hour), where ``1 - exp(-t/M)`` would lose every digit.

    References
    ----------
    .. [1] M. Rausand and A. Hoyland, *System Reliability Theory*, 2nd ed.,
       Wiley, 2004, ch. 2.

    Examples
    --------
    A 4-hour-MTBF fleet over a 24-hour day: :math:`1 - e^{-6} = 0.9975`:

    >>> round(failure_probability("4 h", "24 h"), 4)
    0.9975
    """
    return _plain(-np.expm1(-duration.m / mtbf.m))


@export
@validated(node_survival=Fraction(what="a survival probability in [0, 1]"), nodes=Count())
def fleet_survival(node_survival, nodes):
    r"""Probability that all ``nodes`` survive, given each node's survival probability.

    .. math:: P_{\text{fleet}} = P_{\text{node}}^{\,N}

    Parameters
    ----------
    node_survival : float or array
        Probability that one node survives the period, in [0, 1].
    nodes : int or array
        Number of nodes, >= 1.

    Returns
    -------
    float or array
        Fleet survival probability in [0, 1].

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    Independent nodes.  ``P ** N`` is exact to rounding for a given ``P``;
    when you know the node's *failure* probability ``q`` instead, use
    :func:`fleet_failure_probability`, which keeps the digits that
    ``1 - q`` would round away.

    References
    ----------
    .. [1] M. Rausand and A. Hoyland, *System Reliability Theory*, 2nd ed.,
       Wiley, 2004, ch. 4.

    Examples
    --------
    Nodes that are 99.99 % reliable over a day; 16,384 of them together
    survive the day with probability :math:`0.9999^{16384} = e^{16384 \ln 0.9999} = 0.194`:

    >>> round(fleet_survival(0.9999, 16384), 3)
    0.194
    """
    return _plain(np.power(node_survival, nodes))


@export
@validated(node_failure_probability=Fraction(what="a failure probability in [0, 1]"), nodes=Count())
def fleet_failure_probability(node_failure_probability, nodes):
    r"""Probability that at least one of ``nodes`` nodes fails, from each node's failure probability.

    .. math:: P = 1 - (1 - q)^N = -\operatorname{expm1}\bigl(N \operatorname{log1p}(-q)\bigr)

    Parameters
    ----------
    node_failure_probability : float or array
        Probability ``q`` that one node fails in the period, in [0, 1].
    nodes : int or array
        Number of nodes, >= 1.

    Returns
    -------
    float or array
        Probability in [0, 1].

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    Computed in log space, accurate for ``q`` far below machine epsilon
    (``1 - q`` would round to 1 and return 0).

    References
    ----------
    .. [1] N. J. Higham, *Accuracy and Stability of Numerical Algorithms*,
       2nd ed., SIAM, 2002, sec. 1.14 (log1p and expm1).

    Examples
    --------
    >>> fleet_failure_probability(1e-18, 1000)
    1e-15
    """
    with np.errstate(divide="ignore"):
        return _plain(-np.expm1(nodes * np.log1p(-node_failure_probability)))


@export
@validated(mtbf=Time(positive=True, inf_ok=True), duration=Time())
def expected_failures(mtbf, duration):
    r"""Expected number of failures in ``duration`` of wall-clock time.

    .. math:: \mathbb{E}[F] = t / M

    Parameters
    ----------
    mtbf : Quantity [time]
        Mean time between failures.
    duration : Quantity [time]
        Wall-clock time exposed to failures (for a job that checkpoints, its
        :func:`expected_runtime`, which already includes the time lost to
        failures).

    Returns
    -------
    float or array
        Expected count (a Poisson mean).

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    Failures arrive at rate ``1/M`` whatever the job is doing, so by Wald's
    identity the expected number of failures during a run equals its expected
    length over ``M``; this holds exactly for the process of
    :func:`expected_runtime`.

    References
    ----------
    .. [1] S. M. Ross, *Introduction to Probability Models*, 11th ed.,
       Academic Press, 2014, sec. 5.3 (Poisson process).

    Examples
    --------
    A 30-day run on a 4-hour-MTBF fleet: ``720 h / 4 h = 180`` failures:

    >>> expected_failures("4 h", "30 day")
    180.0
    """
    return _plain(duration.m / mtbf.m)


