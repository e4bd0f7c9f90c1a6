"""The distributed engines a benchmark can also run its server on, in the same run as the
embedded defaults: Redis for sessions, the cache and rate counters, an RQ queue on Redis
for background work, an S3 server for files, and (PostgreSQL only) a streaming replica for
the pages that may read one — configured exactly as docs/deploy.md configures a server,
through its environment. Each run gets a bucket and Redis databases of its own."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from django.db import connection

# The S3 server's credentials: any pair for a test server (moto accepts every key).
_S3_KEY = {"AWS_ACCESS_KEY_ID": "onevisit-bench", "AWS_SECRET_ACCESS_KEY": "onevisit-bench"}


@dataclass(frozen=True)
class Engines:
    env: dict[str, str]
    label: str  # what the row names: "Redis + RQ + S3 + replica"


def _redis_db(url: str, db: int) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{db}"))


def engines_configure(*, redis_url: str, s3_url: str, replica_url: str) -> Engines | None:
    """The server environment for the distributed engines, or None if none was named.
    Redis needs the S3 server too (and the other way round): the figure is the topology's,
    not one engine's."""
    if not (redis_url or s3_url or replica_url):
        return None
    if not (redis_url and s3_url):
        raise ValueError("--redis-url and --s3-url go together (the replica is optional)")
    if replica_url and connection.vendor != "postgresql":
        raise ValueError("--replica-url needs PostgreSQL (DATABASE_URL)")
    import boto3  # the test extras: benchmarks run from a checkout with them
    import redis

    for db in (4, 5):  # what an earlier run left (its queued jobs: no worker runs here)
        redis.Redis.from_url(_redis_db(redis_url, db)).flushdb()
    bucket = f"onevisit-bench-{uuid.uuid4().hex[:10]}"
    boto3.client("s3", endpoint_url=s3_url, region_name="us-east-1", aws_access_key_id=
                 _S3_KEY["AWS_ACCESS_KEY_ID"], aws_secret_access_key=
                 _S3_KEY["AWS_SECRET_ACCESS_KEY"]).create_bucket(Bucket=bucket)
    env = {"ONEVISIT_REDIS_URL": _redis_db(redis_url, 4),
           "ONEVISIT_TASK_QUEUE_URL": _redis_db(redis_url, 5),
           "ONEVISIT_S3_BUCKET": bucket, "ONEVISIT_S3_ENDPOINT_URL": s3_url,
           "ONEVISIT_S3_REGION": "us-east-1", **_S3_KEY}
    label = "Redis + RQ + S3"
    if replica_url:
        env["ONEVISIT_REPLICA_URL"] = replica_url
        label += " + replica"
    return Engines(env=env, label=label)
