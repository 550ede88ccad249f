from django.core.management.base import BaseCommand

from samtale.core import demo


class Command(BaseCommand):
    help = "Indlæs demodata (idempotent) og vis, hvem man kan logge ind som."

    def handle(self, *args, **opts):
        ctx = demo.load()
        for line in ctx.out:
            self.stdout.write(line)
