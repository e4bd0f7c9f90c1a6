"""The applicant's input: uploads, identity, delivery choice — checked before anything is stored."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from onevisit.applications.constants import (
    ApplicantKind,
    DeliveryMethod,
)
from onevisit.applications.services.subjects import Subject
from onevisit.catalogue.constants import FieldType
from onevisit.catalogue.selectors import (
    MergedField,
)
from onevisit.catalogue.validation import FieldInvalid, field_value_clean
from onevisit.errors import InvalidInput
from onevisit.files.checks import UploadRefused, decoded_check
from onevisit.files.services import file_store


@dataclass(frozen=True)
class Upload:
    key: str
    filename: str
    content: bytes


@dataclass(frozen=True)
class Applicant:
    kind: str
    name: str
    id_number: str


@dataclass(frozen=True)
class DeliveryChoice:
    method: str = DeliveryMethod.DOWNLOAD
    recipient: str = ""
    phone: str = ""
    address: str = ""


MAX_UPLOAD_BYTES = 10 * 1024 * 1024


_SIGNATURES = {
    b"%PDF-": ("application/pdf", "pdf"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
}


@dataclass
class _Sniffed:
    content_type: str
    extension: str


def upload_type(upload: Upload) -> _Sniffed:
    """The upload's type by its content (never its name), size and type refused with the
    reason; not yet opened (see `upload_sniff`)."""
    if not upload.content:
        raise InvalidInput(_("上传文件为空"), {upload.key: _("上传文件为空")})
    if len(upload.content) > MAX_UPLOAD_BYTES:
        raise InvalidInput(
            _("上传文件超过 10 MB"), {upload.key: _("文件大小超过 10 MB 上限")}
        )
    for signature, (content_type, extension) in _SIGNATURES.items():
        if upload.content.startswith(signature):
            return _Sniffed(content_type, extension)
    raise InvalidInput(
        _("上传文件类型不受支持"), {upload.key: _("只接受 PDF、JPEG 或 PNG 文件")}
    )


def upload_sniff(upload: Upload) -> _Sniffed:
    """An upload checked before anything is stored: its type, its size, and what it
    decodes to (an image's pixels from its header, a PDF's decompressed streams), so a
    decompression bomb or a file that cannot be opened is refused naming the field."""
    sniffed = upload_type(upload)
    try:
        decoded_check(upload.content, sniffed.content_type)
    except UploadRefused as exc:
        raise InvalidInput(_("上传文件无法接受"), {upload.key: exc.reason}) from exc
    return sniffed


def upload_store(upload: Upload, sniffed: _Sniffed, *, folder: str = "materials",
                 ) -> tuple[str, str]:
    """Store a checked upload for a row written in the same transaction, under a
    server-chosen name (the client's file name never reaches the storage); a rollback or
    a crash leaves no file behind (`onevisit.files.services`). Returns (name, sha256)."""
    stored = file_store(content=upload.content, folder=folder, extension=sniffed.extension)
    return stored.name, stored.sha256


def fields_clean(fields: list[MergedField], data: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    cleaned: dict[str, Any] = {}
    known = {f.key for f in fields}
    for unknown in sorted(set(data) - known):
        errors[unknown] = _("表单中没有该字段")
    for merged in fields:
        value = data.get(merged.key)
        empty = value is None or (isinstance(value, str) and not value.strip())
        if empty and not merged.required:
            continue
        try:
            cleaned[merged.key] = field_value_clean(
                field_type=merged.type, value=value, choices=merged.choices
            )
        except FieldInvalid as exc:
            errors[merged.key] = exc.reason
    if errors:
        raise InvalidInput(_("表单有 %(count)d 处需要修改") % {"count": len(errors)}, errors)
    return cleaned


def applicant_clean(applicant: Applicant) -> Applicant:
    field_type = FieldType.USCC if applicant.kind == ApplicantKind.ENTERPRISE else (
        FieldType.RESIDENT_ID
    )
    errors: dict[str, Any] = {}
    if applicant.kind not in ApplicantKind.values:
        errors["applicant.kind"] = _("应为 person 或 enterprise")
    name = applicant.name.strip()
    if not 2 <= len(name) <= 128:
        errors["applicant.name"] = _("姓名或名称应为2至128个字符")
    id_number = applicant.id_number
    try:
        id_number = str(field_value_clean(field_type=field_type, value=id_number, choices=[]))
    except FieldInvalid as exc:
        errors["applicant.id_number"] = exc.reason
    if errors:
        raise InvalidInput(_("申请人信息有误"), errors)
    return Applicant(kind=applicant.kind, name=name, id_number=id_number)


def delivery_clean(delivery: DeliveryChoice, subject: Subject) -> DeliveryChoice:
    errors: dict[str, Any] = {}
    if not delivery.method:
        errors["delivery.method"] = _("请询问申请人并选择结果送达方式")
    elif delivery.method not in DeliveryMethod.values:
        errors["delivery.method"] = _("应为 pickup、courier 或 download")
    elif delivery.method == DeliveryMethod.COURIER:
        if not all(stage.item.channel_courier for stage in subject.stages):
            errors["delivery.method"] = _("该事项的结果不能快递送达")
        for name in ("recipient", "phone", "address"):
            if not getattr(delivery, name).strip():
                errors[f"delivery.{name}"] = _("快递送达时必填")
        if delivery.phone.strip():
            try:
                field_value_clean(field_type=FieldType.PHONE, value=delivery.phone, choices=[])
            except FieldInvalid as exc:
                errors["delivery.phone"] = exc.reason
    if errors:
        raise InvalidInput(_("送达方式有误"), errors)
    return delivery


def material_keys_check(subject: Subject, uploads: Iterable[Upload], tolerated: set[str],
                        commitment: Iterable[str] = ()) -> None:
    by_key = {m.key: m for m in subject.materials}
    errors: dict[str, Any] = {}
    for upload in uploads:
        if upload.key not in by_key:
            errors[upload.key] = _("材料清单中没有该材料")
    for key in tolerated:
        if key not in by_key:
            errors[key] = _("材料清单中没有该材料")
        elif not by_key[key].tolerated_missing:
            errors[key] = _("该材料不适用容缺受理")
    for key in commitment:
        if key not in by_key:
            errors[key] = _("材料清单中没有该材料")
        elif not by_key[key].commitment_replaceable:
            errors[key] = _("该材料不适用告知承诺制")
        elif key in tolerated:
            errors[key] = _("同一材料不能既容缺又承诺")
    if errors:
        raise InvalidInput(_("材料有误"), errors)
