from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from onevisit.accounts.models import ApiToken, User

_DATA = Path(__file__).resolve().parent / "data"


def user_for_api_key(*, key: str) -> User | None:
    digest = hashlib.sha256(key.encode()).hexdigest()
    token = ApiToken.objects.select_related("user").filter(key_hash=digest).first()
    if token is None or not token.user.is_active:
        return None
    return token.user


@lru_cache(maxsize=1)
def county_codes() -> frozenset[str]:
    """Every county-level code of the bundled GB/T 2260 table (2023 edition).

    Read from the data file rather than the database so validators work before the
    regions are loaded; the file is part of the package and never changes at run time.
    """
    with (_DATA / "areas.csv").open(encoding="utf-8") as handle:
        next(handle)
        return frozenset(line.split(",", 1)[0] for line in handle if line.strip())
