"""The caseworker's workbench (Arbejdsbord), under /sagsbehandler/. One module per area, as the URL
names in workbench/urls.py: today, calendar, citizens, bookings (the read side) and summons,
booking_actions, deadlines, held, offers (the write side). Views only parse the request, call
selectors and services and render; the rules live in those services (docs/developing.md)."""
