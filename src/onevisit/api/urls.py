"""The JSON API: /api/v1/…, OpenAPI at /api/openapi.json, docs at /api/docs."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema

from onevisit.api.applications import router as applications_router
from onevisit.api.catalogue import router as catalogue_router
from onevisit.api.certificates import router as certificates_router
from onevisit.api.exchange import router as exchange_router
from onevisit.api.hotline import router as hotline_router
from onevisit.api.middleware import error_body, status_message
from onevisit.api.payments import router as payments_router
from onevisit.api.supervision import router as supervision_router
from onevisit.api.verdict import router as verdict_router
from onevisit.api.workflow import router as workflow_router
from onevisit.errors import DomainError, InvalidInput

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
# Error statuses every operation of a kind can answer, whatever its view declares.
ERROR_STATUSES = {
    400: "the body is not JSON, or a multipart body cannot be parsed",
    401: "not signed in: no valid bearer token or session",
    403: "the caller's role may not do this, or a session request lacks its CSRF token",
    404: "nothing exists under that path",
    413: "the body is larger than the server accepts",
    422: "refused input: a value breaks the schema or a rule, or text holds a NUL character",
}


def error_statuses_document(operation: dict[str, Any]) -> None:
    """Add the error answers an operation can give (all in the ErrorOut shape)."""
    statuses = [422]
    if "requestBody" in operation:
        statuses += [400, 413]
    if operation.get("security"):
        statuses += [401, 403]
    if any(p.get("in") == "path" for p in operation.get("parameters", [])):
        statuses.append(404)
    responses = operation.setdefault("responses", {})
    for status in statuses:
        answer = responses.setdefault(status, {"description": ERROR_STATUSES[status]})
        answer["content"] = {"application/json": {"schema": ERROR_REF}}
        if answer.get("description") in ("", HTTPStatus(status).phrase):
            answer["description"] = ERROR_STATUSES[status]


class OnevisitAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None,
                           path_params: dict[str, Any] | None = None) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema["paths"].values():
            for operation in operations.values():
                error_statuses_document(operation)
        return schema


api = OnevisitAPI(
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
api.add_router("/v1/", supervision_router)
api.add_router("/v1/", verdict_router)
api.add_router("/v1/", payments_router)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    errors = exc.errors if isinstance(exc, InvalidInput) else {}
    return api.create_response(request, error_body(exc.message, errors), status=exc.status)


# Pydantic's messages are English only: the common ones, in the caller's language.
SCHEMA_MESSAGES = {
    "missing": gettext_lazy("必填"),
    "literal_error": gettext_lazy("不是允许的值"),
    "enum": gettext_lazy("不是允许的值"),
    "string_too_long": gettext_lazy("过长"),
    "string_too_short": gettext_lazy("不能为空"),
    "string_pattern_mismatch": gettext_lazy("不能为空白"),
    "string_type": gettext_lazy("应为文本"),
    "int_parsing": gettext_lazy("应为整数"),
    "int_type": gettext_lazy("应为整数"),
    "int_from_float": gettext_lazy("应为整数"),
    "greater_than_equal": gettext_lazy("过小"),
    "less_than_equal": gettext_lazy("过大"),
    "bool_parsing": gettext_lazy("应为 true 或 false"),
    "bool_type": gettext_lazy("应为 true 或 false"),
    "dict_type": gettext_lazy("应为对象"),
    "model_type": gettext_lazy("应为对象"),
    "model_attributes_type": gettext_lazy("应为对象"),
    "list_type": gettext_lazy("应为列表"),
    "too_long": gettext_lazy("项目过多"),
    "json_invalid": gettext_lazy("不是有效的 JSON"),
}


@api.exception_handler(ValidationError)
def schema_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors: dict[str, str] = {}
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ())]
        if location[:1] == ["body"]:
            location = location[2:]  # "body", then the view's parameter name
        elif location[:1] == ["file"]:
            location = location[1:]  # "file", then the form field's name
        message = SCHEMA_MESSAGES.get(str(error.get("type")))
        errors.setdefault(".".join(location) or "body",
                          str(message or error.get("msg", "")))
    return api.create_response(request, error_body(_("请求格式有误"), errors), status=422)


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, error_body(_("请先登录")), status=401)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """django-ninja's own refusals: a body that is not JSON (400), a session without its
    CSRF token (403)."""
    if exc.status_code == 400:
        return api.create_response(request, error_body(
            _("请求体不是有效的 JSON"), {"body": _("不是有效的 JSON")}), status=400)
    if exc.status_code == 403:
        return api.create_response(request, error_body(
            _("CSRF 校验失败，请刷新页面后重试"), {"X-CSRFToken": _("缺失或不正确")}),
            status=403)
    return api.create_response(request, error_body(status_message(exc.status_code)),
                               status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, error_body(status_message(404)), status=404)
