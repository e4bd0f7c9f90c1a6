"""Filing and the completeness check (受理): once-only fetch, notice or receipt."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import structlog
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from onevisit import clock
from onevisit.accounts.models import Role
from onevisit.accounts.regions import staff_region
from onevisit.accounts.selectors import authorisation_valid
from onevisit.applications.constants import (
    PROBLEM_MATERIAL_STATUSES,
    ApplicantKind,
    ApplicationStatus,
    CaseStatus,
    Channel,
    MaterialStatus,
    NoticeKind,
    VisitPurpose,
)
from onevisit.applications.models import (
    Application,
    ApplicationMaterial,
    ApplicationStatusChange,
    Case,
    IntakePrefill,
    OneTimeNotice,
    Visit,
)
from onevisit.applications.services.cases import application_accept, case_transition
from onevisit.applications.services.common import (
    actor_or_none,
    application_lock,
    application_transition,
    number_placeholder,
    serial_number,
)
from onevisit.applications.services.credit import credit_options, credit_options_check
from onevisit.applications.services.facts import (
    enterprise_fields_check,
    registry_facts_check,
)
from onevisit.applications.services.inputs import (
    Applicant,
    DeliveryChoice,
    Upload,
    applicant_clean,
    delivery_clean,
    fields_clean,
    material_keys_check,
    upload_sniff,
    upload_store,
    upload_type,
)
from onevisit.applications.services.notices import notice_issue
from onevisit.applications.services.subjects import (
    Subject,
    subject_for_form,
    subject_of,
    subject_resolve,
)
from onevisit.applications.services.visits import visit_add, visit_cause_clean
from onevisit.audit.services import atomic_audited, audit_record
from onevisit.catalogue.constants import FieldType
from onevisit.catalogue.selectors import MergedMaterial, evidence_type_names
from onevisit.errors import Conflict, InvalidInput, NotAllowed
from onevisit.exchange.models import FetchOutcome
from onevisit.exchange.services import (
    Fetched,
    FetchRequest,
    access_log_write,
    evidence_fetch,
    evidence_fetch_logged,
    subject_digest,
    subject_mask,
)
from onevisit.exchange.sources import source_name
from onevisit.files.services import files_guard

log = structlog.get_logger(__name__)


def _purpose(subject: Subject, material: MergedMaterial) -> str:
    names = [s.item for s in subject.stages if s.item.code in material.item_codes]
    return "；".join(f"{item.name}（{item.legal_basis.splitlines()[0]}）" for item in names)[:1000]


def evidence_allowed(subject: Subject) -> frozenset[str]:
    """The evidence types the subject's items name: all a filing may fetch."""
    return frozenset(str(m.evidence_type_code) for m in subject.materials
                     if m.evidence_type_code)


@dataclass(frozen=True)
class FetchPreviewRow:
    """One thing the government would fetch for this subject, shown before consent."""

    material: str
    evidence: str
    source: str
    purpose: str


def fetch_preview(subject: Subject) -> list[FetchPreviewRow]:
    """What a filing would fetch (with consent), from whom, and on which legal basis."""
    names = evidence_type_names()
    return [
        FetchPreviewRow(material=m.name, evidence=names.get(str(m.evidence_type_code),
                                                            str(m.evidence_type_code)),
                        source=source_name(str(m.evidence_source)), purpose=_purpose(subject, m))
        for m in subject.materials if m.evidence_type_code and m.evidence_source
    ]


def evidence_prefetch(
    *, subject: Subject, data: Mapping[str, Any], applicant_id_number: str,
    skip: Collection[str] = (), only: Collection[str] | None = None,
) -> dict[str, Fetched]:
    """Ask the sources for the evidence the materials name, by material key; writes
    nothing. Runs before the filing's transaction, so a slow source never holds a lock."""
    wanted = [
        m for m in subject.materials
        if m.evidence_type_code and m.evidence_source and m.key not in skip
        and (only is None or m.key in only)
    ]
    fetched = evidence_fetch(
        requests=[
            FetchRequest(
                evidence_type=str(m.evidence_type_code), source=str(m.evidence_source),
                subject=str(data.get(m.subject_field or "", applicant_id_number)),
                purpose=_purpose(subject, m),
            )
            for m in wanted
        ],
        allowed=evidence_allowed(subject),
    )
    return dict(zip([m.key for m in wanted], fetched, strict=True))


def _in_record_language(subject: Subject) -> tuple[str, dict[str, str]]:
    """The subject's title and material names in the site's language: what is stored is
    the record, whatever language the applicant or clerk was reading in."""
    if translation.get_language() == settings.LANGUAGE_CODE:
        return subject.title, {m.key: m.name for m in subject.materials}
    with translation.override(settings.LANGUAGE_CODE):
        record = subject_resolve(
            item_code=subject.item.code if subject.item else None,
            life_event_code=subject.life_event.code if subject.life_event else None)
    return record.title, {m.key: m.name for m in record.materials}


