from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "samtale.deadlines"
    label = "deadlines"
    verbose_name = "Frister"

    def ready(self) -> None:
        from samtale.citizens import services as citizens
        from samtale.deadlines import services

        for hooks, hook in [
            (citizens.CONTACT_GROUP_CHANGED, services.on_contact_group_changed),
            (citizens.JOBCENTER_CHANGED, services.on_jobcenter_changed),
            (citizens.ABSENCE_REGISTERED, services.on_absence_registered),
        ]:
            if hook not in hooks:
                hooks.append(hook)
        try:
            from samtale.bookings.services import BOOKING_CHANGED
        except ImportError:  # the bookings services are being written in parallel (issue 3)
            return
        if services.on_booking_changed not in BOOKING_CHANGED:
            BOOKING_CHANGED.append(services.on_booking_changed)
