"""The public pages a visitor who is not signed in reads most — home, guides, search —
rendered once per published catalogue and language, then served from the cache.

A page is stored under the catalogue revision (`catalogue.selectors.catalogue_revision`),
the language, 长辈版 and the full path, so publishing anything makes every stored page
unreachable at once: never stale. What else such a page shows bumps the revision when it
changes (`revision_bump_on_change`): department names, service halls, charge rules and
the search index. A guide's charges are those in force today: its key names the day.

Each visitor still gets her own CSRF token: it is stored as a mark and put in when the
page is served. Not stored or served from the cache: a visitor with a session (signed in,
or with messages waiting), any method but GET and HEAD, any answer but a 200, and a page
that used a CSP nonce (it would be another visitor's)."""

from __future__ import annotations

import functools
import hashlib
import re
import zlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, cache, caches
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation

from onevisit import clock
from onevisit.catalogue.selectors import catalogue_revision
from onevisit.web.site import ELDER_COOKIE

CSRF_MARK = "\x00onevisit-csrf\x00"
_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_PERSONAL_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")
# A revision's pages age out of the cache once nobody asks for them.
SECONDS = 24 * 3600


def _cacheable(request: HttpRequest) -> bool:
    return request.method in ("GET", "HEAD") and not any(
        name in request.COOKIES for name in _PERSONAL_COOKIES)


def _key(request: HttpRequest, *, daily: bool) -> str:
    parts = [str(catalogue_revision()), translation.get_language() or "",
             "elder" if request.COOKIES.get(ELDER_COOKIE) == "1" else "",
             timezone.localdate(clock.now()).isoformat() if daily else "",
             request.get_full_path()]
    return "page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _stored(response: HttpResponse) -> dict[str, Any]:
    """The answer with this visitor's CSRF token replaced by a mark, compressed (a guide
    of 40 KB keeps in about 6)."""
    content = response.content.decode(response.charset)
    content = _CSRF_FIELD.sub(f'name="csrfmiddlewaretoken" value="{CSRF_MARK}"', content)
    return {"content": zlib.compress(content.encode(), 1),
            "content_type": response["Content-Type"]}


def _served(request: HttpRequest, stored: dict[str, Any]) -> HttpResponse:
    content = zlib.decompress(stored["content"]).decode()
    if CSRF_MARK in content:
        content = content.replace(CSRF_MARK, get_token(request))
    return HttpResponse(content, content_type=stored["content_type"])


def _tiers() -> list[BaseCache]:
    """Where a page is kept, nearest first: the cache; with the cache shared by every
    machine (Redis), a copy in this process in front of it ("pages", topology.py), which
    a key naming the revision keeps from going stale."""
    return [caches["pages"], cache] if "pages" in settings.CACHES else [cache]


def _get(key: str) -> dict[str, Any] | None:
    tiers = _tiers()
    for index, tier in enumerate(tiers):
        stored: dict[str, Any] | None = tier.get(key)
        if stored is not None:
            for nearer in tiers[:index]:
                nearer.set(key, stored, SECONDS)
            return stored
    return None


def public_page_cached(*, daily: bool = False) -> Callable[
        [Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Serve the page from the cache to visitors without a session (see above); `daily`
    for a page that also shows what is in force today."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def page(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not _cacheable(request):
                return view(request, *args, **kwargs)
            key = _key(request, daily=daily)
            stored = _get(key)
            if stored is not None:
                return _served(request, stored)
            response = view(request, *args, **kwargs)
            if (response.status_code == 200 and not response.streaming
                    and getattr(request, "_csp_nonce", None) is None):
                stored = _stored(response)
                for tier in _tiers():
                    tier.set(key, stored, SECONDS)
            return response

        return page

    return decorate


def _bump(**_kwargs: Any) -> None:
    from onevisit.catalogue.services import catalogue_revision_bump

    catalogue_revision_bump()


def revision_bump_on_change(*senders: type[Model]) -> None:
    """What the cached pages show beyond the catalogue: a change to any of these models
    bumps the catalogue revision, so their pages are made again."""
    for sender in senders:
        uid = f"onevisit.page_cache.{sender._meta.label}"
        post_save.connect(_bump, sender=sender, dispatch_uid=uid + ".save")
        post_delete.connect(_bump, sender=sender, dispatch_uid=uid + ".delete")