def _material_status(
    *, application: Application, merged: MergedMaterial, name: str, fetched: Fetched | None,
    upload: Upload | None, tolerated: set[str], consent: bool, commitment: set[str],
) -> ApplicationMaterial:
    material = ApplicationMaterial(
        application=application, key=merged.key, name=name,
        evidence_type=merged.evidence_type_code or "",
    )
    if fetched is not None and fetched.evidence is not None:
        material.status = MaterialStatus.FETCHED
        material.source = fetched.evidence.source
        material.evidence = fetched.evidence.data
        return material
    if upload is not None:
        sniffed = upload_type(upload)  # opened and checked by filing_prepare
        material.file, material.sha256 = upload_store(upload, sniffed)
        material.content_type = sniffed.content_type
        material.size = len(upload.content)
        material.status = MaterialStatus.UPLOADED
        material.supplied_at = clock.now()
        return material
    if not merged.required:
        material.status = MaterialStatus.OPTIONAL
    elif merged.key in tolerated and merged.tolerated_missing:
        material.status = MaterialStatus.TOLERATED
        material.tolerated_missing = True
    elif merged.key in commitment and merged.commitment_replaceable:
        material.status = MaterialStatus.COMMITTED
    elif fetched is not None and fetched.outcome == FetchOutcome.ERROR:
        material.status = MaterialStatus.AWAITING_SOURCE
        material.problem = _source_down_problem(fetched.request.source)
    else:
        material.status = MaterialStatus.MISSING
        material.problem = _missing_problem(merged, consent=consent)
    return material


def _source_down_problem(source: str) -> str:
    return _("%(source)s暂时无法访问，系统正在自动重试；您也可以直接上传该材料") % {
        "source": source_name(source)}


def _missing_problem(merged: MergedMaterial, *, consent: bool) -> str:
    if not merged.evidence_type_code:
        return _("未提交")
    if not consent:
        return _("您未同意由政府部门共享获取，请提交")
    return _("政府部门未查到该证明，请提交")


def _check_and_decide(*, application: Application, subject: Subject, actor: Any,
                      materials: list[ApplicationMaterial]) -> tuple[list[Case],
                                                                     list[OneTimeNotice]]:
    """Accept (returning the new cases) or issue one notice naming every problem. While a
    source has not answered, decide nothing: the one notice must name every problem,
    including evidence the source turns out not to hold."""
    if any(m.status == MaterialStatus.AWAITING_SOURCE for m in materials):
        return [], []
    problems = [m for m in materials if m.status in PROBLEM_MATERIAL_STATUSES]
    if not problems:
        return application_accept(application=application, subject=subject, actor=actor), []
    application_transition(application, ApplicationStatus.NEEDS_SUPPLEMENT, actor)
    application.save(update_fields=["status"])
    notice = notice_issue(application=application, kind=NoticeKind.INTAKE, materials=problems,
                           actor=actor)
    return [], [notice]


@dataclass(frozen=True)
class Filing:
    """What one filing produced, so callers can show it without reading it back."""

    application: Application
    materials: list[ApplicationMaterial]
    cases: list[Case]
    notices: list[OneTimeNotice]
    visits: list[Visit]


def _subject_code(subject: Subject) -> str:
    if subject.life_event is not None:
        return str(subject.life_event.code)
    return str(subject.item.code) if subject.item is not None else ""


@atomic_audited
def _refusal_log(*, actor: Any, applicant: Applicant, subject: Subject, reason: str,
                 fetched: Iterable[Fetched] = ()) -> None:
    """Keep a refused filing's trace: the attempt in the audit log, and in the access log
    of the person or company it named (and any reads already made), so she sees it."""
    attempt = Fetched(FetchRequest(evidence_type="applicant", source="onevisit",
                                   subject=applicant.id_number,
                                   purpose=_("以申请人名义提交“%(title)s”被拒绝：%(reason)s")
                                   % {"title": subject.title, "reason": reason}),
                      FetchOutcome.REFUSED)
    access_log_write(fetched=[*fetched, attempt], application_number="", actor=actor)
    audit_record(actor=actor, action="application.filing_refused", entity="user",
                 entity_id=getattr(actor, "pk", "") or "",
                 data={"applicant_kind": applicant.kind,
                       "applicant": subject_mask(applicant.id_number),
                       "subject": _subject_code(subject), "reason": reason})
    log.warning("application_filing_refused", actor=getattr(actor, "pk", None),
                subject=_subject_code(subject), reason=reason)


