"""Run Comptoir under gunicorn from inside the ``comptoir`` command, so a shop needs
no separate process manager configuration to start a production-grade server."""

from __future__ import annotations

import gc
import os
from typing import Any

from django.urls import get_resolver
from gunicorn.app.base import BaseApplication


def default_workers() -> int:
    return max(2, (os.cpu_count() or 1) + 1)


class ComptoirServer(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def load(self):
        from comptoir.wsgi import application

        return application


def settle_worker(worker: Any) -> None:
    """Once a worker has loaded the application: resolve the URL configuration (Django
    does it lazily on the first request) and move every object loaded so far out of the
    garbage collector's reach. The collector then no longer walks the hundreds of
    thousands of long-lived objects of Django and the app on each collection made during
    a request (a few ms of a page's time on the Orders page in the bench)."""
    get_resolver().url_patterns  # noqa: B018 (loads every URL module now)
    gc.collect()
    gc.freeze()


def serve(*, host: str, port: int, workers: int, threads: int = 4, access_log: bool = True) -> None:
    ComptoirServer(
        {
            "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
            "workers": workers,
            "worker_class": "gthread",
            "threads": threads,
            "timeout": 60,
            "graceful_timeout": 10,
            "accesslog": "-" if access_log else None,
            "errorlog": "-",
            "proc_name": "comptoir",
            "forwarded_allow_ips": os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
            "post_worker_init": settle_worker,
        }
    ).run()
