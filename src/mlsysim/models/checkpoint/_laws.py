"""Checkpoint: failure laws and their fits to observed logs (private; the public path is mlsysim.models.checkpoint)."""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np

from ..._export import exporter
from ..._records import Record
from ..._validate import Number, Time, check, validated
from ...errors import DomainError, UnitError
from ...units import quantity, ureg
from ._common import _plain, _s

__all__: list[str] = []
export = exporter(__all__)

_Quantity = ureg.Quantity
_MTBF = Time(positive=True, canonical=False)
_SHAPE = Number(positive=True, what="a positive finite number (the Weibull shape k)")


def _check_mtbf(cls: str):
    where = f"{cls}(): parameter 'mtbf'"

    def convert(value: Any) -> Any:
        q = check(value, _MTBF, where)
        if np.ndim(q.magnitude):
            raise UnitError(f"{where} expects one time (a scalar), not an array; "
                            "build one law per value")
        return q

    return convert


def _check_shape(value: Any) -> float:
    where = "Weibull(): parameter 'shape'"
    m = check(value, _SHAPE, where)
    if np.ndim(m):
        raise UnitError(f"{where} expects one number (a scalar), not an array; build one law per value")
    return float(m)


def _rng(rng: Any) -> np.random.Generator:
    """A numpy Generator from a Generator, a seed (int) or None."""
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(rng)


