"""The ``comptoir`` command: Django's management commands, with a one-line error
instead of a traceback when the configuration is wrong.

``comptoir seed-demo`` and ``comptoir mail-in`` are spelled with hyphens; the
Django command modules use underscores."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.settings")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from comptoir.config import ConfigError

    try:
        import django

        django.setup()
    except ConfigError as error:
        print(f"comptoir: configuration error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    from django.core.management import execute_from_command_line

    argv[0] = "comptoir"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
