"""Queue ticket and appointment states, and the moves the hall allows between them."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("等候中")
    CALLED = "called", _("已叫号")
    SERVING = "serving", _("办理中")
    DONE = "done", _("已办结")
    NO_SHOW = "no_show", _("过号")


ALLOWED_TICKET_TRANSITIONS: dict[str, set[str]] = {
    # A window calls the number (appointments first, then by the time it was taken).
    TicketStatus.WAITING: {TicketStatus.CALLED},
    # The person comes to the window, or does not come after the calls (过号).
    TicketStatus.CALLED: {TicketStatus.SERVING, TicketStatus.NO_SHOW},
    # The clerk finishes what the person came for.
    TicketStatus.SERVING: {TicketStatus.DONE},
    TicketStatus.DONE: set(),
    TicketStatus.NO_SHOW: set(),
}

# A window holds at most one ticket in these states: the one it is calling or serving.
ACTIVE_TICKET_STATUSES = (TicketStatus.CALLED, TicketStatus.SERVING)


class TicketEventKind(models.TextChoices):
    ISSUED = "issued", _("取号")
    CALLED = "called", _("叫号")
    RECALLED = "recalled", _("重呼")
    SERVING = "serving", _("开始办理")
    DONE = "done", _("办结")
    NO_SHOW = "no_show", _("过号")


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("已预约")
    CHECKED_IN = "checked_in", _("已签到")
    CANCELLED = "cancelled", _("已取消")
    NO_SHOW = "no_show", _("爽约")


ALLOWED_APPOINTMENT_TRANSITIONS: dict[str, set[str]] = {
    # On arrival the appointment becomes a priority ticket; before its slot the person may
    # cancel; a slot that passes without a check-in is a no-show.
    AppointmentStatus.BOOKED: {
        AppointmentStatus.CHECKED_IN, AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW,
    },
    AppointmentStatus.CHECKED_IN: set(),
    AppointmentStatus.CANCELLED: set(),
    AppointmentStatus.NO_SHOW: set(),
}

# An appointment holds its place in the slot in these states.
HOLDING_APPOINTMENT_STATUSES = (AppointmentStatus.BOOKED, AppointmentStatus.CHECKED_IN)

# Check-in opens this long before the slot starts and closes this long after it ends;
# later than that, the person takes an ordinary number.
CHECK_IN_OPENS_BEFORE = dt.timedelta(minutes=60)
CHECK_IN_CLOSES_AFTER = dt.timedelta(minutes=30)

# A second recall of the same number within this time is the same press (a double click).
RECALL_DEBOUNCE = dt.timedelta(seconds=5)

# Booking codes: no 0/O, 1/I/L, so they can be read out and typed without mistakes.
BOOKING_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
BOOKING_CODE_LENGTH = 8
