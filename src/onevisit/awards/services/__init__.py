"""The award's writes (docs/awards.md); every name is importable from here."""

from onevisit.awards.notice import notice_pdf
from onevisit.awards.services.calls import (
    call_create,
    call_publish,
    call_transition,
    call_update,
    panel_record,
    weights_clean,
)
from onevisit.awards.services.cases import case_submit
from onevisit.awards.services.experts import conflict_declare, expert_register, expert_set_active
from onevisit.awards.services.review import (
    review_draw_commit,
    review_draw_run,
    scores_clean,
    sheet_submit,
)
from onevisit.awards.services.selection import visit_record, vote_record

__all__ = [
    "call_create",
    "call_publish",
    "call_transition",
    "call_update",
    "case_submit",
    "conflict_declare",
    "expert_register",
    "expert_set_active",
    "notice_pdf",
    "panel_record",
    "review_draw_commit",
    "review_draw_run",
    "scores_clean",
    "sheet_submit",
    "visit_record",
    "vote_record",
    "weights_clean",
]
