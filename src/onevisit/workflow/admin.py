from django.contrib import admin

from onevisit.workflow.models import JointReviewPanel, RemedyBodies


@admin.register(RemedyBodies)
class RemedyBodiesAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("department", "region", "review_body", "court")


@admin.register(JointReviewPanel)
class JointReviewPanelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """施工图 多审合一: which departments take part in the joint review of an item's cases."""

    list_display = ("item_code", "department")
    list_filter = ("item_code",)
