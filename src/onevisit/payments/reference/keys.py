"""The reference gateway's signing key: HMAC-SHA256, 32 random bytes kept in the key
directory beside the seal and audit keys (settings.ONEVISIT["KEY_DIR"], file
`paygate-reference.key`, mode 0600), never in the database. A real gateway gives the
merchant its key (or its public key) out of band; here the gateway and the platform read
the same file. Created the first time either side needs it; deleting it makes every
notification signed before fail verification, as a changed merchant key would."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from django.conf import settings

KEY_FILE = "paygate-reference.key"


def _path() -> Path:
    directory = Path(str(settings.ONEVISIT["KEY_DIR"]))
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory / KEY_FILE


def key() -> bytes:
    path = _path()
    if not path.exists():
        with contextlib.suppress(FileExistsError):  # another process made it first
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text().strip())


def sign(body: bytes) -> str:
    return hmac.new(key(), body, hashlib.sha256).hexdigest()


def signature_valid(body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(body), signature.strip().lower())
