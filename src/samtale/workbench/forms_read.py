"""The read side's few forms: the CPR search and absences. They only parse; the rules live in the
services they feed (citizens.selectors/services), whose Danish errors are shown next to the field."""

from __future__ import annotations

from django import forms

from samtale.codes.models import AbsenceType


class CprSearchForm(forms.Form):
    # Sent by POST only: a CPR number never goes into a URL (and so never into a log line).
    cpr = forms.CharField(label="CPR-nummer", max_length=20)


class AbsenceAddForm(forms.Form):
    absence_type = forms.TypedChoiceField(label="Type af fravær", coerce=int, choices=())
    start_date = forms.DateField(label="Første dag", widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(
        label="Sidste dag", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["absence_type"].choices = [
            (t.code, f"{t.label} ({t.code})")
            for t in AbsenceType.objects.filter(active=True).order_by("code")
        ]


class AbsenceEndForm(forms.Form):
    end_date = forms.DateField(label="Sidste dag", widget=forms.DateInput(attrs={"type": "date"}))


class SeesForm(forms.Form):
    """ "What the citizen sees" on a chosen date (?dato=YYYY-MM-DD); today when empty or invalid."""

    dato = forms.DateField(label="Dato", required=False, widget=forms.DateInput(attrs={"type": "date"}))
