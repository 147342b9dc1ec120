"""Checkpoint: preemption and brown-out (private; the public path is mlsysim.models.checkpoint)."""


from __future__ import annotations

from typing import Any

import attrs
import numpy as np

from ..._arrays import scalar_or_array
from ..._export import exporter
from ..._records import Record, renamed_field, unit_field
from ..._validate import (
    Bandwidth,
    Capacitance,
    Choice,
    Fraction,
    Instance,
    Optional,
    Power,
    Size,
    Time,
    Voltage,
    validated,
)
from ...errors import DomainError
from ...hardware import FERAM_MCU, Microcontroller
from ...units import quantity

__all__: list[str] = []
export = exporter(__all__)

@export
@attrs.frozen
class IncrementalCheckpoint(Record):
    """Resume (or save) time of an incremental checkpoint against a target.

    Attributes
    ----------
    time : Quantity [time]
        ``latency + dirty_fraction x state_size / bandwidth``.
    full_time : Quantity [time]
        The same for the whole state (a full checkpoint).
    meets_target : bool or array
        ``time <= target``.
    target_slack : Quantity [time]
        Time to spare against the target, ``target - time`` (negative when
        missed).  Called ``margin`` before 0.2; that name still works for one
        release and warns.
    max_dirty_fraction : float or array
        Largest dirty fraction that meets the target (0 when even the latency misses it).
    """

    time: Any = unit_field("s")
    full_time: Any = unit_field("s")
    meets_target: Any
    target_slack: Any = unit_field("s")
    max_dirty_fraction: Any

    margin = renamed_field("IncrementalCheckpoint", "margin", "target_slack")


@export
@validated(state_size=Size(positive=True), dirty_fraction=Fraction(), bandwidth=Bandwidth(positive=True),
           target=Time(positive=True), latency=Time())
def incremental_checkpoint(state_size, dirty_fraction, bandwidth, target="100 ms", latency="0 s"):
    r"""Time to move only the dirty part of a state through flash, against a target (preemption).

    .. math:: t = L + f\,\frac{S}{B}, \qquad f_{\max} = \frac{(t_{\text{target}} - L)\,B}{S}

    Parameters
    ----------
    state_size : Quantity [data size]
        Whole state ``S`` of the process.
    dirty_fraction : float or array
        Fraction ``f`` of the state changed since the last full checkpoint, in [0, 1].
    bandwidth : Quantity [bandwidth]
        Flash bandwidth ``B``: read bandwidth for the resume, write bandwidth
        for the save when the OS kills the process.
    target : Quantity [time], optional
        The budget, default 100 ms (the AR-glasses resume target).
    latency : Quantity [time], optional
        Fixed cost (file open, first access), default 0.

    Returns
    -------
    IncrementalCheckpoint

    Raises
    ------
    UnitError, DomainError

    Notes
    -----
    Bandwidth-bound sequential transfer of the dirty pages.  Assumes the
    clean part is restored for free: it is still in the flash file the
    process maps (weights, the base snapshot) and is paged in on demand.

    References
    ----------
    .. [1] Machine Learning Systems textbook, Vol. 2 lab 07 "Fault Tolerance"
       (the preemption wall: resume in under 100 ms).

    Examples
    --------
    1.5 GB of state on UFS 3.1 (2.1 GB/s reads): a full restore takes 714 ms;
    with 10 % dirty, 71 ms; at most 14 % may be dirty:

    >>> r = incremental_checkpoint("1.5 GB", 0.1, "2.1 GB/s")
    >>> round(r.time.to("ms").m, 3), r.meets_target, round(r.max_dirty_fraction, 3)
    (71.429, True, 0.14)
    """
    s, b, lat = state_size.m, bandwidth.m, latency.m
    t = lat + dirty_fraction * s / b
    full = lat + s / b + 0.0 * t
    fmax = np.clip((target.m - lat) * b / s, 0.0, 1.0)
    return IncrementalCheckpoint.build(time=t, full_time=full, meets_target=np.asarray(t <= target.m),
                                       target_slack=target.m - t, max_dirty_fraction=np.asarray(fmax + 0.0 * t, float))


