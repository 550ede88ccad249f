from django.urls import path

from samtale.workbench.views import (
    booking_actions,
    bookings,
    calendar,
    citizens,
    deadlines,
    held,
    offers,
    summons,
    today,
)

app_name = "workbench"
urlpatterns = [
    # The read side: I dag, Kalender, Borgere, Borgeroverblik, what the citizen sees, one booking.
    path("", today.today, name="today"),
    path("kalender/", calendar.calendar, name="calendar"),
    path("borgere/", citizens.citizens, name="citizens"),
    path("borgere/cpr/", citizens.citizen_cpr_search, name="citizen_cpr_search"),
    path("borgere/<uuid:citizen_id>/", citizens.citizen, name="citizen"),
    path("borgere/<uuid:citizen_id>/borgerens-visning/", citizens.citizen_sees, name="citizen_sees"),
    path("borgere/<uuid:citizen_id>/fravaer/", citizens.absence_add, name="absence_add"),
    path(
        "borgere/<uuid:citizen_id>/fravaer/<uuid:absence_id>/afslut/",
        citizens.absence_end,
        name="absence_end",
    ),
    path("moeder/<uuid:booking_id>/", bookings.booking, name="booking"),
]

# wbwrite: the write side (issue 11 items 5–8) — summons, booking actions, deadlines, held conversations,
# offers and free times.
urlpatterns += [
    path("borgere/<uuid:citizen_id>/indkald/", summons.summon, name="summon"),
    path("moeder/<uuid:booking_id>/ret/", booking_actions.booking_change, name="booking_change"),
    path("moeder/<uuid:booking_id>/flyt/", booking_actions.booking_move, name="booking_move"),
    path("moeder/<uuid:booking_id>/aflys/", booking_actions.booking_cancel, name="booking_cancel"),
    path("moeder/<uuid:booking_id>/udeblevet/", booking_actions.booking_no_show, name="booking_no_show"),
    path("borgere/<uuid:citizen_id>/frist/", deadlines.deadline_new, name="deadline_new"),
    path("frister/<uuid:deadline_id>/luk/", deadlines.deadline_close, name="deadline_close"),
    path("borgere/<uuid:citizen_id>/samtaler/ny/", held.held_new, name="held_new"),
    path("samtaler/<uuid:conversation_id>/", held.held, name="held"),
    path("samtaler/<uuid:conversation_id>/ret/", held.held_correct, name="held_correct"),
    path("moedetilbud/", offers.offers, name="offers"),
    path("moedetilbud/ny/", offers.offer_new, name="offer_new"),
    path("moedetilbud/<uuid:offer_id>/", offers.offer, name="offer"),
    path("moedetilbud/<uuid:offer_id>/ret/", offers.offer_edit, name="offer_edit"),
    path("moedetilbud/<uuid:offer_id>/skema/", offers.schedule_new, name="schedule_new"),
    path("moedetilbud/<uuid:offer_id>/tider/ny/", offers.slot_new, name="slot_new"),
    path("tider/<uuid:slot_id>/traek-tilbage/", offers.slot_withdraw, name="slot_withdraw"),
]
