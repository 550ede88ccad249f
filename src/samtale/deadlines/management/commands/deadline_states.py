from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from samtale.deadlines import rules

TARGET = Path(settings.BASE_DIR).parent.parent / "docs" / "deadline-states.md"


class Command(BaseCommand):
    help = "Skriv docs/deadline-states.md (Mermaid-diagram) ud fra fristernes transitionstabel."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="fejl, hvis filen ikke er opdateret")

    def handle(self, *args, **opts):
        text = rules.states_markdown()
        if opts["check"]:
            if not TARGET.exists() or TARGET.read_text(encoding="utf-8") != text:
                raise SystemExit(f"{TARGET} er forældet: kør `samtale deadline_states`.")
            self.stdout.write("docs/deadline-states.md er opdateret.")
            return
        TARGET.write_text(text, encoding="utf-8")
        self.stdout.write(f"Skrev {TARGET}")
