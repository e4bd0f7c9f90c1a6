"""Input and output shapes of the JSON API (kept apart: inputs never carry server state)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Path, Schema
from pydantic import Field

# A text the server refuses when blank: at least one character that is not white space.
NON_BLANK = r"\S"
# Database keys are 64-bit; a larger number names nothing.
MAX_ID = 2**63 - 1
# A filing's form: far more fields than any item or life event has.
MAX_FORM_FIELDS = 500
# A row's number in a path: a larger one names nothing (and the database cannot compare it).
RowId = Annotated[int, Path(..., ge=1, le=MAX_ID)]


class ErrorOut(Schema):
    message: str = Field(description="what was refused, in the caller's language")
    errors: dict[str, str] = Field(
        default={}, description="one reason per field; at most 50 are listed, then `_more` "
        "counts the rest")


# --------------------------------------------------------------------------- catalogue


class MaterialOut(Schema):
    key: str
    name: str
    evidence_type: str | None
    held_by_government: bool
    original: bool
    copies: int
    required: bool
    tolerated_missing: bool
    commitment_replaceable: bool = Field(
        False, description="May be replaced by the applicant's written commitment (告知承诺, "
        "credit tier A only)")


class FieldOut(Schema):
    key: str
    label: str
    type: str
    required: bool
    choices: list[str]


class ItemSummaryOut(Schema):
    code: str
    version: int
    name: str
    kind: str
    department: str
    promised_visits: int
    committed_limit: int
    limit_unit: str


class ItemOut(ItemSummaryOut):
    region: str
    region_level: str
    topic: str
    description: str
    legal_basis: str
    conditions: str
    statutory_limit: int
    fee_yuan: Decimal
    fee_note: str
    channels: list[str]
    result_name: str
    fields: list[FieldOut]
    materials: list[MaterialOut]


class ItemPageOut(Schema):
    items: list[ItemSummaryOut]
    next_cursor: str | None


class StageOut(Schema):
    key: str
    name: str
    item_code: str
    item_name: str
    department: str
    depends_on: list[str]


class LifeEventSummaryOut(Schema):
    code: str
    name: str
    promised_visits: int
    committed_limit: int
    limit_unit: str


class LifeEventOut(LifeEventSummaryOut):
    description: str
    stages: list[StageOut]
    fields: list[FieldOut]
    materials: list[MaterialOut]


class ListEntryOut(Schema):
    kind: str
    code: str
    title: str
    department: str | None
    legal_basis: str
    content: str
    amount_yuan: Decimal | None
    item_codes: list[str]
    published_at: dt.datetime | None


# --------------------------------------------------------------------------- applications


class ApplicantIn(Schema):
    kind: Literal["person", "enterprise"] = "person"
    name: str = Field(min_length=2, max_length=128, pattern=NON_BLANK)
    id_number: str = Field(max_length=32)


class UploadIn(Schema):
    key: str = Field(max_length=200)
    filename: str = Field(default="", max_length=255)
    content_base64: str


class DeliveryIn(Schema):
    method: Literal["pickup", "courier", "download"] = "download"
    recipient: str = Field(default="", max_length=64)
    phone: str = Field(default="", max_length=20)
    address: str = Field(default="", max_length=255)


class ApplicationIn(Schema):
    item_code: str | None = None
    life_event_code: str | None = None
    channel: Literal["online", "window"] = "online"
    applicant: ApplicantIn
    data: dict[str, Any] = Field(default={}, max_length=MAX_FORM_FIELDS)
    materials: list[UploadIn] = []
    tolerated_missing: list[str] = Field(
        [], description="Materials accepted missing under 容缺 (credit tiers A and B only)")
    commitment: list[str] = Field(
        [], description="Materials replaced by the applicant's written commitment (告知承诺, "
        "credit tier A only, where the item and the material allow it)")
    delivery: DeliveryIn = DeliveryIn()
    consent_to_fetch: bool = Field(
        False, description="The applicant agrees that the evidence the government holds "
        "about her (see GET /fetch-preview) is fetched instead of uploaded. Without it "
        "those materials are asked for.",
    )


class SupplementIn(Schema):
    materials: list[UploadIn] = []
    tolerated_missing: list[str] = []
    at_window: bool = False
    new_trip: bool = False


class ToleratedSupplyIn(Schema):
    materials: list[UploadIn]


class ToleratedExtensionIn(Schema):
    key: str
    working_days: int
    reason: str = Field(max_length=500)


class VisitIn(Schema):
    purpose: Literal["intake", "supplement", "pickup", "other"]
    new_trip: bool = False


class PickupIn(Schema):
    new_trip: bool = False


class ApplicationMaterialOut(Schema):
    key: str
    name: str
    status: str
    problem: str
    source: str


class NoticeEntryOut(Schema):
    key: str
    name: str
    problem: str


class NoticeOut(Schema):
    number: str
    kind: str
    case_id: int | None
    issued_at: dt.datetime
    resolved_at: dt.datetime | None
    entries: list[NoticeEntryOut]


class CaseOut(Schema):
    id: int
    stage_key: str
    item_code: str
    item_name: str
    department: str
    status: str
    due_at: dt.datetime | None
    due_provisional: bool
    paused: bool
    decision_reason: str
    decision_legal_basis: str


class VisitOut(Schema):
    occurred_at: dt.datetime
    purposes: list[str]


class DeliveryOut(Schema):
    method: str
    status: str
    courier: str
    tracking_number: str
    delivered_at: dt.datetime | None


class CertificateOut(Schema):
    number: str
    # result (电子证照) or refusal (不予许可/不予受理决定书)
    kind: str
    title: str
    department: str
    issued_at: dt.datetime
    verification_code: str


class ApplicationOut(Schema):
    number: str
    title: str
    status: str
    channel: str
    applicant_name: str
    applicant_id_number: str
    receipt_number: str | None
    submitted_at: dt.datetime
    accepted_at: dt.datetime | None
    completed_at: dt.datetime | None
    due_at: dt.datetime | None
    due_provisional: bool
    promised_visits: int
    visits: list[VisitOut]
    materials: list[ApplicationMaterialOut]
    notices: list[NoticeOut]
    cases: list[CaseOut]
    delivery: DeliveryOut | None
    certificates: list[CertificateOut]
    credit_tier: str = Field("", description="The applicant's credit tier when filed (A–D)")


class ApplicationSummaryOut(Schema):
    number: str
    title: str
    status: str
    channel: str
    submitted_at: dt.datetime
    due_at: dt.datetime | None


class ApplicationPageOut(Schema):
    items: list[ApplicationSummaryOut]
    next_cursor: str | None


class AccessLogOut(Schema):
    at: dt.datetime
    application_number: str
    evidence_type: str
    source: str
    subject: str
    purpose: str
    outcome: str
    actor: str | None


# --------------------------------------------------------------------------- workflow


class QueueEntryOut(Schema):
    case_id: int
    application_number: str
    title: str
    item_name: str
    status: str
    due_at: dt.datetime | None


class DecisionIn(Schema):
    note: str = Field(default="", max_length=2000)


class RejectIn(Schema):
    reason: str = Field(max_length=2000, pattern=NON_BLANK)
    legal_basis: str = Field(max_length=2000, pattern=NON_BLANK)
    # not_permitted (不予许可) or not_accepted (不予受理): the written decision's title.
    refusal: str = "not_permitted"


class ReassignIn(Schema):
    assignee_id: int
    reason: str = Field(default="", max_length=500)


class CorrectionEntryIn(Schema):
    key: str
    problem: str = Field(max_length=255, pattern=NON_BLANK)


class CorrectionIn(Schema):
    entries: list[CorrectionEntryIn] = Field(min_length=1)
    note: str = Field(default="", max_length=2000)


class CaseDecisionOut(Schema):
    case_id: int
    status: str
    application_status: str


class DeliveredIn(Schema):
    note: str = Field(default="", max_length=255)


class RatingIn(Schema):
    score: int = Field(ge=1, le=5,
                       description="5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意")
    reasons: list[Literal["slow", "visits", "materials", "guide", "online", "attitude",
                          "result", "other"]] = Field(
        default_factory=list,
        description="required for 1 or 2: slow, visits, materials, guide, online, attitude, "
                    "result, other")
    comment: str = Field(default="", max_length=500)


class RatingOut(Schema):
    score: int
    reasons: list[str]
    comment: str
    rated_at: dt.datetime


RevocationCode = Literal["key_compromise", "affiliation_changed", "superseded",
                         "cessation_of_operation", "privilege_withdrawn"]
REVOCATION_REASON = Field(None, description="when revoked: why, as the department gave it "
                          "(the certificate's own revocation, or its seal's)")
REVOCATION_CODE = Field(None, description="when revoked: the RFC 5280 reason code, as the "
                        "CRL carries it")


class VerificationOut(Schema):
    status: Literal["valid", "revoked", "unknown"] = Field(
        description="revoked: the certificate was revoked, or the seal that sealed it was"
    )
    number: str | None = None
    title: str | None = None
    department: str | None = None
    issued_at: dt.datetime | None = None
    holder: str | None = None
    seal_serial: str | None = Field(None, description="the seal certificate that sealed the "
                                    "PDF; empty until the PDF is rendered")
    seal_status: Literal["active", "retired", "revoked"] | None = Field(
        None, description="retired: rotated out; what it sealed stays valid"
    )
    revocation_reason: str | None = REVOCATION_REASON
    revocation_code: RevocationCode | None = REVOCATION_CODE


class SignatureCheckOut(Schema):
    status: Literal["tampered", "untrusted", "revoked", "valid"]
    intact: bool = Field(description="the signed bytes are unchanged")
    trusted: bool = Field(description="the signer chains to this platform's CA, not revoked")
    revoked: bool
    whole_file: bool = Field(description="nothing was added after the signature")
    signed_at: dt.datetime | None = Field(description="the time the signer states")
    signer: str
    seal_serial: str | None
    department: str | None


class PdfVerificationOut(Schema):
    status: Literal["unreadable", "unsigned", "tampered", "untrusted", "revoked", "valid"]
    message: str
    sha256: str
    department: str | None = None
    signed_at: dt.datetime | None = None
    seal_serial: str | None = None
    seal_status: Literal["active", "retired", "revoked"] | None = None
    certificate: VerificationOut | None = Field(
        None, description="the certificate this PDF is: by its digest, or as its genuine "
        "seal names it"
    )
    revocation_reason: str | None = REVOCATION_REASON
    revocation_code: RevocationCode | None = REVOCATION_CODE
    signatures: list[SignatureCheckOut] = []
