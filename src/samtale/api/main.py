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


def _mount() -> None:
    from samtale.citizens.api import router as citizens
    from samtale.codes.api import router as codes
    from samtale.organisations.api import router as organisations
    from samtale.reporting.api import router as reporting

    for router in (codes, organisations, citizens, reporting):
        api.add_router("", router)


_mount()