def filing_allowed_check(*, actor: Any, channel: str, applicant: Applicant,
                         subject: Subject) -> None:
    """Who may file for whom (the trust rule). Window clerks file at the window, for the
    person or company whose identity they checked in person. Online, a citizen account
    files for its own verified person (its ID number), or for a company or person it is
    bound to by a recorded, valid authorisation covering this matter (法定代表人 or
    授权委托). Other roles do not file. Refused before anything is read; a refusal naming
    someone else is logged where that person or company can see it."""
    role = str(getattr(actor, "role", ""))
    channels: dict[str, Channel] = {Role.CITIZEN: Channel.ONLINE, Role.CLERK: Channel.WINDOW}
    expected = channels.get(role)
    if expected is None:
        raise NotAllowed(_("您的角色不能执行此操作"))
    if channel != expected:
        raise NotAllowed(
            _("该角色只能通过“%(channel)s”渠道申请") % {"channel": expected.label}
        )
    if role != Role.CITIZEN:
        return
    if applicant.kind == ApplicantKind.PERSON and actor.id_number and (
            applicant.id_number == actor.id_number):
        return
    if authorisation_valid(user=actor, subject_kind=applicant.kind,
                           subject_id=applicant.id_number,
                           codes={_subject_code(subject)}) is not None:
        return
    if applicant.kind == ApplicantKind.ENTERPRISE:
        reason = _("您不是该企业的法定代表人，也没有该企业对本事项的有效授权委托")
    elif not actor.id_number:
        reason = _("您的账户尚未实名认证，只能凭有效的授权委托代他人申请")
    else:
        reason = _("只能以本人身份申请，或凭有效的授权委托代他人申请")
    _refusal_log(actor=actor, applicant=applicant, subject=subject, reason=reason)
    raise NotAllowed(reason)


# Where a registry record names the person or company it is about: the name the applicant
# gives must be this one.
HOLDER_NAME_KEYS = ("name", "holder_name", "owner_name")


_MIDDLE_DOTS = str.maketrans("•・.", "···")


def _name_key(name: str) -> str:
    """Names compare without spaces, width or the variants of the middle dot of
    transliterated names (阿卜杜拉·买买提)."""
    folded = unicodedata.normalize("NFKC", name)
    # NFKC has made a full-width full stop a plain one already.
    return "".join(folded.split()).translate(_MIDDLE_DOTS)


def applicant_name_check(*, applicant: Applicant, fetched: Mapping[str, Fetched]) -> str:
    """The applicant's name must be the one the registries hold for her ID number (or the
    company's for its credit code). Returns the name of the first record that disagrees,
    or "" when none does."""
    for answer in fetched.values():
        if answer.evidence is None or answer.request.subject != applicant.id_number:
            continue
        data = answer.evidence.data
        registered = next((str(data[k]) for k in HOLDER_NAME_KEYS if data.get(k)), "")
        if registered and _name_key(registered) != _name_key(applicant.name):
            return evidence_type_names().get(answer.request.evidence_type,
                                             answer.request.evidence_type)
    return ""


@dataclass(frozen=True)
class PreparedFiling:
    """A filing checked and its evidence fetched, not yet stored (`filing_prepare`)."""

    subject: Subject
    applicant: Applicant
    cleaned: dict[str, Any]
    channel: str
    actor: Any
    uploads: list[Upload]
    tolerated: set[str]
    delivery: DeliveryChoice
    consent: bool
    fetched: dict[str, Fetched]
    visit_cause: str = ""
    visit_note: str = ""
    commitment: frozenset[str] = frozenset()
    credit_tier: str = ""


def filing_prepare(
    *, subject: Subject, applicant: Applicant, data: Mapping[str, Any], channel: str,
    actor: Any, uploads: Iterable[Upload] = (), tolerated: Iterable[str] = (),
    delivery: DeliveryChoice | None = None, consent: bool = False,
    visit_cause: str = "", visit_note: str = "", commitment: Iterable[str] = (),
) -> PreparedFiling:
    """Check a filing and, with consent, fetch the evidence it names; writes nothing (but
    the trace of a refusal), so it runs before the filing's transaction and a slow source
    never holds a lock. Who may file for whom is checked before anything is read
    (`filing_allowed_check`); invalid fields are all reported at once (InvalidInput); an
    applicant name the fetched registry record disagrees with is refused. The applicant's
    credit tier decides whether 容缺 (`tolerated`) and 告知承诺 (`commitment`: materials
    replaced by a written commitment) may be used (docs/credit.md)."""
    uploads = list(uploads)
    tolerated_keys = set(tolerated)
    commitment_keys = frozenset(commitment)
    if channel not in Channel.values:
        raise InvalidInput(_("受理渠道无效"), {"channel": _("应为 online 或 window")})
    applicant = applicant_clean(applicant)
    filing_allowed_check(actor=actor, channel=channel, applicant=applicant, subject=subject)
    cleaned = fields_clean(subject.fields, data)
    enterprise_fields_check(subject=subject, applicant=applicant, form=cleaned)
    # A stage the form makes unnecessary (区域环评) is skipped: its materials are not asked for.
    subject = subject_for_form(subject, cleaned)
    delivery = delivery_clean(delivery or DeliveryChoice(), subject)
    material_keys_check(subject, uploads, tolerated_keys, commitment_keys)
    options = credit_options(id_number=applicant.id_number, region_id=str(subject.region_id))
    credit_options_check(options=options, tolerated=tolerated_keys, commitment=commitment_keys)
    visit_cause, visit_note = visit_cause_clean(cause=visit_cause, note=visit_note)
    for upload in uploads:
        upload_sniff(upload)
    fetched = evidence_prefetch(
        subject=subject, data=cleaned, applicant_id_number=applicant.id_number,
        skip={upload.key for upload in uploads},
    ) if consent else {}
    mismatch = applicant_name_check(applicant=applicant, fetched=fetched)
    if mismatch:
        reason = _("与%(evidence)s登记的姓名或名称不一致") % {"evidence": mismatch}
        _refusal_log(actor=actor, applicant=applicant, subject=subject, reason=reason,
                     fetched=fetched.values())
        raise InvalidInput(_("申请人信息与登记信息不一致"), {"applicant.name": reason})
    contradicted = registry_facts_check(form=cleaned, fetched=fetched.values(),
                                        on=timezone.localdate(clock.now()))
    if contradicted:
        labels = {f.key: f.label for f in subject.fields}
        reason = _("申报的%(fields)s与登记簿记载不一致") % {
            "fields": "、".join(labels.get(key, key) for key in contradicted)}
        _refusal_log(actor=actor, applicant=applicant, subject=subject, reason=reason,
                     fetched=fetched.values())
        raise InvalidInput(_("申报信息与不动产登记簿记载不一致"), contradicted)
    return PreparedFiling(subject=subject, applicant=applicant, cleaned=cleaned,
                          channel=channel, actor=actor, uploads=uploads,
                          tolerated=tolerated_keys, delivery=delivery, consent=consent,
                          fetched=fetched, visit_cause=visit_cause, visit_note=visit_note,
                          commitment=commitment_keys, credit_tier=options.tier)


