"""What is in the storage, as a test sees it."""

from __future__ import annotations

from django.core.files.storage import default_storage


def media_files(folder: str = "") -> list[str]:
    """Every file in the default storage (pending marks included), by name, sorted: the
    local folder's or the object store's, walked through the storage API."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    prefix = f"{folder}/" if folder else ""
    found = [prefix + name for name in files]
    for name in folders:
        found.extend(media_files(prefix + name))
    return sorted(found)
