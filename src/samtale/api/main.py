"""The REST API v1 (../shared/API.md). Routers live in each app's api.py and stay thin."""

from ninja import NinjaAPI

from samtale.api.auth import BearerToken
from samtale.api.errors import install

api = NinjaAPI(
    title="Samtale API",
    version="1",
    description="Samtaler, booking og frister for jobcentre (DFDG, BEK 442/2023 §§ 20 og 27).",
    auth=BearerToken(),
    urls_namespace="api",
)
install(api)


# Each app with endpoints has an api.py with a `router`; they are mounted in this order.
APPS = [
    "codes",
    "organisations",
    "citizens",
    "scheduling",
    "bookings",
    "deadlines",
    "conversations",
    "messaging",
    "reporting",
]


def _mount() -> None:
    import importlib

    for app in APPS:
        try:
            module = importlib.import_module(f"samtale.{app}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"samtale.{app}.api":
                raise
            continue
        api.add_router("", module.router)


_mount()
