"""The search index: one document per guide (or, later, knowledge-base article).

The text is kept twice: as written (for the page and its snippets) and as jieba tokens
joined by spaces, which the database's full-text index reads — an FTS5 table on SQLite
(with the kind, so a search reads only the documents of its kinds), generated `tsvector`
columns with GIN indexes on PostgreSQL, one of the whole document and one of its heading
(`migrations/0002_full_text.py`, `0003_full_text_kind.py`). None is known to the ORM;
`selectors` queries them.
"""

from __future__ import annotations

from django.db import models

from onevisit.accounts.models import Department


class SearchDocument(models.Model):
    kind = models.CharField(max_length=32)
    key = models.CharField(max_length=128)
    title = models.CharField(max_length=255)
    body = models.TextField(blank=True, help_text="shown in results, snippets come from it")
    topic = models.CharField(max_length=64, blank=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    extra = models.JSONField(default=dict, blank=True, help_text="what a result shows")
    heading_tokens = models.TextField(blank=True, help_text="title, keywords and topic")
    body_tokens = models.TextField(blank=True)
    indexed_at = models.DateTimeField()

    class Meta:
        ordering = ["kind", "key"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="search_document_kind_key"),
        ]
        indexes = [
            models.Index(fields=["topic", "kind"], name="search_document_topic"),
            models.Index(fields=["department", "kind"], name="search_document_department"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"
