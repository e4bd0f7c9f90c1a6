"""The engines a deployment on several machines swaps in by configuration (docs/deploy.md).

Each function returns the Django settings of one engine. `onevisit.settings` applies the
ones the environment names; the tests apply the same ones to a real server. Nothing here
changes code paths: sessions, the cache, background work and files keep Django's and
django-tasks' own APIs.
"""

from __future__ import annotations

from typing import Any

# The longest background work (training the 12345 dispatcher, verifying a province's audit
# log) takes minutes; RQ stops a job at its timeout and retries it.
TASK_TIMEOUT_SECONDS = 3600


def redis_settings(url: str) -> dict[str, Any]:
    """Sessions and the cache in Redis, so that every web process shares them and a process
    holds nothing another one needs. The rate limits' counters follow the cache when
    `ONEVISIT["RATE_COUNTERS"]` is "cache" (`onevisit.settings` sets it with this). The
    cached public pages keep a copy in each process in front of Redis ("pages",
    web.page_cache): their keys name the catalogue revision, so a copy never goes stale."""
    return {
        "CACHES": {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": url,
                "KEY_PREFIX": "onevisit",
            },
            "pages": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": "onevisit-pages",
                "OPTIONS": {"MAX_ENTRIES": 2_000},
            },
        },
        "SESSION_ENGINE": "django.contrib.sessions.backends.cache",
    }


def s3_settings(*, bucket: str, audit_bucket: str, endpoint_url: str, region: str,
                storages: dict[str, Any]) -> dict[str, Any]:
    """Files in object storage (django-storages' S3 backend): the default storage (uploads,
    sealed certificates, receipts, notices) replaces an object whole when a document is
    made again; the audit checkpoints' storage only ever adds (a name taken gets another);
    the archive's packages, one tar object each, under archive/ (archive.services.store)."""
    common = {"endpoint_url": endpoint_url or None, "region_name": region or None,
              "signature_version": "s3v4", "default_acl": None}
    return {
        "STORAGES": {
            **storages,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {**common, "bucket_name": bucket, "file_overwrite": True},
            },
            "audit_checkpoints": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {**common, "bucket_name": audit_bucket or bucket,
                            "location": "" if audit_bucket else "audit-checkpoints",
                            "file_overwrite": False},
            },
            "archive": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {**common, "bucket_name": bucket, "location": "archive",
                            "file_overwrite": False},
            },
        },
    }


def rq_settings(url: str, *, queues: list[str]) -> dict[str, Any]:
    """Background work on an RQ queue in Redis (django-tasks-rq): the same `task.enqueue()`,
    run by `onevisit rqworker --with-scheduler` on any number of machines. Every job has
    retries, so one whose worker died mid-run is run again once RQ finds it abandoned."""
    return {
        "TASKS": {
            "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": queues},
        },
        "RQ_QUEUES": {
            name: {"URL": url, "DEFAULT_TIMEOUT": TASK_TIMEOUT_SECONDS} for name in queues
        },
        "RQ": {
            "JOB_CLASS": "django_tasks_rq.Job",
            "QUEUE_CLASS": "onevisit.ops.queue.RetryingQueue",
            "WORKER_CLASS": "onevisit.ops.queue.Worker",
        },
    }
