"""Intake (受理): filing, the completeness check, one-time notices, receipts, visits, and
the department cases with their clocks. Other apps import from here."""

from onevisit.applications.services.cases import (
    application_credit_code,
    application_finish,
    case_clock_pause,
    case_credit_code_set,
    case_lock,
    case_record,
    case_transition,
    cases_charges_paid,
    cases_start_ready,
)
from onevisit.applications.services.common import application_lock, serial_number
from onevisit.applications.services.drafts import (
    draft_delete,
    draft_get,
    draft_save,
    draft_submit,
)
from onevisit.applications.services.inputs import Applicant, DeliveryChoice, Upload
from onevisit.applications.services.intake import (
    FetchPreviewRow,
    Filing,
    IntakePreview,
    PreparedFiling,
    application_delivery_change,
    application_evidence_retry,
    application_file,
    application_submit,
    application_supplement,
    evidence_retry_pending,
    fetch_preview,
    filing_prepare,
    intake_preview,
)
from onevisit.applications.services.notifying import applicant_notify, tolerated_due_notify
from onevisit.applications.services.progress import (
    Progress,
    SkippedStage,
    progress_lookup,
    stage_names,
    stages_skipped,
)
from onevisit.applications.services.subjects import (
    Stage,
    Subject,
    case_material_keys,
    subject_for_form,
    subject_of,
    subject_resolve,
)
from onevisit.applications.services.tolerated import (
    tolerated_due_extend,
    tolerated_outstanding,
    tolerated_supply,
)
from onevisit.applications.services.visits import (
    subject_visit_cause_default,
    visit_record,
)

__all__ = [
    "Applicant",
    "DeliveryChoice",
    "FetchPreviewRow",
    "Filing",
    "IntakePreview",
    "PreparedFiling",
    "Progress",
    "SkippedStage",
    "Stage",
    "Subject",
    "Upload",
    "applicant_notify",
    "application_credit_code",
    "application_delivery_change",
    "application_evidence_retry",
    "application_file",
    "application_finish",
    "application_lock",
    "application_submit",
    "application_supplement",
    "case_clock_pause",
    "case_credit_code_set",
    "case_lock",
    "case_material_keys",
    "case_record",
    "case_transition",
    "cases_charges_paid",
    "cases_start_ready",
    "draft_delete",
    "draft_get",
    "draft_save",
    "draft_submit",
    "evidence_retry_pending",
    "fetch_preview",
    "filing_prepare",
    "intake_preview",
    "progress_lookup",
    "serial_number",
    "stage_names",
    "stages_skipped",
    "subject_for_form",
    "subject_of",
    "subject_resolve",
    "subject_visit_cause_default",
    "tolerated_due_extend",
    "tolerated_due_notify",
    "tolerated_outstanding",
    "tolerated_supply",
    "visit_record",
]
