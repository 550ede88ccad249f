from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from samtale.citizens import models as m
from samtale.core.errors import DomainError


class ContactGroupInline(admin.TabularInline):
    model = m.ContactGroupPeriod
    extra = 0


class JobcenterInline(admin.TabularInline):
    model = m.JobcenterPeriod
    extra = 0


@admin.register(m.Citizen)
class CitizenAdmin(admin.ModelAdmin):
    # CPR is neither listed nor searchable in the list: the list's search is a GET, and a CPR must never
    # be in a URL (issue 12, item 5). "Find på CPR-nummer" posts it instead.
    list_display = ("name", "public_id", "sms_reminders", "email_reminders")
    search_fields = ("name",)
    inlines = [ContactGroupInline, JobcenterInline]
    change_list_template = "admin/citizens/citizen/change_list.html"

    def get_urls(self):
        return [
            path("cpr/", self.admin_site.admin_view(self.cpr_search), name="citizens_citizen_cpr_search"),
            *super().get_urls(),
        ]

    def cpr_search(self, request):
        """POST a CPR number, land on the citizen's page; found or not, the search is in the access log
        (citizens.selectors.citizen_find_by_cpr)."""
        from samtale.citizens.selectors import citizen_find_by_cpr
        from samtale.core.admin_audit import admin_actor

        if not self.has_view_permission(request):
            return redirect("admin:index")
        if request.method == "POST":
            try:
                citizen = citizen_find_by_cpr(admin_actor(request), request.POST.get("cpr", ""))
            except DomainError as error:
                messages.error(request, error.message)
            else:
                return redirect(reverse("admin:citizens_citizen_change", args=[citizen.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Find borger på CPR-nummer",
        }
        return TemplateResponse(request, "admin/citizens/citizen/cpr_search.html", context)


@admin.register(m.Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ("citizen", "absence_type", "start_date", "end_date")
