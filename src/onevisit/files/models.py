"""The ledger of stored files: a row per file, written in the transaction of the row that
refers to it, so that a file is known to be wanted exactly when that transaction commits."""

from __future__ import annotations

from django.db import models


class StoredFile(models.Model):
    name = models.CharField(max_length=255, unique=True,
                            help_text="name in the default storage (under MEDIA_ROOT)")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    stored_at = models.DateTimeField()

    class Meta:
        ordering = ("id",)

    def __str__(self) -> str:
        return self.name
