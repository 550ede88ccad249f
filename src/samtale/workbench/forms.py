"""Forms of the caseworker's workbench (the write side). Like the portal's, they only parse and check
the shape of the input; every rule lives in the service the form feeds (bookings, deadlines,
conversations, scheduling), whose Danish error is shown next to the field it concerns, with its rule id.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from samtale.codes.models import (
    CancellationReason,
    ContactForm,
    ContactGroup,
    ConversationType,
    ParticipantRole,
    ParticipationForm,
    ParticipationStatus,
    VisitationGroup,
)
from samtale.core import clock
from samtale.core.errors import DomainError
from samtale.scheduling.services import OFFER_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
TEXTAREA = forms.Textarea(attrs={"rows": 3})


def _codes(model, **filters) -> list[tuple[str, str]]:
    return [(str(c.code), c.label) for c in model.objects.filter(active=True, **filters).order_by("code")]


def local_moment(day, at) -> datetime | None:
    """A Danish wall-clock date and time as an aware datetime (R-PC-1: stored UTC, shown in Copenhagen)."""
    if day is None or at is None:
        return None
    return datetime.combine(day, at, tzinfo=clock.TZ)


# --- Indkald -------------------------------------------------------------------------------------------


YES_NO = (("yes", _("Ja")), ("no", _("Nej")))


def _yes(value) -> bool:
    return value == "yes"


def yes_no(value) -> str:
    """A stored True/False/None as the form's "yes"/"no"/""."""
    return "" if value is None else ("yes" if value else "no")


class MeetingDetailsForm(forms.Form):
    """What a planned conversation says besides its time (§ 20 nr. 5–9, 13): shared by the summons and
    the change forms."""

    title = forms.CharField(label=_("Titel"), required=False, max_length=200)
    description = forms.CharField(label=_("Beskrivelse"), required=False, widget=TEXTAREA)
    location = forms.CharField(label=_("Mødested"), required=False, max_length=200)
    address = forms.CharField(label=_("Adresse (ved personligt fremmøde)"), required=False, max_length=300)
    who_calls = forms.ChoiceField(
        label=_("Hvem ringer op? (ved telefonmøde)"),
        required=False,
        widget=forms.RadioSelect,
        choices=(("jobcenter", _("Jobcentret ringer til borgeren")), ("citizen", _("Borgeren ringer op"))),
    )
    phone_to_call = forms.CharField(label=_("Nummer borgeren skal ringe til"), required=False, max_length=30)
    video_link = forms.URLField(
        label=_("Link til videomødet"), required=False, max_length=500, assume_scheme="https"
    )
    rebooking_allowed = forms.BooleanField(label=_("Borgeren må ombooke"), required=False)
    rebooking_cutoff_hours = forms.IntegerField(
        label=_("Ombooking senest (timer før)"), min_value=0, max_value=1440, required=False
    )
    cancellation_allowed = forms.BooleanField(label=_("Borgeren må aflyse"), required=False)
    cancellation_cutoff_hours = forms.IntegerField(
        label=_("Aflysning senest (timer før)"), min_value=0, max_value=1440, required=False
    )
    # Yes / no / not stated: Jobsamtale med deltagelse af a-kasse needs an answer (R-PC-2, § 20 nr. 13).
    akasse_expected = forms.TypedChoiceField(
        label=_("Forventes a-kassen at deltage?"),
        choices=YES_NO,
        coerce=_yes,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    akasse_invited = forms.TypedChoiceField(
        label=_("Inviteres a-kassen?"),
        choices=YES_NO,
        coerce=_yes,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )


class SummonForm(MeetingDetailsForm):
    """Indkaldelse (§ 20): into one of my free times, or at a time of my calendar."""

    conversation_type = forms.ChoiceField(label=_("Samtaletype"), choices=())
    contact_form = forms.ChoiceField(label=_("Kontaktform"), choices=())
    slot = forms.ChoiceField(
        label=_("Vælg en af dine ledige tider"),
        choices=(),
        required=False,
        widget=forms.RadioSelect,
        initial="",
    )
    day = forms.DateField(label=_("Dato"), required=False, widget=DATE)
    start_time = forms.TimeField(label=_("Fra kl."), required=False, widget=TIME)
    end_time = forms.TimeField(label=_("Til kl."), required=False, widget=TIME)
    confirm_unusual_time = forms.BooleanField(label=_("Indkald alligevel på dette tidspunkt"), required=False)

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["conversation_type", "contact_form", "slot", "day", "start_time", "end_time"])
        for what in ("rebooking", "cancellation"):
            self.fields[f"{what}_allowed"].initial = True
            self.fields[f"{what}_cutoff_hours"].initial = 24
            self.fields[f"{what}_cutoff_hours"].required = True
        for name in ("title", "description", "location"):
            self.fields[name].help_text = _(
                "Skal udfyldes, når du ikke vælger en ledig tid (§ 20 nr. 5 og 9)."
            )
            self.fields[name].required_without_slot = True
        self.fields["conversation_type"].choices = _codes(ConversationType)
        self.fields["contact_form"].choices = _codes(ContactForm)
        self.slots = {str(s.public_id): s for s in slots}
        self.fields["slot"].choices = [("", _("Et andet tidspunkt (udfyld dato og klokkeslæt)"))] + [
            (key, s.label) for key, s in self.slots.items()
        ]

    def clean(self):
        data = super().clean()
        if not data.get("slot") and not self.errors:
            for name in ("day", "start_time", "end_time"):
                if not data.get(name):
                    self.add_error(name, _("Udfyld dato og klokkeslæt, eller vælg en ledig tid."))
        return data

    def service_kwargs(self) -> dict:
        """What `booking_summon` takes (the slot object is added by the view)."""
        data = self.cleaned_data
        out = {
            "conversation_type": int(data["conversation_type"]),
            "contact_form": data["contact_form"],
            "title": data["title"] or None,
            "description": data["description"] or None,
            "akasse_expected": data["akasse_expected"],
            "akasse_invited": data["akasse_invited"],
        }
        if not data.get("slot"):
            out.update(
                start=local_moment(data["day"], data["start_time"]),
                end=local_moment(data["day"], data["end_time"]),
                location=data["location"],
                address=data["address"],
                who_calls=data["who_calls"],
                phone_to_call=data["phone_to_call"],
                rebooking_allowed=data["rebooking_allowed"],
                rebooking_cutoff_hours=data["rebooking_cutoff_hours"],
                cancellation_allowed=data["cancellation_allowed"],
                cancellation_cutoff_hours=data["cancellation_cutoff_hours"],
            )
            out["video_link"] = data["video_link"]
        if data.get("confirm_unusual_time"):
            out["confirm_unusual_time"] = True
        return out


