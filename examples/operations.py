"""Operations at scale: reproduces "Machine Learning Systems, Vol. 2, Lab 12: Operations at Scale".

Part 1  The platform ROI audit: manual toil grows as O(N) alerts + O(N log N)
        deployments + O(N^2) dependencies; at what model count N* does a
        500,000 USD platform pay for itself?
Part 2  The canary duration: how many requests (and how long in shadow mode)
        to be 95% confident a new model has no 1-in-1,000 regression, within a
        one-week release cycle? And a sequential test that decides sooner.
Part 3  The ensemble lockdown: how many upstream/downstream contracts a release
        must revalidate when models feed each other.

Figures from the lab: a 500k USD platform; 95% confidence; a 1-in-1,000 edge
case (ln 0.05 / ln 0.999 = 2,995 requests; the rule of three says 3,000); a
one-week release cycle. The per-model toil costs, the 80% toil reduction and
the traffic figures are scenario assumptions; every number is read from
``mlsysim.scenarios.OPERATIONS``, which labels each one.

Run:  python examples/operations.py
"""

from __future__ import annotations

import numpy as np

from mlsysim.models import ops
from mlsysim.scenarios import OPERATIONS as OP

# ---------------------------------------------------------------------------
# Part 1: the platform ROI audit
# ---------------------------------------------------------------------------
# Scenario assumptions: each model costs 5,000 USD/year of alert handling and
# 2,000 USD/year x log2(N) of deployment work; each coupled pair of models
# 1,000 USD/year of dependency work. The platform costs 500,000 USD/year
# (the lab's 500k, amortised over a year) and removes 80% of the toil.
COSTS = dict(alert_cost=OP.alert_cost, deploy_cost=OP.deploy_cost, dependency_cost=OP.dependency_cost)
PLATFORM = dict(platform_cost=OP.platform_cost, toil_reduction=OP.toil_reduction)


def usd_per_year(q):
    return f"{q.to('USD/year').m:,.0f} USD/yr"


def duration(q):
    """Hours below two days, days above."""
    hours = q.to("h").m
    return f"{hours:.2f} h" if hours < 48 else f"{q.to('day').m:.2f} days"


print("Part 1: platform ROI audit (toil = a N + d N log2 N + c h N(N-1)/2)")
print(f"  {'N':>4}{'manual toil':>20}{'platform ROI':>20}  dominant term")
for n in OP.model_counts:
    toil = ops.toil_breakdown(n, **COSTS)
    roi = ops.platform_roi(n, **PLATFORM, **COSTS)      # 80% of toil saved - platform cost
    print(f"  {n:>4}{usd_per_year(toil.total):>20}{usd_per_year(roi):>20}  {toil.dominant} "
          f"({toil.dependency_share:.0%} of the toil is dependencies)")

# Heterogeneity h is the share of model pairs that are coupled (h = 0: identical,
# independent models). break_even_models broadcasts, so ask for three h at once.
h = np.array(OP.heterogeneities)
n_star = ops.break_even_models(heterogeneity=h, **PLATFORM, **COSTS)
for hi, ni in zip(h, n_star):
    print(f"  heterogeneity {hi:>3}: the platform breaks even at N* = {ni:.0f} models")
roi50 = ops.platform_roi(OP.fleet_models, **PLATFORM, **COSTS)
print(f"  verdict: at {OP.fleet_models} LLM versions build the platform (it returns {usd_per_year(roi50)});")
print("  heterogeneity (the O(N^2) pairs) pulls N* down faster than scale alone.")

# ---------------------------------------------------------------------------
# Part 2: the canary duration
# ---------------------------------------------------------------------------
# Seeing zero failures in n requests rules out a failure rate p with confidence
# c when (1 - p)^n <= 1 - c: n >= ln(1 - c) / ln(1 - p).
c, p1 = OP.confidence, OP.failure_rate
n = ops.canary_sample_size(c, p1)
print()
print(f"Part 2: canary and shadow windows ({c:.0%} confidence, {OP.release_cycle:g~P} release cycle)")
print(f"  1-in-{1 / p1:,.0f} edge case, zero failures seen: {n:,} requests "
      f"(ln {1 - c:.2f} / ln {1 - p1:g} = {np.log(1 - c) / np.log1p(-p1):.1f}; "
      f"rule of three: 3 / {p1:g} = {3 / p1:,.0f})")
k = ops.canary_sample_size(c, p1, allowed_failures=np.array([1, 2]))
print(f"  tolerating 1 or 2 failures: {k[0]:,} or {k[1]:,} requests")

# Shadow mode mirrors a share of live traffic. Scenario: 10 requests/s, 5% mirrored.
rates = np.array(OP.shadow_failure_rates)
plan = ops.shadow_plan(c, rates, OP.request_rate, OP.traffic_fraction, release_cycle=OP.release_cycle)
print(f"  shadow mode at {OP.request_rate.m:g} requests/s, {OP.traffic_fraction:.0%} mirrored:")
for i, p in enumerate(rates):
    row = plan[i]
    verdict = "fits the week" if row.fits else f"misses the week; mirror {row.required_fraction:.0%} of traffic"
    print(f"    1 in {1 / p:>9,.0f}: {row.requests:>9,} requests, {duration(row.duration):>10} -> {verdict}")

# Sequential validation (Wald's SPRT): decide after every request instead of
# waiting for a fixed sample. Baseline 1e-4 vs a regression to 1e-3, 5% errors.
t = ops.sequential_test(OP.baseline_rate, OP.regressed_rate)
print(f"  sequential validation (SPRT, {OP.baseline_rate:g} vs {OP.regressed_rate:g}, alpha = beta = 5%):")
print(f"    fixed-size test: {t.fixed_requests:,.0f} requests; SPRT on average")
print(f"    {t.expected_requests_baseline:,.0f} for a good model ({t.savings_baseline:.0%} fewer), "
      f"{t.expected_requests_regressed:,.0f} for a regressed one ({t.savings_regressed:.0%} fewer)")
print(f"    a clean run accepts after {t.requests_to_accept:,.0f} requests; "
      f"{t.failures_to_reject:.0f} early failures reject at once")
print(f"  verdict: ~{n:,} requests prove a 1-in-{1 / p1:,.0f} rate in {duration(plan[0].duration)} of "
      f"{OP.traffic_fraction:.0%} shadow traffic;")
print("  rarer edge cases need more traffic or a sequential test, not a 3-month window.")

# ---------------------------------------------------------------------------
# Part 3: the ensemble lockdown
# ---------------------------------------------------------------------------
print()
print("Part 3: ensemble dependencies (every pair coupled, one release per model per cycle)")
for n_models in OP.ensemble_sizes:
    e = ops.ensemble_dependencies(n_models)
    print(f"  N = {n_models:>2}: {e.contracts:>5,.0f} contracts, "
          f"{e.checks_per_release:>3,.0f} checks per release, "
          f"{e.checks_per_round:>5,.0f} per release cycle")
print("  verdict: updating the feature extractor without revalidating (or retraining) its")
print("  consumers is a silent training-serving skew; strict immutable contracts make each")
print("  check explicit.")
