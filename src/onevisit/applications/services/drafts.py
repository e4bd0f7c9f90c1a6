"""Drafts of online applications (草稿): saved and resumed, then submitted once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.applications.constants import Channel
from onevisit.applications.models import ApplicationDraft
from onevisit.applications.services.inputs import (
    Applicant,
    DeliveryChoice,
    Upload,
    material_keys_check,
    upload_sniff,
    upload_store,
)
from onevisit.applications.services.intake import (
    Filing,
    PreparedFiling,
    application_file,
    filing_prepare,
)
from onevisit.applications.services.subjects import Subject, subject_resolve
from onevisit.errors import Conflict, NotFound
from onevisit.files.services import file_read, files_guard

MAX_TEXT = 2000


def draft_get(*, draft_id: int, actor: Any) -> ApplicationDraft:
    """The actor's own draft; anyone else's is reported as not found."""
    draft = ApplicationDraft.objects.filter(pk=draft_id, owner_id=actor.pk).first()
    if draft is None:
        raise NotFound(_("草稿不存在"))
    return draft


def draft_subject(draft: ApplicationDraft) -> Subject:
    return subject_resolve(item_code=draft.item_code or None,
                           life_event_code=draft.life_event_code or None)


def _text(value: Any) -> str:
    return str(value if value is not None else "")[:MAX_TEXT]


@files_guard()
@transaction.atomic
def draft_save(
    *, actor: Any, subject: Subject, data: Mapping[str, Any], applicant: Applicant,
    delivery: DeliveryChoice, uploads: Iterable[Upload] = (), draft_id: int | None = None,
) -> ApplicationDraft:
    """Create or update the actor's draft. Fields are kept as typed (checked on submit);
    uploads are checked for type and size at once, so a bad file is refused while the
    applicant is still here, and a refused file changes nothing."""
    uploads = list(uploads)
    material_keys_check(subject, uploads, set())
    sniffed = {upload.key: upload_sniff(upload) for upload in uploads}
    now = clock.now()
    if draft_id is None:
        draft = ApplicationDraft(
            owner=actor, item_code=subject.item.code if subject.item else "",
            life_event_code=subject.life_event.code if subject.life_event else "",
            title=subject.title, created_at=now,
        )
    else:
        draft = _locked(draft_id, actor)
        if draft.application_id is not None:
            raise Conflict(_("该草稿已经提交"))
    known = {f.key for f in subject.fields}
    draft.data = {key: _text(value) for key, value in data.items() if key in known}
    draft.applicant = {"kind": applicant.kind, "name": _text(applicant.name)[:128],
                       "id_number": _text(applicant.id_number)[:32]}
    draft.delivery = {"method": delivery.method, "recipient": _text(delivery.recipient),
                      "phone": _text(delivery.phone), "address": _text(delivery.address)}
    stored = dict(draft.uploads)
    for upload in uploads:
        path, digest = upload_store(upload, sniffed[upload.key])
        stored[upload.key] = {
            "file": path, "content_type": sniffed[upload.key].content_type,
            "size": len(upload.content), "sha256": digest, "filename": upload.filename[:255],
        }
    draft.uploads = stored
    draft.updated_at = now
    draft.save()
    return draft


def _locked(draft_id: int, actor: Any) -> ApplicationDraft:
    draft = ApplicationDraft.objects.select_for_update().filter(
        pk=draft_id, owner_id=actor.pk).first()
    if draft is None:
        raise NotFound(_("草稿不存在"))
    return draft


def draft_uploads(draft: ApplicationDraft) -> list[Upload]:
    return [Upload(key=key, filename=meta.get("filename", ""), content=file_read(meta["file"]))
            for key, meta in sorted(draft.uploads.items())]


def draft_submit(*, draft_id: int, actor: Any, consent: bool = False,
                 tolerated: Iterable[str] = (), commitment: Iterable[str] = ()) -> Filing | None:
    """File the draft online, with the applicant's consent to fetch what the government
    holds or without it. Returns the filing, or None when this draft was already
    submitted (a retried submit files nothing twice: see `draft.application`). The
    applicant's credit tier decides whether `tolerated` (容缺) and `commitment` (告知承诺)
    may be used (docs/credit.md).

    The evidence is fetched before the filing's transaction, as for a direct filing; a
    draft changed meanwhile (another tab saved it) is not filed in its older form."""
    draft = draft_get(draft_id=draft_id, actor=actor)
    if draft.application_id is not None:
        return None
    prepared = filing_prepare(
        subject=draft_subject(draft), applicant=Applicant(**draft.applicant), data=draft.data,
        channel=Channel.ONLINE, actor=actor, uploads=draft_uploads(draft),
        delivery=DeliveryChoice(**draft.delivery), consent=consent, tolerated=tolerated,
        commitment=commitment,
    )
    return _draft_file(draft_id=draft_id, actor=actor, prepared=prepared,
                       version=draft.updated_at)


@files_guard()
@transaction.atomic
def _draft_file(*, draft_id: int, actor: Any, prepared: PreparedFiling,
                version: dt.datetime) -> Filing | None:
    draft = _locked(draft_id, actor)
    if draft.application_id is not None:
        return None
    if draft.updated_at != version:
        raise Conflict(_("草稿刚刚被修改，请确认后重新提交"))
    filing = application_file(prepared)
    draft.application = filing.application
    draft.save(update_fields=["application"])
    return filing


@transaction.atomic
def draft_delete(*, draft_id: int, actor: Any) -> None:
    draft = draft_get(draft_id=draft_id, actor=actor)
    if draft.application_id is None:
        draft.delete()
