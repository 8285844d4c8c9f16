"""Which database a bench command works on, and getting it ready.

``DATABASE_URL`` names it when set (a missing PostgreSQL database is created); else a
SQLite file in a temporary data folder, removed afterwards. The data folder
(``COMPTOIR_DATA_DIR``: secret key, collected static files, server log) is temporary
too unless given. This process and the server it starts share the same environment,
so both see the same database."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse


class BenchError(Exception):
    """Something the person running the bench must fix; printed as one line."""


@dataclass(frozen=True)
class Target:
    data_dir: Path
    database_url: str  # "" for the temporary SQLite file

    @property
    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["COMPTOIR_DATA_DIR"] = str(self.data_dir)
        env["DJANGO_SETTINGS_MODULE"] = "comptoir.settings"
        env.pop("DEBUG", None)  # measure the production configuration
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        else:
            env.pop("DATABASE_URL", None)
        return env


def comptoir_command() -> str:
    """The ``comptoir`` entry point of the environment running the bench."""
    beside = Path(sys.executable).parent / "comptoir"
    found = str(beside) if beside.exists() else shutil.which("comptoir")
    if not found:
        raise BenchError(
            "the `comptoir` command is not installed: run `make test` or `pip install -e .` first"
        )
    return found


def is_postgres(url: str) -> bool:
    return urlparse(url).scheme in {"postgres", "postgresql", "pgsql"}


def ensure_postgres_database(url: str) -> None:
    import psycopg

    try:
        psycopg.connect(url, connect_timeout=10).close()
        return
    except psycopg.OperationalError as error:
        if "does not exist" not in str(error):
            raise BenchError(f"cannot connect to DATABASE_URL: {str(error).strip()}") from None
    name = urlparse(url).path.lstrip("/")
    with psycopg.connect(url, dbname="postgres", autocommit=True, connect_timeout=10) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    print(f"Created PostgreSQL database {name}")


@contextmanager
def target(*, keep: bool = False) -> Iterator[Target]:
    """The database and data folder to use; temporary ones are removed on exit
    unless ``keep``."""
    given_dir = os.environ.get("COMPTOIR_DATA_DIR", "").strip()
    url = os.environ.get("DATABASE_URL", "").strip()
    temporary = None if given_dir else tempfile.mkdtemp(prefix="comptoir-bench-")
    data_dir = Path(given_dir or temporary)
    if url and is_postgres(url):
        ensure_postgres_database(url)
    try:
        yield Target(data_dir=data_dir, database_url=url)
    finally:
        if temporary and not keep:
            shutil.rmtree(temporary, ignore_errors=True)
        elif temporary:
            print(f"Kept the data folder {temporary}")


def migrate(target: Target) -> None:
    done = subprocess.run(
        [comptoir_command(), "migrate", "--no-input", "-v", "0"],
        env=target.env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        raise BenchError(f"`comptoir migrate` failed:\n{done.stdout}{done.stderr}")


def setup_django(target: Target) -> None:
    """Configure Django in this process for ``target`` (once per process)."""
    os.environ.update(
        {
            k: v
            for k, v in target.env.items()
            if k in {"COMPTOIR_DATA_DIR", "DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
        }
    )
    if not target.database_url:
        os.environ.pop("DATABASE_URL", None)
    import django

    from comptoir.config import ConfigError

    try:
        django.setup()
    except ConfigError as error:
        raise BenchError(f"configuration error: {error}") from None


def database_description() -> dict[str, str]:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        return {"vendor": "PostgreSQL", "version": version.split(" ")[0]}
    if connection.vendor == "sqlite":
        import sqlite3

        return {"vendor": "SQLite", "version": sqlite3.sqlite_version}
    return {"vendor": connection.vendor, "version": "?"}
