"""Test-wide settings: a hypothesis profile without per-example deadlines.

pint arithmetic makes single examples take milliseconds, and CI machines vary; a
deadline would make property tests flaky without testing anything about the models.
Timing belongs in benchmarks/.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile("default", deadline=None, max_examples=60,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", deadline=None, max_examples=60, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", deadline=None, max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "default"))
