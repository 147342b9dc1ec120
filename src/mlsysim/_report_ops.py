"""Report section for :mod:`mlsysim.models.ops`: the operations-at-scale lab scenarios.

The platform price (500,000 USD, taken here as amortised over one year), the
95% confidence, the 1-in-1,000 failure and the one-week release cycle come
from the lab plan.  The per-model toil costs, the 80% toil reduction, the
request rate and the mirrored share are textbook scenario assumptions, stated
in the section's text.
"""

from __future__ import annotations

import numpy as np

from .fmt import format_quantity

__all__ = ["ops_section"]

#: Scenario assumptions (not measurements): toil per model or pair per year.
COSTS = dict(alert_cost="5000 USD/year", deploy_cost="2000 USD/year", dependency_cost="1000 USD/year")
PLATFORM = dict(platform_cost="500000 USD/year", toil_reduction=0.8)


def _usd_per_year(q) -> str:
    return f"{q.to('USD/year').m:>12,.0f} USD/yr"


def ops_section() -> str:
    """The lab's three parts: platform ROI, canary and shadow windows, sequential tests, ensembles."""
    from .models import ops

    lines = [
        "Assumptions: 500,000 USD/year platform removing 80% of toil; per model 5,000 USD/year of",
        "alert work and 2,000 USD/year x log2(N) of deployment work; 1,000 USD/year per coupled pair.",
        "",
        "Part 1: platform ROI audit (toil = a N + d N log2 N + c h N(N-1)/2)",
    ]
    for h in (1.0, 0.1, 0.0):
        n_star = ops.break_even_models(heterogeneity=h, **PLATFORM, **COSTS)
        lines.append(f"  heterogeneity {h:>3}: platform breaks even at N* = {n_star:.0f} models")
    lines.append(f"  {'N':>4} {'manual toil':>19} {'platform ROI':>19}  dominant term")
    for n in (5, 10, 25, 50):
        parts = ops.toil_breakdown(n, **COSTS)
        roi = ops.platform_roi(n, **PLATFORM, **COSTS)
        lines.append(f"  {n:>4} {_usd_per_year(parts.total)} {_usd_per_year(roi)}  {parts.dominant} "
                     f"({parts.dependency_share:.0%} of toil is dependencies)")
    roi50 = ops.platform_roi(50, **PLATFORM, **COSTS)
    lines.append(f"  Verdict (Cloud Titan, 50 LLM versions): build the platform; it returns "
                 f"{roi50.to('USD/year').m:,.0f} USD/year.")
    lines.append("  Heterogeneity moves N* more than scale does: the O(N^2) pairs term dominates from a few")
    lines.append("  coupled models on, while identical independent models stay cheap to run by hand.")

    lines += ["", "Part 2: canary and shadow windows (95% confidence, one-week release cycle)"]
    n = ops.canary_sample_size(0.95, 1e-3)
    lines.append(f"  1-in-1,000 failure, zero failures allowed: {n:,} requests "
                 f"(ln 0.05 / ln 0.999 = 2994.2; rule of three: 3,000)")
    ks = ops.canary_sample_size(0.95, 1e-3, allowed_failures=np.array([1, 2]))
    lines.append(f"  tolerating 1 or 2 failures: {ks[0]:,} or {ks[1]:,} requests")
    lines.append("  shadow mode at 10 requests/s fleet traffic, 5% mirrored:")
    rates = np.array([1e-3, 1e-4, 1e-5, 1e-6])
    plan = ops.shadow_plan(0.95, rates, "10 1/s", 0.05)
    for i, p in enumerate(rates):
        row = plan[i]
        verdict = "fits the week" if row.fits else (
            f"misses the week; mirror {row.required_fraction:.0%} of traffic" if row.required_fraction <= 1
            else "misses the week at any traffic share")
        lines.append(f"    1 in {1 / p:>9,.0f}: {row.requests:>10,} requests, {format_quantity(row.duration):>10}"
                     f"  -> {verdict}")

    lines += ["", "Part 2b: sequential validation (Wald SPRT, baseline 1e-4 vs regression 1e-3, alpha = beta = 5%)"]
    t = ops.sequential_test(1e-4, 1e-3)
    lines.append(f"  boundaries ln A = {t.upper_boundary:.3f}, ln B = {t.lower_boundary:.3f}; a failure adds "
                 f"{t.failure_weight:.3f}, a good request {t.success_weight:.2e}")
    lines.append(f"  fixed-size test with the same error rates: {t.fixed_requests:,.0f} requests "
                 f"(reject on more than {t.fixed_allowed_failures:.0f} failures)")
    lines.append(f"  SPRT expected requests: {t.expected_requests_baseline:,.0f} for a good model "
                 f"({t.savings_baseline:.0%} fewer), {t.expected_requests_regressed:,.0f} for a regressed one "
                 f"({t.savings_regressed:.0%} fewer)")
    lines.append(f"  Verdict: decide sequentially; a clean run accepts after {t.requests_to_accept:,.0f} requests, "
                 f"{t.failures_to_reject:.0f} early failures reject at once.")

    lines += ["", "Part 3: ensemble dependencies (every pair coupled, one release per model per cycle)"]
    for n_models in (2, 10, 50):
        e = ops.ensemble_dependencies(n_models)
        lines.append(f"  N = {n_models:>2}: {e.contracts:>5,.0f} contracts, {e.checks_per_release:>3,.0f} checks per "
                     f"release, {e.checks_per_round:>5,.0f} per cycle")
    lines.append("  Verdict: an upstream feature-extractor release must revalidate its downstream consumers;")
    lines.append("  strict immutable contracts make that check explicit instead of a silent skew.")
    return "\n".join(lines)
