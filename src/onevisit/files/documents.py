"""Documents onevisit makes and keeps (sealed certificates, electronic receipts, award
notices): stored in the default storage under a fixed name, with the SHA-256 their row
records. A copy that changed, or is not there, is never served: the caller makes it again.

The default storage is the local folder (MEDIA_ROOT) or object storage (docs/deploy.md).
On the local folder a document is written beside its name and renamed into place, so a
reader sees the old file or the new one, never half of one; an object store replaces an
object whole.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

import structlog
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage

log = structlog.get_logger(__name__)


def document_read(name: str, sha256: str) -> bytes | None:
    """The document stored as `name`, if it is there and still has the digest recorded
    when it was stored; None otherwise (make it again)."""
    if not (name and sha256):
        return None
    content = stored_bytes(name)
    if content is None:
        return None
    if hashlib.sha256(content).hexdigest() != sha256:
        log.warning("stored_document_changed", name=name)
        return None
    return content


def document_write(name: str, content: bytes) -> str:
    """Store a document as `name`, replacing what was there; returns its SHA-256 for the
    row to record."""
    if isinstance(default_storage, FileSystemStorage):
        target = Path(default_storage.path(name))
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}")
        partial.write_bytes(content)
        partial.replace(target)
    else:
        saved = default_storage.save(name, ContentFile(content))
        if saved != name:  # a storage that keeps both instead of replacing
            default_storage.delete(saved)
            raise RuntimeError(f"the default storage kept {name} as {saved}: configure it "
                               "to overwrite (docs/deploy.md)")
    return hashlib.sha256(content).hexdigest()


def stored_bytes(name: str) -> bytes | None:
    """The bytes stored as `name` in the default storage; None if there is no such file
    (or the name would leave the storage)."""
    try:
        with default_storage.open(name, "rb") as handle:
            return bytes(handle.read())
    except (FileNotFoundError, IsADirectoryError, SuspiciousFileOperation):
        return None