def application_submit(
    *, subject: Subject, applicant: Applicant, data: Mapping[str, Any], channel: str,
    actor: Any, uploads: Iterable[Upload] = (), tolerated: Iterable[str] = (),
    delivery: DeliveryChoice | None = None, consent: bool = False,
    visit_cause: str = "", visit_note: str = "", commitment: Iterable[str] = (),
) -> Filing:
    """File an application online or at a window and run the completeness check.

    Invalid fields are all reported at once and nothing is stored. With the applicant's
    `consent` (given online, or recorded by the window clerk), evidence the government
    holds is fetched, not asked for (once-only); without it those materials are asked for.
    Every missing material is named in one one-time notice; otherwise the application is
    accepted with a receipt. If a source does not answer, the application is kept and
    waits while the fetch is retried in the background (or the material is uploaded).
    At a window the trip is counted with its cause (`visit_cause`, chosen by the clerk).
    """
    return application_file(filing_prepare(
        subject=subject, applicant=applicant, data=data, channel=channel, actor=actor,
        uploads=uploads, tolerated=tolerated, delivery=delivery, consent=consent,
        visit_cause=visit_cause, visit_note=visit_note, commitment=commitment,
    ))


@files_guard()
@atomic_audited
def application_file(prepared: PreparedFiling) -> Filing:
    """Store a prepared filing and run the completeness check, in one transaction."""
    subject, applicant, actor = prepared.subject, prepared.applicant, prepared.actor
    channel, delivery, consent = prepared.channel, prepared.delivery, prepared.consent
    fetched, uploads, tolerated = prepared.fetched, prepared.uploads, prepared.tolerated
    now = clock.now()
    title, names = _in_record_language(subject)
    application = Application.objects.create(
        number=number_placeholder(), item=subject.item, life_event=subject.life_event,
        title=title, region_id=subject.region_id,
        intake_region_id=staff_region(actor) if channel == Channel.WINDOW else None,
        applicant=actor if channel == Channel.ONLINE and actor_or_none(actor) else None,
        applicant_kind=applicant.kind, applicant_name=applicant.name,
        applicant_id_number=applicant.id_number, channel=channel,
        status=ApplicationStatus.SUBMITTED,
        data=prepared.cleaned, promised_visits=subject.promised_visits,
        stages=[{"key": s.key, "item": s.item.pk, "depends_on": s.depends_on,
                 "mode": s.mode, "refusal_scope": s.refusal_scope,
                 **({"skipped": s.skipped} if s.skipped else {})}
                for s in subject.stages],
        committed_limit=subject.committed_limit, limit_unit=subject.limit_unit,
        submitted_at=now, delivery_method=delivery.method,
        delivery_contact={"recipient": delivery.recipient, "phone": delivery.phone,
                          "address": delivery.address},
        filed_by=actor_or_none(actor),
        consent_at=now if consent else None,
        consent_recorded_by=actor_or_none(actor) if consent else None,
        credit_tier=prepared.credit_tier,
    )
    application.number = serial_number("OV", application.pk, region=subject.region_id)
    Application.objects.filter(pk=application.pk).update(number=application.number)
    ApplicationStatusChange.objects.create(
        application=application, status=application.status, at=now, actor=actor_or_none(actor)
    )
    access_log_write(fetched=fetched.values(), application_number=application.number,
                     actor=actor)
    by_key = {upload.key: upload for upload in uploads}
    materials = ApplicationMaterial.objects.bulk_create([
        _material_status(application=application, merged=merged,
                         name=names.get(merged.key, merged.name),
                         fetched=fetched.get(merged.key), upload=by_key.get(merged.key),
                         tolerated=tolerated, consent=consent,
                         commitment=set(prepared.commitment))
        for merged in subject.materials
    ])
    audit_record(actor=actor, action="application.submitted", entity="application",
                 entity_id=application.number,
                 data={"title": application.title, "channel": channel, "consent": consent,
                       "credit_tier": prepared.credit_tier,
                       "commitment": sorted(prepared.commitment)})
    visits = []
    if channel == Channel.WINDOW:
        intake_prefill_discard(actor=actor, subject=subject,
                               applicant_id_number=applicant.id_number)
        visits.append(
            visit_add(application=application, purpose=VisitPurpose.INTAKE, actor=actor,
                      cause=prepared.visit_cause, note=prepared.visit_note)
        )
    cases, notices = _check_and_decide(application=application, subject=subject, actor=actor,
                                       materials=materials)
    if application.status == ApplicationStatus.SUBMITTED:
        number = application.number
        transaction.on_commit(lambda: evidence_retry_schedule(number=number, attempt=0))
    log.info("application_submitted", number=application.number, status=application.status)
    return Filing(application=application, materials=materials, cases=cases, notices=notices,
                  visits=visits)


