"""Django settings, read from the environment through `onevisit.env`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dj_database_url
import structlog
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from onevisit import env, topology

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env.get(env.DATA_DIR)).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.get_bool(env.DEBUG)
SECRET_KEY = env.get(env.SECRET_KEY)
SECRET_KEY_FALLBACKS = env.get_list(env.SECRET_KEY_FALLBACKS)
for _secret in (env.SECRET_KEY, env.DIGEST_KEY):
    if not DEBUG and env.get(_secret) == _secret.default:
        raise ImproperlyConfigured(
            f"{_secret.name} is the demo default; set a secret of your own in production."
        )
ALLOWED_HOSTS = env.get_list(env.ALLOWED_HOSTS)
if DEBUG:
    ALLOWED_HOSTS += ["testserver"]

# The department queue's index covers `warn_at` on PostgreSQL (INCLUDE); SQLite builds the
# same index without it, which is all a county pilot needs — no warning on every command.
# django-axes locks accounts only: wrong passwords per address are counted by onevisit
# itself with a higher limit (`web.signin`), so a hall's shared address is not locked out.
SILENCED_SYSTEM_CHECKS = ["models.W040", "axes.W006"]

INSTALLED_APPS = [
    # The catalogue's own content in the visitor's language (before the admin: it patches it).
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "onevisit.accounts",
    "onevisit.audit",
    "onevisit.workdays",
    "onevisit.notifications",
    "onevisit.files",
    "onevisit.catalogue",
    "onevisit.lifeevents",
    "onevisit.credit",
    "onevisit.search",
    "onevisit.exchange",
    "onevisit.applications",
    "onevisit.workflow",
    "onevisit.certificates",
    "onevisit.delivery",
    "onevisit.hall",
    "onevisit.supervision",
    "onevisit.metrics",
    "onevisit.feedback",
    "onevisit.archive",
    "onevisit.hotline",
    "onevisit.inspection",
    "onevisit.payments",
    "onevisit.towns",
    "onevisit.awards",
    "onevisit.api",
    "onevisit.web",
    "onevisit.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "onevisit.api.middleware.InputGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "onevisit.web.replica.ReplicaWritesMiddleware",
]

ROOT_URLCONF = "onevisit.urls"
WSGI_APPLICATION = "onevisit.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "onevisit.web.context.citizen_counts",
                "onevisit.web.site.site",
            ],
        },
    },
]

_database_url = env.get(env.DATABASE_URL)
_database = dj_database_url.parse(_database_url, conn_max_age=60) if _database_url else {
    "ENGINE": "django.db.backends.sqlite3", "NAME": str(DATA_DIR / "onevisit.sqlite3"),
}
if _database["ENGINE"] == "django.db.backends.sqlite3":
    # The same SQLite settings whether the file is named by DATABASE_URL or not. WAL lets
    # readers work while one writer commits; IMMEDIATE takes the write lock at BEGIN so two
    # writers queue (up to the timeout) instead of failing half-way.
    _database = {
        "ENGINE": "django.db.backends.sqlite3", "NAME": _database["NAME"],
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }
DATABASES = {"default": _database}
# A streaming replica for the pages that only read the catalogue (onevisit.replica).
_replica_url = env.get(env.REPLICA_URL)
if _replica_url:
    DATABASES["replica"] = {**dj_database_url.parse(_replica_url, conn_max_age=60),
                            "TEST": {"MIRROR": "default"}}
    if not all(DATABASES[alias]["ENGINE"].endswith("postgresql")
               for alias in ("default", "replica")):
        raise ImproperlyConfigured(
            f"{env.REPLICA_URL.name}: a replica is a PostgreSQL streaming replica of a "
            f"PostgreSQL {env.DATABASE_URL.name}; both must be postgres:// URLs."
        )
    DATABASE_ROUTERS = ["onevisit.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sign-in is throttled per account by django-axes (a few wrong passwords lock it for a
# while), and per address by `web.signin` with a higher limit: a hall's staff share one
# address, and one mistyped account must not lock them all out. The lockout page and its
# audit row come from `web.signin`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(env.get(env.LOGIN_FAILURES))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(env.get(env.LOGIN_LOCKOUT_MINUTES)))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "onevisit.web.signin.lockout_response"
AXES_VERBOSE = False

# A staff member's sign-in lasts a working day; a citizen's its own, shorter or longer.
SESSION_COOKIE_AGE = int(float(env.get(env.CITIZEN_SESSION_HOURS)) * 3600)

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
# Staff land on their own workbench (`web.signin`); citizens on the home page.
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Catalogue content (item, life-event, field, material, department and hall-category names)
# has a column per language; a visitor's language without a translation shows the Chinese.
MODELTRANSLATION_DEFAULT_LANGUAGE = "zh-hans"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("zh-hans",)
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# Filings carry their scanned materials base64-encoded in the JSON body: each file may be
# up to 10 MB (checked per file, with a clear message), so the body may be much larger
# than Django's 2.5 MB default.
DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024 * 1024

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "media/"

# Files go through Django's storage API. The audit log's signed checkpoints have their own
# storage, outside the database; point it at object storage with a retention lock (WORM,
# e.g. django-storages' S3 backend) or another machine's mount in production.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "audit_checkpoints": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": str(Path(env.get(env.AUDIT_CHECKPOINT_DIR)
                                 or DATA_DIR / "audit-checkpoints").resolve()),
            "file_permissions_mode": 0o640,
            "directory_permissions_mode": 0o750,
        },
    },
}

# Notification e-mails (onevisit.notifications); the default keeps them in the outbox.
EMAIL_BACKEND = env.get(env.EMAIL_BACKEND)
EMAIL_HOST = env.get(env.EMAIL_HOST)
DEFAULT_FROM_EMAIL = env.get(env.EMAIL_FROM)

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# The cache of one process; it holds the public pages (web.page_cache, compressed, a few
# KB each): room for every guide of a county in both languages.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                      "OPTIONS": {"MAX_ENTRIES": 10_000}}}

# On several machines (docs/deploy.md): sessions, the cache and the rate limits' counters
# in Redis; files in object storage; background work on an RQ queue. Unset, the
# single-machine defaults above stay.
_redis_url = env.get(env.REDIS_URL)
if _redis_url:
    globals().update(topology.redis_settings(_redis_url))
if env.get(env.S3_BUCKET):
    globals().update(topology.s3_settings(
        bucket=env.get(env.S3_BUCKET), audit_bucket=env.get(env.S3_AUDIT_BUCKET),
        endpoint_url=env.get(env.S3_ENDPOINT_URL), region=env.get(env.S3_REGION),
        storages=STORAGES))
_task_queue_url = env.get(env.TASK_QUEUE_URL)
if _task_queue_url:
    if not _task_queue_url.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            f"{env.TASK_QUEUE_URL.name}: only a Redis URL (redis://, rediss://, unix://) is "
            "supported; leave it empty for the database queue."
        )
    globals().update(topology.rq_settings(_task_queue_url, queues=["default"]))
    INSTALLED_APPS.append("django_rq")

# Periodic jobs: `onevisit scheduler` enqueues each job's task every period and the task
# worker runs it (docs/operations.md). Each job: its task, its production period and the
# demo's short one. ONEVISIT_SCHEDULE overrides periods by name. A new job is one line.
_JOBS = {
    "deadline_scan": ("onevisit.workflow.tasks.deadline_scan_task", "10m", "1m"),
    "rollups": ("onevisit.metrics.tasks.rollups_refresh_task", "10m", "2m"),
    "appointments_missed": ("onevisit.hall.tasks.appointments_mark_missed_task", "30m", "5m"),
    "dispatch_learn": ("onevisit.hotline.tasks.dispatch_learn", "1d", "30m"),
    "archive_pending": ("onevisit.archive.tasks.packages_create_pending_task", "1h", "5m"),
    "crl_publish": ("onevisit.certificates.tasks.crl_refresh_task", "1h", "30m"),
    "files_sweep": ("onevisit.files.tasks.files_sweep_task", "1h", "15m"),
    "audit_checkpoint": ("onevisit.audit.tasks.audit_checkpoint_task", "1h", "10m"),
    "audit_verify": ("onevisit.audit.tasks.audit_verify_task", "1d", "1h"),
    "archive_verify": ("onevisit.archive.tasks.packages_verify_task", "7d", "1d"),
    "runs_prune": ("onevisit.ops.tasks.job_runs_prune_task", "1d", "1d"),
    "tolerated_overdue": ("onevisit.workflow.tasks.tolerated_overdue_scan", "1h", "5m"),
    "tolerated_reminders": ("onevisit.applications.tasks.tolerated_reminders_task", "1h", "5m"),
    "follow_ups_due": ("onevisit.supervision.tasks.follow_ups_due_scan_task", "10m", "2m"),
    "supervision_rules": ("onevisit.supervision.tasks.rules_scan_task", "1h", "2m"),
    "notifications_retry": ("onevisit.notifications.tasks.notifications_retry", "1m", "1m"),
    "inspection_targets": ("onevisit.inspection.tasks.targets_refresh_task", "1d", "1h"),
    "inspection_rectifications": ("onevisit.inspection.tasks.rectification_overdue_task", "1h",
                                  "5m"),
    "rectifications_due": ("onevisit.feedback.tasks.rectifications_overdue_scan_task", "1h", "5m"),
    # The payment platform (docs/payments.md): the reference gateway's notifications and
    # their retries, unpaid orders whose notification has not come, unconfirmed refunds,
    # and yesterday's reconciliation (a daily job runs soon after midnight).
    "paygate_notify": ("onevisit.payments.tasks.paygate_notify_task", "30s", "30s"),
    "payments_query": ("onevisit.payments.tasks.orders_query_task", "5m", "1m"),
    "refunds_retry": ("onevisit.payments.tasks.refunds_retry_task", "10m", "2m"),
    "reconcile": ("onevisit.payments.tasks.reconcile_task", "1d", "1h"),
}
SCHEDULE = {name: {"task": task, "every": demo if DEBUG else production}
            for name, (task, production, demo) in _JOBS.items()}
for _name, _every in env.get_pairs(env.SCHEDULE).items():
    if _name not in SCHEDULE:
        raise ImproperlyConfigured(
            f"{env.SCHEDULE.name}: there is no periodic job {_name!r}; the jobs are "
            + ", ".join(SCHEDULE)
        )
    SCHEDULE[_name] = {**SCHEDULE[_name], "every": _every}

# Every page: scripts and styles only from our own origin or with the response's nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
if env.get_bool(env.HTTPS_ONLY):
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.get(env.LOG_LEVEL)},
    "loggers": {
        # The exchange keeps its own access log: no line per HTTP request.
        "httpx": {"level": "WARNING"}, "httpcore": {"level": "WARNING"},
        # bagit logs each file it bags and each problem it finds; the archive reports those.
        # pyHanko logs a revoked or tampered seal with a traceback; verification reports it.
        "bagit": {"level": "ERROR"}, "pyhanko": {"level": "ERROR"},
        "pyhanko_certvalidator": {"level": "ERROR"},
        # WeasyPrint logs each rendering step of every PDF; its warnings stay.
        "weasyprint.progress": {"level": "WARNING"},
        # django-axes logs every sign-in; the audit log keeps the lockouts.
        "axes": {"level": "WARNING"},
        # APScheduler logs each firing; the scheduler logs what it enqueues (ops.scheduler).
        "apscheduler": {"level": "WARNING"},
    },
}
# structlog events (an event name plus fields) go through the standard logging above.
structlog.configure(
    processors=[
        structlog.stdlib.filter_by_level,
        structlog.processors.TimeStamper(fmt="iso"),
        structlog.processors.KeyValueRenderer(key_order=["event"], sort_keys=True),
    ],
    logger_factory=structlog.stdlib.LoggerFactory(),
    wrapper_class=structlog.stdlib.BoundLogger,
    cache_logger_on_first_use=True,
)

ONEVISIT = {
    # The electronic archive (电子文件归档): one BagIt package per closed application.
    "ARCHIVE_DIR": Path(env.get(env.ARCHIVE_DIR) or DATA_DIR / "archive").resolve(),
    "CJK_FONT": env.get(env.CJK_FONT),
    # The seal PKI: private keys in KEY_DIR (checked at start-up), the published CA
    # certificate and CRL in PKI_DIR.
    "KEY_DIR": Path(env.get(env.KEY_DIR) or DATA_DIR / "keys").resolve(),
    "PKI_DIR": DATA_DIR / "pki",
    # The audit log: chains appended to side by side; a signed checkpoint of all their
    # heads after this many events in one chain or seconds since its last.
    "AUDIT_CHAINS": int(env.get(env.AUDIT_CHAINS)),
    "AUDIT_CHECKPOINT_EVENTS": int(env.get(env.AUDIT_CHECKPOINT_EVENTS)),
    "AUDIT_CHECKPOINT_SECONDS": int(env.get(env.AUDIT_CHECKPOINT_SECONDS)),
    "DASHBOARD_STALE_MINUTES": int(env.get(env.DASHBOARD_STALE_MINUTES)),
    "PUBLIC_URL": env.get(env.PUBLIC_URL).rstrip("/"),
    "DIGEST_KEYS": [env.get(env.DIGEST_KEY), *env.get_list(env.DIGEST_KEY_FALLBACKS)],
    "STAFF_SESSION_SECONDS": int(float(env.get(env.STAFF_SESSION_HOURS)) * 3600),
    "API_TOKEN_DAYS": int(env.get(env.API_TOKEN_DAYS)),
    "RATE_LIMITS": env.get_pairs(env.RATE_LIMITS),
    # Where the rate limits count: "cache" when the cache is Redis, shared by every process
    # (a database write per counted request spared); "database" otherwise.
    "RATE_COUNTERS": "cache" if _redis_url else "database",
    "REPLICA_READS": bool(_replica_url),
    "REPLICA_MAX_LAG_SECONDS": float(env.get(env.REPLICA_MAX_LAG_SECONDS)),
    "EVIDENCE_SOURCES": env.get_pairs(env.EVIDENCE_SOURCES),
    # The payment provider new orders go to (payments.providers).
    "PAYMENT_PROVIDER": env.get(env.PAYMENT_PROVIDER),
    "EVIDENCE_TOKEN": env.get(env.EVIDENCE_TOKEN),
    # The working hours of every working day: limits in minutes count only these.
    "WORKING_HOURS": env.get_list(env.WORKING_HOURS),
    "HOTLINE_MAX_RETURNS": int(env.get(env.HOTLINE_MAX_RETURNS)),
    "HOTLINE_MAX_REOPENS": int(env.get(env.HOTLINE_MAX_REOPENS)),
    # Open311 GeoReport v2 (/open311/v2/): the region served, whose code and every code
    # below it are jurisdictions.
    "OPEN311_JURISDICTION": env.get(env.OPEN311_JURISDICTION).strip(),
    # The scheduler: the jobs above; a failing job's attempts and the first retry's delay
    # (doubling after); the active scheduler's lease, after which a standby takes over.
    "SCHEDULE": SCHEDULE,
    "SCHEDULE_ATTEMPTS": int(env.get(env.SCHEDULE_ATTEMPTS)),
    "SCHEDULE_RETRY_SECONDS": int(env.get(env.SCHEDULE_RETRY_SECONDS)),
    "SCHEDULER_LEASE_SECONDS": int(env.get(env.SCHEDULER_LEASE_SECONDS)),
    # Demo data and accounts with a printed password only ever exist in demo mode.
    "DEMO_ALLOWED": DEBUG,
    "SITE_NAME": _("一网通办"),
    # Notifications: the SMS sender plugin; who a sign-up or a company binding is checked
    # against (evidence type codes).
    "SMS_SENDER": env.get(env.SMS_SENDER),
    "PERSON_EVIDENCE": env.get(env.PERSON_EVIDENCE),
    "ENTERPRISE_EVIDENCE": env.get(env.ENTERPRISE_EVIDENCE),
    # The portal's identity: its name in the header, 主办单位 and the registration line.
    "SITE_CENTRE": env.get_pairs(env.SITE_CENTRE),
    "SITE_OWNER": env.get_pairs(env.SITE_OWNER),
    "SITE_CODES": env.get(env.SITE_CODES).strip(),
}
