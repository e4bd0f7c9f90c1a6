"""The test suite runs with the production settings: DEBUG off unless the environment
turns it on, with secrets of its own (never the demo defaults production refuses)."""

import os

os.environ.setdefault("ONEVISIT_SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("ONEVISIT_DIGEST_KEY", "test-digest-key-not-for-production")

import dj_database_url

from onevisit.settings import *  # noqa: F403

# Tests load the demo catalogue and population (the demo's own tests, the simulation, the
# benchmarks' data sets); one test checks that production refuses them.
ONEVISIT = {**ONEVISIT, "DEMO_ALLOWED": True}  # noqa: F405

# The replica tests (tests/web/test_replica.py) read a real streaming replica of the test
# database: `.ci/run` starts one for the PostgreSQL suite and names it. Its reads stay off
# (REPLICA_READS) except in those tests.
_test_replica = os.environ.get("ONEVISIT_TEST_REPLICA_URL", "")
if _test_replica and DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    DATABASES["replica"] = {**dj_database_url.parse(_test_replica),  # noqa: F405
                            "TEST": {"MIRROR": "default"}}
    DATABASE_ROUTERS = ["onevisit.replica.ReplicaRouter"]
