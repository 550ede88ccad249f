from django.contrib import admin

from samtale.conversations import models as m


class ParticipantInline(admin.TabularInline):
    model = m.Participant
    extra = 0


@admin.register(m.HeldConversation)
class HeldConversationAdmin(admin.ModelAdmin):
    """Read-only: registrations and corrections go through the services (rules, history, report)."""

    list_display = (
        "contact_number",
        "version",
        "is_current",
        "citizen",
        "held_at",
        "conversation_type",
        "contact_form",
    )
    list_filter = ("is_current", "conversation_type", "contact_form")
    search_fields = ("contact_number",)
    inlines = [ParticipantInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(m.VisitationRegistration)
class VisitationRegistrationAdmin(admin.ModelAdmin):
    list_display = ("citizen", "visitation_group", "valid_from", "registered_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(m.ConversationTypeContactGroups)
class ConversationTypeContactGroupsAdmin(admin.ModelAdmin):
    list_display = ("conversation_type", "reason")
    filter_horizontal = ("contact_groups",)
