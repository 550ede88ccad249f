"""Admin for offers and free times: read-mostly. `booked` is never edited by hand (R-PC-5): it is
changed only by the booking services' conditional UPDATE."""

from django.contrib import admin

from samtale.scheduling import models as m


@admin.register(m.MeetingOffer)
class MeetingOfferAdmin(admin.ModelAdmin):
    list_display = ("title", "jobcenter", "conversation_type", "meeting_form", "fulfils_deadline", "active")
    list_filter = ("jobcenter", "meeting_form", "active", "conversation_type")
    search_fields = ("title",)
    filter_horizontal = ("contact_forms", "contact_groups")


@admin.register(m.WeeklySchedule)
class WeeklyScheduleAdmin(admin.ModelAdmin):
    list_display = ("offer", "caseworker", "date_from", "date_to", "day_start", "day_end", "duration_minutes")
    readonly_fields = [f.name for f in m.WeeklySchedule._meta.fields]


@admin.register(m.Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ("offer", "start", "end", "caseworker", "capacity", "booked", "status")
    list_filter = ("status", "offer__jobcenter")
    date_hierarchy = "start"
    readonly_fields = ("booked",)
