"""The merged form of an item or life event as pages show and read it, shared by the
portal (online) and the hall console (window)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _

from onevisit.applications.constants import ApplicantKind, DeliveryMethod
from onevisit.applications.services import DeliveryChoice, Subject, Upload
from onevisit.applications.services.inputs import MAX_UPLOAD_BYTES


def uploads_read(request: HttpRequest, prefix: str = "m:") -> list[Upload]:
    """Files from the form. At most 10 MB plus one byte is read of each, enough for
    the size check to refuse it."""
    uploads = []
    for name, file in request.FILES.items():
        if name.startswith(prefix) and isinstance(file, UploadedFile):
            uploads.append(Upload(key=name[len(prefix):], filename=file.name or "",
                                  content=file.read(MAX_UPLOAD_BYTES + 1)))
    return uploads


def field_values(post: QueryDict, subject: Subject) -> dict[str, str]:
    return {f.key: post.get(f"f:{f.key}", "") for f in subject.fields}


def applicant_values(post: QueryDict) -> dict[str, str]:
    return {"kind": post.get("applicant_kind", ApplicantKind.PERSON),
            "name": post.get("applicant_name", ""),
            "id_number": post.get("applicant_id_number", "")}


def delivery_values(post: QueryDict) -> dict[str, str]:
    return {name: post.get(f"delivery_{name}", "")
            for name in ("method", "recipient", "phone", "address")}


def delivery_choice(post: QueryDict) -> DeliveryChoice:
    return DeliveryChoice(**delivery_values(post))


def form_context(subject: Subject, *, values: dict[str, Any], applicant: dict[str, str],
                 delivery: dict[str, str], errors: dict[str, Any], message: str,
                 uploaded: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything the merged-form templates need, with each error beside its control
    and all of them listed at the top, by label."""
    labels: dict[str, str] = {
        "applicant.kind": _("申请人类型"), "applicant.name": _("姓名或单位名称"),
        "applicant.id_number": _("证件号码"), "delivery.method": _("结果送达方式"),
        "delivery.recipient": _("收件人"), "delivery.phone": _("收件人电话"),
        "delivery.address": _("收件地址"),
        "tolerated": _("容缺受理"), "commitment": _("告知承诺制"),
    }
    labels |= {f.key: f.label for f in subject.fields}
    labels |= {m.key: m.name for m in subject.materials}
    uploaded = uploaded or {}
    return {
        "subject": subject, "message": message,
        "error_list": [(labels.get(key, key), reason) for key, reason in errors.items()],
        "fields": [(f, values.get(f.key, ""), errors.get(f.key)) for f in subject.fields],
        "materials": [(m, uploaded.get(m.key), errors.get(m.key)) for m in subject.materials],
        "applicant": applicant, "delivery": delivery,
        "applicant_errors": {name: errors.get(f"applicant.{name}")
                             for name in ("kind", "name", "id_number")},
        "delivery_errors": {name: errors.get(f"delivery.{name}")
                            for name in ("method", "recipient", "phone", "address")},
        "applicant_kinds": ApplicantKind.choices,
        "delivery_methods": [
            (value, label) for value, label in DeliveryMethod.choices
            if value != DeliveryMethod.COURIER or all(s.item.channel_courier
                                                      for s in subject.stages)
        ],
    }
