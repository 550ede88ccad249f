from datetime import date

from django.core.management.base import BaseCommand, CommandError

from samtale.deadlines import jobs


class Command(BaseCommand):
    help = "Dagskørslen for frister (R-DL-5, 6, 7, 10, 13, 15) og de øvrige daglige trin."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="kør for denne dato (ÅÅÅÅ-MM-DD); standard: i dag")
        parser.add_argument("--chunk", type=int, default=jobs.CHUNK, help="frister pr. transaktion")

    def handle(self, *args, **opts):
        day = None
        if opts.get("date"):
            try:
                day = date.fromisoformat(opts["date"])
            except ValueError:
                raise CommandError("Ugyldig dato: brug formatet ÅÅÅÅ-MM-DD.") from None
        if opts["chunk"] < 1:
            raise CommandError("--chunk skal være mindst 1.")
        results = jobs.daily(day, chunk=opts["chunk"], out=self.stdout)
        totals = {kind.name: sum(r[kind.name] for r in results.values()) for kind in jobs.KINDS}
        days = ", ".join(str(d) for d in results)
        self.stdout.write(
            f"Dagskørsel færdig for {days}: "
            + ", ".join(f"{kind.label} {totals[kind.name]}" for kind in jobs.KINDS)
        )