# --- Flyt, aflys --------------------------------------------------------------------------------------


class MoveForm(forms.Form):
    """Flytning: to another of my free times, or to a new time (the duration stays if no end is given)."""

    slot = forms.ChoiceField(label=_("Ny tid"), choices=(), required=False, widget=forms.RadioSelect)
    day = forms.DateField(label=_("Dato"), required=False, widget=DATE)
    start_time = forms.TimeField(label=_("Fra kl."), required=False, widget=TIME)
    end_time = forms.TimeField(label=_("Til kl."), required=False, widget=TIME)
    confirm_unusual_time = forms.BooleanField(label=_("Flyt alligevel til dette tidspunkt"), required=False)

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = {str(s.public_id): s for s in slots}
        self.fields["slot"].choices = [("", _("Et andet tidspunkt (udfyld dato og klokkeslæt)"))] + [
            (key, s.label) for key, s in self.slots.items()
        ]

    def clean(self):
        data = super().clean()
        if not data.get("slot") and not self.errors:
            for name in ("day", "start_time"):
                if not data.get(name):
                    self.add_error(name, _("Udfyld dato og klokkeslæt, eller vælg en ledig tid."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        if data.get("slot"):
            return {"slot": self.slots[data["slot"]]}
        out = {
            "start": local_moment(data["day"], data["start_time"]),
            "end": local_moment(data["day"], data["end_time"]),
        }
        if data.get("confirm_unusual_time"):
            out["confirm_unusual_time"] = True
        return out


class BookingCancelForm(forms.Form):
    reason = forms.ChoiceField(label=_("Aflysningsårsag"), choices=(), widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [
            (r.code, r.label) for r in CancellationReason.objects.filter(active=True).order_by("label")
        ]


class BookingChangeForm(MeetingDetailsForm):
    """Ændring uden flytning (R-PC-7): what `booking_change` may change; the time and number stay."""

    contact_form = forms.ChoiceField(label=_("Kontaktform"), choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["contact_form"])
        self.fields["contact_form"].choices = _codes(ContactForm)
        for name in ("title", "description", "location"):
            self.fields[name].required = True

    @staticmethod
    def initial_for(booking) -> dict:
        def hours(deadline):
            return round((booking.start - deadline).total_seconds() / 3600) if deadline else 24

        return {
            "contact_form": booking.contact_form.code,
            "title": booking.title,
            "description": booking.description,
            "location": booking.location,
            "address": booking.address,
            "who_calls": booking.who_calls,
            "phone_to_call": booking.phone_to_call,
            "video_link": booking.video_link,
            "rebooking_allowed": booking.rebooking_allowed,
            "rebooking_cutoff_hours": hours(booking.rebooking_deadline),
            "cancellation_allowed": booking.cancellation_allowed,
            "cancellation_cutoff_hours": hours(booking.cancellation_deadline),
            "akasse_expected": yes_no(booking.akasse_expected),
            "akasse_invited": yes_no(booking.akasse_invited),
        }

    def service_kwargs(self) -> dict:
        """Only what the caseworker changed, so the history and the citizen's message name just that."""
        return {name: self.cleaned_data[name] for name in self.changed_data}


# --- Frister -------------------------------------------------------------------------------------------


class DeadlineForm(forms.Form):
    conversation_type = forms.ChoiceField(label=_("Samtaletype"), choices=())
    deadline_date = forms.DateField(label=_("Fristdato"), widget=DATE)
    activation_date = forms.DateField(
        label=_("Aktiveringsdato"),
        required=False,
        widget=DATE,
        help_text=_("Tom: i dag. Borgeren ser fristen fra denne dag."),
    )

    def __init__(self, *args, prefix_label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conversation_type"].choices = _codes(ConversationType, deadline_allowed=True)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "conversation_type": int(data["conversation_type"]),
            "deadline_date": data["deadline_date"],
            "activation_date": data.get("activation_date"),
        }


class DeadlineCloseForm(forms.Form):
    reason = forms.CharField(label=_("Begrundelse"), max_length=500, widget=TEXTAREA)


# --- Registrér afholdt samtale ---------------------------------------------------------------------------

PARTICIPANT_ROWS = 3


class HeldForm(forms.Form):
    """§ 27: the registration, pre-filled from the planned conversation, and the next deadline (R-HC-10)."""

    held_day = forms.DateField(label=_("Dato"), widget=DATE)
    held_time = forms.TimeField(label=_("Klokkeslæt"), widget=TIME)
    conversation_type = forms.ChoiceField(label=_("Samtaletype"), choices=())
    contact_form = forms.ChoiceField(label=_("Kontaktform"), choices=())
    participation_status = forms.ChoiceField(label=_("A-kassens deltagelse"), choices=(), required=False)
    information = forms.CharField(label=_("Referat / oplysninger"), required=False, widget=TEXTAREA)
    several_authorities = forms.BooleanField(label=_("Flere myndigheder deltog"), required=False)
    agreement_binding = forms.ChoiceField(
        label=_("Er aftalen forpligtende for borgeren?"),
        required=False,
        choices=(
            ("", _("Som samtaletypen foreskriver")),
            ("yes", _("Ja, forpligtende")),
            ("no", _("Nej, en praktisk aftale")),
        ),
    )
    agreement_text = forms.CharField(label=_("Aftalens tekst"), required=False, widget=TEXTAREA)
    visitation_group = forms.ChoiceField(label=_("Visitationsgruppe"), choices=(), required=False)
    cv_not_adequate = forms.BooleanField(label=_("CV'et er ikke fyldestgørende"), required=False)
    early_follow_up = forms.BooleanField(label=_("Tidlig opfølgning – fast track"), required=False)
    next_type = forms.ChoiceField(label=_("Næste frist: samtaletype"), choices=(), required=False)
    next_deadline_date = forms.DateField(label=_("Næste frist: fristdato"), required=False, widget=DATE)
    next_activation_date = forms.DateField(
        label=_("Næste frist: aktiveringsdato"), required=False, widget=DATE
    )

    def __init__(self, *args, group=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Fields following the contact group, from the code list's flags (the service checks the same:
        # R-HC-6 visitation group, R-HC-8 CV flag).
        if group is not None and not group.visitation_applies:
            del self.fields["visitation_group"]
        if group is not None and not group.akasse_sharing:
            del self.fields["cv_not_adequate"]
        self.fields["conversation_type"].choices = _codes(ConversationType)
        self.fields["contact_form"].choices = _codes(ContactForm)
        self.fields["participation_status"].choices = [("", _("Ikke relevant"))] + _codes(ParticipationStatus)
        if "visitation_group" in self.fields:
            self.fields["visitation_group"].choices = [("", _("Uændret / ikke relevant"))] + _codes(
                VisitationGroup
            )
        self.fields["next_type"].choices = [("", _("Ingen ny frist"))] + _codes(
            ConversationType, deadline_allowed=True
        )
        roles, kinds = _codes(ParticipantRole), _codes(ParticipationForm)
        for i in range(PARTICIPANT_ROWS):
            self.fields[f"p{i}_name"] = forms.CharField(label=_("Navn"), required=False, max_length=200)
            self.fields[f"p{i}_role"] = forms.ChoiceField(
                label=_("Rolle"), choices=[("", "—")] + roles, required=False
            )
            self.fields[f"p{i}_form"] = forms.ChoiceField(
                label=_("Deltagelse"), choices=[("", "—")] + kinds, required=False
            )

    def participant_rows(self):
        return [(self[f"p{i}_name"], self[f"p{i}_role"], self[f"p{i}_form"]) for i in range(PARTICIPANT_ROWS)]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        binding = {"yes": True, "no": False}.get(data.get("agreement_binding") or "")
        text = data.get("agreement_text") or ""
        out = {
            "held_at": local_moment(data["held_day"], data["held_time"]),
            "conversation_type": int(data["conversation_type"]),
            "contact_form": data["contact_form"],
            "participation_status": data.get("participation_status") or None,
            "information": data.get("information") or "",
            "several_authorities": data.get("several_authorities", False),
            "agreement": {"text": text, "binding": binding} if text or binding is not None else None,
            "participants": [
                {"name": data[f"p{i}_name"], "role": data[f"p{i}_role"], "form": data[f"p{i}_form"]}
                for i in range(PARTICIPANT_ROWS)
                if data.get(f"p{i}_name")
            ],
        }
        return out

    def register_kwargs(self) -> dict:
        data = self.cleaned_data
        out = self.service_kwargs()
        out.update(
            visitation_group=data.get("visitation_group") or None,
            cv_not_adequate=data.get("cv_not_adequate", False),
            early_follow_up=data.get("early_follow_up", False),
        )
        if data.get("next_type"):
            out["next_deadline"] = {
                "conversation_type": int(data["next_type"]),
                "deadline_date": data.get("next_deadline_date"),
                "activation_date": data.get("next_activation_date"),
            }
        return out


def held_field(error: DomainError) -> str | None:
    """The form field a registration error concerns. The next deadline's errors come from the deadlines
    service (rule R-DL-…), whose field names are those of the deadline, not the conversation."""
    name = error.field or ""
    if (error.rule or "").startswith("R-DL-") or name.startswith("next_deadline"):
        return {"conversation_type": "next_type", "next_deadline.conversation_type": "next_type"}.get(
            name, "next_activation_date" if name == "activation_date" else "next_deadline_date"
        )
    if name.startswith("participants."):
        parts = name.split(".")
        return f"p{parts[1]}_{parts[2] if len(parts) > 2 else 'name'}"
    return {
        "held_at": "held_day",
        "agreement": "agreement_text",
        "agreement.binding": "agreement_binding",
    }.get(name, name)


class HeldCorrectForm(HeldForm):
    """A correction: the same fields as the registration (without what has its own history) and a reason."""

    reason = forms.CharField(label=_("Begrundelse for rettelsen"), max_length=500, widget=TEXTAREA)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in (
            "visitation_group",
            "cv_not_adequate",
            "early_follow_up",
            "next_type",
            "next_deadline_date",
            "next_activation_date",
        ):
            del self.fields[name]


# --- Mødetilbud og ledige tider ---------------------------------------------------------------------------


class OfferForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    description = forms.CharField(label=_("Beskrivelse"), widget=TEXTAREA)
    conversation_type = forms.ChoiceField(label=_("Samtaletype"), choices=())
    contact_forms = forms.MultipleChoiceField(
        label=_("Kontaktformer"), choices=(), widget=forms.CheckboxSelectMultiple
    )
    contact_groups = forms.MultipleChoiceField(
        label=_("Kontaktgrupper"), choices=(), widget=forms.CheckboxSelectMultiple
    )
    meeting_form = forms.ChoiceField(
        label=_("Mødeform"), choices=(("individual", _("Individuelt")), ("joint", _("Fælles")))
    )
    location = forms.CharField(label=_("Mødested"), max_length=200)
    address = forms.CharField(label=_("Adresse (ved personligt fremmøde)"), required=False, max_length=300)
    phone_to_call = forms.CharField(label=_("Nummer borgeren ringer til"), required=False, max_length=30)
    video_link = forms.URLField(
        label=_("Link til videomødet (ved videomøde)"), required=False, max_length=500, assume_scheme="https"
    )
    fulfils_deadline = forms.BooleanField(label=_("Kan indfri en frist"), required=False, initial=True)
    rebooking_allowed = forms.BooleanField(label=_("Borgeren må ombooke"), required=False, initial=True)
    rebooking_cutoff_hours = forms.IntegerField(label=_("Ombooking senest (timer før)"), initial=24)
    cancellation_allowed = forms.BooleanField(label=_("Borgeren må aflyse"), required=False, initial=True)
    cancellation_cutoff_hours = forms.IntegerField(label=_("Aflysning senest (timer før)"), initial=24)
    min_notice_hours = forms.IntegerField(label=_("Kan bookes indtil (timer før)"), initial=2)
    caseworker_visible = forms.BooleanField(
        label=_("Borgeren kan se sagsbehandlerens navn"), required=False, initial=True
    )
    active = forms.BooleanField(label=_("Aktivt"), required=False, initial=True)

    def __init__(self, *args, jobcenters=(), **kwargs):
        super().__init__(*args, **kwargs)
        if len(jobcenters) > 1:  # only asked when the caseworker works for more than one
            self.fields["jobcenter"] = forms.ChoiceField(
                label=_("Jobcenter"), choices=[(j.code, j.name) for j in jobcenters]
            )
            self.order_fields(["jobcenter"])
        self.fields["conversation_type"].choices = _codes(ConversationType)
        self.fields["contact_forms"].choices = _codes(ContactForm)
        self.fields["contact_groups"].choices = [
            (str(g.code), f"{g.code} – {g.label}")
            for g in ContactGroup.objects.filter(active=True).order_by("code")
        ]

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["conversation_type"] = int(data["conversation_type"])
        data["contact_groups"] = [int(c) for c in data["contact_groups"]]
        return data

    def changes(self) -> dict:
        """What `offer_update` takes: only the fields the caseworker changed (the jobcenter never)."""
        return {k: v for k, v in self.service_kwargs().items() if k in self.changed_data and k != "jobcenter"}

    @staticmethod
    def initial_for(offer) -> dict:
        initial = {
            name: getattr(offer, name)
            for name in OFFER_FIELDS
            if name not in ("contact_forms", "contact_groups")
        }
        initial.update(
            conversation_type=str(offer.conversation_type.code),
            contact_forms=[f.code for f in offer.contact_forms.all()],
            contact_groups=[str(g.code) for g in offer.contact_groups.all()],
        )
        return initial


WEEKDAYS = [(0, _("Mandag")), (1, _("Tirsdag")), (2, _("Onsdag")), (3, _("Torsdag")), (4, _("Fredag"))]


class ScheduleForm(forms.Form):
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Ugedage"), coerce=int, choices=WEEKDAYS, widget=forms.CheckboxSelectMultiple
    )
    day_start = forms.TimeField(label=_("Fra kl."), widget=TIME)
    day_end = forms.TimeField(label=_("Til kl."), widget=TIME)
    duration_minutes = forms.IntegerField(label=_("Varighed (minutter)"), initial=30)
    date_from = forms.DateField(label=_("Fra dato"), widget=DATE)
    date_to = forms.DateField(label=_("Til dato"), widget=DATE)
    capacity = forms.IntegerField(label=_("Pladser pr. tid"), initial=1)

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class SlotForm(forms.Form):
    day = forms.DateField(label=_("Dato"), widget=DATE)
    start_time = forms.TimeField(label=_("Fra kl."), widget=TIME)
    end_time = forms.TimeField(label=_("Til kl."), widget=TIME)
    capacity = forms.IntegerField(label=_("Pladser"), initial=1)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "start": local_moment(data["day"], data["start_time"]),
            "end": local_moment(data["day"], data["end_time"]),
            "capacity": data["capacity"],
        }


class SlotWithdrawForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Aflysningsårsag for de borgere, der har booket tiden"), choices=(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [("", "—")] + [
            (r.code, r.label) for r in CancellationReason.objects.filter(active=True).order_by("label")
        ]


def default_end(start, minutes: int = 30):
    return start + timedelta(minutes=minutes) if start else None
