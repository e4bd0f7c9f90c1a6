"""What is in the storage, as a test sees it."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings


def media_files() -> list[str]:
    """Every file under MEDIA_ROOT (pending marks included), relative, sorted."""
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return []
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
