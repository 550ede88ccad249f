from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "samtale.messaging"
    label = "messaging"
    verbose_name = "Beskeder"

    def ready(self) -> None:
        """React to deadlines (R-NT-6) and bookings through their hook lists (docs/adr/0002)."""
        from samtale.messaging import services

        _append("samtale.deadlines.services", "STATUS_CHANGED", services.on_deadline_status_changed)
        _append("samtale.deadlines.jobs", "DAILY_STEPS", services.daily_messages)
        _append("samtale.bookings.services", "BOOKING_CHANGED", services.on_booking_changed)


def _append(module_name: str, hook_list: str, hook) -> None:
    import importlib

    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        return  # that app's service is not there (yet)
    hooks = getattr(module, hook_list, None)
    if hooks is not None and hook not in hooks:
        hooks.append(hook)
