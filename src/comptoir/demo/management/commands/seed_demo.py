from django.core.management.base import BaseCommand

from comptoir.demo.seed import seed_demo


class Command(BaseCommand):
    help = "Seed the demo shop (idempotent: running it again creates nothing new)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, no_progress: bool, **options) -> None:
        seed_demo(report=self.stdout.write, progress=not no_progress)
