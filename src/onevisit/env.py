"""One place that reads the environment; every variable is documented here.

`onevisit env` prints this table, so operators see what they can set.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Variable:
    name: str
    default: str
    help: str


VARIABLES: dict[str, Variable] = {}


def _declare(name: str, default: str, help: str) -> Variable:
    variable = Variable(name=name, default=default, help=help)
    VARIABLES[name] = variable
    return variable


DEBUG = _declare(
    "ONEVISIT_DEBUG", "0",
    "1 turns on the development/demo mode (`./dev demo` sets it); off unless set.",
)
SECRET_KEY = _declare(
    "ONEVISIT_SECRET_KEY",
    "insecure-demo-key-change-me",
    "Django secret key. Production refuses to start with the default.",
)
SECRET_KEY_FALLBACKS = _declare(
    "ONEVISIT_SECRET_KEY_FALLBACKS", "",
    "Earlier secret keys, comma-separated, still accepted for sessions and signed links "
    "while a rotation settles (docs/security.md).",
)
DIGEST_KEY = _declare(
    "ONEVISIT_DIGEST_KEY",
    "insecure-demo-digest-key",
    "Key of the digests that let ID numbers and phones be looked up without storing them "
    "(access log, 12345 callers). Separate from the secret key, so rotating that one never "
    "breaks a lookup. Production refuses to start with the default.",
)
DIGEST_KEY_FALLBACKS = _declare(
    "ONEVISIT_DIGEST_KEY_FALLBACKS", "",
    "Earlier digest keys, comma-separated: rows digested under them are still found.",
)
DATABASE_URL = _declare(
    "DATABASE_URL",
    "",
    "Database URL (postgres://user@host/db). Empty: embedded SQLite file in ONEVISIT_DATA_DIR.",
)
DATA_DIR = _declare(
    "ONEVISIT_DATA_DIR", "var", "Directory for the SQLite database, generated PDFs and uploads."
)
HTTPS_ONLY = _declare(
    "ONEVISIT_HTTPS_ONLY", "0",
    "1: the site is served only over HTTPS (production, docs/deploy.md): http:// is "
    "redirected, browsers are told to keep to HTTPS for a year (HSTS), and a load balancer "
    "that ends TLS says so in X-Forwarded-Proto, which it must set itself.",
)
REDIS_URL = _declare(
    "ONEVISIT_REDIS_URL", "",
    "Redis for sessions, the cache and the rate limits' counters (redis://host:6379/0), "
    "shared by every web process of a deployment on several machines (docs/deploy.md). "
    "Empty: sessions and counters in the database, the cache in each process.",
)
REPLICA_URL = _declare(
    "ONEVISIT_REPLICA_URL", "",
    "A PostgreSQL streaming replica of DATABASE_URL (postgres://user@replica-host/db, "
    "docs/deploy.md): the public pages that only read the catalogue (home, guides, search) "
    "read it from there. Empty: everything reads the primary.",
)
REPLICA_MAX_LAG_SECONDS = _declare(
    "ONEVISIT_REPLICA_MAX_LAG_SECONDS", "5",
    "How far behind the primary the replica may be and still be read; and how long after a "
    "browser's own write its pages keep to the primary (read-your-writes).",
)
S3_BUCKET = _declare(
    "ONEVISIT_S3_BUCKET", "",
    "Object storage (S3 API, docs/deploy.md) for uploads and the documents onevisit makes "
    "(sealed certificates, receipts, notices), shared by every machine; credentials from "
    "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. Empty: the folder ONEVISIT_DATA_DIR/media.",
)
S3_AUDIT_BUCKET = _declare(
    "ONEVISIT_S3_AUDIT_BUCKET", "",
    "The bucket of the audit log's signed checkpoints when ONEVISIT_S3_BUCKET is set: one "
    "with a retention lock (S3 Object Lock, WORM) that the database's administrators cannot "
    "rewrite. Empty: audit-checkpoints/ in ONEVISIT_S3_BUCKET.",
)
S3_ENDPOINT_URL = _declare(
    "ONEVISIT_S3_ENDPOINT_URL", "",
    "The S3 service's address for a store other than AWS (MinIO, Ceph, a cloud's S3-"
    "compatible service: https://oss.example.gov.cn). Empty: AWS.",
)
S3_REGION = _declare("ONEVISIT_S3_REGION", "", "The S3 region, where the service needs one.")
TASK_QUEUE_URL = _declare(
    "ONEVISIT_TASK_QUEUE_URL", "",
    "Where background work waits (docs/deploy.md), run by any number of `onevisit worker` "
    "on any machines. Empty: a table in the database (django-tasks-db). "
    "redis://host:6379/1: an RQ queue on that Redis (django-tasks-rq).",
)
ARCHIVE_DIR = _declare(
    "ONEVISIT_ARCHIVE_DIR",
    "",
    "Directory of the electronic archive (BagIt packages of closed applications), unless "
    "ONEVISIT_S3_BUCKET is set (then archive/ in that bucket). Empty: ONEVISIT_DATA_DIR/archive.",
)
KEY_DIR = _declare(
    "ONEVISIT_KEY_DIR",
    "",
    "Directory of the seal PKI's private keys (the issuing CA and each department's seal); "
    "mode 0700, keys 0600, never in the database or an export. Empty: ONEVISIT_DATA_DIR/keys.",
)
AUDIT_CHECKPOINT_DIR = _declare(
    "ONEVISIT_AUDIT_CHECKPOINT_DIR",
    "",
    "Directory of the audit log's signed checkpoints, written outside the database so a cut "
    "or rewritten log is detected; in production on another machine or WORM storage. "
    "Empty: ONEVISIT_DATA_DIR/audit-checkpoints.",
)
AUDIT_CHAINS = _declare(
    "ONEVISIT_AUDIT_CHAINS", "8",
    "Audit log: how many hash chains concurrent transactions append to, each to the first "
    "one no other holds (PostgreSQL; SQLite writes one at a time and uses one). Lowering it "
    "leaves the chains above in the log, closed.",
)
AUDIT_CHECKPOINT_EVENTS = _declare(
    "ONEVISIT_AUDIT_CHECKPOINT_EVENTS", "1000",
    "Audit log: write a signed checkpoint after this many events since the last one.",
)
AUDIT_CHECKPOINT_SECONDS = _declare(
    "ONEVISIT_AUDIT_CHECKPOINT_SECONDS", "300",
    "Audit log: write a signed checkpoint at the first event this many seconds after the "
    "last one.",
)
DASHBOARD_STALE_MINUTES = _declare(
    "ONEVISIT_DASHBOARD_STALE_MINUTES", "15",
    "Dashboard: warn that the figures are stale when the rollups behind them are older "
    "than this many minutes (the rollup task runs every few minutes).",
)
PUBLIC_URL = _declare(
    "ONEVISIT_PUBLIC_URL",
    "http://127.0.0.1:8000",
    "The site's public address: certificates carry a QR code of PUBLIC_URL/verify/<code>, "
    "and seal certificates name PUBLIC_URL/pki/ca.crl as their CRL.",
)
ALLOWED_HOSTS = _declare(
    "ONEVISIT_ALLOWED_HOSTS", "127.0.0.1,localhost", "Comma-separated host names served."
)
CJK_FONT = _declare(
    "ONEVISIT_CJK_FONT",
    "",
    "Path of the CJK font for PDFs. Empty: looked up with fontconfig (Noto Sans CJK SC).",
)
EVIDENCE_SOURCES = _declare(
    "ONEVISIT_EVIDENCE_SOURCES",
    "",
    "Evidence sources reached over HTTP, as code=URL pairs separated by commas "
    "(population=https://rk.example.gov.cn/exchange); each replaces the reference registry "
    "of that code. Empty: every source is the reference registry in this database.",
)
EVIDENCE_TOKEN = _declare(
    "ONEVISIT_EVIDENCE_TOKEN", "", "Bearer token sent to the HTTP evidence sources."
)
WORKING_HOURS = _declare(
    "ONEVISIT_WORKING_HOURS", "09:00-12:00,13:30-17:00",
    "Working hours of a working day (HH:MM-HH:MM, comma-separated, in order): a time limit "
    "in minutes counts only the minutes inside them on working days (docs/calendar.md).",
)
HOTLINE_MAX_RETURNS = _declare(
    "ONEVISIT_HOTLINE_MAX_RETURNS", "2",
    "12345: how many times departments may return (退单) one ticket to the dispatcher.",
)
HOTLINE_MAX_REOPENS = _declare(
    "ONEVISIT_HOTLINE_MAX_REOPENS", "2",
    "12345: how many times an unsatisfied caller reopens (重办) a ticket before it is escalated.",
)
OPEN311_JURISDICTION = _declare(
    "ONEVISIT_OPEN311_JURISDICTION", "330106",
    "12345: the GB/T 2260 code of the region the hotline serves (a county, a city or a "
    "province). It and every region below it are Open311 GeoReport v2 jurisdictions "
    "(jurisdiction_id = the region's code); a request that names none is the whole region's.",
)
STAFF_SESSION_HOURS = _declare(
    "ONEVISIT_STAFF_SESSION_HOURS", "9",
    "How long a staff member's sign-in lasts (a working day); citizens keep "
    "ONEVISIT_CITIZEN_SESSION_HOURS.",
)
CITIZEN_SESSION_HOURS = _declare(
    "ONEVISIT_CITIZEN_SESSION_HOURS", "24", "How long a citizen's sign-in lasts.",
)
API_TOKEN_DAYS = _declare(
    "ONEVISIT_API_TOKEN_DAYS", "90",
    "Default lifetime of a new API token (`onevisit token create … --days N` overrides it).",
)
LOGIN_FAILURES = _declare(
    "ONEVISIT_LOGIN_FAILURES", "5",
    "Wrong passwords before an account's sign-in is locked (per address: the `signin` "
    "rate limit of ONEVISIT_RATE_LIMITS).",
)
LOGIN_LOCKOUT_MINUTES = _declare(
    "ONEVISIT_LOGIN_LOCKOUT_MINUTES", "15", "How long a sign-in lockout lasts.",
)
RATE_LIMITS = _declare(
    "ONEVISIT_RATE_LIMITS",
    "kiosk=30/m,appointment=10/h,verify=30/m,open311=20/h,signin=30/h,phone_code=5/h,"
    "progress=30/h,appeal=10/h",
    "Per-address limits of anonymous endpoints that create things: queue numbers at the "
    "kiosk, appointments, certificate verification by upload, Open311 filings, public "
    "progress lookups (progress), 12345 web-form filings (appeal); wrong "
    "passwords from one address (signin); sign-up codes sent by SMS, per address and per "
    "phone number (phone_code) (name=count/period, period s, m, h or d).",
)
SMS_SENDER = _declare(
    "ONEVISIT_SMS_SENDER", "onevisit.notifications.senders.OutboxSms",
    "The SMS sender plugin (a subclass of onevisit.notifications.senders.SmsSender); the "
    "default keeps each SMS in the outbox shown on /outbox/.",
)
EMAIL_BACKEND = _declare(
    "ONEVISIT_EMAIL_BACKEND", "onevisit.notifications.senders.OutboxEmailBackend",
    "Django's e-mail backend for notifications (e.g. "
    "django.core.mail.backends.smtp.EmailBackend with EMAIL_HOST etc. set in "
    "ONEVISIT_EMAIL_HOST); the default keeps each e-mail in the outbox.",
)
EMAIL_HOST = _declare("ONEVISIT_EMAIL_HOST", "localhost", "SMTP server for e-mail.")
EMAIL_FROM = _declare("ONEVISIT_EMAIL_FROM", "noreply@onevisit.invalid",
                      "The sender address of notification e-mails.")
PERSON_EVIDENCE = _declare(
    "ONEVISIT_PERSON_EVIDENCE", "resident_id_card",
    "The evidence type checked when a citizen signs up: her name must be the one the "
    "population registry holds for her ID number.",
)
ENTERPRISE_EVIDENCE = _declare(
    "ONEVISIT_ENTERPRISE_EVIDENCE", "business_licence",
    "The evidence type checked when an account binds itself to a company as its legal "
    "representative (the record's legal_representative must be the account's name).",
)
SCHEDULE = _declare(
    "ONEVISIT_SCHEDULE", "",
    "Periods of the scheduler's periodic jobs, as job=period pairs separated by commas "
    "(deadline_scan=5m,dispatch_learn=off; period 30s, 10m, 2h or 1d, or off). Unnamed jobs "
    "keep their default: production periods, or the demo's short ones in demo mode "
    "(docs/operations.md lists both).",
)
SCHEDULE_ATTEMPTS = _declare(
    "ONEVISIT_SCHEDULE_ATTEMPTS", "3",
    "How many times a failing periodic job is tried before its run is reported failed.",
)
SCHEDULE_RETRY_SECONDS = _declare(
    "ONEVISIT_SCHEDULE_RETRY_SECONDS", "60",
    "Delay before a failed periodic job's first retry; each further retry waits twice as long.",
)
SCHEDULER_LEASE_SECONDS = _declare(
    "ONEVISIT_SCHEDULER_LEASE_SECONDS", "30",
    "How long the active scheduler's lease lasts without renewal: a standby scheduler takes "
    "over this long after the active one dies.",
)
SITE_CENTRE = _declare(
    "ONEVISIT_SITE_CENTRE", "zh-hans=西湖区政务服务网,en=Xihu District Government Services",
    "The portal's name in its header, per language (code=name,…; the Chinese is the "
    "fallback).",
)
SITE_OWNER = _declare(
    "ONEVISIT_SITE_OWNER",
    "zh-hans=杭州市西湖区人民政府办公室,en=General Office of the Xihu District People's "
    "Government",
    "主办单位 in the portal's footer, per language (code=name,…).",
)
SITE_CODES = _declare(
    "ONEVISIT_SITE_CODES", "网站标识码 3301060000（演示）",
    "The footer's registration line (网站标识码, ICP 备案号, 公网安备号), shown as given; empty "
    "hides it.",
)
PAYMENT_PROVIDER = _declare(
    "ONEVISIT_PAYMENT_PROVIDER", "reference",
    "The payment provider plugin new payment orders go to (docs/payments.md): `reference`, "
    "the built-in reference gateway (参考支付平台（演示）, cashier under /paygate/), or a "
    "registered plugin's code. Its notifications come to ONEVISIT_PUBLIC_URL/payments/notify/"
    "<provider>/, so that address must reach this site.",
)
LOG_LEVEL = _declare("ONEVISIT_LOG_LEVEL", "INFO", "Log level (DEBUG, INFO, WARNING).")


def get(variable: Variable) -> str:
    return os.environ.get(variable.name, variable.default)


def get_bool(variable: Variable) -> bool:
    return get(variable).strip().lower() in {"1", "true", "yes", "on"}


def get_list(variable: Variable) -> list[str]:
    return [part.strip() for part in get(variable).split(",") if part.strip()]


def get_pairs(variable: Variable) -> dict[str, str]:
    """`a=x,b=y` as a mapping; a part without `=` is an error an operator must fix."""
    pairs = {}
    for part in get_list(variable):
        key, sep, value = part.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ValueError(f"{variable.name}: {part!r} is not of the form code=value")
        pairs[key.strip()] = value.strip()
    return pairs
