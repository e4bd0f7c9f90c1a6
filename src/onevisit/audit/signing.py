"""The audit log's signing key: Ed25519, kept in the key directory, never in the database.

The head row's (seq, hash) is signed at every append and each checkpoint is signed when it
is written, so someone who can rewrite the database but cannot read the key directory
cannot forge a head or a checkpoint. The key directory is the one the seal PKI uses
(settings.ONEVISIT["KEY_DIR"], mode 0700, files 0600):

- `audit-<key id>.key`: the active private key (PKCS#8 PEM); a retired one is deleted;
- `audit-keys.json`: the active key's id and every public key ever used, retired ones
  included, so what they signed still verifies.

The key is created the first time the log needs one; `audit_key_rotate` replaces it.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from onevisit import clock

MANIFEST = "audit-keys.json"
LOCK = "audit-keys.lock"
HEAD_CONTEXT = b"onevisit audit head"
CHECKPOINT_CONTEXT = b"onevisit audit checkpoint"
CHECKPOINT_ROOT_CONTEXT = b"onevisit audit checkpoint of chains"


def head_message(*, seq: int, hash: str) -> bytes:
    return b"\n".join([HEAD_CONTEXT, str(seq).encode(), hash.encode()])


def checkpoint_message(*, root: str, time: str) -> bytes:
    return b"\n".join([CHECKPOINT_ROOT_CONTEXT, root.encode(), time.encode()])


def one_chain_checkpoint_message(*, seq: int, hash: str, time: str) -> bytes:
    """What a checkpoint of the log's first format (one chain) signed."""
    return b"\n".join([CHECKPOINT_CONTEXT, str(seq).encode(), hash.encode(), time.encode()])


def key_dir() -> Path:
    return Path(str(settings.ONEVISIT["KEY_DIR"]))


def _too_open(path: Path) -> bool:
    return bool(stat.S_IMODE(path.stat().st_mode) & 0o077)


def _directory() -> Path:
    """The key directory, created 0700 if missing; refused if others may read it."""
    directory = key_dir()
    if not directory.exists():
        directory.mkdir(mode=0o700, parents=True)
        directory.chmod(0o700)
    if not directory.is_dir() or _too_open(directory):
        raise ImproperlyConfigured(
            f"the key directory {directory} must be a directory of mode 0700 "
            f"(set ONEVISIT_KEY_DIR; fix: chmod 700 {directory})"
        )
    return directory


def key_id_of(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


@dataclass(frozen=True)
class Keyring:
    """The public keys the log trusts, by id, and the id of the one signing now."""

    active: str
    public: dict[str, Ed25519PublicKey]

    def verify(self, *, key_id: str, signature: str, message: bytes) -> bool | None:
        """True or False; None when the key is not in the keyring."""
        key = self.public.get(key_id)
        if key is None:
            return None
        try:
            key.verify(base64.b64decode(signature, validate=True), message)
        except (InvalidSignature, ValueError):
            return False
        return True


EMPTY = Keyring(active="", public={})

# A cache, not state: rereading the manifest when it changed on disk lets every process see
# a rotation made by another at its next append.
_cache: dict[str, tuple[tuple[int, int, int], Keyring, Ed25519PrivateKey | None]] = {}


def _manifest_read(directory: Path) -> dict[str, object] | None:
    path = directory / MANIFEST
    if not path.is_file():
        return None
    data = json.loads(path.read_text())
    if not isinstance(data, dict):
        raise ImproperlyConfigured(f"{path} is not an audit key manifest")
    return data


def _keyring_of(data: dict[str, object]) -> Keyring:
    keys = data.get("keys")
    public: dict[str, Ed25519PublicKey] = {}
    for entry in keys if isinstance(keys, list) else []:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(entry["public_key"]))
        public[key_id_of(key)] = key
    return Keyring(active=str(data.get("active", "")), public=public)


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _manifest_write(directory: Path, data: dict[str, object]) -> None:
    temporary = directory / f".{MANIFEST}.{os.getpid()}"
    temporary.unlink(missing_ok=True)
    _write_private(temporary, json.dumps(data, indent=2, sort_keys=True).encode())
    os.replace(temporary, directory / MANIFEST)


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    fd = os.open(directory / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _key_new(directory: Path, manifest: dict[str, object] | None) -> str:
    """A new active key; the previous one is retired (its public key kept, its private
    key deleted). Call with the lock held."""
    private = Ed25519PrivateKey.generate()
    key_id = key_id_of(private.public_key())
    _write_private(directory / f"audit-{key_id}.key", private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    now = clock.now().astimezone(dt.UTC).isoformat()
    keys = list(manifest.get("keys", [])) if manifest else []  # type: ignore[call-overload]
    previous = str(manifest.get("active", "")) if manifest else ""
    for entry in keys:
        if entry["id"] == previous and not entry.get("retired_at"):
            entry["retired_at"] = now
    raw = private.public_key().public_bytes(serialization.Encoding.Raw,
                                            serialization.PublicFormat.Raw)
    keys.append({"id": key_id, "public_key": base64.b64encode(raw).decode(),
                 "created_at": now, "retired_at": None})
    _manifest_write(directory, {"active": key_id, "keys": keys})
    if previous:
        (directory / f"audit-{previous}.key").unlink(missing_ok=True)
    return key_id


def _load(*, create: bool) -> tuple[Keyring, Ed25519PrivateKey | None]:
    directory = _directory() if create else key_dir()
    path = directory / MANIFEST
    if not path.is_file():
        if not create:
            return EMPTY, None
        with _locked(directory):
            if not path.is_file():
                _key_new(directory, None)
    status = path.stat()
    fingerprint = (status.st_ino, status.st_mtime_ns, status.st_size)
    cached = _cache.get(str(directory))
    if (cached is not None and cached[0] == fingerprint
            and (directory / f"audit-{cached[1].active}.key").exists() == (cached[2] is not None)):
        return cached[1], cached[2]
    data = _manifest_read(directory)
    keyring = _keyring_of(data or {})
    private: Ed25519PrivateKey | None = None
    key_path = directory / f"audit-{keyring.active}.key"
    if key_path.is_file():
        if _too_open(key_path):
            raise ImproperlyConfigured(f"the audit signing key {key_path} is accessible by "
                                       f"group or others; fix: chmod 600 {key_path}")
        loaded = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        if not isinstance(loaded, Ed25519PrivateKey):
            raise ImproperlyConfigured(f"{key_path} is not an Ed25519 key")
        private = loaded
    _cache[str(directory)] = (fingerprint, keyring, private)
    return keyring, private


def keyring() -> Keyring:
    """The trusted public keys (none when the log has never signed anything)."""
    return _load(create=False)[0]


@dataclass(frozen=True)
class Signature:
    key_id: str
    signature: str


def sign(message: bytes) -> Signature:
    """Sign with the active key, created on first need."""
    ring, private = _load(create=True)
    if private is None:
        raise ImproperlyConfigured(
            f"the audit signing key {ring.active} is missing from {key_dir()}; restore it "
            "from the backup of the key directory, or run `onevisit audit rotate-key`"
        )
    return Signature(key_id=ring.active,
                     signature=base64.b64encode(private.sign(message)).decode())


def key_rotate() -> tuple[str, str]:
    """A new signing key; returns (retired key id, new key id)."""
    directory = _directory()
    with _locked(directory):
        manifest = _manifest_read(directory)
        previous = str(manifest.get("active", "")) if manifest else ""
        return previous, _key_new(directory, manifest)
