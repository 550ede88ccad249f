"""Admin for planned conversations: read-only. Every change goes through the services, so the rules,
the history and the report events (R-PC-3, R-PC-7) cannot be bypassed here."""

from django.contrib import admin

from samtale.bookings import models as m


class BookingChangeInline(admin.TabularInline):
    model = m.BookingChange
    extra = 0
    can_delete = False
    readonly_fields = ("at", "actor", "kind", "old", "new")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(m.Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ("booking_number", "citizen", "title", "start", "status", "self_booked", "jobcenter")
    list_filter = ("status", "self_booked", "jobcenter", "conversation_type")
    search_fields = ("=booking_number",)
    date_hierarchy = "start"
    inlines = [BookingChangeInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