# A source that did not answer at filing is asked again after these delays; after the
# last, the applicant is asked for the material instead (one notice with everything).
EVIDENCE_RETRY_DELAYS = (
    dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=15),
    dt.timedelta(hours=1), dt.timedelta(hours=4),
)


def evidence_retry_schedule(*, number: str, attempt: int) -> None:
    # The task module imports this one; importing it here, late, avoids the cycle.
    from onevisit.applications.tasks import evidence_retry

    if attempt < len(EVIDENCE_RETRY_DELAYS):
        run_after = clock.now() + EVIDENCE_RETRY_DELAYS[attempt]
        evidence_retry.using(run_after=run_after).enqueue(number, attempt)


def application_evidence_retry(*, number: str, final: bool = False,
                               actor: Any = None) -> Application | None:
    """Ask again the sources that did not answer when the application was filed.

    Found evidence is taken; evidence not held becomes a material to supply. A source
    still down leaves the material waiting, unless `final`: then it is asked for. Once
    nothing waits, the completeness check decides (receipt or one notice). Returns the
    application, or None if there is no such application."""
    application = Application.objects.filter(number=number).first()
    if application is None or application.status != ApplicationStatus.SUBMITTED:
        return application
    waiting = set(application.materials.filter(status=MaterialStatus.AWAITING_SOURCE)
                  .values_list("key", flat=True))
    if not waiting:
        return application
    subject = subject_of(application)
    fetched = evidence_prefetch(subject=subject, data=application.data,
                                applicant_id_number=application.applicant_id_number,
                                only=waiting)
    return _evidence_retry_apply(number=number, subject=subject, fetched=fetched, final=final,
                                 actor=actor)


@atomic_audited
def _evidence_retry_apply(*, number: str, subject: Subject, fetched: dict[str, Fetched],
                          final: bool, actor: Any) -> Application:
    application = application_lock(number=number)
    if application.status != ApplicationStatus.SUBMITTED:
        return application
    access_log_write(fetched=fetched.values(), application_number=number, actor=actor)
    merged = {m.key: m for m in subject.materials}
    applicant = Applicant(kind=application.applicant_kind, name=application.applicant_name,
                          id_number=application.applicant_id_number)
    now = clock.now()
    for material in application.materials.filter(status=MaterialStatus.AWAITING_SOURCE):
        answer = fetched.get(material.key)
        if answer is None or (answer.outcome == FetchOutcome.ERROR and not final):
            continue
        mismatch = applicant_name_check(applicant=applicant, fetched={material.key: answer})
        if mismatch:
            # Filed while the registry was down: the name it now returns disagrees, so the
            # one notice names it for the applicant (or the window) to put right.
            material.status = MaterialStatus.INVALID
            material.problem = _("申请人姓名或名称与%(evidence)s登记的不一致，请核对") % {
                "evidence": mismatch}
        elif answer.evidence is not None:
            material.status = MaterialStatus.FETCHED
            material.evidence = answer.evidence.data
            material.problem = ""
            material.supplied_at = now
        else:
            material.status = MaterialStatus.MISSING
            material.problem = (_("%(source)s长时间无法访问，请提交该材料")
                                % {"source": source_name(answer.request.source)}
                                if answer.outcome == FetchOutcome.ERROR
                                else _missing_problem(merged[material.key], consent=True))
        material.save(update_fields=["status", "evidence", "problem", "supplied_at"])
    audit_record(actor=actor, action="application.evidence_retried", entity="application",
                 entity_id=number,
                 data={key: str(f.outcome) for key, f in sorted(fetched.items())})
    _check_and_decide(application=application, subject=subject, actor=actor,
                      materials=list(application.materials.order_by("id")))
    return application


