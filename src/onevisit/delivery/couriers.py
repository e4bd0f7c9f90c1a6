"""Courier plugins (STYLE.md §5). The built-in one hands parcels to the hall's own
dispatch desk and numbers them locally; a real courier's API plugs in the same way."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from django.conf import settings


@dataclass(frozen=True)
class Parcel:
    reference: str
    recipient: str
    phone: str
    address: str


class Courier(ABC):
    code: ClassVar[str]
    name: ClassVar[str]

    @abstractmethod
    def hand_off(self, parcel: Parcel) -> str:
        """Book the parcel; return the tracking number."""


class HallDispatchDesk(Courier):
    code = "hall"
    name = "政务服务中心寄递窗口"

    def hand_off(self, parcel: Parcel) -> str:
        # One parcel per application, so the application's number makes the waybill's.
        return "OVP" + "".join(ch for ch in parcel.reference if ch.isdigit())


_COURIERS: dict[str, Courier] = {HallDispatchDesk.code: HallDispatchDesk()}


def courier_register(courier: Courier) -> None:
    _COURIERS[courier.code] = courier


def courier_default() -> Courier:
    return _COURIERS[getattr(settings, "ONEVISIT_COURIER", HallDispatchDesk.code)]
