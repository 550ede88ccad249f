"""The `samtale` command: every manage.py command (migrate, runserver, …) plus Samtale's own
(run, demo, worker, daily, token). DATABASE_URL picks the database."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samtale.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "samtale"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
