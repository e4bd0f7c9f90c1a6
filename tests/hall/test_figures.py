"""Waiting counts, waiting times and the wall display's board."""

from __future__ import annotations

import datetime as dt

import pytest

from onevisit import clock
from onevisit.hall.models import QueueTicket
from onevisit.hall.selectors import display_board, queue_figures, ticket_wait
from onevisit.hall.services import (
    ticket_call_next,
    ticket_finish,
    ticket_issue,
    ticket_recall,
    ticket_serve,
)
from tests.hall.conftest import MONDAY, at

pytestmark = pytest.mark.django_db


def _issue(category, moment):
    with clock.frozen_at(moment):
        return ticket_issue(category_id=category.pk)


def _serve(window, clerk, called, serving, finished=None):
    with clock.frozen_at(called):
        ticket = ticket_call_next(window_id=window.pk, actor=clerk)
    with clock.frozen_at(serving):
        ticket_serve(ticket_id=ticket.pk, actor=clerk)
    if finished:
        with clock.frozen_at(finished):
            ticket_finish(ticket_id=ticket.pk, actor=clerk)
    return ticket


def _by_prefix(figures):
    return {f.category.prefix: f for f in figures}


def test_before_anything_happens_the_defaults_give_the_estimate(hw):
    figures = _by_prefix(queue_figures(hall=hw.hall, now=at(MONDAY, 9)))

    assert [(p, f.waiting, f.windows, f.average_wait, f.estimated_wait_minutes)
            for p, f in figures.items()] == [
        ("A", 0, 2, None, 0), ("B", 0, 1, None, 0), ("C", 0, 1, None, 0)]


def test_waiting_counts_and_average_wait_are_todays(hw):
    _issue(hw.general, at(MONDAY - dt.timedelta(days=3), 9))  # another day: not counted
    for minute in (0, 2, 4, 6):
        _issue(hw.general, at(MONDAY, 9, minute))
    _issue(hw.property, at(MONDAY, 9, 1))
    # A001 waits 10 minutes, A002 waits 14; both served for 6 and 10 minutes.
    _serve(hw.window2, hw.clerk, at(MONDAY, 9, 10), at(MONDAY, 9, 11), at(MONDAY, 9, 17))
    _serve(hw.window2, hw.clerk, at(MONDAY, 9, 16), at(MONDAY, 9, 17), at(MONDAY, 9, 27))

    figures = _by_prefix(queue_figures(hall=hw.hall, now=at(MONDAY, 9, 30)))

    general = figures["A"]
    assert (general.waiting, general.windows) == (2, 2)
    assert general.average_wait == dt.timedelta(minutes=12)
    assert general.average_wait_minutes == 12
    # Mean service today 8 minutes, two windows: 4 minutes a number, two waiting.
    assert general.minutes_per_ticket == 4.0
    assert general.estimated_wait_minutes == 8
    # Nobody served yet in B: its default of 20 minutes, one window.
    assert (figures["B"].waiting, figures["B"].average_wait,
            figures["B"].estimated_wait_minutes) == (1, None, 20)


def test_a_category_without_a_window_has_no_estimate(hw):
    hw.window3.is_active = False
    hw.window3.save()

    figure = _by_prefix(queue_figures(hall=hw.hall, now=at(MONDAY, 9)))["C"]

    assert (figure.windows, figure.estimated_wait_minutes) == (0, None)


def test_a_ticket_knows_how_many_are_ahead_and_how_long_that_takes(hw):
    first = _issue(hw.general, at(MONDAY, 9))
    second = _issue(hw.general, at(MONDAY, 9, 1))
    third = _issue(hw.general, at(MONDAY, 9, 2))
    QueueTicket.objects.filter(pk=third.pk).update(priority=True)
    third.refresh_from_db()

    assert ticket_wait(ticket=third, now=at(MONDAY, 9, 3)).ahead == 0
    assert ticket_wait(ticket=first, now=at(MONDAY, 9, 3)).ahead == 1
    wait = ticket_wait(ticket=second, now=at(MONDAY, 9, 3))
    assert (wait.ahead, wait.estimated_minutes) == (2, 10)  # 10 min default ÷ 2 windows


def test_the_board_shows_recent_calls_and_each_windows_number(hw):
    a1 = _issue(hw.general, at(MONDAY, 9))
    a2 = _issue(hw.general, at(MONDAY, 9, 1))
    c1 = _issue(hw.business, at(MONDAY, 9, 2))
    with clock.frozen_at(at(MONDAY, 9, 5)):
        ticket_call_next(window_id=hw.window1.pk, actor=hw.clerk)
    with clock.frozen_at(at(MONDAY, 9, 6)):
        ticket_call_next(window_id=hw.window2.pk, actor=hw.clerk2)
    with clock.frozen_at(at(MONDAY, 9, 7)):
        ticket_call_next(window_id=hw.window3.pk, actor=hw.clerk2)
        ticket_serve(ticket_id=c1.pk, actor=hw.clerk2)
    with clock.frozen_at(at(MONDAY, 9, 8)):
        ticket_recall(ticket_id=a1.pk, actor=hw.clerk)

    board = display_board(hall=hw.hall, now=at(MONDAY, 9, 8))

    assert board.latest is not None
    assert board.latest.pk == a1.pk
    assert [(t.number, t.window.number) for t in board.recent] == [
        ("A001", 1), ("C001", 3), ("A002", 2)]
    assert [(w.window.number, w.ticket.number if w.ticket else None)
            for w in board.windows] == [(1, "A001"), (2, "A002"), (3, "C001")]
    assert a2.pk in {t.pk for t in board.recent}


def test_the_board_starts_empty_each_day(hw):
    _issue(hw.general, at(MONDAY, 9))
    with clock.frozen_at(at(MONDAY, 9, 5)):
        ticket_call_next(window_id=hw.window1.pk, actor=hw.clerk)

    board = display_board(hall=hw.hall, now=at(MONDAY + dt.timedelta(days=1), 9))

    assert (board.latest, board.recent) == (None, [])
    assert [w.ticket for w in board.windows] == [None, None, None]
