"""Signed checkpoints of the audit chains, kept outside the database.

A checkpoint is a small JSON file — every chain's tip (seq, hash), the root hash over them
all, when it was taken, and an Ed25519 signature of root and time by the audit key —
written through Django's storage API to the `audit_checkpoints` storage
(settings.STORAGES): a local directory by default, another machine or object storage with
a retention lock (WORM) in production. Files are only ever added, never changed. Someone
who can rewrite the database but not this storage cannot cut any chain back past the
newest checkpoint, even with an old signed head in hand.

Files of the first format (one chain, before the log had several) are still read: their
tip is chain 1's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages

from onevisit.audit import signing

STORAGE = "audit_checkpoints"
FORMAT = "onevisit-audit-checkpoint/2"
FORMAT_ONE_CHAIN = "onevisit-audit-checkpoint/1"


def storage() -> Storage:
    return storages[STORAGE]


Heads = dict[int, tuple[int, str]]  # chain -> (seq, hash) of its tip


@dataclass(frozen=True)
class Checkpoint:
    name: str
    heads: Heads
    time: str
    key_id: str

    @property
    def rows(self) -> int:
        return heads_rows(self.heads)


def heads_rows(heads: Heads) -> int:
    """The rows the heads cover, in all chains."""
    return sum(seq for seq, _hash in heads.values())


def heads_root(heads: Heads) -> str:
    """The one hash over every chain's tip that a checkpoint signs."""
    canonical = json.dumps(sorted([chain, seq, hash] for chain, (seq, hash) in heads.items()),
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def checkpoint_store(*, heads: Heads, at: dt.datetime) -> Checkpoint:
    """Sign the heads' root with the active key and add the file to the checkpoint storage.
    Names sort by the rows recorded, which only grow."""
    time = at.astimezone(dt.UTC).isoformat()
    root = heads_root(heads)
    signed = signing.sign(signing.checkpoint_message(root=root, time=time))
    body = {"format": FORMAT,
            "heads": [{"chain": chain, "seq": seq, "hash": hash}
                      for chain, (seq, hash) in sorted(heads.items())],
            "root": root, "time": time, "key_id": signed.key_id, "signature": signed.signature}
    stamp = at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    name = storage().save(f"checkpoint-{heads_rows(heads):012d}-{stamp}.json",
                          ContentFile(json.dumps(body, indent=2).encode()))
    return Checkpoint(name=name, heads=heads, time=time, key_id=signed.key_id)


@dataclass(frozen=True)
class _Signed:
    """A checkpoint file as read: what it records and what its signature covers."""

    heads: Heads
    time: str
    message: bytes
    key_id: str
    signature: str
    root_matches: bool  # its heads hash to the root it signs


def _checkpoint_parse(body: dict[str, Any]) -> _Signed:
    time, key_id, signature = str(body["time"]), str(body["key_id"]), str(body["signature"])
    if body.get("format") == FORMAT_ONE_CHAIN:
        seq, hash = int(body["seq"]), str(body["hash"])
        return _Signed({1: (seq, hash)}, time,
                       signing.one_chain_checkpoint_message(seq=seq, hash=hash, time=time),
                       key_id, signature, root_matches=True)
    entries = body["heads"]
    if not isinstance(entries, list):
        raise TypeError("heads is not a list")
    heads = {int(entry["chain"]): (int(entry["seq"]), str(entry["hash"])) for entry in entries}
    if len(heads) != len(entries):
        raise ValueError("a chain is named twice")
    root = str(body["root"])
    return _Signed(heads, time, signing.checkpoint_message(root=root, time=time), key_id,
                   signature, root_matches=root == heads_root(heads))


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
                signed = _checkpoint_parse(json.loads(handle.read()))
        except (OSError, ValueError, KeyError, TypeError):
            yield CheckpointProblem(name, "unreadable: not a checkpoint file")
            continue
        if not signed.root_matches:
            yield CheckpointProblem(name, "its heads do not hash to its root: the file was "
                                          "changed")
            continue
        valid = keyring.verify(key_id=signed.key_id, signature=signed.signature,
                               message=signed.message)
        if valid is None:
            yield CheckpointProblem(name, f"signed by key {signed.key_id}, which is not a "
                                          "trusted audit key")
        elif not valid:
            yield CheckpointProblem(name, "its signature does not verify: the file was changed "
                                          "or not written by onevisit")
        else:
            yield Checkpoint(name=name, heads=signed.heads, time=signed.time,
                             key_id=signed.key_id)
