"""One rule for input the site cannot store, and one error shape for the JSON API.

`InputGuardMiddleware` runs before any view:

- A NUL character (U+0000) in the path, the query string, a form field (its name or
  value), an uploaded file's name, or a string of a JSON body is refused before any view
  sees it: PostgreSQL cannot store NUL in text and SQLite would store it silently, so
  neither ever gets one. The bytes of an uploaded file may hold NUL; they pass.
- A body larger than `DATA_UPLOAD_MAX_MEMORY_SIZE` is refused with 413, a multipart body
  that cannot be parsed with 400.

Under /api/ the refusals, and every error answer not already JSON (Django's 404 for an
unknown route, 405 for a wrong method, a 500), are given the API's shape
`{"message": ..., "errors": {...}}` in the caller's language. Pages get a plain page;
Open311 (/open311/v2/) gets the GeoReport v2 `errors` list in the format asked for.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

API_PREFIX = "/api/"
OPEN311_PREFIX = "/open311/v2/"
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")

# At most this many fields are listed in one error answer; the rest are counted under
# MORE_KEY. Field names and reasons are cut to a length a person reads.
MAX_ERRORS = 50
MORE_KEY = "_more"
MAX_KEY_LENGTH = 200
MAX_REASON_LENGTH = 500

# A JSON string holds NUL as the escape \u0000 (a raw NUL byte is not valid JSON): an
# escape is one when an even number of backslashes stands before it.
JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")

STATUS_MESSAGES: dict[int, Promise] = {
    400: gettext_lazy("请求无法解析"),
    401: gettext_lazy("请先登录"),
    403: gettext_lazy("没有权限执行此操作"),
    404: gettext_lazy("请求的资源不存在"),
    405: gettext_lazy("不支持该请求方法"),
    409: gettext_lazy("状态已变化，请刷新后重试"),
    413: gettext_lazy("请求体过大"),
    422: gettext_lazy("请求格式有误"),
    429: gettext_lazy("请求过于频繁，请稍后再试"),
    500: gettext_lazy("服务器内部错误，请稍后再试"),
}


def status_message(status: int) -> str:
    default = STATUS_MESSAGES[500] if status >= 500 else STATUS_MESSAGES[400]
    return str(STATUS_MESSAGES.get(status, default))


def _cut(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def errors_bounded(errors: Mapping[str, Any]) -> dict[str, str]:
    """At most MAX_ERRORS fields, each name and reason cut short, then how many more."""
    shown: dict[str, str] = {}
    for key, reason in errors.items():
        if len(shown) == MAX_ERRORS:
            break
        shown[_cut(str(key), MAX_KEY_LENGTH)] = _cut(str(reason), MAX_REASON_LENGTH)
    rest = len(errors) - len(shown)
    if rest > 0:
        shown[MORE_KEY] = _("另有 %(count)d 处错误未列出") % {"count": rest}
    return shown


def error_body(message: str | Promise, errors: Mapping[str, Any] | None = None
               ) -> dict[str, Any]:
    return {"message": str(message), "errors": errors_bounded(errors or {})}


class Refused(Exception):
    def __init__(self, status: int, message: str | Promise, field: str, reason: str | Promise
                 ) -> None:
        super().__init__(str(message))
        self.status, self.message, self.field, self.reason = status, message, field, reason


def _nul_refusal(field: str) -> Refused:
    return Refused(422, gettext_lazy("请求中含有不允许的字符（NUL）"), field,
                   gettext_lazy("不能包含 NUL 字符"))


def _json_nul_field(value: Any, path: str = "") -> str | None:
    """Where in a parsed JSON value a string (or a key) holds NUL."""
    if isinstance(value, str):
        return path or "body" if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                return here
            found = _json_nul_field(item, here)
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _json_nul_field(item, f"{path}.{index}" if path else str(index))
            if found:
                return found
    return None


def _check_body(request: HttpRequest) -> None:
    content_type = request.content_type or ""
    try:
        if content_type in FORM_TYPES:
            if request.path_info.startswith(API_PREFIX):
                # Parsing a multipart body consumes the stream; an API operation that
                # expects JSON reads the body afterwards and must find it (then refuse it
                # as not JSON), so the body is read, and kept, first.
                request.body  # noqa: B018
            for key, values in request.POST.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    raise _nul_refusal(key.replace("\x00", ""))
            for key, files in request.FILES.lists():
                if "\x00" in key or any("\x00" in (f.name or "") for f in files):
                    raise _nul_refusal(key.replace("\x00", ""))
            return
        if not (request.path_info.startswith(API_PREFIX) or "json" in content_type):
            return
        body = request.body
    except RequestDataTooBig as exc:
        raise Refused(413, STATUS_MESSAGES[413], "body",
                      gettext_lazy("请求体不能超过 %(size)d MB")
                      % {"size": _upload_limit_mb()}) from exc
    except (MultiPartParserError, TooManyFieldsSent, TooManyFilesSent) as exc:
        raise Refused(400, STATUS_MESSAGES[400], "body",
                      gettext_lazy("表单数据格式有误")) from exc
    if b"\x00" in body:
        raise _nul_refusal("body")
    if b"\\u0000" in body and JSON_NUL.search(body):
        try:
            field = _json_nul_field(json.loads(body)) or "body"
        except ValueError:
            field = "body"
        raise _nul_refusal(field)


def _upload_limit_mb() -> int:
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0) // (1024 * 1024)


def _check(request: HttpRequest) -> None:
    if "\x00" in request.path_info:
        raise _nul_refusal("path")
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            raise _nul_refusal(key.replace("\x00", "") or "query")
    if request.method in BODY_METHODS:
        _check_body(request)


def _refusal_response(request: HttpRequest, refused: Refused) -> HttpResponse:
    path = request.path_info
    if path.startswith(API_PREFIX):
        return JsonResponse(error_body(refused.message, {refused.field: refused.reason}),
                            status=refused.status, json_dumps_params={"ensure_ascii": False})
    if path.startswith(OPEN311_PREFIX):
        # Imported here: Open311's module pulls in the hotline app.
        from onevisit.api.open311 import error_response

        status = 413 if refused.status == 413 else 400
        fmt = "json" if path.rstrip("/").endswith(".json") else "xml"
        return error_response(fmt, status, f"{refused.field}：{refused.reason}")
    return HttpResponse(f"{refused.message}：{refused.reason}\n", status=refused.status,
                        content_type="text/plain; charset=utf-8")


def _api_shaped(response: HttpResponse) -> HttpResponse:
    """An error answer under /api/ that is not JSON (Django's own 404, 405, 500, …)
    becomes `{"message", "errors"}`, keeping its status and its Allow header."""
    if response.status_code < 400 or response.get("Content-Type", "").startswith(
            "application/json"):
        return response
    shaped = JsonResponse(error_body(status_message(response.status_code)),
                          status=response.status_code, json_dumps_params={"ensure_ascii": False})
    for header in ("Allow", "Retry-After", "WWW-Authenticate"):
        if header in response:
            shaped[header] = response[header]
    return shaped


class InputGuardMiddleware:
    """Refuse what cannot be stored; shape the API's error answers (see the module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            _check(request)
        except Refused as refused:
            return _refusal_response(request, refused)
        response = self.get_response(request)
        if request.path_info.startswith(API_PREFIX):
            return _api_shaped(response)
        return response
