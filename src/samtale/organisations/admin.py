from django.contrib import admin

from samtale.organisations import models as m


@admin.register(m.Jobcenter)
class JobcenterAdmin(admin.ModelAdmin):
    list_display = ("code", "name")


@admin.register(m.AKasse)
class AKasseAdmin(admin.ModelAdmin):
    list_display = ("code", "name")


@admin.register(m.Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ("kind", "code", "name")


@admin.register(m.Caseworker)
class CaseworkerAdmin(admin.ModelAdmin):
    list_display = ("ident", "name", "active")
    filter_horizontal = ("jobcenters",)


@admin.register(m.ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ("name", "role", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("token_hash",)
