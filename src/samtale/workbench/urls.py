from django.urls import path

from samtale.workbench.views import booking_actions, deadlines, held, offers, summons, today

app_name = "workbench"
urlpatterns = [
    # wbread: the read side
    path("", today.today, name="today"),
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