@dataclass(frozen=True)
class RetryRound:
    """What a catch-up round did: how many waiting applications it asked again, how many
    of those the completeness check then decided, and how many still wait on a source."""

    retried: int
    decided: int
    waiting: int


def evidence_retry_pending(*, numbers: Iterable[str] = ()) -> RetryRound:
    """Ask again, now, for every application still waiting on a source (or only the given
    ones) — after the task worker was down, its scheduled retries never ran.

    An application filed longer ago than the whole retry schedule is asked for the
    material (the last attempt); one still waiting gets a new round of background retries.
    """
    waiting = Application.objects.filter(status=ApplicationStatus.SUBMITTED,
                                         materials__status=MaterialStatus.AWAITING_SOURCE)
    if numbers:
        waiting = waiting.filter(number__in=list(numbers))
    schedule_end = clock.now() - sum(EVIDENCE_RETRY_DELAYS, dt.timedelta())
    pending = list(waiting.distinct().order_by("submitted_at")
                   .values_list("number", "submitted_at"))
    still = []
    for number, submitted_at in pending:
        application_evidence_retry(number=number, final=submitted_at <= schedule_end)
        if waiting.filter(number=number).exists():
            still.append(number)
            evidence_retry_schedule(number=number, attempt=0)
    return RetryRound(retried=len(pending), decided=len(pending) - len(still),
                      waiting=len(still))


# The completeness check has not accepted the application yet: submitted (a source has
# not answered) or waiting for what a one-time notice asked for.
INTAKE_OPEN = (ApplicationStatus.SUBMITTED, ApplicationStatus.NEEDS_SUPPLEMENT)


@files_guard()
@atomic_audited
def application_supplement(
    *, number: str, uploads: Iterable[Upload], actor: Any, at_window: bool = False,
    new_trip: bool = False, tolerated: Iterable[str] = (), visit_cause: str = "",
    visit_note: str = "",
) -> Application:
    """Supply what a one-time notice asked for (补齐 at intake, 补正 during review).

    At intake the check runs again; for a case waiting on a correction the clock resumes
    once everything its notice named has been supplied.
    """
    application = application_lock(number=number)
    uploads = list(uploads)
    tolerated_keys = set(tolerated)
    subject = subject_of(application)
    material_keys_check(subject, uploads, tolerated_keys)
    if tolerated_keys:
        credit_options_check(options=credit_options(
            id_number=application.applicant_id_number, region_id=application.region_id),
            tolerated=tolerated_keys, commitment=())
    visit_cause, visit_note = visit_cause_clean(cause=visit_cause, note=visit_note)
    if not uploads and not tolerated_keys:
        raise InvalidInput(_("没有提交任何材料"), {"materials": _("至少提交一份材料")})
    sniffed = {upload.key: upload_sniff(upload) for upload in uploads}
    materials = {m.key: m for m in application.materials.all()}
    open_notices = list(
        OneTimeNotice.objects.filter(application=application, resolved_at__isnull=True)
        .select_related("case")
    )
    open_corrections = [n for n in open_notices if n.kind == NoticeKind.CORRECTION]
    asked = {entry["key"] for notice in open_corrections for entry in notice.entries}
    if application.status in INTAKE_OPEN:
        asked |= {k for k, m in materials.items()
                  if m.status in (*PROBLEM_MATERIAL_STATUSES, MaterialStatus.AWAITING_SOURCE)}
    not_asked = sorted(({u.key for u in uploads} | tolerated_keys) - asked)
    if not_asked:
        raise Conflict(
            _("这些材料没有被要求补充：%(keys)s") % {"keys": ", ".join(not_asked)}
        )
    now = clock.now()
    for upload in uploads:
        material = materials[upload.key]
        material.source = ""
        material.file, material.sha256 = upload_store(upload, sniffed[upload.key])
        material.content_type = sniffed[upload.key].content_type
        material.size = len(upload.content)
        material.status = MaterialStatus.UPLOADED
        material.problem = ""
        material.supplied_at = now
        material.save()
    for key in tolerated_keys:
        material = materials[key]
        material.status = MaterialStatus.TOLERATED
        material.tolerated_missing = True
        material.problem = ""
        material.supplied_at = now
        material.save()
    audit_record(actor=actor, action="application.supplemented", entity="application",
                 entity_id=application.number,
                 data={"materials": sorted({u.key for u in uploads} | tolerated_keys)})
    if at_window:
        visit_add(application=application, purpose=VisitPurpose.SUPPLEMENT, actor=actor,
                  new_trip=new_trip, cause=visit_cause, note=visit_note)
    if application.status in INTAKE_OPEN:
        _check_and_decide(application=application, subject=subject, actor=actor,
                          materials=list(application.materials.order_by("id")))
    # A notice is resolved once everything it named has arrived (or is tolerated): an
    # intake notice, and a correction notice, whose case then returns to the queue.
    for notice in open_notices:
        if notice.resolved_at is not None or not all(
            _supplied_after(materials[e["key"]], notice.issued_at) for e in notice.entries
        ):
            continue
        notice.resolved_at = now
        notice.save(update_fields=["resolved_at"])
        if notice.case is not None:
            case_transition(case_id=notice.case.pk, to=CaseStatus.PENDING, actor=actor,
                            note=_("补正材料已提交"))
    return application


