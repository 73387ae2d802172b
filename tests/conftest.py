"""Shared test setup: hypothesis profiles, and kpsim's cache in a folder of the run's own.

`ci` (derandomised, bounded) is the default everywhere, so a newcomer's run takes as long as CI's;
`HYPOTHESIS_PROFILE=dev` opts into the deep profile (300 examples, about five times longer)."""

from __future__ import annotations

import os
import tempfile

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=40,
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "dev",
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or "ci")

# Tests (and the CLI processes they start) never read or write the user's ~/.cache/kpsim.
os.environ.setdefault("KPSIM_CACHE_DIR", tempfile.mkdtemp(prefix="kpsim-test-cache-"))
