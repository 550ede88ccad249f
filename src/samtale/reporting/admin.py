from django.contrib import admin

from samtale.reporting.models import ReportEvent


@admin.register(ReportEvent)
class ReportEventAdmin(admin.ModelAdmin):
    list_display = ("position", "kind", "occurred_at", "akasse")
    list_filter = ("kind",)

    def has_change_permission(self, request, obj=None):
        return False  # append-only

    def has_delete_permission(self, request, obj=None):
        return False
