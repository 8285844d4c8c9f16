from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from comptoir.server.gunicorn_app import default_workers, serve
from comptoir.server.readiness import unapplied_migrations


class Command(BaseCommand):
    help = "Serve Comptoir with gunicorn (production-grade; static files through WhiteNoise)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=default_workers())
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--no-access-log", action="store_true")
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="Skip collecting static files into the data folder first.",
        )

    def handle(
        self, *args, host, port, workers, threads, no_access_log, no_collectstatic, **options
    ):
        pending = unapplied_migrations()
        if pending:
            raise CommandError(
                f"the database has {len(pending)} unapplied migrations: run `comptoir migrate` first"
            )
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        serve(host=host, port=port, workers=workers, threads=threads, access_log=not no_access_log)