def _check_voltages(fname: str, start_voltage: Any, cutoff_voltage: Any) -> None:
    bad = np.asarray(start_voltage.m < cutoff_voltage.m)
    if np.any(bad):
        raise DomainError(
            f"{fname}(): parameter 'start_voltage' must be at least 'cutoff_voltage'; got "
            f"{np.max(np.asarray(start_voltage.m) * bad):g} V below the cutoff "
            f"{np.max(np.asarray(cutoff_voltage.m) * bad):g} V")


@export
@validated(capacitance=Capacitance(), start_voltage=Voltage(), cutoff_voltage=Voltage(), efficiency=Fraction())
def holdup_energy(capacitance, start_voltage, cutoff_voltage, efficiency=1.0):
    r"""Energy a hold-up capacitor delivers while its voltage falls from ``V1`` to ``V2``.

    .. math:: E = \eta\,\frac{C\,(V_1^2 - V_2^2)}{2}

    Parameters
    ----------
    capacitance : Quantity [capacitance]
        Capacitance ``C``.
    start_voltage : Quantity [voltage]
        Voltage ``V1`` when the supply fails (the brown-out is detected).
    cutoff_voltage : Quantity [voltage]
        Voltage ``V2`` below which the load stops working (the MCU's minimum
        supply); at most ``start_voltage``.
    efficiency : float, optional
        Fraction ``eta`` of the released energy that reaches the load (a
        regulator's efficiency), default 1.

    Returns
    -------
    Quantity [energy]
        In joules.

    Raises
    ------
    UnitError, DomainError
        Including ``start_voltage < cutoff_voltage``.

    Notes
    -----
    Ideal capacitor (no leakage, no ESR loss); the energy stored is
    ``C V^2 / 2`` and only the part above the cutoff is usable.

    References
    ----------
    .. [1] P. Horowitz and W. Hill, *The Art of Electronics*, 3rd ed.,
       Cambridge University Press, 2015, sec. 1.4.

    Examples
    --------
    10 uF from 3.0 V to 1.8 V: ``10e-6 (9 - 3.24) / 2 = 28.8 uJ``:

    >>> round(holdup_energy("10 uF", "3.0 V", "1.8 V").to("uJ").m, 6)
    28.8
    """
    _check_voltages("holdup_energy", start_voltage, cutoff_voltage)
    v1, v2 = start_voltage.m, cutoff_voltage.m
    return scalar_or_array(quantity(efficiency * capacitance.m * (v1 * v1 - v2 * v2) / 2.0, "J"))


@export
@attrs.frozen
class BrownoutSave(Record):
    """Whether a microcontroller can save its state on the energy left when power fails.

    Attributes
    ----------
    save_time : Quantity [time]
        ``overhead_time + state_size / write_bandwidth``.
    energy_required : Quantity [energy]
        Energy the capacitor gives up during the save: ``power x save_time``
        (constant power), ``I t (V1 - I t / (2C))`` (constant current).
    energy_available : Quantity [energy]
        :func:`holdup_energy` of the capacitor (``efficiency`` applies to
        the constant-power law only).
    holdup_time : Quantity [time]
        How long the capacitor runs the MCU before its voltage reaches the cutoff.
    holdup_ratio : float or array
        ``holdup_time / save_time`` (above 1: feasible); under constant power
        this is ``energy_available / energy_required``, under constant current
        the charge the capacitor holds over the charge the save draws.  Called
        ``margin`` before 0.2; that name still works for one release and warns.
    feasible : bool or array
        Enough energy and the state fits the non-volatile memory.
    min_capacitance : Quantity [capacitance]
        Smallest capacitor that would just suffice.
    infeasible_because : str or array
        Why the save fails: ``"none"`` (it succeeds), ``"energy"`` or
        ``"nvm capacity"``.  Called ``limiting`` before 0.2; that name still
        works for one release and warns.
    """

    save_time: Any = unit_field("s")
    energy_required: Any = unit_field("J")
    energy_available: Any = unit_field("J")
    holdup_time: Any = unit_field("s")
    holdup_ratio: Any
    feasible: Any
    min_capacitance: Any = unit_field("F")
    infeasible_because: Any

    margin = renamed_field("BrownoutSave", "margin", "holdup_ratio")
    limiting = renamed_field("BrownoutSave", "limiting", "infeasible_because")


