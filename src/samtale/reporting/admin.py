from django import forms
from django.contrib import admin, messages

from samtale.core.actors import Actor
from samtale.core.errors import InvalidInput
from samtale.reporting import services
from samtale.reporting.models import ReportEvent, WebhookAttempt, WebhookSubscriber
from samtale.reporting.selectors import webhook_lag


@admin.register(ReportEvent)
class ReportEventAdmin(admin.ModelAdmin):
    list_display = ("position", "kind", "occurred_at", "akasse")
    list_filter = ("kind",)

    def has_change_permission(self, request, obj=None):
        return False  # append-only

    def has_delete_permission(self, request, obj=None):
        return False


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = ("at", "first_position", "last_position", "events", "status_code", "ok", "error", "duration_ms")
    readonly_fields = fields
    ordering = ("-at", "-id")
    extra = 0
    max_num = 0
    can_delete = False
    verbose_name_plural = "seneste leveringer"

    def get_queryset(self, request):
        # the newest 20 (an inline cannot slice its queryset, so filter on their ids)
        qs = super().get_queryset(request)
        newest = qs.order_by("-at", "-id").values_list("id", flat=True)[:20]
        return qs.filter(id__in=list(newest))


def _actor(request) -> Actor:
    return Actor(kind="admin", label=f"admin:{request.user.get_username()}")


class WebhookForm(forms.ModelForm):
    url = forms.URLField(label="adresse", max_length=500, assume_scheme="https")
    # never shown again once saved; empty keeps the current one (or makes one for a new receiver)
    secret = forms.CharField(
        label="hemmelighed",
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False),
        help_text="Mindst 16 tegn. Tom: behold den nuværende (ny modtager: der laves en og vises én gang).",
    )

    class Meta:
        model = WebhookSubscriber
        fields = ("url", "secret", "akasse", "kinds")

    def clean(self):
        data = super().clean()
        try:
            services.webhook_validate(url=data.get("url") or "", secret=data.get("secret") or "x" * 16)
        except InvalidInput as exc:
            self.add_error(exc.field, exc.message)
        return data


@admin.register(WebhookSubscriber)
class WebhookSubscriberAdmin(admin.ModelAdmin):
    form = WebhookForm
    list_display = ("url", "feed", "status", "position", "lag", "failing_since", "last_error")
    list_filter = ("status",)
    # what the worker keeps up to date, shown but not edited
    readonly_fields = (
        "status",
        "paused_reason",
        "position",
        "lag",
        "attempts",
        "failing_since",
        "next_attempt_at",
        "last_attempt_at",
        "last_success_at",
        "last_error",
    )
    fields = ("url", "secret", "akasse", "kinds", *readonly_fields)
    inlines = [WebhookAttemptInline]
    actions = ["pause", "resume"]

    @admin.display(description="efterslæb")
    def lag(self, obj):
        if obj.pk is None:
            return "–"
        events, seconds = webhook_lag(obj)
        return f"{events} hændelser, {seconds:.0f} s"

    def changelist_view(self, request, extra_context=None):
        paused = WebhookSubscriber.objects.filter(status=WebhookSubscriber.PAUSED).count()
        if paused:
            self.message_user(
                request,
                f"{paused} webhook(s) er sat på pause og får intet leveret. Ret fejlen, og genoptag dem "
                "(de fortsætter fra den kvitterede position).",
                messages.WARNING,
            )
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        if change:
            if not obj.secret:  # left empty: keep the secret the receiver has
                obj.secret = WebhookSubscriber.objects.get(pk=obj.pk).secret
            super().save_model(request, obj, form, change)
            return
        created = services.webhook_create(
            actor=_actor(request),
            url=obj.url,
            feed=f"akasse:{obj.akasse.code}" if obj.akasse_id else "dfdg",
            secret=obj.secret,
            kinds=obj.kinds,
        )
        obj.pk, obj.public_id = created.pk, created.public_id
        if not form.cleaned_data.get("secret"):
            self.message_user(
                request,
                f"Hemmeligheden til signaturen er {created.secret} — giv den til modtageren; den vises ikke igen.",
                messages.INFO,
            )

    @admin.action(description="Sæt valgte på pause")
    def pause(self, request, queryset):
        for subscriber in queryset:
            services.webhook_pause(actor=_actor(request), subscriber=subscriber)

    @admin.action(description="Genoptag valgte (fra kvitteret position)")
    def resume(self, request, queryset):
        for subscriber in queryset:
            services.webhook_resume(actor=_actor(request), subscriber=subscriber)
