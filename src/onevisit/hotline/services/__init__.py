"""The 12345 hotline's writes. Other apps, the API and the pages import from here."""

from onevisit.hotline.services.common import caller_digest, limit_days
from onevisit.hotline.services.handling import (
    ticket_accept,
    ticket_close,
    ticket_co_opinion,
    ticket_dispatch,
    ticket_extension_decide,
    ticket_extension_request,
    ticket_follow_up,
    ticket_reply,
    ticket_reply_deliver,
    ticket_return,
)
from onevisit.hotline.services.tickets import (
    TicketFiling,
    TicketInput,
    ticket_create,
    ticket_merge,
    ticket_split,
)

__all__ = [
    "TicketFiling",
    "TicketInput",
    "caller_digest",
    "limit_days",
    "ticket_accept",
    "ticket_close",
    "ticket_co_opinion",
    "ticket_create",
    "ticket_dispatch",
    "ticket_extension_decide",
    "ticket_extension_request",
    "ticket_follow_up",
    "ticket_merge",
    "ticket_reply",
    "ticket_reply_deliver",
    "ticket_return",
    "ticket_split",
]
