"""The citizens' verdict: 好差评 → 整改, 调查评估, 改革建言, 第三方评估, 体验办事.
Other apps import from here."""

from onevisit.feedback.services.evaluation import (
    evaluation_export,
    evaluation_import,
    evaluation_sample_draw,
    results_file_read,
    rows_csv,
    rows_xlsx,
)
from onevisit.feedback.services.experience import experience_mark, experience_report
from onevisit.feedback.services.ratings import (
    RATABLE_STATUSES,
    rating_submit,
    rectification_answer,
    rectification_second_verdict,
    rectifications_overdue_scan,
)
from onevisit.feedback.services.suggestions import (
    suggestion_moderate,
    suggestion_reply,
    suggestion_submit,
)
from onevisit.feedback.services.surveys import (
    QuestionInput,
    survey_answer,
    survey_create,
    survey_send,
)

__all__ = [
    "RATABLE_STATUSES",
    "QuestionInput",
    "evaluation_export",
    "evaluation_import",
    "evaluation_sample_draw",
    "experience_mark",
    "experience_report",
    "rating_submit",
    "rectification_answer",
    "rectification_second_verdict",
    "rectifications_overdue_scan",
    "results_file_read",
    "rows_csv",
    "rows_xlsx",
    "suggestion_moderate",
    "suggestion_reply",
    "suggestion_submit",
    "survey_answer",
    "survey_create",
    "survey_send",
]
