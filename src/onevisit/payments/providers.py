"""Payment provider plugins (STYLE.md §5): what the platform needs of a payment gateway —
the province's unified public payment platform, a bank, or the built-in reference gateway.

A provider is chosen by `settings.ONEVISIT["PAYMENT_PROVIDER"]` (ONEVISIT_PAYMENT_PROVIDER)
for new orders; an order keeps the provider it was opened with, so notifications, queries
and refunds go back to it. Every call is idempotent by our order (or refund) number: a
retried checkout returns the same trade, a retried refund the same refund.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class OrderRequest:
    number: str  # our order number: the provider's out_trade_no
    amount_yuan: Decimal
    subject: str
    notify_url: str  # where the provider POSTs its asynchronous notification
    return_url: str  # where the cashier sends the payer back


@dataclass(frozen=True)
class Checkout:
    trade_number: str
    redirect_url: str  # the cashier page
    qr_payload: str  # what a phone's scanner opens to pay


@dataclass(frozen=True)
class PaymentNotification:
    """A notification as the provider's plugin read it. `signature_ok` False: nothing in
    it may be trusted (the fields are kept for the record only)."""

    signature_ok: bool
    order_number: str
    trade_number: str
    amount_yuan: Decimal | None
    paid_at: dt.datetime | None
    success: bool


@dataclass(frozen=True)
class TradeState:
    order_number: str
    trade_number: str
    status: str  # WAIT_PAY, SUCCESS, CLOSED, REFUNDED, NOT_FOUND
    amount_yuan: Decimal
    paid_at: dt.datetime | None


@dataclass(frozen=True)
class RefundResult:
    refund_number: str  # the provider's
    succeeded: bool


@dataclass(frozen=True)
class StatementLine:
    """One line of the provider's daily statement: a payment or a refund."""

    kind: str  # PAY or REFUND
    order_number: str
    trade_number: str
    refund_number: str  # our refund number for a REFUND line
    amount_yuan: Decimal
    status: str
    at: str


class PaymentProvider(ABC):
    code: ClassVar[str]
    name: ClassVar[str]
    # What the notify endpoint answers when it took the notification in (recorded,
    # whatever the outcome): the provider stops retrying.
    acknowledgement: ClassVar[str] = "success"

    @abstractmethod
    def checkout(self, order: OrderRequest) -> Checkout:
        """Create the trade (or return the one already made for this order number)."""

    @abstractmethod
    def notification_parse(self, *, body: bytes, headers: Mapping[str, str]
                           ) -> PaymentNotification:
        """Verify the notification's signature and read it."""

    @abstractmethod
    def query(self, *, order_number: str) -> TradeState:
        """The trade's state as the provider knows it."""

    @abstractmethod
    def close(self, *, order_number: str) -> bool:
        """Close an unpaid trade; False if it was already paid."""

    @abstractmethod
    def refund(self, *, order_number: str, refund_number: str, amount_yuan: Decimal,
               reason: str) -> RefundResult:
        """Refund part or all of a paid trade, once per refund number."""

    @abstractmethod
    def statement(self, *, day: dt.date) -> bytes:
        """The day's statement file (CSV) of payments and refunds."""

    @abstractmethod
    def statement_parse(self, content: bytes) -> list[StatementLine]:
        """The statement file's lines."""


_PROVIDERS: dict[str, PaymentProvider] = {}


def provider_register(provider: PaymentProvider) -> None:
    _PROVIDERS[provider.code] = provider


def provider_get(code: str) -> PaymentProvider:
    try:
        return _PROVIDERS[code]
    except KeyError:
        raise ImproperlyConfigured(
            f"no payment provider {code!r}; the providers are {', '.join(_PROVIDERS)} "
            f"(set ONEVISIT_PAYMENT_PROVIDER)") from None


def provider_default() -> PaymentProvider:
    return provider_get(str(settings.ONEVISIT["PAYMENT_PROVIDER"]))
