"""The duplicate index: MinHash and key bands of the open tickets, per county, as
`DuplicateBand` rows; added, removed and rebuilt."""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from django.db import transaction

from onevisit.hotline.constants import OPEN_STATUSES
from onevisit.hotline.duplicates.tokens import (
    _DIGITS,
    _copies,
    _is_place,
    _subject_of,
    _trouble_of,
    address_place,
    ticket_tokens,
)
from onevisit.hotline.models import DuplicateBand, Ticket
from onevisit.search import text as search_text

# 10 bands of 2 rows: a pair of (weighted) Jaccard 0.5 shares a band with probability
# 0.94, 0.4 → 0.81, 0.3 → 0.61, 0.1 → 0.10. Against 1,000,000 generated open tickets
# (bench/hotline_duplicates.py) this finds a near-duplicate's case among the candidates
# about 85% of the time; 3 rows lose a fifth of those, 16 bands gain 4 points for 60%
# more rows.
BANDS = 10
ROWS = 2
SIGNATURE_SIZE = BANDS * ROWS
PER_BAND = 30  # the most recent open tickets read per band
CANDIDATES = 50  # open tickets scored at most
KEY_SUBJECTS = 2  # subjects of a ticket keyed with its place's words
KEY_ANCHORS = 4  # words of its place keyed
COUNTY_DIGITS = 6  # a GB/T 2260 code's province, city and county: bands are per county

# --------------------------------------------------------------------------- MinHash

_HASHES = struct.Struct(f"<{SIGNATURE_SIZE}Q")
_BAND = struct.Struct(f"<B{ROWS}Q")


@lru_cache(maxsize=8192)
def _token_hashes(token: str) -> tuple[int, ...]:
    """The token's hash under each of the `SIGNATURE_SIZE` permutations; a token that
    weighs n is n elements of the set (weighted MinHash by repetition): the least of n."""
    copies = _copies(token)
    values = struct.unpack(f"<{SIGNATURE_SIZE * copies}Q",
                           hashlib.shake_128(token.encode()).digest(_HASHES.size * copies))
    return tuple(min(values[index::SIGNATURE_SIZE]) for index in range(SIGNATURE_SIZE))


def duplicate_signature(tokens: Iterable[str]) -> list[int]:
    """The MinHash signature of a token set (empty without tokens)."""
    hashes = [_token_hashes(token) for token in set(tokens)]
    if not hashes:
        return []
    return [min(column) for column in zip(*hashes, strict=True)]


def _anchors(tokens: Sequence[str], address: str) -> list[str]:
    """The words a ticket's place is named by, in order: those of its address without
    numbers, or without one the words of its text naming places or unknown to the
    segmenter (吉杨, 中山东路)."""
    place = address_place(address)
    if place:
        return [token for token in tokens if token in place and not _DIGITS.search(token)]
    return [token for token in tokens if not _DIGITS.search(token) and not _subject_of(token)
            and not _trouble_of(token)
            and (_is_place(token) or not search_text.word_frequency(token))]


def duplicate_keys(tokens: Iterable[str], *, address: str = "") -> list[str]:
    """A ticket's subjects, each with a word of its place (路灯 中山东路, 油烟 城南): at most
    `KEY_SUBJECTS` × `KEY_ANCHORS`, in order. A paraphrase in other words shares few
    MinHash bands with its original, but names the same subject at the same place."""
    ordered = list(dict.fromkeys(tokens))
    subjects = list(dict.fromkeys(subject for token in ordered
                                  for subject in _subject_of(token)))[:KEY_SUBJECTS]
    anchors = list(dict.fromkeys(_anchors(ordered, address)))[:KEY_ANCHORS]
    return [f"{subject} {anchor}" for subject in subjects for anchor in anchors]


