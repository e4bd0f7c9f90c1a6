"""Evidence sources (STYLE.md §5): a typed base class, a registry, built-in sources."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

from django.db.models import Q
from django.utils.translation import gettext_noop

from onevisit.exchange.models import RegistryRecord


@dataclass(frozen=True)
class Evidence:
    """A record a registry holds: what it proves, about whom, and its content."""

    source: str
    evidence_type: str
    subject: str
    data: dict[str, Any]
    valid_until: dt.date | None = None

    def expired(self, *, on: dt.date) -> bool:
        return self.valid_until is not None and self.valid_until < on


class SourceUnavailable(RuntimeError):
    """The source did not answer; the caller falls back to asking for an upload."""


class EvidenceSource(ABC):
    code: ClassVar[str]
    name: ClassVar[str]
    # A source whose records are newer than every other source's for what it holds (the
    # certificate library: results issued here); asked beside the source a material names.
    supplements_others: ClassVar[bool] = False

    @abstractmethod
    def fetch(self, *, evidence_type: str, subject: str, purpose: str = "") -> Evidence | None:
        """The evidence about `subject`, None if the source holds none. `purpose` is the
        legal purpose the requester states; a remote source records it."""

    def fetch_many(
        self, *, wanted: list[tuple[str, str]], purpose: str = ""
    ) -> dict[tuple[str, str], Evidence | None]:
        """Several (evidence type, subject) pairs at once; a source that can batch
        its look-ups overrides this."""
        return {pair: self.fetch(evidence_type=pair[0], subject=pair[1], purpose=purpose)
                for pair in wanted}


_SOURCES: dict[str, EvidenceSource] = {}


def source_register(source: EvidenceSource) -> EvidenceSource | None:
    """Register a source under its code; returns the one it replaces, if any."""
    previous = _SOURCES.get(source.code)
    _SOURCES[source.code] = source
    return previous


def sources_registered() -> list[EvidenceSource]:
    return sorted(_SOURCES.values(), key=lambda source: source.code)


def source_name(code: str) -> str:
    """The source's name for people; its code if it is not registered (any more)."""
    source = _SOURCES.get(code)
    return source.name if source is not None else code


def sources_supplementing() -> list[EvidenceSource]:
    return [source for source in sources_registered() if source.supplements_others]


def source_get(code: str) -> EvidenceSource:
    try:
        return _SOURCES[code]
    except KeyError:
        raise SourceUnavailable(f"no evidence source registered as {code!r}") from None


class ReferenceRegistry(EvidenceSource):
    """A registry kept in this database: the reference population, property and
    enterprise registries a pilot starts with, before real connectors exist."""

    def __init__(self, code: str, name: str) -> None:
        self.code = code  # type: ignore[misc]
        self.name = name  # type: ignore[misc]

    def fetch(self, *, evidence_type: str, subject: str, purpose: str = "") -> Evidence | None:
        record = RegistryRecord.objects.filter(
            source=self.code, evidence_type=evidence_type, subject=subject
        ).first()
        if record is None:
            return None
        return record_evidence(record, source=self.code)

    def fetch_many(
        self, *, wanted: list[tuple[str, str]], purpose: str = ""
    ) -> dict[tuple[str, str], Evidence | None]:
        if not wanted:
            return {}
        found = {
            (r.evidence_type, r.subject): record_evidence(r, source=self.code)
            for r in RegistryRecord.objects.filter(pairs_match(wanted), source=self.code)
        }
        return {pair: found.get(pair) for pair in wanted}


def pairs_match(wanted: list[tuple[str, str]]) -> Q:
    """A filter for rows with any of the (evidence type, subject) pairs."""
    match = Q()
    for evidence_type, subject in wanted:
        match |= Q(evidence_type=evidence_type, subject=subject)
    return match


def record_evidence(record: RegistryRecord, *, source: str) -> Evidence:
    return Evidence(evidence_type=record.evidence_type, subject=record.subject, source=source,
                    data=record.data, valid_until=record.valid_until)


# Their names are marked for translation (a page may show them through gettext).
REFERENCE_REGISTRIES = {
    "population": gettext_noop("人口库（公安）"),
    "civil_affairs": gettext_noop("婚姻登记库（民政）"),
    "health": gettext_noop("出生医学证明库（卫健）"),
    "property": gettext_noop("不动产登记库（自然资源）"),
    "enterprise": gettext_noop("法人库（市场监管）"),
    "tax": gettext_noop("税收征管库（税务）"),
}

for _code, _name in REFERENCE_REGISTRIES.items():
    source_register(ReferenceRegistry(_code, _name))