@export
@validated(state_size=Size(positive=True), capacitance=Capacitance(), start_voltage=Voltage(),
           cutoff_voltage=Voltage(), mcu=Instance(Microcontroller),
           write_bandwidth=Optional(Bandwidth(positive=True)), power=Optional(Power(positive=True)),
           efficiency=Fraction(), overhead_time=Time(), nvm_capacity=Optional(Size()),
           load=Choice("constant_power", "constant_current"))
def brownout_save(state_size, capacitance, start_voltage, cutoff_voltage, mcu=FERAM_MCU, write_bandwidth=None,
                  power=None, efficiency=1.0, overhead_time="0 s", nvm_capacity=None, load="constant_power"):
    r"""Can a microcontroller write its state to non-volatile memory before the power dies?

    .. math::

        t_{\text{save}} = t_0 + \frac{S}{B_{\text{nvm}}}, \quad
        E_{\text{need}} = P\,t_{\text{save}}, \quad
        E_{\text{have}} = \eta\,\frac{C (V_1^2 - V_2^2)}{2}, \quad
        \text{feasible} \iff E_{\text{have}} \ge E_{\text{need}}
        \quad\text{(constant power)}

    .. math::

        I = \frac{P}{V_1}, \quad
        t_{\text{hold}} = \frac{C (V_1 - V_2)}{I}, \quad
        \text{feasible} \iff C (V_1 - V_2) \ge I\, t_{\text{save}}
        \quad\text{(constant current)}

    Parameters
    ----------
    state_size : Quantity [data size]
        Bytes to save (SRAM contents, registers, model state).
    capacitance : Quantity [capacitance]
        Hold-up capacitance ``C``.
    start_voltage, cutoff_voltage : Quantity [voltage]
        Voltage at brown-out detection ``V1`` and the MCU's minimum supply ``V2``.
    mcu : Microcontroller or catalog name, optional
        The MCU; default the TI MSP430FR5994 (FRAM).  Supplies the write
        bandwidth, power and NVM capacity unless they are given.
    write_bandwidth : Quantity [bandwidth] or None, optional
        Override the NVM write bandwidth (e.g. an external NOR flash's page
        program rate, ``hardware.NOR_FLASH.write_bandwidth``).
    power : Quantity [power] or None, optional
        Power drawn while saving; default ``mcu.active_power``.
    efficiency : float, optional
        Regulator efficiency ``eta``, default 1.
    overhead_time : Quantity [time], optional
        Fixed time before the copy starts (interrupt, flash wake-up), default 0.
    nvm_capacity : Quantity [data size] or None, optional
        Capacity of the target memory; default the MCU's own NVM when
        ``write_bandwidth`` is not overridden, else unchecked.
    load : {"constant_power", "constant_current"}, optional
        How the MCU loads the capacitor.  ``"constant_power"`` (default):
        behind a switching regulator of efficiency ``eta``, the MCU draws
        ``power`` whatever the capacitor voltage, so the usable energy
        ``eta C (V1^2 - V2^2) / 2`` must cover ``P t``.  ``"constant_current"``:
        behind a linear regulator (an LDO, or the MCU's internal regulator)
        the capacitor supplies the load current ``I`` itself, so its voltage
        falls linearly and the charge ``C (V1 - V2)`` must cover ``I t``; the
        current is ``power / start_voltage`` (the catalog's active power is
        current x supply voltage; pass ``power = I x start_voltage`` to set
        ``I``) and ``efficiency`` is not used.

    Returns
    -------
    BrownoutSave

    Raises
    ------
    UnitError, DomainError
        Including ``start_voltage < cutoff_voltage``.

    Notes
    -----
    The MCU draws constant power (or constant current, see ``load``) while
    it copies at the memory's sustained write bandwidth.  The two laws bound
    real loads: a switching regulator draws more current as the capacitor
    voltage falls, a linear one the same current, wasting ``(V - V_core) I``
    as heat; from 3.0 V to 1.8 V the constant-current law gets
    ``2 V1 / (V1 + V2) = 1.25`` times the hold-up of the constant-power law
    at the same current at ``V1``.  FRAM writes a word in one bus cycle with no erase, so
    the copy runs at bus speed (16 MB/s on the MSP430FR5994).  Flash must
    program 256-byte pages (0.4 ms each on a W25Q128JV, 0.64 MB/s) into
    sectors erased beforehand; erasing during the save would add 45 ms or
    more per 4 KiB sector, so this model assumes pre-erased sectors and is
    optimistic for flash.  The external memory's own write current is not
    counted unless included in ``power``.

    References
    ----------
    .. [1] Texas Instruments, MSP430FR5994 data sheet (SLASE54), FRAM write
       speed and active-mode current.
    .. [2] Winbond, W25Q128JV data sheet, page program time.
    .. [3] B. Ransford, J. Sorber, K. Fu, "Mementos: system support for
       long-running computation on RFID-scale devices", ASPLOS 2011.

    Examples
    --------
    8 KiB of SRAM to FRAM at 16 MB/s (0.512 ms, 2.9 uJ at 5.664 mW) on a
    10 uF capacitor falling from 3.0 V to 1.8 V (28.8 uJ): ten times the
    energy needed:

    >>> r = brownout_save("8 KiB", "10 uF", "3.0 V", "1.8 V")
    >>> round(r.save_time.to("ms").m, 6), r.feasible, round(r.holdup_ratio, 2)
    (0.512, True, 9.93)

    Behind the MCU's internal (linear) regulator it draws 5.664 mW / 3.0 V =
    1.888 mA: the capacitor holds ``10 uF x 1.2 V = 12 uC`` against
    ``1.888 mA x 0.512 ms = 0.9667 uC``, a ratio of 12.41:

    >>> c = brownout_save("8 KiB", "10 uF", "3.0 V", "1.8 V", load="constant_current")
    >>> round(c.holdup_ratio, 2), round(c.holdup_time.to("ms").m, 3)
    (12.41, 6.356)
    """
    _check_voltages("brownout_save", start_voltage, cutoff_voltage)
    bw = (write_bandwidth if write_bandwidth is not None else mcu.nvm.write_bandwidth).m_as("B/s")
    p = (power if power is not None else mcu.active_power).m_as("W")
    if nvm_capacity is None and write_bandwidth is None:
        nvm_capacity = mcu.nvm.capacity
    size = state_size.m
    t = overhead_time.m + size / bw
    v1, v2 = start_voltage.m, cutoff_voltage.m
    cap = capacitance.m
    fits = np.asarray(True) if nvm_capacity is None else np.asarray(size <= nvm_capacity.m_as("B"))
    with np.errstate(divide="ignore", invalid="ignore"):
        if load == "constant_power":
            need = p * t
            swing = efficiency * (v1 * v1 - v2 * v2) / 2.0  # joules per farad
            have = cap * swing
            holdup = have / p
            cmin = np.divide(need, swing)  # no voltage swing: no capacitor is enough
        else:
            current = p / v1
            charge = current * t
            have = cap * (v1 * v1 - v2 * v2) / 2.0
            # energy given up while delivering the charge from V1 (all of it if it would cross 0 V)
            need = np.where(charge < cap * v1, charge * (v1 - charge / (2.0 * cap)), cap * v1 * v1 / 2.0)
            holdup = cap * (v1 - v2) / current
            cmin = np.divide(charge, v1 - v2)
        margin = np.asarray(np.divide(holdup, t), dtype=float)
    enough = np.asarray(holdup >= t)
    limiting = np.where(~fits, "nvm capacity", np.where(enough, "none", "energy"))
    return BrownoutSave.build(save_time=t + 0.0 * have, energy_required=need + 0.0 * have,
                              energy_available=have + 0.0 * need, holdup_time=holdup + 0.0 * need,
                              holdup_ratio=margin, feasible=enough & fits, min_capacitance=cmin,
                              infeasible_because=limiting)
