"""``comptoir demo``: migrate, seed, start a background worker and serve, printing
where to go and how to sign in."""

from __future__ import annotations

import atexit
import os
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from comptoir.demo import content
from comptoir.demo.customers import PENDING
from comptoir.demo.operations import PARTNER, PARTNER_SECRET
from comptoir.server.gunicorn_app import default_workers, serve


class Command(BaseCommand):
    help = "Run the demo shop: migrate, seed, start a worker and serve."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=min(3, default_workers()))

    def handle(self, *args, host: str, port: int, workers: int, **options) -> None:
        self.stdout.write("Preparing the database…")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("seed_demo")
        call_command("collectstatic", interactive=False, verbosity=0)
        worker = subprocess.Popen([sys.executable, "-m", "comptoir.cli", "worker"])
        # gunicorn forks its workers from this process: only the master stops the worker.
        atexit.register(self._stop, worker, os.getpid())

        shown_host = "localhost" if host in {"127.0.0.1", "0.0.0.0", "::"} else host  # noqa: S104 (a comparison, not a bind)
        base = f"http://{shown_host}:{port}"
        lines = [
            "",
            "Comptoir demo is running (Ctrl+C to stop).",
            f"  Storefront: {base}/",
            f"  Dashboard:  {base}/dashboard/  (sign in at {base}/dashboard/login/)",
            f"  Health:     {base}/healthz",
            "  Demo logins (password for all: " + content.DEMO_PASSWORD + "):",
        ]
        for email, name, access, role, locations in content.STAFF:
            what = {"owner": "owner", "full": "full access"}.get(access, f"role {role}")
            where = f", only at {', '.join(locations)}" if locations else ""
            lines.append(f"    {email:<24} {name} ({what}{where})")
        shopper = content.SHOPPER
        lines.append(
            f"    {shopper['email']:<24} {shopper['first_name']} {shopper['last_name']}"
            f" (shopper: sign in at {base}/account/login/)"
        )
        lines.append(
            f"    {PENDING['email']:<24} {PENDING['first_name']} {PENDING['last_name']}"
            " (shopper pending approval: signing in is refused until the owner approves)"
        )
        lines.append(
            f"  Demo partner {PARTNER['name']}: POST {base}/partners/{PARTNER['slug']}/webhook/"
            f" signed with the secret {PARTNER_SECRET} (see docs/partners.md)"
        )
        self.stdout.write("\n".join(lines) + "\n")
        self.stdout.flush()
        serve(host=host, port=port, workers=workers)

    @staticmethod
    def _stop(worker: subprocess.Popen, master_pid: int) -> None:
        if os.getpid() == master_pid and worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
