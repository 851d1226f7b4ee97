"""Hypothesis profiles for the parser property tests: "default" (200 examples) and "fuzz" (10,000).

Select with the environment variable HYPOTHESIS_PROFILE (``make fuzz`` sets it to "fuzz").
"""
from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("default", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