def _supplied_after(material: ApplicationMaterial, moment: dt.datetime) -> bool:
    return material.supplied_at is not None and material.supplied_at > moment


@atomic_audited
def application_delivery_change(*, number: str, delivery: DeliveryChoice,
                                actor: Any) -> Application:
    """The applicant changes how the result reaches her, until the result is ready."""
    application = application_lock(number=number)
    # The applicant: the account that filed, or the person filed for at the window.
    own_id = getattr(actor, "id_number", "") or None
    if application.applicant_id != actor.pk and application.applicant_id_number != own_id:
        raise NotAllowed(_("只有申请人本人可以更改送达方式"))
    if application.status in (ApplicationStatus.COMPLETED, ApplicationStatus.REJECTED):
        raise Conflict(_("办件已办结，送达方式不能再更改"))
    delivery = delivery_clean(delivery, subject_of(application))
    contact = {"recipient": delivery.recipient, "phone": delivery.phone,
               "address": delivery.address}
    if (application.delivery_method, application.delivery_contact) == (delivery.method, contact):
        return application
    application.delivery_method = delivery.method
    application.delivery_contact = contact
    application.save(update_fields=["delivery_method", "delivery_contact"])
    audit_record(actor=actor, action="application.delivery_changed", entity="application",
                 entity_id=number, data={"method": delivery.method})
    return application


# Form fields prefilled from the applicant's own registry records: field key → record key.
PREFILL_FROM_RECORDS = {
    "applicant_name": "name", "applicant_phone": "phone", "household_address": "address",
}
# Form fields prefilled from a record of one evidence type: field key → record key. A
# property record lists the owner's properties: one property prefills its fields; with
# several, the clerk asks which one.
PREFILL_BY_EVIDENCE_TYPE: dict[str, dict[str, str]] = {
    "birth_medical_certificate": {
        "newborn_birth_date": "birth_date", "newborn_gender": "gender",
        "newborn_birth_place": "hospital",
    },
    "real_estate_certificate": {
        "property_certificate_number": "certificate_number", "property_address": "address",
        "property_use": "use", "property_area": "building_area_m2",
    },
}
# How long a window intake keeps what the registries returned: one sitting at the window.
INTAKE_PREFILL_KEPT = dt.timedelta(hours=4)


@dataclass(frozen=True)
class IntakePreview:
    """What the government already holds about an applicant at the window: which
    materials need not be brought, and the values the form can be prefilled with."""

    held: frozenset[str]
    prefill: dict[str, Any]
    name: str
    read_at: dt.datetime | None = None
    address: str = ""  # where her own records say she lives: the courier's default


def subject_key(subject: Subject) -> str:
    """The subject as the console names it: items:<code> or life-events:<code>."""
    kind = "life-events" if subject.life_event is not None else "items"
    return f"{kind}:{_subject_code(subject)}"


