"""Forms of the citizen portal. They only parse and check the shape of the input; the rules live in
the services they feed (citizens.services), whose Danish errors are shown next to the field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samtale.codes.models import AbsenceType, CancellationReason


class SettingsForm(forms.Form):
    phone = forms.CharField(label=_("Mobilnummer"), required=False, max_length=30)
    email = forms.CharField(label=_("E-mailadresse"), required=False, max_length=254)
    sms_reminders = forms.BooleanField(label=_("Send mig påmindelser på SMS"), required=False)
    email_reminders = forms.BooleanField(label=_("Send mig påmindelser på e-mail"), required=False)


class AbsenceForm(forms.Form):
    absence_type = forms.TypedChoiceField(label=_("Type af fravær"), coerce=int, choices=())
    start_date = forms.DateField(label=_("Første dag"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(
        label=_("Sidste dag"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["absence_type"].choices = [
            (t.code, t.label)
            for t in AbsenceType.objects.filter(active=True, citizen_may_register=True).order_by("code")
        ]


class CancelForm(forms.Form):
    reason = forms.ChoiceField(label=_("Hvorfor aflyser du?"), choices=(), widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [
            (r.code, r.label)
            for r in CancellationReason.objects.filter(active=True, citizen_may_use=True).order_by("label")
        ]
