"""The JSON API: /api/v1/…, OpenAPI at /api/openapi.json, docs at /api/docs."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from onevisit.api.applications import router as applications_router
from onevisit.api.catalogue import router as catalogue_router
from onevisit.api.certificates import router as certificates_router
from onevisit.api.exchange import router as exchange_router
from onevisit.api.hotline import router as hotline_router
from onevisit.api.workflow import router as workflow_router
from onevisit.errors import DomainError, InvalidInput

api = NinjaAPI(
    title="onevisit API",
    version="1",
    description="政务服务“最多跑一次”平台 — catalogue, 一件事, intake, back office, delivery.",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("/v1/", catalogue_router)
api.add_router("/v1/", applications_router)
api.add_router("/v1/", workflow_router)
api.add_router("/v1/", certificates_router)
api.add_router("/v1/", exchange_router)
api.add_router("/v1/", hotline_router)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    errors = {k: str(v) for k, v in exc.errors.items()} if isinstance(exc, InvalidInput) else {}
    return api.create_response(
        request, {"message": str(exc.message), "errors": errors}, status=exc.status
    )


# Pydantic's messages are English only: the common ones, in the caller's language.
SCHEMA_MESSAGES = {
    "missing": gettext_lazy("必填"),
    "literal_error": gettext_lazy("不是允许的值"),
    "string_too_long": gettext_lazy("过长"),
    "string_type": gettext_lazy("应为文本"),
    "int_parsing": gettext_lazy("应为整数"),
    "bool_parsing": gettext_lazy("应为 true 或 false"),
    "dict_type": gettext_lazy("应为对象"),
    "list_type": gettext_lazy("应为列表"),
    "json_invalid": gettext_lazy("不是有效的 JSON"),
}


@api.exception_handler(ValidationError)
def schema_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = {}
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ())]
        if location[:1] == ["body"]:
            location = location[2:]  # "body", then the view's parameter name
        elif location[:1] == ["file"]:
            location = location[1:]  # "file", then the form field's name
        message = SCHEMA_MESSAGES.get(str(error.get("type")))
        errors[".".join(location) or "body"] = str(message or error.get("msg", ""))
    return api.create_response(
        request, {"message": _("请求格式有误"), "errors": errors}, status=422
    )


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"message": _("请先登录"), "errors": {}}, status=401)
