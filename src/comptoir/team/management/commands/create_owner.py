"""``comptoir create-owner --email E [--password P] [--name N]``: the first sign-in of
a fresh installation. The password comes from --password, else the
COMPTOIR_OWNER_PASSWORD variable (for scripts, so it stays out of the shell history),
else it is asked for twice."""

from __future__ import annotations

import getpass
import os
import sys

from django.core.management.base import BaseCommand, CommandError

from comptoir.errors import DomainError, InvalidInput
from comptoir.team.services import create_owner

PASSWORD_VARIABLE = "COMPTOIR_OWNER_PASSWORD"  # noqa: S105 (a variable's name, not a password)


class Command(BaseCommand):
    help = "Create the shop's owner (once, on a fresh installation)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument(
            "--password", help=f"Else read from {PASSWORD_VARIABLE}, else asked for."
        )
        parser.add_argument("--name", default="", help="The owner's full name.")

    def handle(self, *args, email: str, password: str | None, name: str, **options) -> None:
        password = password or os.environ.get(PASSWORD_VARIABLE) or self._ask_password()
        try:
            member = create_owner(email=email, password=password, full_name=name)
        except InvalidInput as error:
            raise CommandError(
                "; ".join(f"{field}: {message}" for field, message in error.errors.items())
            ) from None
        except DomainError as error:
            raise CommandError(str(error.message)) from None
        self.stdout.write(
            self.style.SUCCESS(f"{member.user.email} is the owner; sign in at /dashboard/login/.")
        )

    def _ask_password(self) -> str:
        if not sys.stdin.isatty():
            raise CommandError(f"Give a password with --password or {PASSWORD_VARIABLE}.")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return first
