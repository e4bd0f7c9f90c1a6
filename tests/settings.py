"""The test suite runs with the production settings: DEBUG off unless the environment
turns it on, with secrets of its own (never the demo defaults production refuses)."""

import os

os.environ.setdefault("ONEVISIT_SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("ONEVISIT_DIGEST_KEY", "test-digest-key-not-for-production")

from onevisit.settings import *  # noqa: F403

# Tests load the demo catalogue and population (the demo's own tests, the simulation, the
# benchmarks' data sets); one test checks that production refuses them.
ONEVISIT = {**ONEVISIT, "DEMO_ALLOWED": True}  # noqa: F405
