"""Storage: data movement (private; the public path is mlsysim.models.storage)."""


from __future__ import annotations

from typing import Any

import attrs
import numpy as np

from ..._arrays import select
from ..._export import exporter
from ..._records import Record, unit_field
from ..._validate import (
    Bandwidth,
    Money,
    Price,
    Size,
    Time,
    validated,
)
from ._common import (
    _S,
    _USD,
    _q,
)

__all__: list[str] = []
export = exporter(__all__)

@export
@validated(size=Size(), bandwidth=Bandwidth(positive=True))
def transfer_time(size, bandwidth):
    r"""Time to move ``size`` bytes over a link of ``bandwidth``.

    .. math:: T = \frac{D}{B}

    Parameters
    ----------
    size : Quantity [data size]
        Bytes to move (``"50 TB"``).
    bandwidth : Quantity [bandwidth]
        Sustained end-to-end rate of the link (``"100 Gbit/s"``); must be positive.

    Returns
    -------
    Quantity [time]
        Seconds.

    Raises
    ------
    UnitError
        A bare number or a wrong dimension.
    DomainError
        NaN, infinity, a negative size, or a bandwidth that is not positive.

    Notes
    -----
    Assumes the link is sustained at ``bandwidth`` for the whole transfer: no
    protocol overhead, no start-up latency (negligible for bulk transfers),
    no contention.  A real wide-area copy rarely sustains the line rate, so
    this is a lower bound on the time.

    References
    ----------
    .. [1] D. McCrory, "Data Gravity: in the clouds", 2010 (the term).
    .. [2] Machine Learning Systems, Vol. 1, Lab 04: The Data Gravity Trap.

    Examples
    --------
    50 TB over a 100 Gbit/s (12.5 GB/s) link:

    >>> t = transfer_time("50 TB", "100 Gbit/s")
    >>> round(t.to("s").m), round(t.to("min").m, 1)
    (4000, 66.7)
    """
    return _q(size.m / bandwidth.m, _S)


@export
@validated(size=Size(), price=Price())
def egress_cost(size, price):
    r"""What a provider charges to move ``size`` bytes out at ``price`` per byte-unit.

    .. math:: C = D \cdot p

    Parameters
    ----------
    size : Quantity [data size]
        Bytes moved out (``"50 TB"``).
    price : Quantity [currency / data size]
        Egress price (``"0.08 USD/GB"``); zero for a free link.

    Returns
    -------
    Quantity [currency]
        USD.

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    A flat price per byte: tiered (volume-discounted) price schedules and
    request charges are not modelled.  Mind the prefix: ``GB`` is 10**9 bytes,
    as cloud price lists use it.

    References
    ----------
    .. [1] Amazon S3 pricing, data transfer out; Machine Learning Systems,
       Vol. 1, Lab 04: The Data Gravity Trap assumes 0.08 USD/GB.

    Examples
    --------
    >>> round(egress_cost("50 TB", "0.08 USD/GB").to("USD").m, 2)
    4000.0
    """
    return _q(size.m * price.m, _USD)


@export
@attrs.frozen
class DataGravity(Record):
    """Move the data to the compute, or the compute to the data.

    Attributes
    ----------
    transfer_time : Quantity [time]
        Time to copy the dataset over the link.
    egress_cost : Quantity [currency]
        What the copy costs in egress charges.
    training_time : Quantity [time]
        The training run the copy is compared with.
    compute_cost_in_place : Quantity [currency]
        The extra cost of computing where the data lives.
    time_ratio : float or ndarray
        ``transfer_time / training_time``.
    transfer_exceeds_training : bool or ndarray
        The copy takes longer than the training run itself.
    egress_exceeds_compute : bool or ndarray
        The egress bill exceeds the cost of computing in place.
    decision : str or ndarray of str
        ``"move compute"`` when either comparison goes against the copy, else ``"move data"``.
    reason : str or ndarray of str
        ``"transfer time"``, ``"egress cost"``, ``"transfer time and egress cost"``
        or ``"copy is faster and cheaper"``.
    """

    transfer_time: Any = unit_field("s")
    egress_cost: Any = unit_field("USD")
    training_time: Any = unit_field("s")
    compute_cost_in_place: Any = unit_field("USD")
    time_ratio: Any
    transfer_exceeds_training: Any
    egress_exceeds_compute: Any
    decision: Any
    reason: Any


@export
@validated(dataset_size=Size(), link_bandwidth=Bandwidth(positive=True), training_time=Time(positive=True),
           egress_price=Price(), compute_cost_in_place=Money())
def data_gravity(dataset_size, link_bandwidth, training_time, egress_price, compute_cost_in_place):
    r"""Decide between moving a dataset to the compute and moving the compute to the data.

    .. math::

        T = \frac{D}{B}, \qquad C = D\,p, \qquad
        \text{move compute} \iff T > T_\text{train} \;\lor\; C > C_\text{in place}

    Parameters
    ----------
    dataset_size : Quantity [data size]
        The dataset (``"50 TB"``).
    link_bandwidth : Quantity [bandwidth]
        The link between the data's site and the compute's (``"100 Gbit/s"``).
    training_time : Quantity [time]
        The training run the data is needed for (``"6 h"``).
    egress_price : Quantity [currency / data size]
        Egress price at the data's site (``"0.08 USD/GB"``).
    compute_cost_in_place : Quantity [currency]
        The extra cost of running the job where the data lives instead of
        where the compute is now (spinning up or renting accelerators there,
        a regional price premium).  Zero means computing in place costs
        nothing extra.

    Returns
    -------
    DataGravity
        Transfer time, egress cost, both comparisons, the decision and its reason.

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    Two rules, either of which sends the compute to the data: the copy takes
    longer than the training run it feeds (time gravity), or its egress bill
    exceeds the cost of computing in place (cost gravity).  The copy is
    assumed to run at the full link rate and to finish before training starts
    (no streaming while training).  Storage costs at the destination are not
    counted.

    References
    ----------
    .. [1] D. McCrory, "Data Gravity: in the clouds", 2010.
    .. [2] Machine Learning Systems, Vol. 1, Lab 04: The Data Gravity Trap.

    Examples
    --------
    Machine Learning Systems, Vol. 1, Lab 04: The Data Gravity Trap: 50 TB
    over 100 Gbit/s for a 6-hour run, 0.08 USD/GB egress, and 8 A100s at
    20 USD/h for 6 h (120 USD) where the data lives:

    >>> g = data_gravity("50 TB", "100 Gbit/s", "6 h", "0.08 USD/GB", "120 USD")
    >>> round(g.transfer_time.to("s").m), round(g.egress_cost.to("USD").m)
    (4000, 4000)
    >>> g.transfer_exceeds_training, g.decision, g.reason
    (False, 'move compute', 'egress cost')
    """
    t = dataset_size.m / link_bandwidth.m
    cost = dataset_size.m * egress_price.m
    exceeds = np.asarray(t > training_time.m)
    costlier = np.asarray(cost > compute_cost_in_place.m)
    decision = np.where(exceeds | costlier, "move compute", "move data")
    reason = select([exceeds & costlier, exceeds, costlier],
                       ["transfer time and egress cost", "transfer time", "egress cost"],
                       "copy is faster and cheaper")
    return DataGravity.build(transfer_time=t, egress_cost=cost, training_time=training_time.m,
                             compute_cost_in_place=compute_cost_in_place.m, time_ratio=t / training_time.m,
                             transfer_exceeds_training=exceeds, egress_exceeds_compute=costlier,
                             decision=decision, reason=reason)


