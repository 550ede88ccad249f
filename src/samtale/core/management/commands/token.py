from django.core.management.base import BaseCommand, CommandError

from samtale.core.errors import DomainError
from samtale.organisations.models import ApiClient
from samtale.organisations.services import api_token_create


class Command(BaseCommand):
    help = "Opret en API-adgangsnøgle: samtale token create --role admin|caseworker|citizen|dfdg|akasse. Udskriver kun nøglen."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create"])
        parser.add_argument("--role", required=True, choices=[r for r, _ in ApiClient.ROLES])
        parser.add_argument("--caseworker", help="sagsbehandlerens ident (rolle caseworker)")
        parser.add_argument("--citizen", help="borgerens UUID (rolle citizen)")
        parser.add_argument("--akasse", help="a-kassens kode (rolle akasse)")
        parser.add_argument("--name", default="", help="et navn, der genkender klienten i loggen")

    def handle(self, *args, **opts):
        try:
            _, token = api_token_create(
                role=opts["role"],
                name=opts["name"],
                caseworker_ident=opts["caseworker"],
                citizen_public_id=opts["citizen"],
                akasse_code=opts["akasse"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(token)
