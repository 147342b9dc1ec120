"""Report section: operations at scale (Vol. 2, Lab 12).

Platform break-even, canary and shadow windows, sequential validation and
ensemble dependencies, from :data:`mlsysim.scenarios.OPERATIONS` with
:mod:`mlsysim.models.ops`.  Yearly costs are shown per year.
"""

from __future__ import annotations

import numpy as np

from .. import scenarios as sc
from ..fmt import format_quantity as fq
from ..models import ops
from ._shape import Part, Section, columns, num, pct
from ._shape import show as sh

__all__ = ["section"]

OP = sc.OPERATIONS


def _costs() -> dict:
    return dict(alert_cost=OP.alert_cost, deploy_cost=OP.deploy_cost, dependency_cost=OP.dependency_cost)


def _platform() -> dict:
    return dict(platform_cost=OP.platform_cost, toil_reduction=OP.toil_reduction)


def _roi() -> Part:
    n_star = ops.break_even_models(heterogeneity=np.array(OP.heterogeneities), **_platform(), **_costs())
    rows = []
    for n in OP.model_counts:
        parts = ops.toil_breakdown(n, **_costs())
        roi = ops.platform_roi(n, **_platform(), **_costs())
        rows.append([str(n), num(parts.total, "USD/year"), num(roi, "USD/year"), parts.dominant,
                     pct(parts.dependency_share, 0)])
    roi_fleet = ops.platform_roi(OP.fleet_models, **_platform(), **_costs())
    lines = [
        "toil = a N + d N log2 N + c h N(N-1)/2 (alerts, deployments, coupled pairs)",
        *columns(["heterogeneity h", "break-even N* [models]"],
                 [[f"{h:g}", num(n)] for h, n in zip(OP.heterogeneities, n_star)], left=0),
        *columns(["N", "manual toil [USD/year]", "platform ROI [USD/year]", "dominant term",
                  "dependencies"], rows, left=0),
    ]
    return Part("Part 1: the platform ROI audit", lines,
                f"at {OP.fleet_models} LLM versions build the platform: it returns "
                f"{num(roi_fleet, 'USD/year')} USD/year. Heterogeneity moves N* more than scale does: the "
                "pairs term dominates from a few coupled models on.",
                values={"break_even_models": n_star, "platform_roi_fleet": roi_fleet,
                        "toil": {str(n): ops.toil_breakdown(n, **_costs()) for n in OP.model_counts}},
                scenarios=[(OP, ["platform_cost", "toil_reduction", "alert_cost", "deploy_cost",
                                 "dependency_cost"])])


def _canary() -> Part:
    n = ops.canary_sample_size(OP.confidence, OP.failure_rate)
    tolerated = np.array(OP.tolerated_failures)
    ks = ops.canary_sample_size(OP.confidence, OP.failure_rate, allowed_failures=tolerated)
    rates = np.array(OP.shadow_failure_rates)
    plan = ops.shadow_plan(OP.confidence, rates, OP.request_rate, OP.traffic_fraction,
                           release_cycle=OP.release_cycle)
    rows = []
    for i, p in enumerate(rates):
        row = plan[i]
        if row.fits:
            verdict = "fits"
        elif row.required_fraction <= 1:
            verdict = f"misses; mirror {pct(row.required_fraction, 0)}"
        else:
            verdict = "misses at any share"
        rows.append([f"1 in {1 / p:,.0f}", f"{row.requests:,}", num(row.duration, "h"), verdict])
    lines = [
        f"1-in-{1 / OP.failure_rate:,.0f} failure, zero failures allowed: {n:,} requests",
        f"(ln {1 - OP.confidence:.2f} / ln {1 - OP.failure_rate:.3f} = "
        f"{np.log(1 - OP.confidence) / np.log1p(-OP.failure_rate):.1f}; "
        f"rule of three: {3 / OP.failure_rate:,.0f})",
        f"tolerating {' or '.join(map(str, tolerated))} failures: {' or '.join(f'{k:,}' for k in ks)} requests",
        f"shadow mode at {num(OP.request_rate, '1/s')} requests/s, {pct(OP.traffic_fraction, 0)} mirrored:",
        *("  " + r for r in columns(["failure rate", "requests", "shadow time [h]",
                                     f"within {sh(OP.release_cycle)}"], rows)),
    ]
    return Part(f"Part 2: canary and shadow windows ({pct(OP.confidence, 0)} confidence, "
                f"{sh(OP.release_cycle)} release cycle)", lines,
                f"about {n:,} requests prove a 1-in-{1 / OP.failure_rate:,.0f} rate in "
                f"{fq(plan[0].duration)} of shadow traffic; rarer failures need more traffic or a "
                "sequential test.",
                values={"canary_sample_size": n, "tolerated_failures": tolerated, "tolerant_sample_sizes": ks,
                        "shadow_plan": plan},
                scenarios=[(OP, ["request_rate", "traffic_fraction", "shadow_failure_rates"])])


def _sequential() -> Part:
    t = ops.sequential_test(OP.baseline_rate, OP.regressed_rate)
    lines = [
        f"boundaries ln A = {t.upper_boundary:.3f}, ln B = {t.lower_boundary:.3f}; a failure adds "
        f"{t.failure_weight:.3f}, a good request {t.success_weight:.2e}",
        f"fixed-size test with the same error rates: {t.fixed_requests:,.0f} requests (reject on more "
        f"than {t.fixed_allowed_failures:.0f} failures)",
        *columns(["model", "expected requests", "fewer than fixed"],
                 [["good", f"{t.expected_requests_baseline:,.0f}", pct(t.savings_baseline, 0)],
                  ["regressed", f"{t.expected_requests_regressed:,.0f}", pct(t.savings_regressed, 0)]]),
    ]
    return Part(f"Part 2b: sequential validation (Wald SPRT, {OP.baseline_rate:g} vs {OP.regressed_rate:g}, "
                "alpha = beta = 5%)", lines,
                f"decide sequentially; a clean run accepts after {t.requests_to_accept:,.0f} requests, "
                f"{t.failures_to_reject:.0f} early failures reject at once.",
                values={"sequential_test": t},
                scenarios=[(OP, ["baseline_rate", "regressed_rate"])])


def _ensembles() -> Part:
    rows, values = [], {}
    for n_models in OP.ensemble_sizes:
        e = ops.ensemble_dependencies(n_models)
        values[str(n_models)] = e
        rows.append([str(n_models), f"{e.contracts:,.0f}", f"{e.checks_per_release:,.0f}",
                     f"{e.checks_per_round:,.0f}"])
    lines = columns(["models", "contracts", "checks per release", "checks per cycle"], rows, left=0)
    return Part("Part 3: ensemble dependencies (every pair coupled, one release per model per cycle)", lines,
                "an upstream feature-extractor release must revalidate its downstream consumers; strict "
                "immutable contracts make that check explicit instead of a silent skew.",
                values=values, scenarios=[(OP, ["ensemble_sizes"])])


def section() -> Section:
    """The lab's three parts: platform ROI, canary and shadow windows, sequential tests, ensembles."""
    return Section("ops", "Operations at scale: when a platform pays off",
                   [_roi(), _canary(), _sequential(), _ensembles()])