class _Law(Record):
    """Shared methods of the failure laws (a renewal process of i.i.d. times between failures)."""

    __slots__ = ()

    @property
    def scale(self) -> Any:
        """The scale ``lambda`` of the law, in the unit of ``mtbf``."""
        return self.mtbf / _gamma1(self.shape)

    def _scale_s(self) -> float:
        return float(self.mtbf.m_as("s")) / _gamma1(self.shape)

    def _survival_s(self, t: Any) -> Any:
        """``P(X > t) = exp(-(t/lambda)^k)`` for ``t`` in seconds (float or array)."""
        with np.errstate(over="ignore"):
            return np.exp(-((t / self._scale_s()) ** self.shape))

    def _draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` times between failures in seconds (plain floats; inverse transform of E ~ Exp(1))."""
        e = rng.standard_exponential(size)
        k = self.shape
        if k != 1.0:
            e = e ** (1.0 / k)
        return self._scale_s() * e

    def _draw_residual(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Forward recurrence times in seconds: ``U * L``, ``L`` length-biased (``(L/lambda)^k ~ Gamma(1 + 1/k)``)."""
        k = self.shape
        g = rng.standard_gamma(1.0 + 1.0 / k, size)
        return self._scale_s() * g ** (1.0 / k) * rng.random(size)

    def sample_residual(self, rng: Any = None, size: Any = None) -> Any:
        r"""Draw the time from a random instant to the next failure of a stationary renewal process.

        The forward recurrence time, of density ``S(t) / M``: what a job that
        starts at an arbitrary moment in the life of a long-running fleet waits
        for its first failure.  Its mean is ``E[X^2] / (2 M)``
        (``lambda Gamma(1 + 2/k) / (2 Gamma(1 + 1/k))`` for a Weibull): longer
        than ``M`` when ``k < 1`` (the inspection paradox), ``M`` for the
        exponential.

        Parameters
        ----------
        rng : numpy.random.Generator or int or None
            The random generator (or a seed for a new one).
        size : int or tuple, optional
            Shape of the sample (default: one draw).

        Returns
        -------
        Quantity [time]
            In seconds.
        """
        return _sampled(self._draw_residual, rng, size)

    def sample(self, rng: Any = None, size: Any = None) -> Any:
        """Draw times between failures.

        Parameters
        ----------
        rng : numpy.random.Generator or int or None
            The random generator (or a seed for a new one).
        size : int or tuple, optional
            Shape of the sample (default: one draw).

        Returns
        -------
        Quantity [time]
            In seconds.  Every law draws ``lambda * E**(1/k)`` from the same
            standard exponential ``E``, so ``Weibull(1, M)`` and
            ``Exponential(M)`` give identical draws from identical generators.
        """
        return _sampled(self._draw, rng, size)

    def survival(self, time: Any) -> Any:
        r"""Probability that no failure occurs within ``time`` of a renewal: ``exp(-(t/lambda)^k)``."""
        return _survival(self, time)

    def hazard(self, time: Any) -> Any:
        r"""Failure rate at age ``time`` since the last failure, ``(k/lambda)(t/lambda)^(k-1)`` [1/s]."""
        return _hazard(self, time)


def _describe_law(law: Any) -> str:
    from ...fmt import format_value

    if isinstance(law, Exponential):
        return f"Exponential(mtbf={format_value(law.mtbf)})"
    return f"Weibull(shape={law.shape:.4g}, mtbf={format_value(law.mtbf)})"


def _gamma1(k: float) -> float:
    """``Gamma(1 + 1/k)``: mean of a Weibull of unit scale (exactly 1 for ``k = 1``)."""
    if k == 1.0:
        return 1.0
    from scipy.special import gamma

    return float(gamma(1.0 + 1.0 / k))


def _sampled(draw: Any, rng: Any, size: Any) -> Any:
    """``draw(generator, n)`` as seconds: one draw (``size`` None) or an array of ``size``."""
    x = draw(_rng(rng), 1 if size is None else size)
    return _s(x[0] if size is None else x)


@validated(time=Time())
def _survival(law, time):
    return _plain(law._survival_s(time.m))


@validated(time=Time())
def _hazard(law, time):
    lam = law._scale_s()
    k = law.shape
    with np.errstate(divide="ignore", over="ignore"):
        rate = k / lam * (time.m / lam) ** (k - 1.0)
    return quantity(np.asarray(rate, dtype=float) if np.ndim(rate) else float(rate), "1/s")


@export
@attrs.frozen
class Exponential(_Law):
    r"""Exponential (memoryless) times between failures of mean ``mtbf``: a Poisson process.

    .. math::

        S(t) = e^{-t/M}, \qquad h(t) = 1/M

    Parameters
    ----------
    mtbf : Quantity [time]
        Mean time between failures ``M`` (positive, finite, one value).

    Notes
    -----
    The law every closed form of this module assumes: the hazard is constant,
    so the age of the system since its last failure tells nothing about the
    next one.  ``Exponential(M)`` is ``Weibull(1, M)``, draw for draw.

    Examples
    --------
    >>> law = Exponential("4 h")
    >>> round(law.survival("4 h"), 4), round(law.hazard("1 h").to("1/h").m, 4)
    (0.3679, 0.25)
    """

    mtbf: Any = attrs.field(converter=_check_mtbf("Exponential"))

    @property
    def shape(self) -> float:
        """The Weibull shape of this law: 1."""
        return 1.0


@export
@attrs.frozen
class Weibull(_Law):
    r"""Weibull times between failures of shape ``k`` and mean ``mtbf``, renewed at each failure.

    .. math::

        S(t) = e^{-(t/\lambda)^k}, \qquad h(t) = \frac{k}{\lambda}
        \left(\frac{t}{\lambda}\right)^{k-1}, \qquad
        \lambda = \frac{M}{\Gamma(1 + 1/k)}

    Parameters
    ----------
    shape : float
        Shape ``k > 0``.  ``k < 1``: a decreasing hazard (a fleet that has just
        failed is likelier to fail again soon: infant mortality, repeat
        offenders); ``k = 1``: exponential; ``k > 1``: wear-out.
    mtbf : Quantity [time]
        Mean time between failures ``M`` (positive, finite, one value); the
        scale ``lambda`` follows from it.

    Notes
    -----
    Schroeder and Gibson (2006) fitted the times between failures of 22 HPC
    systems at LANL and found Weibull shapes of 0.7 to 0.8: failures cluster.
    Used as a renewal process: each failure resets the clock (every time
    between failures an independent draw), which assumes a repair restores
    the fleet to the state it had after the previous repair.

    References
    ----------
    .. [1] B. Schroeder, G. A. Gibson, "A large-scale study of failures in
       high-performance computing systems", DSN 2006.

    Examples
    --------
    Shape 0.7, mean 4 h: ``lambda = 4 h / Gamma(1 + 1/0.7) = 4 h / 1.26582
    = 3.1600 h``; a quarter of the gaps are shorter than
    ``lambda (ln 4/3)^(1/0.7) = 3.16 h x exp(-1.24590 / 0.7) = 3.16 h x 0.16866
    = 0.533 h``:

    >>> law = Weibull(0.7, "4 h")
    >>> round(law.scale.to("h").m, 4)
    3.16
    >>> round(law.survival("0.533 h"), 3)
    0.75
    """

    shape: float = attrs.field(converter=_check_shape)
    mtbf: Any = attrs.field(converter=_check_mtbf("Weibull"))


# ============================================================ fits


@export
@attrs.frozen
class FailureFit(Record):
    """Maximum-likelihood failure laws for observed times between failures.

    Attributes
    ----------
    exponential : Exponential
        The exponential law of maximum likelihood (``mtbf`` = total time / failures).
    weibull : Weibull
        The Weibull law of maximum likelihood.
    exponential_log_likelihood, weibull_log_likelihood : float
        Their log-likelihoods, with densities per second.
    exponential_aic, weibull_aic : float
        Akaike's information criterion, ``2 p - 2 l`` with ``p`` = 1 and 2
        parameters (lower is better; only the difference is meaningful).
    likelihood_ratio : float
        ``2 (weibull_log_likelihood - exponential_log_likelihood)`` (unit-free).
    p_value : float
        Probability of a ratio at least this large were the law exponential
        (chi-squared with one degree of freedom).
    preferred : str
        ``"weibull"`` when ``p_value < 0.05``, else ``"exponential"``.
    shape_standard_error : float
        Asymptotic standard error of the Weibull shape (observed information).
    observations : int
        Number of times given.
    failures : int
        Number of those that ended in a failure (not censored).
    total_time : Quantity [time]
        Sum of all the times, censored ones included.
    """

    exponential: Any
    weibull: Any
    exponential_log_likelihood: Any
    weibull_log_likelihood: Any
    exponential_aic: Any
    weibull_aic: Any
    likelihood_ratio: Any
    p_value: Any
    preferred: Any
    shape_standard_error: Any
    observations: Any
    failures: Any
    total_time: Any

    def __str__(self) -> str:
        from ...fmt import format_value, table

        rows = [(f.name, _describe_law(v) if isinstance(v, _Law) else format_value(v))
                for f in attrs.fields(type(self)) for v in [getattr(self, f.name)]]
        return table(rows, title=type(self).__name__)

    @property
    def law(self) -> Any:
        """The preferred law itself (``exponential`` or ``weibull``)."""
        return self.weibull if self.preferred == "weibull" else self.exponential


def _censoring(censored: Any, censored_last: bool, n: int) -> np.ndarray:
    where = "fit_failures(): parameter 'censored'"
    if censored is None:
        mask = np.zeros(n, dtype=bool)
    else:
        if censored_last:
            raise TypeError("fit_failures(): give either 'censored' or 'censored_last', not both")
        mask = np.asarray(censored)
        if mask.dtype != bool:
            raise UnitError(f"{where} expects a boolean array (True: the time ended without a failure); "
                            f"got dtype {mask.dtype}")
        if mask.shape != (n,):
            raise DomainError(f"{where} must have the shape of the times, ({n},); got {mask.shape}")
    if censored_last:
        mask = mask.copy()
        mask[-1] = True
    return mask


@export
@validated(times_between_failures=Time(positive=True))
def fit_failures(times_between_failures, *, censored=None, censored_last=False):
    r"""Fit exponential and Weibull laws to observed times between failures by maximum likelihood.

    .. math::

        \ell(k, \lambda) = \sum_{i \in F}\left[\ln\frac{k}{\lambda}
            + (k-1)\ln\frac{t_i}{\lambda}\right]
            - \sum_{i} \left(\frac{t_i}{\lambda}\right)^k,
        \qquad \hat M_\text{exp} = \frac{\sum_i t_i}{|F|}

    Parameters
    ----------
    times_between_failures : Quantity array [time]
        One-dimensional, positive: the times between consecutive failures
        (of a fleet, or of each node pooled).
    censored : bool array, optional
        ``True`` where the time ended without a failure (the observation
        stopped: right-censored).  It adds its survival, not its density, to
        the likelihood.
    censored_last : bool, optional
        Shorthand for a log whose last time runs from the last failure to the
        end of the observation (only that one censored).

    Returns
    -------
    FailureFit
        Both laws, their log-likelihoods, the likelihood-ratio test and
        ``preferred``.

    Raises
    ------
    UnitError, DomainError
        Not a 1-d time array; fewer than two failures; all times equal (the
        Weibull shape grows without bound).

    Notes
    -----
    ``F`` is the set of uncensored times.  The exponential MLE is closed
    form.  For the Weibull, ``lambda`` is profiled out
    (``lambda^k = sum t^k / |F|``) and the shape solves the profile score

    .. math::

        \frac{\sum_i t_i^k \ln t_i}{\sum_i t_i^k} - \frac1k
        - \frac{1}{|F|}\sum_{i\in F} \ln t_i = 0,

    increasing in ``k``, by Brent's method on ``ln k`` (log-sum-exp weights,
    so any spread of times is safe).  The shape's standard error is
    ``(|F|/k^2 + |F| Var_w[ln t])^{-1/2}``, from the curvature of the profile
    likelihood (``Var_w``: variance of ``ln t`` under weights ``t^k``).
    The exponential is the Weibull with ``k = 1``, so twice the difference of
    log-likelihoods is asymptotically chi-squared with one degree of freedom
    under the exponential; the Weibull is ``preferred`` when the test rejects
    the exponential at 5 % (ratio above 3.84).  That is a stricter rule than
    the lower AIC (which prefers the Weibull once the ratio exceeds 2); both
    AICs are reported.  The times are taken as
    independent draws of one law (a renewal process): trends, such as a
    fleet burning in, and correlated bursts are outside the model.

    References
    ----------
    .. [1] J. F. Lawless, *Statistical Models and Methods for Lifetime Data*,
       2nd ed., Wiley, 2003, ch. 5 (Weibull MLE with censoring).
    .. [2] B. Schroeder, G. A. Gibson, "A large-scale study of failures in
       high-performance computing systems", DSN 2006.

    Examples
    --------
    Five gaps of 1, 2, 3, 4 and 5 h, and 5 h since the last failure (censored):
    the exponential MLE is total time over failures, ``20 h / 5 = 4 h``:

    >>> from mlsysim import Q_
    >>> fit = fit_failures(Q_([1, 2, 3, 4, 5, 5], "h"), censored_last=True)
    >>> round(fit.exponential.mtbf.to("h").m, 6), fit.failures
    (4.0, 5)
    >>> fit.preferred  # six times cannot tell a Weibull from an exponential
    'exponential'
    """
    from scipy.optimize import brentq
    from scipy.special import logsumexp
    from scipy.stats import chi2

    where = "fit_failures(): parameter 'times_between_failures'"
    t = np.asarray(times_between_failures.m, dtype=float)
    if t.ndim != 1:
        raise UnitError(f"{where} expects a one-dimensional array of times; got shape {t.shape}")
    cens = _censoring(censored, bool(censored_last), t.size)
    failed = ~cens
    d = int(failed.sum())
    if d < 2:
        raise DomainError(f"{where} must hold at least two failures (uncensored times); got {d}")
    total = float(t.sum())
    # exponential: M = total / d, l = -d ln M - d
    m_exp = total / d
    ll_exp = -d * np.log(m_exp) - d
    # Weibull: profile score in k on log times centred for stability
    ref = float(np.exp(np.mean(np.log(t))))
    u = np.log(t / ref)
    u_f = u[failed]
    mean_uf = float(u_f.mean())
    if np.ptp(u) < 1e-12:
        raise DomainError(f"{where} are all equal: the Weibull shape grows without bound")

    def score(logk: float) -> float:
        k = np.exp(logk)
        w = np.exp(k * u - np.max(k * u))
        return float(np.dot(w, u) / w.sum() - 1.0 / k - mean_uf)

    lo, hi = np.log(1e-3), np.log(1e3)
    if score(lo) > 0 or score(hi) < 0:
        raise DomainError(f"{where}: the Weibull shape of maximum likelihood is outside [0.001, 1000]")
    k = float(np.exp(brentq(score, lo, hi, xtol=1e-14, rtol=1e-14)))
    log_lam_k = logsumexp(k * u) - np.log(d)  # k ln(lambda/ref)
    lam = ref * float(np.exp(log_lam_k / k))
    ll_w = d * np.log(k) - d * k * np.log(lam) + (k - 1.0) * float(np.log(t[failed]).sum()) - d
    w = np.exp(k * u - np.max(k * u))
    w /= w.sum()
    var_w = float(np.dot(w, (u - np.dot(w, u)) ** 2))
    se = 1.0 / np.sqrt(d / k**2 + d * var_w)
    ratio = max(0.0, 2.0 * (ll_w - ll_exp))
    p = float(chi2.sf(ratio, 1))
    unit = times_between_failures.units
    mtbf_w = lam * _gamma1(k)
    return FailureFit(
        exponential=Exponential(mtbf=quantity(m_exp, "s")),
        weibull=Weibull(shape=k, mtbf=quantity(mtbf_w, "s")),
        exponential_log_likelihood=float(ll_exp),
        weibull_log_likelihood=float(ll_w),
        exponential_aic=float(2.0 - 2.0 * ll_exp),
        weibull_aic=float(4.0 - 2.0 * ll_w),
        likelihood_ratio=float(ratio),
        p_value=p,
        preferred="weibull" if p < 0.05 else "exponential",
        shape_standard_error=float(se),
        observations=int(t.size),
        failures=d,
        total_time=quantity(total, unit),
    )
