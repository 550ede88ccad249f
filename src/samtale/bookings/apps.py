from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "samtale.bookings"
    label = "bookings"
