from django.contrib import admin

from samtale.citizens import models as m


class ContactGroupInline(admin.TabularInline):
    model = m.ContactGroupPeriod
    extra = 0


class JobcenterInline(admin.TabularInline):
    model = m.JobcenterPeriod
    extra = 0


@admin.register(m.Citizen)
class CitizenAdmin(admin.ModelAdmin):
    # CPR is searchable but not listed, so it does not sit on screen in lists.
    list_display = ("name", "public_id", "sms_reminders", "email_reminders")
    search_fields = ("=cpr", "name")
    inlines = [ContactGroupInline, JobcenterInline]


@admin.register(m.Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ("citizen", "absence_type", "start_date", "end_date")
