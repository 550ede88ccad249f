from django.contrib import admin

from samtale.codes import models as m

for model in (
    m.ConversationType,
    m.ContactForm,
    m.ParticipationStatus,
    m.ParticipantRole,
    m.ParticipationForm,
    m.AbsenceType,
    m.CancellationReason,
    m.PersonGroupMarkerType,
    m.VisitationGroup,
):
    admin.site.register(model, list_display=("code", "label", "active"), list_editable=("label", "active"))


@admin.register(m.ContactGroup)
class ContactGroupAdmin(admin.ModelAdmin):
    list_display = ("code", "label", "self_booking_allowed", "visitation_applies", "akasse_sharing", "active")
    filter_horizontal = ("deadline_types",)
