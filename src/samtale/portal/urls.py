from django.urls import path

from samtale.portal import flow, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("moeder/", flow.meetings, name="meetings"),
    path("moeder/book/", flow.book, name="book"),
    path("moeder/<uuid:booking_id>/", flow.meeting, name="meeting"),
    path("moeder/<uuid:booking_id>/kvittering/", flow.receipt, name="receipt"),
    path("moeder/<uuid:booking_id>/kalender.ics", flow.meeting_ics, name="meeting_ics"),
    path("moeder/<uuid:booking_id>/ombook/", flow.rebook, name="rebook"),
    path("moeder/<uuid:booking_id>/aflys/", flow.cancel, name="cancel"),
    path("fravaer/", views.absence, name="absence"),
    path("fravaer/<uuid:absence_id>/afslut/", views.absence_withdraw_view, name="absence_withdraw"),
    path("indstillinger/", views.settings_view, name="settings"),
    path("indsigt/", views.access_log, name="access_log"),
]