def _record_values(evidence_type: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """A record's values under the form's field keys."""
    values = {k: v for k, v in data.items() if not isinstance(v, list | dict)}
    values |= {key: data[source] for key, source in PREFILL_FROM_RECORDS.items()
               if data.get(source)}
    record = dict(data)
    properties = data.get("properties")
    if isinstance(properties, list):
        record = properties[0] if len(properties) == 1 and isinstance(properties[0],
                                                                        dict) else {}
    for key, source in PREFILL_BY_EVIDENCE_TYPE.get(evidence_type, {}).items():
        if record.get(source):
            values[key] = record[source]
    return values


def _parents(*, applicant_id_number: str, name: str,
             records: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """The newborn's parents as the applicant's own records tell them: she is the mother
    (a woman by her ID card, or by the sex digit of her ID number, GB 11643) or the father,
    and her spouse on the marriage certificate is the other parent. The birth medical
    certificate is held under the mother's ID number."""
    id_card = records.get("resident_id_card", {})
    gender = str(id_card.get("gender", ""))
    if not gender and len(applicant_id_number) == 18 and applicant_id_number[16].isdigit():
        gender = "男" if int(applicant_id_number[16]) % 2 else "女"
    if gender not in ("男", "女"):
        return {}
    own, other = ("mother", "father") if gender == "女" else ("father", "mother")
    parents = {f"{own}_id_number": applicant_id_number, f"{own}_name": name}
    marriage = records.get("marriage_certificate", {})
    if marriage.get("spouse_id_number"):
        parents |= {f"{other}_id_number": str(marriage["spouse_id_number"]),
                    f"{other}_name": str(marriage.get("spouse_name", ""))}
    return {k: v for k, v in parents.items() if v}


def _names_applicant(data: Mapping[str, Any], applicant_id_number: str) -> bool:
    return any(str(v).upper() == applicant_id_number for v in data.values()
               if isinstance(v, str))


def intake_preview(*, subject: Subject, applicant_id_number: str, actor: Any,
                   consent: bool) -> IntakePreview:
    """With the applicant's consent (the clerk records it), check the registries for
    every record the subject's form maps to before the form is filled: her own first,
    then those her own records lead to (the newborn's birth medical certificate, held
    under the mother's ID number, found through the father's marriage certificate). A
    record about someone else is used only if it names the applicant. Without consent
    nothing is read.

    Read once per intake: what the registries returned is kept for this clerk, subject
    and applicant (INTAKE_PREFILL_KEPT) and shown on every load of the form; each read is
    logged once, with its legal purpose in the language the applicant reads her access
    log in."""
    keys = {f.key for f in subject.fields}
    start: dict[str, Any] = {
        f.key: applicant_id_number for f in subject.fields
        if f.type == FieldType.RESIDENT_ID and f.key == "applicant_id_number"
    }
    if not consent:
        return IntakePreview(held=frozenset(), prefill=start, name="")
    now = clock.now()
    digest = subject_digest(applicant_id_number)
    IntakePrefill.objects.filter(read_at__lt=now - INTAKE_PREFILL_KEPT).delete()
    kept = IntakePrefill.objects.filter(clerk=actor, subject=subject_key(subject),
                                        applicant_digest=digest).first()
    if kept is not None:
        return IntakePreview(held=frozenset(kept.held), prefill=kept.prefill, name=kept.name,
                             read_at=kept.read_at, address=kept.address)
    preview = _registries_read(subject=subject, applicant_id_number=applicant_id_number,
                               actor=actor, keys=keys, prefill=start)
    IntakePrefill.objects.update_or_create(
        clerk=actor, subject=subject_key(subject), applicant_digest=digest,
        defaults={"held": sorted(preview.held), "prefill": preview.prefill,
                  "name": preview.name, "address": preview.address, "read_at": now},
    )
    return IntakePreview(held=preview.held, prefill=preview.prefill, name=preview.name,
                         read_at=now, address=preview.address)


def _registries_read(*, subject: Subject, applicant_id_number: str, actor: Any,
                     keys: set[str], prefill: dict[str, Any]) -> IntakePreview:
    """Two rounds of reads: the applicant's own records, then the records they lead to."""
    held: set[str] = set()
    name = address = ""
    records: dict[str, Mapping[str, Any]] = {}
    asked: set[str] = set()
    for _round in range(2):
        wanted = []
        for m in subject.materials:
            if not (m.evidence_type_code and m.evidence_source) or m.key in asked:
                continue
            about = (prefill.get(m.subject_field, "") if m.subject_field in keys
                     else applicant_id_number)
            if about:
                wanted.append((m, str(about)))
        if not wanted:
            break
        asked |= {m.key for m, _about in wanted}
        with translation.override(settings.LANGUAGE_CODE):
            requests = [
                FetchRequest(evidence_type=str(m.evidence_type_code),
                             source=str(m.evidence_source), subject=about,
                             purpose=_("窗口受理预填：%(purpose)s")
                             % {"purpose": _purpose(subject, m)})
                for m, about in wanted
            ]
        fetched = evidence_fetch_logged(requests=requests, allowed=evidence_allowed(subject),
                                        application_number="", actor=actor)
        for (material, about), answer in zip(wanted, fetched, strict=True):
            evidence = answer.evidence
            if evidence is None or (about != applicant_id_number
                                    and not _names_applicant(evidence.data,
                                                             applicant_id_number)):
                continue
            held.add(material.key)
            records[evidence.evidence_type] = evidence.data
            if about == applicant_id_number:
                name = name or str(evidence.data.get("name", ""))
                address = address or str(evidence.data.get("address", ""))
            values = _record_values(evidence.evidence_type, evidence.data)
            prefill |= {k: v for k, v in values.items() if k in keys and k not in prefill}
        derived = _parents(applicant_id_number=applicant_id_number, name=name,
                           records=records)
        prefill |= {k: v for k, v in derived.items() if k in keys and k not in prefill}
    return IntakePreview(held=frozenset(held), prefill=prefill, name=name, address=address)


def intake_prefill_discard(*, actor: Any, subject: Subject, applicant_id_number: str) -> None:
    """The intake is over (filed): what the registries returned is not kept."""
    IntakePrefill.objects.filter(clerk=actor, subject=subject_key(subject),
                                 applicant_digest=subject_digest(applicant_id_number)).delete()
