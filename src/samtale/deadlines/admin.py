"""Read-only admin for deadlines: every status change goes through the services (history + report
event, R-DL-14), so the admin only shows."""

from django.contrib import admin

from samtale.deadlines import models as m


class ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HistoryInline(ReadOnly, admin.TabularInline):
    model = m.DeadlineChange
    extra = 0
    fields = ("day", "at", "event", "old_status", "new_status", "actor")
    readonly_fields = fields


@admin.register(m.Deadline)
class DeadlineAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("citizen", "conversation_type", "deadline_date", "activation_date", "status", "jobcenter")
    list_filter = ("status", "jobcenter", "conversation_type")
    date_hierarchy = "deadline_date"
    inlines = [HistoryInline]


@admin.register(m.BatchRun)
class BatchRunAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("day", "started_at", "finished_at", "summary")
