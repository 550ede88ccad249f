from django.core.management.base import BaseCommand, CommandError

from samtale.core import clock
from samtale.core.errors import DomainError
from samtale.organisations.models import ApiClient
from samtale.organisations.services import api_token_create, api_token_revoke, api_tokens_list, token_status


class Command(BaseCommand):
    help = (
        "API-adgangsnøgler: samtale token create --role admin|caseworker|citizen|dfdg|akasse [--days N] "
        "(udskriver kun nøglen), samtale token list, samtale token revoke <id>."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "list", "revoke"])
        parser.add_argument("id", nargs="?", help="nøglens id (revoke)")
        parser.add_argument("--role", choices=[r for r, _ in ApiClient.ROLES])
        parser.add_argument("--caseworker", help="sagsbehandlerens ident (rolle caseworker)")
        parser.add_argument("--citizen", help="borgerens UUID (rolle citizen)")
        parser.add_argument("--akasse", help="a-kassens kode (rolle akasse)")
        parser.add_argument("--name", default="", help="et navn, der genkender klienten i loggen")
        parser.add_argument("--days", type=int, default=None, help="gyldighed i dage (standard 90)")

    def handle(self, *args, **opts):
        try:
            getattr(self, opts["action"])(opts)
        except DomainError as exc:
            raise CommandError(exc.message) from None

    def create(self, opts):
        if not opts["role"]:
            raise CommandError("Angiv --role.")
        _, token = api_token_create(
            role=opts["role"],
            name=opts["name"],
            caseworker_ident=opts["caseworker"],
            citizen_public_id=opts["citizen"],
            akasse_code=opts["akasse"],
            days=opts["days"],
        )
        self.stdout.write(token)

    def list(self, opts):
        now = clock.now()
        self.stdout.write(f"{'id':36}  {'rolle':10}  {'navn':30}  {'udløber':16}  {'sidst brugt':16}  status")
        for c in api_tokens_list():
            self.stdout.write(
                f"{c.public_id!s:36}  {c.role:10}  {c.name[:30]:30}  {_when(c.expires_at):16}  "
                f"{_when(c.last_used_at):16}  {token_status(c, now)}"
            )

    def revoke(self, opts):
        if not opts["id"]:
            raise CommandError("Angiv nøglens id: samtale token revoke <id> (se samtale token list).")
        client = api_token_revoke(opts["id"])
        self.stdout.write(f"Nøglen {client.public_id} ({client.name}) er spærret.")


def _when(moment) -> str:
    return f"{clock.local(moment):%Y-%m-%d %H:%M}" if moment else "-"