def duplicate_bands(tokens: Iterable[str], *, region_code: str = "",
                    address: str = "") -> list[int]:
    """The LSH bands of a ticket's tokens in its county, as signed 64-bit integers, one
    per band (none without tokens), then one per key (`duplicate_keys`). A band's position
    and the county's code (the first `COUNTY_DIGITS` of the region code) are hashed with
    it: band 1 never meets band 2, nor a ticket of one county one of another — a
    neighbouring township's ticket is found."""
    tokens = list(tokens)
    signature = duplicate_signature(tokens)
    if not signature:
        return []
    salt = region_code[:COUNTY_DIGITS].encode()
    bands = [
        int.from_bytes(
            hashlib.blake2b(_BAND.pack(index, *signature[index * ROWS:(index + 1) * ROWS]),
                            digest_size=8, salt=salt).digest(),
            "little", signed=True)
        for index in range(BANDS)
    ]
    return bands + [
        int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8, salt=salt,
                                       person=b"duplicate-key").digest(), "little", signed=True)
        for key in duplicate_keys(tokens, address=address)]


# --------------------------------------------------------------------------- the index


def _band_rows(ticket_id: int, tokens: str, region_code: str,
               address: str) -> list[DuplicateBand]:
    return [DuplicateBand(band=band, ticket_id=ticket_id) for band in dict.fromkeys(
        duplicate_bands(tokens.split(), region_code=region_code, address=address))]


def duplicate_index_add(*, ticket: Ticket) -> None:
    """Index an open ticket (again: its earlier bands are replaced)."""
    with transaction.atomic():
        DuplicateBand.objects.filter(ticket_id=ticket.pk).delete()
        DuplicateBand.objects.bulk_create(
            _band_rows(ticket.pk, ticket.tokens, ticket.region_id or "", ticket.address))


def duplicate_index_remove(*, ticket_ids: Iterable[int]) -> None:
    """Take tickets out of the index (closed, merged): they are matched no more."""
    ids = list(ticket_ids)
    if ids:
        DuplicateBand.objects.filter(ticket_id__in=ids).delete()


def duplicate_index_rebuild(*, retokenize: bool = False, tickets: Any = Ticket,
                             bands: Any = DuplicateBand) -> int:
    """Every open ticket's bands again, from its stored tokens (after a change of the
    parameters) or, with `retokenize`, from its title, text and address under the current
    token rules (after a change of `TOKENS_VERSION` or of the vocabulary), its stored
    tokens replaced. Returns the number of tickets indexed.

    A migration passes its historical models (`tickets`, `bands`): a change of the token
    rules ships with a migration that calls this (see `TOKENS_VERSION`), so `migrate`
    rebuilds the index of an existing instance and nobody has to remember a command."""
    count = 0
    with transaction.atomic():
        bands.objects.all().delete()
        open_tickets = (tickets.objects.filter(status__in=OPEN_STATUSES).order_by("pk")
                        .values_list("pk", "tokens", "region_id", "title", "text", "address"))
        rows: list[Any] = []
        retokenized: list[Any] = []
        for pk, stored, region, title, text, address in open_tickets.iterator(chunk_size=2000):
            if retokenize:
                stored = " ".join(ticket_tokens(title=title, text=text, address=address))
                retokenized.append(tickets(pk=pk, tokens=stored))
            rows.extend(bands(band=band, ticket_id=pk) for band in dict.fromkeys(
                duplicate_bands(stored.split(), region_code=region or "", address=address)))
            count += 1
            if len(rows) >= 10_000:
                bands.objects.bulk_create(rows)
                tickets.objects.bulk_update(retokenized, ["tokens"], batch_size=1000)
                rows, retokenized = [], []
        bands.objects.bulk_create(rows)
        tickets.objects.bulk_update(retokenized, ["tokens"], batch_size=1000)
    return count


def duplicate_index_retokenized(apps: Any, schema_editor: Any) -> None:
    """A migration's step after a change of the token rules (`RunPython`): every open
    ticket tokenized again under the current rules and its bands rebuilt, so that an
    existing instance's open tickets are matched as new ones are."""
    duplicate_index_rebuild(retokenize=True, tickets=apps.get_model("hotline", "Ticket"),
                            bands=apps.get_model("hotline", "DuplicateBand"))
