from django.contrib import admin

from samtale.messaging.content import message_content
from samtale.messaging.models import Message, MessageEvent


class MessageEventInline(admin.TabularInline):
    model = MessageEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "status", "attempt", "worker", "detail")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """The outbox for operators: what is queued, failing or dead, and why. Read-only: status changes
    go through the worker and the delivery receipts."""

    list_display = ("created_at", "kind", "channel", "status", "attempts", "next_attempt_at", "last_error")
    list_filter = ("status", "channel", "kind")
    search_fields = ("idempotency_key", "provider_reference")
    inlines = [MessageEventInline]
    exclude = ("citizen",)  # the citizen's record (with the CPR) is not needed to follow a message

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Message._meta.fields if f.name != "citizen"] + ["says"]

    @admin.display(description="Beskeden (som sendt, eller som den vil blive sendt)")
    def says(self, obj):
        said = message_content(obj, attachment=False)
        return f"{said.subject}\n\n{said.text}" if said.subject else said.text

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
