from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "samtale.bookings"
    label = "bookings"

    def ready(self) -> None:
        from samtale.bookings import services
        from samtale.citizens import services as citizens

        if services.on_jobcenter_changed not in citizens.JOBCENTER_CHANGED:
            citizens.JOBCENTER_CHANGED.append(services.on_jobcenter_changed)
