"""Signed checkpoints of the audit chain, kept outside the database.

A checkpoint is a small JSON file — the chain's tip (seq, hash), when it was taken, and an
Ed25519 signature by the audit key — written through Django's storage API to the
`audit_checkpoints` storage (settings.STORAGES): a local directory by default, another
machine or object storage with a retention lock (WORM) in production. Files are only ever
added, never changed. Someone who can rewrite the database but not this storage cannot
cut the log back past the newest checkpoint, even with an old signed head in hand.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages

from onevisit.audit import signing

STORAGE = "audit_checkpoints"
FORMAT = "onevisit-audit-checkpoint/1"


def storage() -> Storage:
    return storages[STORAGE]


@dataclass(frozen=True)
class Checkpoint:
    name: str
    seq: int
    hash: str
    time: str
    key_id: str


def checkpoint_store(*, seq: int, hash: str, at: dt.datetime) -> Checkpoint:
    """Sign (seq, hash) with the active key and add the file to the checkpoint storage."""
    time = at.astimezone(dt.UTC).isoformat()
    signed = signing.sign(signing.checkpoint_message(seq=seq, hash=hash, time=time))
    body = {"format": FORMAT, "seq": seq, "hash": hash, "time": time,
            "key_id": signed.key_id, "signature": signed.signature}
    stamp = at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    name = storage().save(f"checkpoint-{seq:012d}-{stamp}.json",
                          ContentFile(json.dumps(body, indent=2).encode()))
    return Checkpoint(name=name, seq=seq, hash=hash, time=time, key_id=signed.key_id)


@dataclass(frozen=True)
class CheckpointProblem:
    name: str
    reason: str


def checkpoints_read(
    *, keyring: signing.Keyring,
) -> Iterator[Checkpoint | CheckpointProblem]:
    """Every checkpoint file, in name order: a Checkpoint when its signature verifies with
    a trusted key, otherwise the problem."""
    store = storage()
    try:
        _directories, names = store.listdir("")
    except FileNotFoundError:
        return
    for name in sorted(names):
        if not name.endswith(".json"):
            continue
        try:
            with store.open(name, "rb") as handle:
                body = json.loads(handle.read())
            seq, hash, time = int(body["seq"]), str(body["hash"]), str(body["time"])
            key_id, signature = str(body["key_id"]), str(body["signature"])
        except (OSError, ValueError, KeyError, TypeError):
            yield CheckpointProblem(name, "unreadable: not a checkpoint file")
            continue
        valid = keyring.verify(key_id=key_id, signature=signature,
                               message=signing.checkpoint_message(seq=seq, hash=hash, time=time))
        if valid is None:
            yield CheckpointProblem(name, f"signed by key {key_id}, which is not a trusted "
                                          "audit key")
        elif not valid:
            yield CheckpointProblem(name, "its signature does not verify: the file was changed "
                                          "or not written by onevisit")
        else:
            yield Checkpoint(name=name, seq=seq, hash=hash, time=time, key_id=key_id)
